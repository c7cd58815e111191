/**
 * "Mine oppgaver / My tasks" (every team the clinician is in) and
 * "Oppgaver / Tasks" (one team): status (new, taken by whom, answered,
 * closed), deadline, priority, patient, sorted by urgency by the service;
 * an overdue task stands out (a class and a word, not colour alone). Take
 * and close act here; a task opens as its thread (thread-view.ts).
 */
import { h, replace } from '../../shared/web/dom.ts';
import { api } from './api.ts';
import { main, status, type Page } from './context.ts';
import { when } from './i18n.ts';
import { tt } from './i18n-tasks.ts';
import { markAllSeen, whenTasksChange } from './task-alerts.ts';
import { taskLink, type TaskRow } from './tasks-model.ts';

export function statusText(page: Page, t: TaskRow): string {
  return t.status === 'taken' ? tt(page.state.lang, 'taken', { who: t.takenByName ?? t.takenBy ?? '?' }) : tt(page.state.lang, t.status);
}

export async function act(page: Page, t: TaskRow, action: 'take' | 'close'): Promise<void> {
  try {
    await api(`/dashboard/api/tasks/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ team: t.teamName, task: t.url }) });
    await page.route();
  } catch (error) {
    status((error as Error).message);
  }
}

/** `team` undefined: "My tasks" across all the clinician's teams. */
export async function renderTasks(page: Page, team: string | undefined): Promise<void> {
  const draw = async () => {
    const path = team ? `/dashboard/api/tasks?team=${encodeURIComponent(team)}` : '/dashboard/api/tasks/mine';
    const tasks = (await api<{ tasks: TaskRow[] }>(path)).body?.tasks ?? [];
    if (!team) markAllSeen(page, tasks);
    drawTasks(page, team, tasks);
  };
  whenTasksChange(() => void draw());
  await draw();
}

function drawTasks(page: Page, team: string | undefined, tasks: readonly TaskRow[]): void {
  const { state } = page;
  const l = (key: Parameters<typeof tt>[1], params?: Record<string, string | number>) => tt(state.lang, key, params);
  const heading = team ? `${l('teamTasks')}: ${page.state.teams.find((x) => x.name === team)?.displayName ?? team}` : l('myTasks');
  const focused = document.activeElement?.id;
  replace(main(),
    h('h2', { id: 'tasks-heading' }, heading),
    h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    tasks.length === 0 ? h('p', { class: 'muted' }, l('noTasks')) : h('div', { class: 'scroll' }, h('table', { id: 'tasks', class: 'tasks', 'aria-labelledby': 'tasks-heading' },
      h('thead', {}, h('tr', {}, [l('patient'), l('task'), ...(team ? [] : [l('team')]), l('priority'), l('status'), l('deadline'), l('actions')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, tasks.map((t) => h('tr', {
        'data-task': t.url, 'data-status': t.status, 'data-priority': t.priority, class: `${t.overdue ? 'overdue' : ''} priority-${t.priority}`,
      },
        h('th', { scope: 'row' }, h('a', { href: `#team=${encodeURIComponent(t.teamName)}&patient=${encodeURIComponent(t.patient)}` }, t.patientName ?? t.patient)),
        h('td', {}, h('a', { href: taskLink(t), id: `open-${t.url.split('/').pop()}` }, l(t.type))),
        team ? null : h('td', {}, t.teamDisplayName),
        h('td', {}, h('span', { class: `pill priority-${t.priority}` }, l(t.priority))),
        h('td', { class: 'task-status' }, statusText(page, t)),
        h('td', {}, when(state.lang, t.deadline), t.overdue ? h('strong', { class: 'overdue-word' }, ` ${l('overdue')}`) : null),
        h('td', { class: 'actions' },
          t.status === 'new' ? h('button', { type: 'button', class: 'small', onclick: () => act(page, t, 'take') }, l('take')) : null,
          t.status !== 'closed' ? h('button', { type: 'button', class: 'small secondary', onclick: () => act(page, t, 'close') }, l('close')) : null)))))));
  if (focused) document.getElementById(focused)?.focus();
}
