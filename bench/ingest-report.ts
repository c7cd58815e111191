/**
 * How the ingest benchmark reports: a markdown summary and a small SVG plot
 * of its results (bench/ingest.ts measures).
 */

/** bench/results/ingest.json, as written by bench/ingest.ts. */
type Result = Record<string, any>;

/** The summary in bench/results/ingest.md and docs/benchmarks.md. */
export function ingestMarkdown(r: Result): string {
  const ok = (cond: boolean) => (cond ? 'met' : 'NOT met');
  return [
    `## Ingest`,
    '',
    `\`npm run bench -- ingest\` (bench/ingest.ts), ${r.date.slice(0, 10)}, ${r.machine.cpus} cores (${r.machine.cpu}), ` +
      `load ${r.machine.loadAverage.atStart.join('/')} at start, ${r.machine.loadAverage.atEnd.join('/')} at end. ` +
      `${r.readings} readings into ${r.monthDocuments} month documents (3 patients, 21 devices, one month), each write path on its own, ` +
      'empty, month documents; everything read back as the patients and counted. Raw: bench/results/ingest.json, plot: bench/results/ingest.svg. ' +
      'What the figures mean and how they vary: docs/gateway.md#measured.',
    '',
    '| write path | readings/s landed | seconds | PATCHes | landed (read back) |',
    '|---|---:|---:|---:|---:|',
    `| straight to CSS, one N3 Patch per reading (4 in flight) | ${r.direct.readingsPerSecond} | ${r.direct.seconds} | ${r.readings} | ${r.direct.landed} |`,
    `| gateway, one reading per request (16 in flight), coalesced | ${r.gateway.readingsPerSecond} | ${r.gateway.seconds} | ${r.gateway.patches} (${r.gateway.readingsPerPatch}/patch) | ${r.gateway.landed} |`,
    `| gateway, 100 readings per request (4 in flight), coalesced | ${r.gatewayBatches.readingsPerSecond} | ${r.gatewayBatches.seconds} | ${r.gatewayBatches.patches} (${r.gatewayBatches.readingsPerPatch}/patch) | ${r.gatewayBatches.landed} |`,
    '',
    `Speed-up with one reading per request: **${r.speedup}x**; with batches: **${r.speedupBatches}x** (goal 5x: ${ok(r.speedup >= 5)} / ${ok(r.speedupBatches >= 5)}).`,
    '',
    `Cores used (pod server / gateway / load generator): direct ${r.direct.coresUsed.pod}/-/${r.direct.coresUsed.loadGenerator}, ` +
      `gateway ${r.gateway.coresUsed.pod}/${r.gateway.coresUsed.gateway}/${r.gateway.coresUsed.loadGenerator}, ` +
      `batches ${r.gatewayBatches.coresUsed.pod}/${r.gatewayBatches.coresUsed.gateway}/${r.gatewayBatches.coresUsed.loadGenerator}, ` +
      `${r.acknowledgement.rate}/s ${r.acknowledgement.coresUsed.pod}/${r.acknowledgement.coresUsed.gateway}/${r.acknowledgement.coresUsed.loadGenerator}.`,
    '',
    `Acknowledgement latency at ${r.acknowledgement.rate} readings/s for ${r.acknowledgement.seconds} s (${r.acknowledgement.readings} requests): ` +
      `p50 ${r.acknowledgement.ackMs.p50} ms, p90 ${r.acknowledgement.ackMs.p90} ms, **p99 ${r.acknowledgement.ackMs.p99} ms**, max ${r.acknowledgement.ackMs.max} ms ` +
      `(goal p99 < 50 ms: ${ok(r.acknowledgement.ackMs.p99 < 50)}); delivery finished ${r.acknowledgement.deliveryLagSeconds} s after the last acknowledgement, ` +
      `in ${r.acknowledgement.patches} PATCHes; ${r.acknowledgement.landed} landed. ` +
      `Inside the gateway (last 1000 requests): headers to 202 p50 ${r.acknowledgement.insideGateway.ackMs?.p50} ms, p99 ${r.acknowledgement.insideGateway.ackMs?.p99} ms; ` +
      `parsed body to 202 p50 ${r.acknowledgement.insideGateway.processingMs?.p50} ms, p99 ${r.acknowledgement.insideGateway.processingMs?.p99} ms; ` +
      `event loop delay p99 ${r.acknowledgement.insideGateway.eventLoopDelayMs?.p99} ms, max ${r.acknowledgement.insideGateway.eventLoopDelayMs?.max} ms; ` +
      `outbox flush (write + fdatasync) p50 ${r.acknowledgement.insideGateway.flushMs?.p50} ms, p99 ${r.acknowledgement.insideGateway.flushMs?.p99} ms, ` +
      `${r.acknowledgement.insideGateway.recordsPerFlush} records per flush.`,
    '',
  ].join('\n');
}

/** Readings landed per second and acknowledgement percentiles, as a small SVG. */
export function ingestSvg(r: Result): string {
  const w = 640;
  const h = 270;
  const bars: [string, number, string][] = [
    ['direct, 1 patch/reading', r.direct.readingsPerSecond, '#9aa5b1'],
    ['gateway, 1/request', r.gateway.readingsPerSecond, '#2f6f9f'],
    ['gateway, 100/request', r.gatewayBatches.readingsPerSecond, '#1c4966'],
  ];
  const maxRate = Math.max(...bars.map((b) => b[1]));
  const lat: [string, number][] = [['p50', r.acknowledgement.ackMs.p50], ['p90', r.acknowledgement.ackMs.p90], ['p99', r.acknowledgement.ackMs.p99], ['max', r.acknowledgement.ackMs.max]];
  const maxLat = Math.max(60, ...lat.map((l) => l[1]));
  const chartH = 160;
  const top = 55;
  const rateBars = bars.map(([label, value, color], i) => {
    const bh = (value / maxRate) * chartH;
    const x = 20 + i * 105;
    return `<rect x="${x}" y="${top + chartH - bh}" width="80" height="${bh}" fill="${color}"/>` +
      `<text x="${x + 40}" y="${top + chartH - bh - 6}" text-anchor="middle">${value}/s</text>` +
      `<text x="${x + 40}" y="${top + chartH + 16}" text-anchor="middle" font-size="10">${label}</text>`;
  }).join('');
  const latBars = lat.map(([label, value], i) => {
    const bh = (value / maxLat) * chartH;
    const x = 360 + i * 65;
    return `<rect x="${x}" y="${top + chartH - bh}" width="45" height="${bh}" fill="${label === 'p99' ? '#2f6f9f' : '#9aa5b1'}"/>` +
      `<text x="${x + 22}" y="${top + chartH - bh - 6}" text-anchor="middle">${value}</text>` +
      `<text x="${x + 22}" y="${top + chartH + 16}" text-anchor="middle">${label}</text>`;
  }).join('');
  const goalY = top + chartH - (50 / maxLat) * chartH;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">
<text x="20" y="20" font-weight="bold">Readings landed per second (${r.readings} readings)</text>
<text x="350" y="20" font-weight="bold">Ack latency at ${r.acknowledgement.rate}/s (ms)</text>
${rateBars}
${latBars}
<line x1="350" x2="${w - 10}" y1="${goalY}" y2="${goalY}" stroke="#c0392b" stroke-dasharray="4 3"/>
<text x="${w - 10}" y="${goalY - 4}" text-anchor="end" fill="#c0392b" font-size="10">goal p99 &lt; 50 ms</text>
</svg>
`;
}
