/**
 * The clinician dashboard in the browser (docs/dashboard.md). Talks only to
 * the clinician service it came from, with the login cookie; never to a pod
 * directly. Views: the team (latest value per kind, threshold flags) and one
 * patient (a uPlot chart per kind, points by source, 1/4/12 weeks, mark as
 * unreliable). New measurements appear without reloading: the patient view
 * listens to /dashboard/api/live (Server-Sent Events relaying the pod
 * server's Solid Notifications) and refetches its JSON on each `change`; it
 * also polls with If-None-Match, every 15 s while the stream is open and
 * every 2 s when it is not.
 */
import { CATEGORIES, kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { h, replace } from '../../shared/web/dom.ts';
import { drawChart } from './chart.ts';
import { kindName, num, t, when, type Lang } from './i18n.ts';
import { api, HttpError, PAGE_HEADERS } from './api.ts';
import { SETTINGS, type Mark, type PatientData, type Point, type Setting, type TeamData, type Threshold } from './model.ts';

/** Polling when the live stream is not open (fallback), and as a safety net while it is. */
const POLL_MS = 2_000;
const POLL_LIVE_MS = 15_000;

const state = {
  lang: (localStorage.getItem('hv-lang') as Lang | null) ?? (navigator.language.startsWith('en') ? 'en' : 'nb') as Lang,
  webId: '',
  teams: [] as { name: string; displayName?: string; member?: boolean }[],
  hidden: new Set<Setting>(),
  open: new Set<string>(),
  poll: 0 as number | ReturnType<typeof setTimeout>,
  live: undefined as EventSource | undefined,
  /** True while the live stream is open and listens to at least one topic. */
  liveOpen: false,
  /** Bumped when a patient view starts or ends, so an old view's timers stop. */
  view: 0,
  etag: '',
  patient: undefined as PatientData | undefined,
};

const main = () => document.getElementById('main')!;
const tr = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t(state.lang, key, params);
/** Who marked a value: the writer the pod server attested (name, WebID), never what the note claims. */
const authorOf = (m: Mark) => (m.author ? (m.authorName ? `${m.authorName}, ${m.author}` : m.author) : tr('authorNotVerified'));

function params(): URLSearchParams {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

function status(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
}

// ------------------------------------------------------------------ header
function renderHeader(): void {
  const langButton = (lang: Lang, label: string) => h('button', {
    type: 'button', lang, 'aria-pressed': String(state.lang === lang),
    onclick: () => { state.lang = lang; localStorage.setItem('hv-lang', lang); void route(); },
  }, label);
  replace(document.getElementById('top')!,
    h('h1', {}, tr('title')),
    h('div', { class: 'tools' },
      h('div', { class: 'langs', role: 'group', 'aria-label': 'Språk / Language' }, langButton('nb', 'Norsk'), langButton('en', 'English')),
      state.webId ? h('span', { class: 'who' }, state.webId) : null,
      state.webId ? h('button', { type: 'button', class: 'secondary', onclick: logout }, tr('logout')) : null));
  document.documentElement.lang = state.lang;
  document.title = tr('title');
}

async function logout(): Promise<void> {
  await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: PAGE_HEADERS });
  state.webId = '';
  location.hash = '';
  await route();
}

// ------------------------------------------------------------------ routing
async function route(): Promise<void> {
  stopPolling();
  teamGeneration += 1;
  renderHeader();
  try {
    if (!state.webId) {
      const me = await fetch('/login/me', { credentials: 'same-origin', headers: PAGE_HEADERS });
      if (me.status === 401) return renderLogin();
      state.webId = ((await me.json()) as { webId: string }).webId;
      renderHeader();
    }
    if (state.teams.length === 0) {
      state.teams = (await api<{ teams: { name: string; displayName?: string; member?: boolean }[] }>('/teams')).body!.teams.filter((x) => x.member !== false);
    }
    const p = params();
    const team = p.get('team') ?? state.teams[0]?.name;
    if (!team) return replace(main(), h('p', {}, tr('error', { detail: 'no team' })));
    const patient = p.get('patient');
    if (patient) await renderPatient(team, patient, Number(p.get('weeks') ?? 4));
    else await renderTeam(team);
  } catch (error) {
    if (error instanceof HttpError && error.status === 401) return renderLogin();
    replace(main(), h('p', { class: 'error', role: 'alert' }, tr('error', { detail: (error as Error).message })));
  }
}

function renderLogin(): void {
  state.webId = '';
  renderHeader();
  replace(main(), h('h2', {}, tr('login')), h('p', {}, tr('loginIntro')),
    h('p', {}, h('a', { id: 'login', class: 'button', href: '/login?return=/' }, tr('login'))));
}

// ------------------------------------------------------------------ team view
function thresholdText(th: Threshold, unit: string): string {
  return [th.below !== undefined ? tr('below', { value: num(state.lang, th.below), unit }) : '', th.above !== undefined ? tr('above', { value: num(state.lang, th.above), unit }) : ''].filter(Boolean).join(', ');
}

function sourceLink(url: string): HTMLElement {
  const doc = url.replace(/#.*$/, '');
  return h('a', { href: doc, class: 'source', rel: 'noreferrer' }, new URL(doc).pathname);
}

type TeamRow = TeamData['patients'][number];
/** Rows asked for at once: the service's pool does the rest. */
const ROW_CONCURRENCY = 4;

/**
 * The list is painted as soon as the team's patient list is in; each row is
 * filled when its patient's latest values arrive (4 requests in flight).
 */
async function renderTeam(team: string): Promise<void> {
  replace(main(), h('p', { class: 'loading' }, '…'));
  const list = (await api<{ team: string; displayName: string; patients: string[] }>(`/dashboard/api/team/list?team=${encodeURIComponent(team)}`)).body!;
  const rows = new Map<string, TeamRow>();
  const failed = new Map<string, string>();
  const generation = ++teamGeneration;
  let scheduled = false;
  const draw = () => {
    scheduled = false;
    if (generation === teamGeneration) drawTeam(team, list, rows, failed);
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
    for (let next = queue.shift(); next && generation === teamGeneration; next = queue.shift()) {
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
let teamGeneration = 0;

function drawTeam(team: string, list: { displayName: string; patients: string[] }, rows: Map<string, TeamRow>, failed: Map<string, string>): void {
  const loaded = [...rows.values()];
  const kinds = CATEGORIES.filter((k) => loaded.some((p) => p.latest[k] || p.thresholds.some((x) => x.kind === k)
    || p.unreadable.some((u) => u.category === k && u.reason === 'forbidden')));
  const teamChooser = state.teams.length > 1
    ? h('label', {}, `${tr('team')}: `, h('select', { onchange: (e: Event) => { location.hash = `team=${(e.target as HTMLSelectElement).value}`; } },
      state.teams.map((x) => h('option', { value: x.name, selected: x.name === team }, x.displayName ?? x.name))))
    : null;
  const cell = (p: TeamRow, kind: KindId) => {
    const latest = p.latest[kind];
    const unreadable = p.unreadable.find((u) => u.category === kind);
    if (!latest && unreadable) return h('td', { class: 'not-shared', 'data-kind': kind }, unreadable.reason === 'forbidden' ? tr('notShared') : tr('notReadable', { reason: unreadable.reason }));
    if (!latest) return h('td', { class: 'muted', 'data-kind': kind }, tr('noValue'));
    const value = kind === 'blood-pressure' ? `${num(state.lang, latest.value)}/${num(state.lang, latest.diastolic ?? 0)}` : num(state.lang, latest.value);
    return h('td', { class: latest.flagged ? 'flagged' : '', 'data-kind': kind },
      latest.flagged ? h('span', { class: 'flag', title: tr('flagged') }, '⚠ ') : null,
      h('strong', {}, `${value} ${latest.unit}`),
      latest.flagged ? h('span', { class: 'visually-hidden' }, ` (${tr('flagged')})`) : null,
      h('br'), h('span', { class: 'muted small' }, when(state.lang, latest.effectiveTime)));
  };
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
        return h('tr', { 'data-patient': webId, 'data-loaded': 'true' }, h('th', { scope: 'row' }, link(p.name)), kinds.map((k) => cell(p, k)));
      })))),
    h('h3', {}, tr('threshold')),
    h('ul', { id: 'thresholds' }, list.patients.flatMap((webId) => (rows.get(webId)?.thresholds ?? []).map((th) =>
      h('li', {}, `${rows.get(webId)!.name}: ${kindName(state.lang, th.kind)} ${thresholdText(th, kindSpec(th.kind).canonicalUnit)} — ${tr('thresholdFrom')} `, sourceLink(th.source))))));
  if (focused) document.getElementById(focused)?.focus();
}

// ------------------------------------------------------------------ patient view
declare global {
  interface Window { hvLive?: { changes: number; ready: boolean } }
}

function stopPolling(): void {
  if (state.poll) clearTimeout(state.poll);
  state.poll = 0;
  state.etag = '';
  state.live?.close();
  state.live = undefined;
  state.liveOpen = false;
  state.view += 1;
}

async function loadPatient(team: string, patient: string, weeks: number): Promise<boolean> {
  const result = await api<PatientData>(`/dashboard/api/patient?team=${encodeURIComponent(team)}&patient=${encodeURIComponent(patient)}&weeks=${weeks}`,
    state.etag ? { headers: { 'if-none-match': state.etag } } : {});
  if (result.status === 304 || !result.body) return false;
  state.etag = result.etag ?? '';
  state.patient = result.body;
  return true;
}

async function renderPatient(team: string, patient: string, weeks: number): Promise<void> {
  replace(main(), h('p', { class: 'loading' }, '…'));
  state.patient = undefined;
  await loadPatient(team, patient, weeks);
  drawPatient();
  const view = ++state.view;
  let busy = false;
  let again = false;
  const refresh = async () => {
    if (state.view !== view) return;
    if (busy) { again = true; return; }
    busy = true;
    try {
      const before = state.patient?.measurements.length ?? 0;
      if (await loadPatient(team, patient, weeks)) {
        drawPatient();
        if ((state.patient?.measurements.length ?? 0) > before) status(tr('newData'));
      }
    } catch { /* the next poll tries again */ } finally {
      busy = false;
      if (again) { again = false; void refresh(); }
    }
  };
  const schedule = () => {
    if (state.poll) clearTimeout(state.poll);
    state.poll = setTimeout(async () => {
      if (!document.hidden) await refresh();
      if (state.view === view) schedule();
    }, state.liveOpen ? POLL_LIVE_MS : POLL_MS);
  };
  const counter = (window.hvLive ??= { changes: 0, ready: false });
  counter.ready = false;
  let live: EventSource | undefined;
  if (typeof EventSource === 'function') {
    live = new EventSource(`/dashboard/api/live?team=${encodeURIComponent(team)}&patient=${encodeURIComponent(patient)}`);
    state.live = live;
    live.addEventListener('ready', (e) => {
      const topics = Number((JSON.parse((e as MessageEvent).data) as { topics?: number }).topics ?? 0);
      state.liveOpen = topics > 0;
      counter.ready = state.liveOpen;
      main().setAttribute('data-live', state.liveOpen ? 'open' : 'polling');
      schedule();
    });
    live.addEventListener('change', () => {
      counter.changes += 1;
      void refresh();
    });
    live.addEventListener('error', () => {
      // The browser reconnects by itself; poll fast until the stream says it is ready again.
      if (state.live !== live) return;
      state.liveOpen = false;
      counter.ready = false;
      main().setAttribute('data-live', 'polling');
      schedule();
    });
  }
  schedule();
}

function drawPatient(): void {
  const data = state.patient;
  if (!data) return;
  const focused = document.activeElement?.id;
  const team = data.team;
  const link = (w: number) => `#team=${encodeURIComponent(team)}&patient=${encodeURIComponent(data.patient)}&weeks=${w}`;
  const byKind = new Map<KindId, Point[]>();
  for (const m of data.measurements) byKind.set(m.kind, [...(byKind.get(m.kind) ?? []), m]);
  const notShared = data.unreadable.filter((u) => u.category && u.category !== 'notes').map((u) => u.category as KindId);
  const empty = CATEGORIES.filter((k) => !byKind.has(k) && !notShared.includes(k));
  replace(main(),
    h('p', {}, h('a', { href: `#team=${encodeURIComponent(team)}` }, `← ${tr('back')}`)),
    h('h2', { id: 'patient-heading' }, data.name),
    h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    h('div', { class: 'controls' },
      h('div', { role: 'group', 'aria-label': tr('weeks'), class: 'weeks' }, h('span', {}, `${tr('weeks')}: `),
        [1, 4, 12].map((w) => h('a', { id: `weeks-${w}`, class: 'button secondary', href: link(w), 'aria-current': w === data.weeks ? 'true' : undefined }, w === 1 ? tr('week', { n: 1 }) : tr('weeksN', { n: w })))),
      h('div', { role: 'group', 'aria-label': tr('sources'), class: 'legend', id: 'legend' }, h('span', {}, `${tr('sources')}: `),
        SETTINGS.map((s) => h('button', {
          type: 'button', id: `legend-${s}`, class: `legend-item setting-${s}`, 'aria-pressed': String(!state.hidden.has(s)),
          onclick: () => { if (state.hidden.has(s)) state.hidden.delete(s); else state.hidden.add(s); drawPatient(); },
        }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), tr(s))))),
    CATEGORIES.filter((k) => byKind.has(k)).map((k) => kindSection(data, k, byKind.get(k)!)),
    notShared.length > 0 ? h('section', { id: 'not-shared', class: 'not-shared-box' },
      h('h3', {}, tr('notSharedHeading')), h('p', {}, tr('notSharedText')),
      h('ul', {}, notShared.map((k) => h('li', { 'data-kind': k }, `${kindName(state.lang, k)}: ${tr('notShared')}`)))) : null,
    empty.length > 0 ? h('p', { class: 'muted' }, tr('noData', { kinds: empty.map((k) => kindName(state.lang, k)).join(', ') })) : null);
  // The dialog lives outside <main>, so a poll's re-render never closes it while someone types.
  const dialog = document.getElementById('mark-dialog') as HTMLDialogElement | null;
  if (!dialog) document.body.append(markDialog());
  else if (!dialog.open) dialog.replaceWith(markDialog());
  if (focused) document.getElementById(focused)?.focus();
}

function kindSection(data: PatientData, kind: KindId, points: Point[]): HTMLElement {
  const unit = kindSpec(kind).canonicalUnit;
  const threshold = data.thresholds.find((x) => x.kind === kind);
  const visible = points.filter((p) => !state.hidden.has(p.setting));
  const chart = h('div', { class: 'chart', role: 'img', 'aria-label': tr('chartOf', { kind: kindName(state.lang, kind), n: visible.length }) });
  const details = h('details', { id: `values-${kind}`, open: state.open.has(kind) },
    h('summary', {}, tr('values', { n: visible.length })),
    h('div', { class: 'scroll' }, h('table', { class: 'values' },
      h('thead', {}, h('tr', {}, [tr('time'), tr('value'), tr('source'), tr('marks'), ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, [...visible].reverse().map((p) => h('tr', { 'data-iri': p.iri, 'data-setting': p.setting, 'data-value': p.value, 'data-time': p.effectiveTime, class: p.unreliable.length ? 'unreliable' : '' },
        h('td', {}, when(state.lang, p.effectiveTime)),
        h('td', {}, kind === 'blood-pressure' ? `${num(state.lang, p.value)}/${num(state.lang, p.diastolic ?? 0)} ${p.unit}` : `${num(state.lang, p.value)} ${p.unit}`),
        h('td', {}, h('span', { class: `dot setting-${p.setting}`, 'aria-hidden': 'true' }), tr(p.setting)),
        h('td', { class: 'mark-text' }, p.unreliable.map((m) => h('div', {}, tr('marked', { reason: m.reason, who: authorOf(m), when: when(state.lang, m.created) })))),
        h('td', {}, h('button', { type: 'button', class: 'small secondary', onclick: () => openMark(p) }, tr('markUnreliable')))))))));
  details.addEventListener('toggle', () => { if (details.open) state.open.add(kind); else state.open.delete(kind); });
  const section = h('section', { class: 'kind', id: `kind-${kind}`, 'data-kind': kind, 'data-count': points.length, 'aria-labelledby': `h-${kind}` },
    h('h3', { id: `h-${kind}` }, `${kindName(state.lang, kind)} ${kind === 'blood-pressure' ? tr('systolic') : ''}`),
    threshold ? h('p', { class: 'threshold' }, `${tr('threshold')}: ${thresholdText(threshold, unit)} — ${tr('thresholdFrom')} `, sourceLink(threshold.source)) : null,
    chart, details);
  requestAnimationFrame(() => drawChart(chart, data, kind, points, threshold, { lang: state.lang, hidden: state.hidden, tr }));
  return section;
}

// ------------------------------------------------------------------ mark as unreliable
let marking: Point | undefined;

function markDialog(): HTMLDialogElement {
  const reason = h('textarea', { id: 'mark-reason', required: true, maxlength: 500, rows: 3 });
  const dialog = h('dialog', { id: 'mark-dialog', 'aria-labelledby': 'mark-title' },
    h('form', { method: 'dialog', id: 'mark-form', onsubmit: (e: Event) => { e.preventDefault(); void saveMark(reason.value); } },
      h('h3', { id: 'mark-title' }, tr('markTitle')),
      h('p', { id: 'mark-what' }),
      h('label', { for: 'mark-reason' }, tr('reason')), reason,
      h('p', { id: 'mark-error', class: 'error', role: 'alert' }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', id: 'mark-save' }, tr('save')),
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, tr('cancel')))));
  return dialog;
}

function openMark(p: Point): void {
  marking = p;
  const dialog = document.getElementById('mark-dialog') as HTMLDialogElement;
  (document.getElementById('mark-what') as HTMLElement).textContent = `${kindName(state.lang, p.kind)}: ${num(state.lang, p.value)} ${p.unit}, ${when(state.lang, p.effectiveTime)}, ${tr(p.setting)}`;
  (document.getElementById('mark-reason') as HTMLTextAreaElement).value = '';
  (document.getElementById('mark-error') as HTMLElement).textContent = '';
  dialog.showModal();
}

async function saveMark(reason: string): Promise<void> {
  const data = state.patient;
  if (!marking || !data) return;
  try {
    await api('/dashboard/api/marks', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ team: data.team, patient: data.patient, measurement: marking.iri, reason }),
    });
    (document.getElementById('mark-dialog') as HTMLDialogElement).close();
    state.etag = '';
    await loadPatient(data.team, data.patient, data.weeks);
    drawPatient();
    status(tr('savedMark'));
  } catch (error) {
    (document.getElementById('mark-error') as HTMLElement).textContent = (error as Error).message;
  }
}

window.addEventListener('hashchange', () => void route());
let resizeTimer = 0;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => { if (state.patient && params().get('patient')) drawPatient(); }, 200);
});
void route();
