/**
 * The team view: the latest value per kind for each patient of the team,
 * flagged where it crosses the patient's threshold, and the thresholds below.
 */
import { CATEGORIES, kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { h, replace } from '../../shared/web/dom.ts';
import { api } from './api.ts';
import { main, type Page } from './context.ts';
import { sourceLink, thresholdText } from './format.ts';
import { kindName, num, when } from './i18n.ts';
import type { TeamData } from './model.ts';

type TeamRow = TeamData['patients'][number];
interface TeamList { displayName: string; patients: string[] }
/** Rows asked for at once: the service's pool does the rest. */
const ROW_CONCURRENCY = 4;

/**
 * The list is painted as soon as the team's patient list is in; each row is
 * filled when its patient's latest values arrive (4 requests in flight).
 */
export async function renderTeam(page: Page, team: string): Promise<void> {
  const { state } = page;
  replace(main(), h('p', { class: 'loading' }, '…'));
  const list = (await api<{ team: string; displayName: string; patients: string[] }>(`/dashboard/api/team/list?team=${encodeURIComponent(team)}`)).body!;
  const rows = new Map<string, TeamRow>();
  const failed = new Map<string, string>();
  const generation = ++state.teamGeneration;
  let scheduled = false;
  const draw = () => {
    scheduled = false;
    if (generation === state.teamGeneration) drawTeam(page, team, list, rows, failed);
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(draw);
    }
  };
  draw();
  const queue = [...list.patients];
  await Promise.all(Array.from({ length: Math.min(ROW_CONCURRENCY, queue.length) }, async () => {
    for (let next = queue.shift(); next && generation === state.teamGeneration; next = queue.shift()) {
      try {
        const data = (await api<TeamData>(`/dashboard/api/team?team=${encodeURIComponent(team)}&patient=${encodeURIComponent(next)}`)).body!;
        for (const p of data.patients) rows.set(p.webId, p);
      } catch (error) {
        failed.set(next, (error as Error).message);
      }
      schedule();
    }
  }));
  draw();
}

function drawTeam(page: Page, team: string, list: TeamList, rows: Map<string, TeamRow>, failed: Map<string, string>): void {
  const { state, tr } = page;
  const loaded = [...rows.values()];
  const kinds = CATEGORIES.filter((k) => loaded.some((p) => p.latest[k] || p.thresholds.some((x) => x.kind === k)
    || p.unreadable.some((u) => u.category === k && u.reason === 'forbidden')));
  const teamChooser = state.teams.length > 1
    ? h('label', {}, `${tr('team')}: `, h('select', { onchange: (e: Event) => { location.hash = `team=${(e.target as HTMLSelectElement).value}`; } },
      state.teams.map((x) => h('option', { value: x.name, selected: x.name === team }, x.displayName ?? x.name))))
    : null;
  const slug = (webId: string) => new URL(webId).pathname.split('/')[1] ?? webId;
  const done = rows.size + failed.size === list.patients.length;
  const focused = document.activeElement?.id;
  replace(main(),
    h('h2', { id: 'team-heading' }, list.displayName),
    teamChooser,
    h('p', { class: 'hint' }, tr('latestSince', { days: 14 })),
    h('div', { class: 'scroll' }, h('table', { id: 'team-table', 'aria-labelledby': 'team-heading', 'aria-busy': String(!done), 'data-loaded': rows.size },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, tr('patient')), kinds.map((k) => h('th', { scope: 'col' }, kindName(state.lang, k))))),
      h('tbody', {}, list.patients.map((webId) => {
        const p = rows.get(webId);
        const link = (name: string) => h('a', { id: `open-${slug(webId)}`, href: `#team=${encodeURIComponent(team)}&patient=${encodeURIComponent(webId)}&weeks=4` }, name);
        if (!p) {
          return h('tr', { 'data-patient': webId }, h('th', { scope: 'row' }, link(slug(webId))),
            h('td', { colspan: Math.max(1, kinds.length), class: failed.has(webId) ? 'error' : 'muted' }, failed.has(webId) ? tr('error', { detail: failed.get(webId)! }) : '…'));
        }
        return h('tr', { 'data-patient': webId, 'data-loaded': 'true' }, h('th', { scope: 'row' }, link(p.name)), kinds.map((k) => latestCell(page, p, k)));
      })))),
    h('h3', {}, tr('threshold')),
    h('ul', { id: 'thresholds' }, list.patients.flatMap((webId) => (rows.get(webId)?.thresholds ?? []).map((th) =>
      h('li', {}, `${rows.get(webId)!.name}: ${kindName(state.lang, th.kind)} ${thresholdText(page, th, kindSpec(th.kind).canonicalUnit)} — ${tr('thresholdFrom')} `, sourceLink(th.source))))));
  if (focused) document.getElementById(focused)?.focus();
}

/** One patient's latest value of one kind, or why there is none. */
function latestCell(page: Page, p: TeamRow, kind: KindId): HTMLElement {
  const { state: { lang }, tr } = page;
  const latest = p.latest[kind];
  const unreadable = p.unreadable.find((u) => u.category === kind);
  if (!latest && unreadable) return h('td', { class: 'not-shared', 'data-kind': kind }, unreadable.reason === 'forbidden' ? tr('notShared') : tr('notReadable', { reason: unreadable.reason }));
  if (!latest) return h('td', { class: 'muted', 'data-kind': kind }, tr('noValue'));
  const value = kind === 'blood-pressure' ? `${num(lang, latest.value)}/${num(lang, latest.diastolic ?? 0)}` : num(lang, latest.value);
  return h('td', { class: latest.flagged ? 'flagged' : '', 'data-kind': kind },
    latest.flagged ? h('span', { class: 'flag', title: tr('flagged') }, '⚠ ') : null,
    h('strong', {}, `${value} ${latest.unit}`),
    latest.flagged ? h('span', { class: 'visually-hidden' }, ` (${tr('flagged')})`) : null,
    h('br'), h('span', { class: 'muted small' }, when(lang, latest.effectiveTime)));
}
