/**
 * Query benchmark: the clinician's planned SPARQL against the baselines, on a
 * generated panel (100 patients x 90 days x 4 kinds, bench/query-panel.ts) on
 * one CSS, all in the same run, as the municipal nurse (nilsen) with her own
 * client credentials:
 *
 *   (a) planned: ClinicianQueryEngine, cold (empty caches: team list,
 *       profiles, every document fetched) and warm (ETag revalidation, 304s);
 *   (b) link traversal: Comunica's query-sparql-link-traversal-solid (the
 *       peer's way; its own package in bench/link-traversal/), seeded with the
 *       team list, and - because the pods' storage roots and type indexes are
 *       owner-only, so traversal from the list alone finds nothing - also
 *       with the category containers the nurse may list;
 *   (c) the floor: the month documents (a) read, fetched with the same
 *       credentials and concurrency and parsed with n3, no query.
 *
 *   npm run bench -- query    (or: tsx bench/query.ts [--patients 100] [--days 90] [--runs 10])
 *
 * Writes bench/results/query.json, query.md and query.svg, and its section of
 * docs/benchmarks.md (runs with other settings: bench/results/query-trial.*,
 * docs left alone).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Parser } from 'n3';
import { ClinicianQueryEngine, type QueryAnswer } from '../apps/clinician/engine/engine.ts';
import { categoryContainer } from '../apps/shared/measurement/index.ts';
import { openPodSession, type PodSession } from '../apps/shared/pod-session.ts';
import { teamListOf } from '../pod-server/world/teams.ts';
import { startTestWorld } from '../test/support/test-world.ts';
import { buildPanel, PANEL_KINDS, PANEL_TEAM, type Panel } from './query-panel.ts';
import { writeDocsSection } from './docs-section.ts';
import { markdown, svg, type QueryBenchResult, type QueryResult, type Runs } from './query-report.ts';

const RESULTS = new URL('./results/', import.meta.url);
const TRAVERSAL_DIR = new URL('./link-traversal/', import.meta.url);
const HOUR = 3600_000;

export interface QueryBenchOptions {
  patients?: number;
  days?: number;
  /** Runs of (a) cold, (a) warm and (c); default 10. */
  runs?: number;
  /** Runs of (b) per seeding; default 2. */
  traversalRuns?: number;
  /** Give up on one link traversal run after this long; default 120 s. */
  traversalTimeoutSeconds?: number;
}

const log = (line: string) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${line}${process.stderr.isTTY ? '' : '\n'}`);
const done = (line: string) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${line}\n`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

type Sample = { ms: number; requests: number; rows: number; timedOut?: boolean; stats?: { discoveryMs: number; fetchMs: number; queryMs: number } };

function runs(samples: Sample[]): Runs {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const p50 = (key: 'discoveryMs' | 'fetchMs' | 'queryMs') => percentile(samples.map((s) => s.stats![key]).sort((a, b) => a - b), 50);
  return {
    ...(samples[0]?.stats ? { breakdown: { discoveryMs: p50('discoveryMs'), fetchMs: p50('fetchMs'), queryMs: p50('queryMs') } } : {}),
    n: samples.length,
    p50Ms: Math.round(percentile(ms, 50)),
    p95Ms: Math.round(percentile(ms, 95)),
    requests: Math.round(samples.reduce((n, s) => n + s.requests, 0) / samples.length),
    rows: samples[0]?.rows ?? 0,
    ...(samples.some((s) => s.timedOut) ? { timedOut: samples.filter((s) => s.timedOut).length } : {}),
  };
}

/** A planned run: pods found at discoveryMs, every document in at fetchMs (both from the start), then the query (dataset, Comunica, rows). */
function sample(started: number, answer: QueryAnswer, rows: number): Sample {
  const ms = performance.now() - started;
  const { discoveryMs, fetchMs } = answer.stats;
  return { ms, requests: answer.stats.requests, rows, stats: { discoveryMs, fetchMs, queryMs: Math.round(ms - fetchMs) } };
}

/** A fetch that counts its requests. */
function counting(f: typeof fetch): { fetch: typeof fetch; count: () => number } {
  let n = 0;
  return { fetch: ((input: RequestInfo | URL, init?: RequestInit) => { n += 1; return f(input, init); }) as typeof fetch, count: () => n };
}

async function rowsOf(engine: ClinicianQueryEngine, answer: QueryAnswer): Promise<number> {
  return (await engine.solutions(answer)).rows.length;
}

/** (c): the same documents, same credentials and concurrency, parsed, no query. */
async function floor(urls: readonly string[], session: PodSession, concurrency: number): Promise<{ ms: number; requests: number; rows: number }> {
  const started = performance.now();
  let next = 0;
  let quads = 0;
  let requests = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < urls.length) {
      const url = urls[next++]!;
      requests += 1;
      const response = await session.fetch(url, { headers: { accept: 'text/turtle' } });
      if (response.ok) quads += new Parser({ baseIRI: url }).parse(await response.text()).length;
      else await response.body?.cancel();
    }
  }));
  return { ms: performance.now() - started, requests, rows: quads };
}

function traversalEngine(): new () => { queryBindings(q: string, ctx: Record<string, unknown>): Promise<{ toArray(): Promise<unknown[]>; destroy?: () => void; on(e: string, f: (x: unknown) => void): void }> } {
  if (!existsSync(new URL('node_modules/@comunica/query-sparql-link-traversal-solid', TRAVERSAL_DIR))) {
    done('installing the link traversal baseline (bench/link-traversal, its own lockfile) ...');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: TRAVERSAL_DIR, stdio: 'inherit' });
  }
  const require = createRequire(new URL('package.json', TRAVERSAL_DIR));
  return require('@comunica/query-sparql-link-traversal-solid').QueryEngine;
}

/** (b): one link traversal run, with a time limit. */
async function traverse(Engine: ReturnType<typeof traversalEngine>, query: string, seeds: string[], session: PodSession, timeoutMs: number) {
  const counter = counting(session.fetch);
  const started = performance.now();
  const engine = new Engine();
  let timer: NodeJS.Timeout | undefined;
  let rows = 0;
  let timedOut = false;
  try {
    const stream = await engine.queryBindings(query, { sources: seeds, lenient: true, fetch: counter.fetch });
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        stream.on('data', () => { rows += 1; });
        stream.on('end', () => resolve());
        stream.on('error', reject as (x: unknown) => void);
      }),
      new Promise<void>((resolve) => { timer = setTimeout(() => { timedOut = true; stream.destroy?.(); resolve(); }, timeoutMs); }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return { ms: performance.now() - started, requests: counter.count(), rows, timedOut };
}

interface BenchQuery {
  readonly name: string;
  readonly description: string;
  readonly sparql: string;
  readonly patient?: string;
  /** Category containers to seed link traversal with (besides the team list). */
  readonly containers: string[];
}

function queries(panel: Panel): BenchQuery[] {
  const prefixes = `PREFIX sosa: <http://www.w3.org/ns/sosa/> PREFIX qudt: <http://qudt.org/schema/qudt/> PREFIX sct: <http://snomed.info/id/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n`;
  const since = new Date(panel.end.getTime() - 48 * HOUR).toISOString();
  const first = panel.patients[0]!;
  return [
    {
      name: 'panel-spo2-48h',
      description: `every SpO2 < 92 % in the last 48 h across the team (${panel.patients.length} patients)`,
      sparql: `${prefixes}SELECT ?patient ?time ?spo2 WHERE {
  ?obs sosa:observedProperty sct:431314004 ; sosa:hasFeatureOfInterest ?patient ; sosa:resultTime ?time ; sosa:hasResult ?r .
  ?r qudt:numericValue ?spo2 .
  FILTER (?time >= "${since}"^^xsd:dateTime && ?spo2 < 92)
}`,
      containers: panel.patients.map((p) => categoryContainer(p.pod, 'oxygen-saturation')),
    },
    {
      name: 'patient-90d-4-kinds',
      description: `one patient, all 4 kinds, ${panel.days} days`,
      patient: first.webId,
      sparql: `${prefixes}SELECT ?obs ?property ?time ?value WHERE {
  ?obs sosa:hasFeatureOfInterest <${first.webId}> ; sosa:observedProperty ?property ; sosa:resultTime ?time ; sosa:hasResult ?r .
  ?r qudt:numericValue ?value .
  FILTER (?time >= "${new Date(panel.end.getTime() - panel.days * 24 * HOUR).toISOString()}"^^xsd:dateTime)
}
VALUES ?property { sct:431314004 sct:364075005 sct:271649006 sct:271650006 sct:27113001 }`,
      containers: PANEL_KINDS.map((k) => categoryContainer(first.pod, k)),
    },
  ];
}

export async function runQueryBenchmark(options: QueryBenchOptions = {}): Promise<QueryBenchResult> {
  const patients = options.patients ?? 100;
  const days = options.days ?? 90;
  const n = options.runs ?? 10;
  const traversalRuns = options.traversalRuns ?? 2;
  const traversalTimeout = (options.traversalTimeoutSeconds ?? 120) * 1000;
  const Traversal = traversalEngine();
  const load = loadavg().map((l) => l.toFixed(2)).join('/');

  done(`query benchmark: starting a pod server with the demo world ...`);
  const world = await startTestWorld();
  try {
    const end = new Date();
    const panel = await buildPanel({ baseUrl: world.baseUrl, osloFetch: await world.fetchAs('oslo'), patients, days, end, progress: log });
    done(`panel: ${panel.patients.length} patients, ${panel.measurements} measurements in ${panel.documents} month documents, built in ${panel.seconds.total.toFixed(0)} s`);

    const nilsen = await openPodSession(world.credentials.nilsen!);
    const teamList = teamListOf(`${world.baseUrl}oslo/`, PANEL_TEAM);
    const results: QueryResult[] = [];
    try {
      for (const q of queries(panel)) {
        const target = { team: PANEL_TEAM, ...(q.patient ? { patient: q.patient } : {}), query: q.sparql };
        const engine = new ClinicianQueryEngine({ podServers: [world.baseUrl] });
        const cold: Sample[] = [];
        const warm: typeof cold = [];
        const fl: typeof cold = [];
        let urls: string[] = [];
        let planned = 0;
        // Interleaved, so load from other processes hits every method alike.
        for (let i = 0; i < n; i++) {
          engine.clearCaches();
          let started = performance.now();
          let answer = await engine.query(nilsen, target);
          let rows = await rowsOf(engine, answer);
          cold.push(sample(started, answer, rows));
          urls = answer.documents.filter((d) => d.status === 'read').map((d) => d.doc.url);
          planned = answer.stats.planned;

          started = performance.now();
          answer = await engine.query(nilsen, target);
          rows = await rowsOf(engine, answer);
          warm.push(sample(started, answer, rows));

          fl.push(await floor(urls, nilsen, 12));
          log(`${q.name}: run ${i + 1}/${n}: cold ${cold.at(-1)!.ms.toFixed(0)} ms, warm ${warm.at(-1)!.ms.toFixed(0)} ms, floor ${fl.at(-1)!.ms.toFixed(0)} ms`);
        }
        const traversal: Awaited<ReturnType<typeof traverse>>[] = [];
        const fromList: Awaited<ReturnType<typeof traverse>>[] = [];
        for (let i = 0; i < traversalRuns; i++) {
          log(`${q.name}: link traversal run ${i + 1}/${traversalRuns} (up to ${traversalTimeout / 1000} s) ...`);
          traversal.push(await traverse(Traversal, q.sparql, [teamList, ...q.containers], nilsen, traversalTimeout));
        }
        fromList.push(await traverse(Traversal, q.sparql, [teamList], nilsen, traversalTimeout));
        const result: QueryResult = {
          name: q.name, description: q.description, documents: urls.length, planned,
          cold: runs(cold), warm: runs(warm), floor: runs(fl),
          traversal: runs(traversal), traversalFromListOnly: runs(fromList),
        };
        results.push(result);
        done(`${q.name}: cold p50 ${result.cold.p50Ms} ms, warm p50 ${result.warm.p50Ms} ms, floor p50 ${result.floor.p50Ms} ms, ` +
          `link traversal p50 ${result.traversal.p50Ms} ms (${result.traversal.rows} rows vs ${result.cold.rows})`);
      }
    } finally {
      await nilsen.close();
    }
    const out: QueryBenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAtStart: load },
      panel: { patients: panel.patients.length, days, kinds: PANEL_KINDS.length, measurements: panel.measurements, documents: panel.documents, buildSeconds: Math.round(panel.seconds.total) },
      concurrency: 12,
      queries: results,
    };
    // Runs with other than the default settings are trials: kept apart, and out of the docs.
    const official = patients === 100 && days === 90 && n >= 10 && traversalRuns >= 2;
    const name = official ? 'query' : 'query-trial';
    await mkdir(RESULTS, { recursive: true });
    await writeFile(new URL(`${name}.json`, RESULTS), `${JSON.stringify(out, null, 2)}\n`);
    await writeFile(new URL(`${name}.md`, RESULTS), markdown(out));
    await writeFile(new URL(`${name}.svg`, RESULTS), svg(out));
    if (official) await writeDocsSection('query', markdown(out));
    done(markdown(out));
    return out;
  } finally {
    await world.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { patients: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' }, 'traversal-runs': { type: 'string' }, 'traversal-timeout': { type: 'string' } } });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  runQueryBenchmark({
    patients: num(values.patients), days: num(values.days), runs: num(values.runs),
    traversalRuns: num(values['traversal-runs']), traversalTimeoutSeconds: num(values['traversal-timeout']),
  }).catch((error: Error) => {
    console.error(error.stack);
    process.exit(1);
  });
}
