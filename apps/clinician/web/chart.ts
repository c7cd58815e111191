/** One kind's time-series chart (uPlot): a series per source, unreliable points ringed, the threshold as a line, weeks on x. */
import uPlot from 'uplot';
import { kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import type { Lang, t } from './i18n.ts';
import { SETTINGS, STYLE, type PatientData, type Point, type Setting, type Threshold } from './model.ts';

/** What the chart needs from the page: language, hidden sources, texts. */
export interface ChartView {
  readonly lang: Lang;
  readonly hidden: ReadonlySet<Setting>;
  readonly tr: (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => string;
}

function isoWeek(seconds: number): number {
  const d = new Date(seconds * 1000);
  const day = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - day + 3);
  const firstThursday = new Date(Date.UTC(d.getUTCFullYear(), 0, 4));
  return 1 + Math.round(((d.getTime() - firstThursday.getTime()) / 86_400_000 - 3 + ((firstThursday.getUTCDay() + 6) % 7)) / 7);
}

export function drawChart(el: HTMLElement, data: PatientData, kind: KindId, points: Point[], threshold: Threshold | undefined, view: ChartView): void {
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
