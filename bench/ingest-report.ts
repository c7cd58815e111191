/**
 * How the ingest benchmark reports: a markdown summary and a small SVG plot
 * of its results (bench/ingest.ts measures). Reads the result only.
 */

/** bench/results/ingest.json, as written by bench/ingest.ts. */
type Result = Record<string, any>;

const ok = (cond: boolean) => (cond ? 'met' : 'NOT met');
const ms = (x: { p50: number; p95?: number; p90?: number; p99: number } | undefined) => (x ? `${x.p50} / ${x.p95 ?? x.p90} / ${x.p99}` : '-');

/** The summary in bench/results/ingest.md and docs/benchmarks.md. */
export function ingestMarkdown(r: Result): string {
  const { auth, baseline, ratio } = r;
  const labels = r.labels ?? { auth: 'auth', baseline: 'baseline' };
  const runRows = (r.runs as Result[]).map((run) =>
    `| ${run.run} ${run.variant} | ${run.loadAverage.atStart[0]} | ${run.single.readingsPerSecond} | ${run.batched.readingsPerSecond} | ` +
    `${ms(run.paced.ackMs)} | ${run.paced.ackMs.max} | ${run.single.cpuMsPerReading.gateway} / ${run.batched.cpuMsPerReading.gateway} / ${run.paced.cpuMsPerReading.gateway} | ` +
    `${run.paced.insideGateway.processingMs?.p99 ?? '-'} | ${run.paced.insideGateway.flushMs?.p99 ?? '-'} | ${run.paced.insideGateway.eventLoopDelayMs?.p99 ?? '-'} / ${run.paced.insideGateway.eventLoopDelayMs?.max ?? '-'} |`);
  return [
    `## Ingest`,
    '',
    `\`npm run bench -- ingest\` (bench/ingest.ts), ${r.date.slice(0, 10)}, ${r.machine.cpus} cores (${r.machine.cpu}), ` +
      `load ${r.machine.loadAverage.atStart.join('/')} at start, ${r.machine.loadAverage.atEnd.join('/')} at end. ` +
      `${r.readings} readings into ${r.monthDocuments} month documents (3 patients, 21 devices, one month) per phase, each phase on empty month documents of its own year; ` +
      `everything read back as the patients and counted. Gateway runs alternate A B B A (${r.order.join(', ')}): ` +
      (labels.auth === 'auth'
        ? '**auth** is the gateway as it runs (each request with its device\'s credential from a pairing the patient approved), ' +
          '**baseline** the same process with authentication off (bench/baseline-gateway.ts, benchmark only). '
        : `an experiment: ${labels.auth} against ${labels.baseline} (listed as auth and baseline below). `) +
      'Raw: bench/results/ingest.json, plot: bench/results/ingest.svg. ' +
      'What the figures mean: docs/gateway.md#measured and #acknowledgement-latency.',
    '',
    `| | ${labels.auth} | ${labels.baseline} | ${labels.auth} / ${labels.baseline} |`,
    '|---|---:|---:|---:|',
    `| readings/s, one per request (16 in flight) | ${auth.singleReadingsPerSecond} | ${baseline.singleReadingsPerSecond} | **${ratio.singleReadingsPerSecond}** |`,
    `| readings/s, 100 per request (4 in flight) | ${auth.batchedReadingsPerSecond} | ${baseline.batchedReadingsPerSecond} | **${ratio.batchedReadingsPerSecond}** |`,
    `| ack at ${r.runs[0].paced.rate}/s, p50 ms | ${auth.ackMs.p50} | ${baseline.ackMs.p50} | ${ratio.ackP50} |`,
    `| ack at ${r.runs[0].paced.rate}/s, p95 ms | ${auth.ackMs.p95} | ${baseline.ackMs.p95} | ${ratio.ackP95} |`,
    `| ack at ${r.runs[0].paced.rate}/s, **p99 ms** | **${auth.ackMs.p99}** | ${baseline.ackMs.p99} | ${ratio.ackP99} |`,
    `| gateway CPU ms per reading (single / batched / paced) | ${auth.gatewayCpuMsPerReading.single} / ${auth.gatewayCpuMsPerReading.batched} / ${auth.gatewayCpuMsPerReading.paced} | ` +
      `${baseline.gatewayCpuMsPerReading.single} / ${baseline.gatewayCpuMsPerReading.batched} / ${baseline.gatewayCpuMsPerReading.paced} | ${ratio.gatewayCpuPerReading} (single) |`,
    '',
    `Goals: authentication costs at most 10 % of readings/s (ratio ≥ 0.9): ${ok(ratio.singleReadingsPerSecond >= 0.9)} (single) / ${ok(ratio.batchedReadingsPerSecond >= 0.9)} (batched); ` +
      `ack p99 < 50 ms at ${r.runs[0].paced.rate}/s with authentication: ${ok(auth.ackMs.p99 < 50)}. ` +
      `Straight to CSS, one N3 Patch per reading: ${r.direct.readingsPerSecond} readings/s; the authenticated gateway is **${r.speedup}x** that with one reading per request, ` +
      `**${r.speedupBatches}x** with batches (goal 5x: ${ok(r.speedup >= 5)} / ${ok(r.speedupBatches >= 5)}).`,
    '',
    `Per trial, auth / baseline (the trial's two runs): ${trialRatios(r).join('; ')}.`,
    '',
    'Per run (load = 1-minute load average at the run\'s start; ack percentiles at the client; inside the gateway over its last 1000 requests at the paced rate: ' +
      'parsed body to 202, outbox flush = write + fdatasync, event loop delay):',
    '',
    '| run | load | single/s | batched/s | ack p50 / p95 / p99 ms | ack max | gateway CPU ms/reading (single / batched / paced) | inside p99 ms | flush p99 ms | loop delay p99 / max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...runRows,
    '',
  ].join('\n');
}

/** Each trial's ratios (runs 1-2, 3-4, ...: one auth and one baseline each, A B B A). */
function trialRatios(r: Result): string[] {
  const runs = r.runs as Result[];
  const out: string[] = [];
  for (let i = 0; i + 1 < runs.length; i += 2) {
    const a = runs.slice(i, i + 2).find((x) => x.variant === 'auth');
    const b = runs.slice(i, i + 2).find((x) => x.variant === 'baseline');
    if (!a || !b) continue;
    const q = (x: number, y: number) => (x / y).toFixed(3);
    out.push(`trial ${i / 2 + 1}: readings/s ${q(a.single.readingsPerSecond, b.single.readingsPerSecond)} single, ` +
      `${q(a.batched.readingsPerSecond, b.batched.readingsPerSecond)} batched, ack p99 ${q(a.paced.ackMs.p99, b.paced.ackMs.p99)}`);
  }
  return out;
}

/** Readings per second and acknowledgement percentiles, auth beside baseline, as a small SVG. */
export function ingestSvg(r: Result): string {
  const w = 660;
  const h = 270;
  const chartH = 160;
  const top = 55;
  const colours = { auth: '#2f6f9f', baseline: '#9aa5b1' } as const;
  const groups = (items: [string, number, number][], x0: number, span: number, max: number, unit: string) => items.map(([label, a, b], i) => {
    const x = x0 + i * span;
    return (['auth', 'baseline'] as const).map((v, j) => {
      const value = j === 0 ? a : b;
      const bh = (value / max) * chartH;
      return `<rect x="${x + j * 34}" y="${top + chartH - bh}" width="30" height="${bh}" fill="${colours[v]}"/>` +
        `<text x="${x + j * 34 + 15}" y="${top + chartH - bh - 4}" text-anchor="middle" font-size="10">${value}${unit}</text>`;
    }).join('') + `<text x="${x + 32}" y="${top + chartH + 16}" text-anchor="middle" font-size="10">${label}</text>`;
  }).join('');
  const rates: [string, number, number][] = [
    ['1/request', r.auth.singleReadingsPerSecond, r.baseline.singleReadingsPerSecond],
    ['100/request', r.auth.batchedReadingsPerSecond, r.baseline.batchedReadingsPerSecond],
  ];
  const lat: [string, number, number][] = (['p50', 'p95', 'p99'] as const).map((p) => [p, r.auth.ackMs[p], r.baseline.ackMs[p]]);
  const maxLat = Math.max(60, ...lat.flatMap((l) => [l[1], l[2]]));
  const goalY = top + chartH - (50 / maxLat) * chartH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">
<text x="20" y="20" font-weight="bold">Readings/s (${r.readings} readings)</text>
<text x="300" y="20" font-weight="bold">Ack latency at ${r.runs[0].paced.rate}/s (ms)</text>
<rect x="20" y="30" width="10" height="10" fill="${colours.auth}"/><text x="34" y="39" font-size="10">auth</text>
<rect x="70" y="30" width="10" height="10" fill="${colours.baseline}"/><text x="84" y="39" font-size="10">baseline (no auth)</text>
${groups(rates, 20, 120, Math.max(...rates.flatMap((x) => [x[1], x[2]])), '')}
${groups(lat, 300, 110, maxLat, '')}
<line x1="300" x2="${w - 10}" y1="${goalY}" y2="${goalY}" stroke="#c0392b" stroke-dasharray="4 3"/>
<text x="${w - 10}" y="${goalY - 4}" text-anchor="end" fill="#c0392b" font-size="10">goal p99 &lt; 50 ms</text>
</svg>
`;
}
