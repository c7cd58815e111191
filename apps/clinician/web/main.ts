/**
 * The clinician dashboard in the browser (docs/dashboard.md). Talks only to
 * the clinician service it came from, with the login cookie; never to a pod
 * directly. Views: the team (team-view.ts: latest value per kind, threshold
 * flags) and one patient (patient-view.ts: a chart per kind, 1/4/12 weeks,
 * mark as unreliable in mark-dialog.ts, ask the team in request-dialog.ts), the
 * team's tasks (tasks-view.ts, thread-view.ts, told by task-alerts.ts), kept current by live.ts. This file
 * only routes: the URL's hash names the view (`#team=…&patient=…&weeks=…`).
 */
import { h, replace } from '../../shared/web/dom.ts';
import { api, HttpError, PAGE_HEADERS } from './api.ts';
import { createPage, main, params, type Team } from './context.ts';
import { renderHeader, renderLogin } from './header.ts';
import { stopPolling } from './live.ts';
import { drawPatient, renderPatient } from './patient-view.ts';
import { renderTeam } from './team-view.ts';
import { watchTasks, whenTasksChange } from './task-alerts.ts';
import { renderTasks } from './tasks-view.ts';
import { renderThread } from './thread-view.ts';

const page = createPage(route);
const { state, tr } = page;

async function route(): Promise<void> {
  stopPolling(page);
  whenTasksChange(undefined);
  state.teamGeneration += 1;
  renderHeader(page);
  try {
    if (!state.webId) {
      const me = await fetch('/login/me', { credentials: 'same-origin', headers: PAGE_HEADERS });
      if (me.status === 401) return renderLogin(page);
      state.webId = ((await me.json()) as { webId: string }).webId;
      renderHeader(page);
    }
    if (state.teams.length === 0) {
      state.teams = (await api<{ teams: Team[] }>('/teams')).body!.teams.filter((x) => x.member !== false);
    }
    watchTasks(page);
    const p = params();
    const task = p.get('task');
    if (p.get('tasks') === 'mine') return await renderTasks(page, undefined);
    if (p.get('tasks') === 'team' && p.get('team')) return await renderTasks(page, p.get('team')!);
    if (task && p.get('team')) return await renderThread(page, p.get('team')!, task);
    const team = p.get('team') ?? state.teams[0]?.name;
    if (!team) return replace(main(), h('p', {}, tr('error', { detail: 'no team' })));
    const patient = p.get('patient');
    if (patient) await renderPatient(page, team, patient, Number(p.get('weeks') ?? 4));
    else await renderTeam(page, team);
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) return renderLogin(page);
    replace(main(), h('p', { class: 'error', role: 'alert' }, tr('error', { detail: (error as Error).message })));
  }
}

/** Charts are drawn to the width they have: redraw once the window stops changing size. */
function redrawOnResize(): void {
  let timer = 0;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => { if (state.patient && params().get('patient')) drawPatient(page); }, 200);
  });
}

window.addEventListener('hashchange', () => void route());
redrawOnResize();
void route();
