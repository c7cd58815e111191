/**
 * Query engine comparison (issue 20, before choosing the pod server query
 * endpoint's engine): Comunica, an `n3` Store with hand-planned patterns and
 * Oxigraph (WebAssembly), side by side on the same in-memory data (the query
 * benchmark's panel readings through the one mapping, bench/query-engines-data.ts):
 *
 *   (a) one patient x 90 days x 4 kinds;  (b) 100 patients x 90 days x 4 kinds.
 *
 * Per engine and dataset, in a fresh process each (bench/query-engines-child.ts):
 * load/index time, memory per million quads, and per query the first (cold)
 * run and warm p50/p95 over `runs` runs; ratios against Comunica. Every
 * engine must give the same rows for every query, or the run fails.
 * No pod server, no network: this is the engines alone.
 *
 *   npm run bench -- query-engines   (or: tsx bench/query-engines.ts [--patients 100] [--days 90] [--runs 10])
 *   tsx bench/query-engines.ts --report-only   (rewrites the Markdown from the last JSON)
 *
 * Writes bench/results/query-engines.json and .md and its section of
 * docs/benchmarks.md (other settings: query-engines-trial.*, docs left alone).
 */
import { fork } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ChildResult } from './query-engines-child.ts';
import { assertSameRows, engineDataset, engineQueries } from './query-engines-data.ts';
import { ENGINE_NAMES, type EngineName } from './query-engines-engines.ts';
import { engineMarkdown, type DatasetResult, type EnginesBenchResult } from './query-engines-report.ts';
import { writeDocsSection } from './docs-section.ts';

const RESULTS = new URL('./results/', import.meta.url);
const CHILD = fileURLToPath(new URL('./query-engines-child.ts', import.meta.url));
/** A fixed end, so every run has the same data and the same rows. */
const END = new Date('2026-11-30T12:00:00Z');

export interface EnginesBenchOptions {
  patients?: number;
  days?: number;
  /** Warm runs per query; default 10. */
  runs?: number;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function runChild(engine: EngineName, patients: number, days: number, runs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [engine, String(patients), String(days), END.toISOString(), String(runs)], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: ChildResult | undefined;
    child.on('message', (m) => { result = m as ChildResult; });
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`${engine} on ${patients} patients: exited with ${code} before reporting`))));
  });
}

async function measureDataset(name: string, patients: number, days: number, runs: number): Promise<DatasetResult> {
  const data = engineDataset(name, patients, days, END);
  const queries = engineQueries(data);
  say(`${name}: ${patients} patient(s) x ${days} days x 4 kinds = ${data.measurements} readings, ${data.quads.length} quads in ${data.documents} month documents`);
  const children: ChildResult[] = [];
  for (const engine of ENGINE_NAMES) {
    say(`  ${engine}: loading and running ${queries.length} queries (1 cold + ${runs} warm each) ...`);
    const child = await runChild(engine, patients, days, runs);
    say(`  ${engine}: load ${(child.loadMs / 1000).toFixed(2)} s, ${(child.memory.heapAndExternalBytes / 1e6).toFixed(0)} MB; `
      + child.queries.map((q) => `${q.name} cold ${q.coldMs.toFixed(0)} ms, p50 ${percentile(q.warmMs, 50).toFixed(1)} ms`).join('; '));
    children.push(child);
  }
  const rows = Object.fromEntries(queries.map((q) => [q.name, assertSameRows(`${name} ${q.name}`,
    Object.fromEntries(children.map((c) => [c.engine, c.queries.find((r) => r.name === q.name)!.rows])))]));
  say(`  same rows from every engine: ${queries.map((q) => `${q.name} ${rows[q.name]}`).join(', ')}`);
  const distinct = children[0]!.distinctQuads;
  return {
    name, patients, days, measurements: data.measurements, documents: data.documents, quads: data.quads.length, distinctQuads: distinct,
    queries: queries.map((q) => ({ name: q.name, description: q.description, rows: rows[q.name]!, sparql: q.sparql })),
    engines: children.map((c) => ({
      engine: c.engine,
      loadMs: Math.round(c.loadMs),
      memoryMB: { heapAndExternal: round(c.memory.heapAndExternalBytes / 1e6), rss: round(c.memory.rssBytes / 1e6) },
      memoryMBPerMillionQuads: { heapAndExternal: round(c.memory.heapAndExternalBytes / distinct), rss: round(c.memory.rssBytes / distinct) },
      queries: c.queries.map((q) => ({ name: q.name, coldMs: round(q.coldMs), p50Ms: round(percentile(q.warmMs, 50)), p95Ms: round(percentile(q.warmMs, 95)), runs: q.warmMs.length })),
    })),
  };
}

const round = (x: number) => Number(x.toFixed(x >= 100 ? 0 : 1));

export async function runQueryEnginesBenchmark(options: EnginesBenchOptions = {}): Promise<EnginesBenchResult> {
  const patients = options.patients ?? 100;
  const days = options.days ?? 90;
  const runs = options.runs ?? 10;
  const loadStart = loadavg().map((l) => l.toFixed(2)).join('/');
  const datasets = [
    await measureDataset('one patient', 1, days, runs),
    await measureDataset(`${patients}-patient panel`, patients, days, runs),
  ];
  const result: EnginesBenchResult = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, loadStart, loadEnd: loadavg().map((l) => l.toFixed(2)).join('/') },
    settings: { patients, days, runs, end: END.toISOString() },
    datasets,
  };
  await writeResults(result);
  return result;
}

/** The results files and (for the standard settings) the docs section; `--report-only` rewrites the Markdown from the JSON. */
async function writeResults(result: EnginesBenchResult): Promise<void> {
  const { patients, days, runs } = result.settings;
  const standard = patients === 100 && days === 90 && runs === 10;
  const stem = standard ? 'query-engines' : 'query-engines-trial';
  await mkdir(RESULTS, { recursive: true });
  await writeFile(new URL(`${stem}.json`, RESULTS), `${JSON.stringify(result, null, 2)}\n`);
  const markdown = engineMarkdown(result);
  await writeFile(new URL(`${stem}.md`, RESULTS), markdown);
  if (standard) await writeDocsSection('query-engines', markdown);
  say(`query-engines: results in bench/results/${stem}.json and .md${standard ? ', docs/benchmarks.md updated' : ''}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { patients: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' }, 'report-only': { type: 'boolean' } } });
  const run = values['report-only']
    ? readFile(new URL('query-engines.json', RESULTS), 'utf8').then((text) => writeResults(JSON.parse(text) as EnginesBenchResult))
    : runQueryEnginesBenchmark({
    patients: values.patients ? Number(values.patients) : undefined,
    days: values.days ? Number(values.days) : undefined,
    runs: values.runs ? Number(values.runs) : undefined,
  });
  run.catch((error: Error) => {
    console.error(`query-engines: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
