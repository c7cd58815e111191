/**
 * `npm run bench [-- name ...]`: runs Helsevev's benchmarks one after the
 * other (each starts its own pod server), writing results to bench/results/.
 * Add a benchmark with one line in BENCHMARKS. Summaries: docs/benchmarks.md.
 * Those in ON_REQUEST run only when named (`npm run bench -- query-engines`).
 */
const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  ingest: async () => (await import('./ingest.ts')).runIngestBenchmark(),
  query: async () => (await import('./query.ts')).runQueryBenchmark(),
  'pod-reads': async () => (await import('./pod-reads.ts')).runPodReadsBenchmark(),
  dashboard: async () => (await import('./dashboard.ts')).runDashboardBenchmark(),
  'query-engines': async () => (await import('./query-engines.ts')).runQueryEnginesBenchmark(),
};
/** Engine comparison for issue 20: a few minutes, no pod server; not part of the default run. */
const ON_REQUEST = new Set(['query-engines']);

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS).filter((n) => !ON_REQUEST.has(n))) {
    const started = performance.now();
    console.error(`\n== ${name} ==`);
    await BENCHMARKS[name]!();
    console.error(`== ${name}: ${((performance.now() - started) / 1000).toFixed(0)} s, results in bench/results/ ==`);
  }
}

main().catch((error: Error) => {
  console.error(`bench: ${error.stack ?? error.message}`);
  process.exit(1);
});
