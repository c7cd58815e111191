/**
 * "My data": the patient's own measurements per category, as a chart and a
 * table of the latest readings (with clinicians' "unreliable" marks), and
 * downloads of everything as Turtle and as a FHIR R4 Bundle, made in the
 * browser from the same mapping the rest of Helsevev uses.
 */
import type { Quad } from 'n3';
import { CATEGORIES, kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { fhirBundle, measurementToFhir } from '../../shared/fhir/export.ts';
import { quadsToTurtle } from '../../shared/measurement/rdf.ts';
import type { ShownMark } from '../../shared/measurement/notes.ts';
import type { StoredMeasurement } from '../../shared/measurement/types.ts';
import { formatDateTime, formatNumber } from '../i18n.ts';
import { readCategory, readEverything, readNotes, type CategoryData } from '../pod.ts';
import { lineChart } from './chart.ts';
import type { ViewContext } from './context.ts';
import { h } from '../../shared/web/dom.ts';

const DAY = 86_400_000;
const CHART_DAYS = 30;
const TABLE_ROWS = 30;

interface DataState {
  category: KindId;
  data: Map<KindId, CategoryData>;
  marks?: ShownMark[];
  downloading: boolean;
  /** The last download's object URL, revoked when the next is made. */
  lastDownload?: string;
}

const state: DataState = { category: 'blood-glucose', data: new Map(), downloading: false };

export function resetData(): void {
  state.data.clear();
  delete state.marks;
  state.downloading = false;
}

export async function loadData(ctx: ViewContext): Promise<void> {
  const [data, notes] = await Promise.all([
    state.data.get(state.category) ? Promise.resolve(state.data.get(state.category)!) : readCategory(ctx.fetch, ctx.patient, state.category),
    state.marks ? Promise.resolve({ marks: state.marks }) : readNotes(ctx.fetch, ctx.patient),
  ]);
  state.data.set(state.category, data);
  state.marks = notes.marks;
}

export const dataLoaded = () => state.data.has(state.category) && state.marks !== undefined;

const valueOf = (ctx: ViewContext, m: StoredMeasurement): string => {
  const decimals = kindSpec(m.kind).decimals;
  return m.kind === 'blood-pressure'
    ? `${formatNumber(ctx.lang, m.systolic, 0)}/${formatNumber(ctx.lang, m.diastolic, 0)} ${m.unit}`
    : `${formatNumber(ctx.lang, m.value, decimals)} ${m.unit}`;
};

function chart(ctx: ViewContext, measurements: readonly StoredMeasurement[]): Element {
  const name = kindSpec(state.category).names[ctx.lang];
  const latest = measurements.length > 0 ? Date.parse(measurements.at(-1)!.effectiveTime) : 0;
  const recent = measurements.filter((m) => Date.parse(m.effectiveTime) > latest - CHART_DAYS * DAY);
  if (recent.length === 0) return h('p', {}, ctx.t('data.chartEmpty'));
  const points = (pick: (m: StoredMeasurement) => number) => recent.map((m) => ({ t: Date.parse(m.effectiveTime), v: pick(m) }));
  const series = state.category === 'blood-pressure'
    ? [
      { name: 'systolic', className: 'a', points: points((m) => (m.kind === 'blood-pressure' ? m.systolic : 0)) },
      { name: 'diastolic', className: 'b', points: points((m) => (m.kind === 'blood-pressure' ? m.diastolic : 0)) },
    ]
    : [{ name, className: 'a', points: points((m) => (m.kind === 'blood-pressure' ? 0 : m.value)) }];
  const decimals = kindSpec(state.category).decimals;
  return h('figure', { class: 'chart-box' },
    lineChart(series, ctx.t('data.chart', { category: name, days: CHART_DAYS }), (v) => formatNumber(ctx.lang, v, decimals),
      (t) => new Intl.DateTimeFormat(ctx.lang === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'Europe/Oslo' }).format(new Date(t))),
    h('figcaption', {}, ctx.t('data.chart', { category: name, days: CHART_DAYS })),
  );
}

function table(ctx: ViewContext, measurements: readonly StoredMeasurement[]): HTMLElement {
  const latest = [...measurements].reverse().slice(0, TABLE_ROWS);
  const marks = state.marks ?? [];
  const name = kindSpec(state.category).names[ctx.lang];
  return h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': 'data-caption', tabindex: 0 },
    h('table', { class: 'list', id: 'measurements' },
      h('caption', { id: 'data-caption' }, ctx.t('data.tableCaption', { category: name, count: latest.length })),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, ctx.t('data.time')),
        h('th', { scope: 'col' }, ctx.t('data.value')),
        h('th', { scope: 'col' }, ctx.t('data.setting')),
      )),
      h('tbody', {}, latest.map((m) => {
        const notes = marks.filter((n) => n.measurement === m.iri);
        return h('tr', {},
          h('td', {}, h('time', { datetime: m.effectiveTime }, formatDateTime(ctx.lang, m.effectiveTime))),
          h('td', {}, valueOf(ctx, m), notes.map((n) => h('div', { class: 'mark' }, ctx.t('data.unreliable', { reason: n.reason })))),
          h('td', {}, ctx.t(`data.setting.${m.setting}`)),
        );
      })),
    ),
  );
}

function save(ctx: ViewContext, name: string, type: string, text: string): void {
  if (state.lastDownload) URL.revokeObjectURL(state.lastDownload);
  const url = URL.createObjectURL(new Blob([text], { type }));
  state.lastDownload = url;
  const link = h('a', { href: url, download: name, class: 'hidden-link' });
  document.body.append(link);
  link.click();
  link.remove();
  void ctx;
}

async function download(ctx: ViewContext, format: 'turtle' | 'fhir'): Promise<void> {
  if (state.downloading) return;
  state.downloading = true;
  ctx.status(ctx.t('loading'));
  ctx.rerender();
  try {
    const all = await readEverything(ctx.fetch, ctx.patient);
    const measurements = all.categories.flatMap((c) => c.measurements);
    const day = new Date().toISOString().slice(0, 10);
    const who = ctx.patient.pod.replace(/\/$/, '').replace(/^.*\//, '') || 'pod';
    let file: string;
    if (format === 'turtle') {
      const quads: Quad[] = [...all.categories.flatMap((c) => c.quads), ...all.notes.quads, ...all.consentQuads];
      file = `helsevev-${who}-${day}.ttl`;
      save(ctx, file, 'text/turtle', await quadsToTurtle(quads));
    } else {
      const bundle = fhirBundle(measurements.map((m) => measurementToFhir(m, all.notes.marks)), 'collection');
      file = `helsevev-${who}-${day}.fhir.json`;
      save(ctx, file, 'application/fhir+json', `${JSON.stringify(bundle, null, 2)}\n`);
    }
    ctx.status(ctx.t('data.download.ready', { file, count: measurements.length }));
  } catch (error) {
    ctx.fail(error, () => void download(ctx, format));
  } finally {
    state.downloading = false;
    ctx.rerender();
  }
}

export function renderData(ctx: ViewContext): HTMLElement {
  const data = state.data.get(state.category);
  const measurements = data?.measurements ?? [];
  const select = h('select', {
    id: 'category',
    'data-focus': 'category',
    onchange: (event: Event) => {
      state.category = (event.target as HTMLSelectElement).value as KindId;
      ctx.rerender();
    },
  }, CATEGORIES.map((c) => h('option', { value: c, selected: c === state.category }, kindSpec(c).names[ctx.lang])));
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('data.heading')),
    h('div', { class: 'field' }, h('label', { for: 'category' }, ctx.t('data.category')), select),
    !data
      ? h('p', { class: 'loading' }, ctx.t('loading'))
      : measurements.length === 0
        ? h('p', {}, ctx.t('data.empty'))
        : [
          h('p', {}, ctx.t('data.count', { count: measurements.length, when: formatDateTime(ctx.lang, measurements.at(-1)!.effectiveTime) })),
          chart(ctx, measurements),
          table(ctx, measurements),
        ],
    h('section', { 'aria-labelledby': 'download-h', class: 'panel' },
      h('h3', { id: 'download-h' }, ctx.t('data.download.heading')),
      h('p', {}, ctx.t('data.download.intro')),
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'download-turtle', 'data-focus': 'download-turtle', disabled: state.downloading, onclick: () => void download(ctx, 'turtle') }, ctx.t('data.download.turtle')),
        h('button', { type: 'button', id: 'download-fhir', 'data-focus': 'download-fhir', disabled: state.downloading, onclick: () => void download(ctx, 'fhir') }, ctx.t('data.download.fhir')),
      ),
    ),
  );
}
