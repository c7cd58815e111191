/**
 * One patient: their self-treatment plan (plan-view.ts), a uPlot chart per
 * kind with points by source, 1/4/12 weeks, each value's table with "mark as
 * unreliable", and what the patient has not shared. Kept current by live.ts. The page that asks for the points also
 * draws them: one file for the last step of a reading's path (docs/architecture.md).
 */
import uPlot from 'uplot';
import { CATEGORIES, kindSpec, SCORE_KINDS, type KindId } from '../../../vocab/catalogue.ts';
import { scoreAnswersSection } from './score-answers.ts';
import { h, replace } from '../../shared/web/dom.ts';
import { api } from './api.ts';
import { main, status, type Page, type Tr } from './context.ts';
import { sourceLink, statedSource, thresholdText } from './format.ts';
import { kindName, num, when, type Lang } from './i18n.ts';
import { followPatient } from './live.ts';
import { openMark, placeMarkDialog } from './mark-dialog.ts';
import { planSection } from './plan-view.ts';
import { openRequest } from './request-dialog.ts';
import { tt } from './i18n-tasks.ts';
import { SETTINGS, STYLE, type Mark, type PatientData, type Point, type Setting, type Threshold } from './model.ts';

/** Fetches the patient's data unless it is unchanged since the last fetch (ETag); true when new. */
async function loadPatient(page: Page, team: string, patient: string, weeks: number): Promise<boolean> {
  const { state } = page;
  const result = await api<PatientData>(`/dashboard/api/patient?team=${encodeURIComponent(team)}&patient=${encodeURIComponent(patient)}&weeks=${weeks}`,
    state.etag ? { headers: { 'if-none-match': state.etag } } : {});
  if (result.status === 304 || !result.body) return false;
  state.etag = result.etag ?? '';
  state.patient = result.body;
  return true;
}

export async function renderPatient(page: Page, team: string, patient: string, weeks: number): Promise<void> {
  const { state, tr } = page;
  replace(main(), h('p', { class: 'loading' }, '…'));
  state.patient = undefined;
  await loadPatient(page, team, patient, weeks);
  drawPatient(page);
  followPatient(page, team, patient, async () => {
    const before = state.patient?.measurements.length ?? 0;
    if (await loadPatient(page, team, patient, weeks)) {
      drawPatient(page);
      if ((state.patient?.measurements.length ?? 0) > before) status(tr('newData'));
    }
  });
}

/** After a mark is saved: fetch again (no ETag: the mark must show) and say so. */
async function reloadAfterMark(page: Page): Promise<void> {
  const data = page.state.patient;
  if (!data) return;
  page.state.etag = '';
  await loadPatient(page, data.team, data.patient, data.weeks);
  drawPatient(page);
  status(page.tr('savedMark'));
}

export function drawPatient(page: Page): void {
  const { state, tr } = page;
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
    h('p', {}, h('button', { type: 'button', id: 'ask-advice', onclick: () => openRequest(page) }, tt(state.lang, 'askAdvice'))),
    h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    h('div', { class: 'controls' },
      h('div', { role: 'group', 'aria-label': tr('weeks'), class: 'weeks' }, h('span', {}, `${tr('weeks')}: `),
        [1, 4, 12].map((w) => h('a', { id: `weeks-${w}`, class: 'button secondary', href: link(w), 'aria-current': w === data.weeks ? 'true' : undefined }, w === 1 ? tr('week', { n: 1 }) : tr('weeksN', { n: w })))),
      h('div', { role: 'group', 'aria-label': tr('sources'), class: 'legend', id: 'legend' }, h('span', {}, `${tr('sources')}: `),
        SETTINGS.map((s) => h('button', {
          type: 'button', id: `legend-${s}`, class: `legend-item setting-${s}`, 'aria-pressed': String(!state.hidden.has(s)),
          onclick: () => { if (state.hidden.has(s)) state.hidden.delete(s); else state.hidden.add(s); drawPatient(page); },
        }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), tr(s))))),
    planSection(page, team, data.patient),
    CATEGORIES.filter((k) => byKind.has(k)).map((k) => kindSection(page, data, k, byKind.get(k)!)),
    notShared.length > 0 ? h('section', { id: 'not-shared', class: 'not-shared-box' },
      h('h3', {}, tr('notSharedHeading')), h('p', {}, tr('notSharedText')),
      h('ul', {}, notShared.map((k) => h('li', { 'data-kind': k }, `${kindName(state.lang, k)}: ${tr('notShared')}`)))) : null,
    empty.length > 0 ? h('p', { class: 'muted' }, tr('noData', { kinds: empty.map((k) => kindName(state.lang, k)).join(', ') })) : null);
  placeMarkDialog(page, () => reloadAfterMark(page));
  if (focused) document.getElementById(focused)?.focus();
}

function kindSection(page: Page, data: PatientData, kind: KindId, points: Point[]): HTMLElement {
  const { state, tr } = page;
  /** Who marked a value: the writer the pod server attested (name, WebID), never what the note claims. */
  const authorOf = (m: Mark) => (m.author ? (m.authorName ? `${m.authorName}, ${m.author}` : m.author) : tr('authorNotVerified'));
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
        h('td', {}, h('span', { class: `dot setting-${p.setting}`, 'aria-hidden': 'true' }), tr(p.setting), statedSource(page, p)),
        h('td', { class: 'mark-text' }, p.unreliable.map((m) => h('div', {}, tr('marked', { reason: m.reason, who: authorOf(m), when: when(state.lang, m.created) })))),
        h('td', {}, h('button', { type: 'button', class: 'small secondary', onclick: () => openMark(page, p) }, tr('markUnreliable')))))))));
  details.addEventListener('toggle', () => { if (details.open) state.open.add(kind); else state.open.delete(kind); });
  const section = h('section', { class: 'kind', id: `kind-${kind}`, 'data-kind': kind, 'data-count': points.length, 'aria-labelledby': `h-${kind}` },
    h('h3', { id: `h-${kind}` }, `${kindName(state.lang, kind)} ${kind === 'blood-pressure' ? tr('systolic') : ''}`),
    threshold ? h('p', { class: 'threshold' }, `${tr('threshold')}: ${thresholdText(page, threshold, unit)} — ${tr('thresholdFrom')} `, sourceLink(threshold.source)) : null,
    chart, SCORE_KINDS.includes(kind) ? scoreAnswersSection(state.lang, kind, visible) : null, details);
  requestAnimationFrame(() => drawChart(chart, data, kind, points, threshold, { lang: state.lang, hidden: state.hidden, tr }));
  return section;
}

// --- the chart: One kind's time-series chart (uPlot): a series per source, unreliable points ringed, the threshold as a line, weeks on x.
/** What the chart needs from the page: language, hidden sources, texts. */
interface ChartView {
  readonly lang: Lang;
  readonly hidden: ReadonlySet<Setting>;
  readonly tr: Tr;
}

function isoWeek(seconds: number): number {
  const d = new Date(seconds * 1000);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  return 1 + Math.round(((d.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
}

function drawChart(el: HTMLElement, data: PatientData, kind: KindId, points: Point[], threshold: Threshold | undefined, view: ChartView): void {
  const { tr } = view;
  if (!el.isConnected) return;
  const xs = [...new Set(points.map((p) => Date.parse(p.effectiveTime) / 1000))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const column = (pick: (p: Point) => boolean) => {
    const ys: (number | null)[] = xs.map(() => null);
    for (const p of points) if (pick(p)) ys[index.get(Date.parse(p.effectiveTime) / 1000)!] = p.value;
    return ys;
  };
  const now = Date.now() / 1000;
  const min = now - data.weeks * 7 * 86_400;
  const limit = threshold?.below ?? threshold?.above;
  const series: uPlot.Series[] = [{}];
  const columns: (number | null)[][] = [xs];
  for (const s of SETTINGS) {
    series.push({ label: tr(s), stroke: STYLE[s].colour, dash: STYLE[s].dash, width: 1.5, spanGaps: true, show: !view.hidden.has(s), points: { show: true, size: STYLE[s].size, fill: STYLE[s].colour } });
    columns.push(column((p) => p.setting === s));
  }
  series.push({ label: tr('unreliableSeries'), stroke: '#a12622', width: 0, paths: () => null, points: { show: true, size: 18, width: 2.5, fill: 'transparent', stroke: '#a12622' } });
  columns.push(column((p) => p.unreliable.length > 0 && !view.hidden.has(p.setting)));
  if (limit !== undefined) {
    series.push({ label: tr('thresholdSeries'), stroke: '#a12622', dash: [8, 6], width: 1, points: { show: false } });
    columns.push(xs.map(() => limit));
  }
  const values = points.map((p) => p.value).concat(limit !== undefined ? [limit] : []);
  const pad = Math.max(1, (Math.max(...values) - Math.min(...values)) * 0.1);
  const width = Math.max(280, el.clientWidth || 600);
  const day = 86_400;
  new uPlot({
    width, height: 260,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, min, max: now }, y: { range: [Math.min(...values) - pad, Math.max(...values) + pad] } },
    axes: [
      {
        splits: (_u, _i, lo, hi) => {
          const step = data.weeks === 1 ? day : 7 * day;
          const start = new Date(lo * 1000);
          // Mondays (or every day for one week), at Oslo-ish midnight UTC
          const first = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()) / 1000;
          const out: number[] = [];
          for (let x = first; x <= hi; x += day) if (x >= lo && (step === day || new Date(x * 1000).getUTCDay() === 1)) out.push(x);
          return out;
        },
        values: (_u, splits) => splits.map((s) => (data.weeks === 1
          ? new Intl.DateTimeFormat(view.lang === 'nb' ? 'nb-NO' : 'en-GB', { weekday: 'short', day: 'numeric', timeZone: 'Europe/Oslo' }).format(new Date(s * 1000))
          : `${tr('weekLabel')} ${isoWeek(s)}`)),
      },
      { label: kindSpec(kind).canonicalUnit, size: 50 },
    ],
    series,
  }, columns as uPlot.AlignedData, el);
}
