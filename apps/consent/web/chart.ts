/**
 * A small line chart as inline SVG (no library, nothing inline for the CSP
 * to forbid): one or two series over time with the first and last value and
 * the date range labelled. It is a picture of the table beside it, so it is
 * an img with a text alternative; the table holds the numbers.
 */
import { svg } from '../../shared/web/dom.ts';

export interface Series {
  readonly name: string;
  readonly points: readonly { readonly t: number; readonly v: number }[];
  readonly className: string;
}

const W = 640;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 28 };

export function lineChart(series: readonly Series[], label: string, format: (v: number) => string, formatTime: (t: number) => string): SVGElement {
  const all = series.flatMap((s) => s.points);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart', preserveAspectRatio: 'none' });
  if (all.length === 0) return root;
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t), t0 + 1);
  let v0 = Math.min(...all.map((p) => p.v));
  let v1 = Math.max(...all.map((p) => p.v));
  if (v1 - v0 < 1e-9) { v0 -= 1; v1 += 1; }
  const margin = (v1 - v0) * 0.1;
  v0 -= margin; v1 += margin;
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - v0) / (v1 - v0)) * (H - PAD.top - PAD.bottom);

  root.append(
    svg('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis' }),
    svg('text', { x: PAD.left - 6, y: y(v1 - margin) + 4, 'text-anchor': 'end', class: 'tick' }, format(v1 - margin)),
    svg('text', { x: PAD.left - 6, y: y(v0 + margin) + 4, 'text-anchor': 'end', class: 'tick' }, format(v0 + margin)),
    svg('text', { x: PAD.left, y: H - 8, class: 'tick' }, formatTime(t0)),
    svg('text', { x: W - PAD.right, y: H - 8, 'text-anchor': 'end', class: 'tick' }, formatTime(t1)),
  );
  for (const s of series) {
    const points = [...s.points].sort((a, b) => a.t - b.t);
    root.append(svg('polyline', {
      points: points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '),
      class: `series ${s.className}`,
    }));
  }
  return root;
}
