/**
 * One engine on one dataset, in a process of its own (forked by
 * bench/query-engines.ts with --expose-gc), so that its memory, its first
 * query and its garbage are its own: generates the dataset, loads it into the
 * engine (timed), measures memory after a full GC, runs every query once cold
 * and then `runs` times warm, and sends the timings and rows to the parent.
 *
 * Arguments: engine patients days endIso runs. Never writes files.
 */
import { engineDataset, engineQueries } from './query-engines-data.ts';
import { engineUnderTest, ENGINE_NAMES, type EngineName } from './query-engines-engines.ts';

export interface ChildQueryResult {
  readonly name: string;
  readonly coldMs: number;
  readonly warmMs: number[];
  readonly rows: string[];
}

export interface ChildResult {
  readonly engine: EngineName;
  readonly quads: number;
  readonly distinctQuads: number;
  readonly loadMs: number;
  /** Growth after the load and a full GC: V8 heap + external (WebAssembly memory is external), and resident set size. */
  readonly memory: { heapAndExternalBytes: number; rssBytes: number };
  readonly queries: ChildQueryResult[];
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with --expose-gc (bench/query-engines.ts does)');
  collect();
  collect();
}

const heapAndExternal = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };

async function main(): Promise<void> {
  const [engineName, patients, days, endIso, runs] = process.argv.slice(2);
  if (!ENGINE_NAMES.includes(engineName as EngineName)) throw new Error(`unknown engine ${engineName}; known: ${ENGINE_NAMES.join(', ')}`);
  const data = engineDataset('child', Number(patients), Number(days), new Date(endIso!));
  const engine = engineUnderTest(engineName as EngineName);

  gc();
  const before = { heap: heapAndExternal(), rss: process.memoryUsage().rss };
  const started = performance.now();
  await engine.load(data.quads);
  const loadMs = performance.now() - started;
  gc();
  const memory = { heapAndExternalBytes: heapAndExternal() - before.heap, rssBytes: process.memoryUsage().rss - before.rss };

  const queries: ChildQueryResult[] = [];
  for (const query of engineQueries(data)) {
    let t = performance.now();
    const rows = await engine.rows(query);
    const coldMs = performance.now() - t;
    const warmMs: number[] = [];
    for (let i = 0; i < Number(runs); i++) {
      t = performance.now();
      const again = await engine.rows(query);
      warmMs.push(performance.now() - t);
      if (again.length !== rows.length) throw new Error(`${engineName} ${query.name}: ${again.length} rows on run ${i + 2}, ${rows.length} on the first`);
    }
    queries.push({ name: query.name, coldMs, warmMs, rows });
  }
  const result: ChildResult = { engine: engine.name, quads: data.quads.length, distinctQuads: engine.size(), loadMs, memory, queries };
  process.send!(result);
  void data; // the source quads stay alive until here, so the memory growth above is the index's alone
}

main().catch((error: Error) => {
  console.error(`query-engines child: ${error.stack ?? error.message}`);
  process.exit(1);
});
