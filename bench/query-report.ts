/**
 * The query benchmark's result: its JSON shape, the Markdown table for
 * bench/results/query.md (and docs/benchmarks.md), and a small SVG of p50/p95.
 */

export interface Runs {
  readonly n: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** HTTP requests per query (mean over runs). */
  readonly requests: number;
  /** Rows of the answer (for the floor: quads parsed). */
  readonly rows: number;
  /** Runs that hit the time limit. */
  readonly timedOut?: number;
  /** Planned query only, p50, from the start: every pod found; every document in (overlapping); then dataset + Comunica. */
  readonly breakdown?: { readonly discoveryMs: number; readonly fetchMs: number; readonly queryMs: number };
}

export interface QueryResult {
  readonly name: string;
  readonly description: string;
  /** Documents read by the planned query (and fetched by the floor). */
  readonly documents: number;
  /** Documents planned (read, missing or forbidden). */
  readonly planned: number;
  readonly cold: Runs;
  readonly warm: Runs;
  readonly floor: Runs;
  readonly traversal: Runs;
  readonly traversalFromListOnly: Runs;
}

export interface QueryBenchResult {
  readonly date: string;
  readonly machine: { readonly cpus: number; readonly node: string; readonly loadAtStart: string };
  readonly panel: { readonly patients: number; readonly days: number; readonly kinds: number; readonly measurements: number; readonly documents: number; readonly buildSeconds: number };
  readonly concurrency: number;
  readonly queries: readonly QueryResult[];
}

const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`);
const ratio = (a: number, b: number) => (b === 0 ? '-' : `${(a / b).toFixed(2)}x`);

export function markdown(r: QueryBenchResult): string {
  const lines = [
    '## Clinician queries',
    '',
    `\`npm run bench -- query\` (bench/query.ts), ${r.date.slice(0, 10)}, ${r.machine.cpus} cores, Node ${r.machine.node}, load ${r.machine.loadAtStart} at start. ` +
      `Panel on one CSS: ${r.panel.patients} patients x ${r.panel.days} days x ${r.panel.kinds} kinds = ${r.panel.measurements} measurements in ` +
      `${r.panel.documents} month documents (built in ${r.panel.buildSeconds} s). As the municipal nurse, with her own credentials; ${r.concurrency} requests in flight; ` +
      'the pod server\'s access log is on (every read is logged). Raw: bench/results/query.json, plot: bench/results/query.svg; what it means: docs/clinician-queries.md#measured.',
    '',
  ];
  for (const q of r.queries) {
    const row = (name: string, x: Runs) =>
      `| ${name} | ${x.n} | ${s(x.p50Ms)} | ${s(x.p95Ms)} | ${x.requests} | ${x.rows}${x.timedOut ? ` (${x.timedOut} timed out)` : ''} |`;
    lines.push(
      `### ${q.name}: ${q.description}`,
      '',
      `${q.documents} month documents read (${q.planned} planned).`,
      '',
      '| method | runs | p50 | p95 | HTTP requests / query | rows |',
      '|---|---:|---:|---:|---:|---:|',
      row('(a) planned, cold', q.cold),
      row('(a) planned, warm (ETag, 304)', q.warm),
      row('(c) floor: fetch + parse the same documents', q.floor).replace(/\| (\d+) \|$/, '| $1 quads |'),
      row('(b) link traversal, team list + containers', q.traversal),
      row('(b) link traversal, team list only', q.traversalFromListOnly),
      '',
      ...(['cold', 'warm'] as const).map((k) => q[k].breakdown ? `Where (a) ${k} spends its time (p50, from the start): every pod found at ${s(q[k].breakdown!.discoveryMs)}, every document in at ${s(q[k].breakdown!.fetchMs)} (the two overlap), then ${s(q[k].breakdown!.queryMs)} for the dataset and Comunica.` : ''),
      '',
      `(a)/(c) at p50: cold **${ratio(q.cold.p50Ms, q.floor.p50Ms)}**, warm **${ratio(q.warm.p50Ms, q.floor.p50Ms)}** (goal within 1.5x: ` +
        `${q.cold.p50Ms <= 1.5 * q.floor.p50Ms ? 'met' : 'NOT met'} cold / ${q.warm.p50Ms <= 1.5 * q.floor.p50Ms ? 'met' : 'NOT met'} warm). ` +
        `(b)/(a) at p50: **${ratio(q.traversal.p50Ms, q.cold.p50Ms)}** vs cold, **${ratio(q.traversal.p50Ms, q.warm.p50Ms)}** vs warm ` +
        `(goal at least 10x: ${q.traversal.p50Ms >= 10 * q.cold.p50Ms ? 'met' : 'NOT met'} vs cold)` +
        `${q.traversal.timedOut ? '; traversal timed out, so the true ratio is larger' : ''}.`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function svg(r: QueryBenchResult): string {
  const methods: [string, keyof Pick<QueryResult, 'cold' | 'warm' | 'floor' | 'traversal'>, string][] = [
    ['(a) planned, cold', 'cold', '#2b6cb0'], ['(a) planned, warm', 'warm', '#63b3ed'], ['(c) floor', 'floor', '#718096'], ['(b) link traversal', 'traversal', '#c05621'],
  ];
  const rowH = 22;
  const groupH = methods.length * rowH + 34;
  const w = 960;
  const left = 180;
  const h = r.queries.length * groupH + 40;
  const parts: string[] = [];
  r.queries.forEach((q, gi) => {
    const max = Math.max(...methods.map(([, k]) => q[k].p95Ms), 1);
    const scale = (ms: number) => (Math.log10(1 + ms) / Math.log10(1 + max)) * (w - left - 300);
    const y0 = 30 + gi * groupH;
    parts.push(`<text x="10" y="${y0}" font-weight="bold">${q.name} (${q.documents} documents; log scale)</text>`);
    methods.forEach(([label, key, colour], i) => {
      const y = y0 + 10 + i * rowH;
      const x = q[key];
      parts.push(
        `<text x="10" y="${y + 14}">${label}</text>`,
        `<rect x="${left}" y="${y + 3}" width="${scale(x.p50Ms).toFixed(1)}" height="14" fill="${colour}"/>`,
        `<line x1="${(left + scale(x.p50Ms)).toFixed(1)}" x2="${(left + scale(x.p95Ms)).toFixed(1)}" y1="${y + 10}" y2="${y + 10}" stroke="#000"/>`,
        `<text x="${(left + scale(x.p95Ms) + 6).toFixed(1)}" y="${y + 14}">${s(x.p50Ms)} (p95 ${s(x.p95Ms)}), ${x.requests} req${x.timedOut ? ', timed out' : ''}</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="16" font-size="13">Clinician query: p50 bar, p95 whisker (${r.panel.patients} patients x ${r.panel.days} days x ${r.panel.kinds} kinds, one CSS)</text>
${parts.join('\n')}
</svg>
`;
}
