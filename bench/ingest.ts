/**
 * Ingest benchmark: how fast readings land in pods through the gateway,
 * against the same readings written one N3 Patch each straight to CSS, in the
 * same run on the same pod server; what device authentication costs, against
 * the benchmark-only gateway without it (bench/baseline-gateway.ts); and the
 * gateway's acknowledgement latency at a steady 200 readings/s.
 *
 *   npm run bench -- ingest        (or: tsx bench/ingest.ts [--readings 2000] [--trials 2] [--rate 200] [--seconds 20])
 *   tsx bench/ingest.ts --compare-a="--shape-workers 0" --compare-b="--shape-workers 1"   (an experiment: A B B A of two settings)
 *
 * On a fresh demo world (CSS + provisioning, no seed):
 * 1. direct: N readings, one insert-only N3 Patch each, as the vendor, 4 in
 *    flight (the gateway's own in-flight budget), quads prepared beforehand;
 * 2. gateway runs, alternating A B B A (A: authenticated, B: baseline) for
 *    `--trials` trials, so drift on a shared machine falls on both alike; each
 *    run (ingest-gateway-run.ts) starts its own gateway process and measures
 *    one reading per request (16 in flight), 100 per request (4 in flight) and
 *    the acknowledgement latency paced at 200/s for 20 s, each on readings of
 *    a year of its own, everything read back as the patients and counted.
 * Reported per run and per variant (means of the runs; latency percentiles
 * over all its runs' acknowledgements), and auth / baseline.
 *
 * Writes bench/results/ingest.json, ingest.svg and ingest.md, and its section
 * of docs/benchmarks.md (runs with other settings: bench/results/ingest-trial.*
 * only). BENCH_GATEWAY_NODE_ARGS gives the gateways Node flags (--cpu-prof);
 * BENCH_PRIORITY=-10 gives the measured processes CPU priority over the rest
 * of a shared machine (a diagnostic).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os, { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { appendQuads } from '../apps/shared/append.ts';
import { measurementDocument, measurementToQuads, type Measurement } from '../apps/shared/measurement/index.ts';
import { openPodSession } from '../apps/shared/pod-session.ts';
import { progressBar } from '../apps/simulator/progress.ts';
import { percentile } from '../apps/simulator/stats.ts';
import { startTestWorld } from '../test/support/test-world.ts';
import { writeDocsSection } from './docs-section.ts';
import { abbaOrder, ENTRY, measureGatewayRun, pairOnce, type GatewayRun, type Variant } from './ingest-gateway-run.ts';
import { ingestMarkdown as markdown, ingestSvg as svg } from './ingest-report.ts';
import { countLanded, makeReadings, PATIENTS, pool, toMeasurement } from './ingest-readings.ts';
import { cpuMeter } from './process-stats.ts';

const RESULTS = new URL('./results/', import.meta.url);

export interface IngestOptions {
  /** Readings per throughput phase; default 2000. */
  readings?: number;
  /** Paced rate for the latency phase; default 200/s. */
  rate?: number;
  /** Seconds measured in the latency phase; default 20. */
  seconds?: number;
  /** A B B A trials (A: authenticated, B: baseline); default 2, at most 5 (each run takes three years of readings back from 2024). */
  trials?: number;
  verbose?: boolean;
  /** Extra gateway CLI flags (tuning experiments). */
  gatewayArgs?: string[];
  /**
   * An experiment instead of the authentication price: both variants run the
   * authenticated gateway, A with the first flags and B with the second
   * (e.g. [['--shape-workers', '0'], ['--shape-workers', '1']]), reported as
   * auth (A) and baseline (B), and labelled so.
   */
  compare?: [string[], string[]];
}

const round = (x: number, d = 1) => Number(x.toFixed(d));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** A variant's runs in one: means of rates and CPU, percentiles over every acknowledgement of its runs. */
function summariseVariant(runs: GatewayRun[]) {
  const all = runs.flatMap((r) => r.latencies);
  const m = (f: (r: GatewayRun) => number, d = 1) => round(mean(runs.map(f)), d);
  return {
    runs: runs.length,
    singleReadingsPerSecond: m((r) => r.single.readingsPerSecond),
    batchedReadingsPerSecond: m((r) => r.batched.readingsPerSecond),
    ackMs: { p50: round(percentile(all, 50)), p95: round(percentile(all, 95)), p99: round(percentile(all, 99)), max: round(Math.max(...all)) },
    gatewayCpuMsPerReading: {
      single: m((r) => r.single.cpuMsPerReading.gateway, 2), batched: m((r) => r.batched.cpuMsPerReading.gateway, 2), paced: m((r) => r.paced.cpuMsPerReading.gateway, 2),
    },
  };
}

export async function runIngestBenchmark(options: IngestOptions = {}): Promise<Record<string, unknown>> {
  const n = options.readings ?? 2000;
  const rate = options.rate ?? 200;
  const seconds = options.seconds ?? 20;
  const trials = options.trials ?? 2;
  if (!Number.isInteger(trials) || trials < 1 || trials > 5) throw new Error(`--trials must be 1 to 5 (each run takes three years of readings back from 2024, and readings before 1990 are refused), not ${trials}`);
  const log = (line: string) => console.error(line);
  const load = { atStart: loadavg().map((x) => Number(x.toFixed(2))) };

  log(`ingest: starting a pod server with the demo world ...`);
  const world = await startTestWorld({ verbose: options.verbose });
  try {
    const vendor = world.credentials.vendor!;
    const base = makeReadings(world, n);
    const storageOf = (m: Measurement) => world.accounts[PATIENTS.find((p) => world.accounts[p]!.webId === m.patient)!]!.podUrl;

    // The patients pair one device each, for every kind: that grants the vendor Append, for the direct writes too.
    log('ingest: pairing one device per patient, approved by the patient ...');
    const credentialOf = await pairOnce(world, options.verbose);

    // 1. Direct: one N3 Patch per reading.
    const session = await openPodSession(vendor);
    const directMeasurements = base.map((r) => toMeasurement(r, vendor.webId));
    const patches = directMeasurements.map((m) => ({
      document: measurementDocument(storageOf(m), m.kind, m.effectiveTime),
      quads: measurementToQuads(m, storageOf(m)),
    }));
    const directBar = progressBar('direct  ');
    const directCpu = cpuMeter({ css: world.server.pid });
    await directCpu.start();
    const directStarted = performance.now();
    await pool(patches, 4, async (p) => {
      const outcome = await appendQuads(session.fetch, p.document, p.quads);
      if (!outcome.ok) throw new Error(`direct write failed: ${outcome.reason}`);
    }, (done) => {
      if (done % 20 === 0 || done === n) directBar.update(done, n, `${(done / ((performance.now() - directStarted) / 1000)).toFixed(0)} readings/s`);
    });
    const directSeconds = (performance.now() - directStarted) / 1000;
    const directCores = await directCpu.stop(directSeconds);
    directBar.finish();
    await session.close();
    const direct = await countLanded(world, directMeasurements);

    // 2. Gateway runs, A B B A.
    if (process.env.BENCH_PRIORITY) {
      // Diagnostic only (not the published figures): give the measured processes priority over the rest of a shared machine.
      for (const pid of [process.pid, world.server.pid]) os.setPriority(pid, Number(process.env.BENCH_PRIORITY));
    }
    const order = abbaOrder(trials);
    const runs: GatewayRun[] = [];
    for (const [index, variant] of order.entries()) {
      log(`ingest: run ${index + 1} of ${order.length}: ${variant === 'auth' ? 'authenticated gateway' : 'baseline gateway (no authentication, bench only)'}`);
      const compared = options.compare?.[variant === 'auth' ? 0 : 1];
      runs.push(await measureGatewayRun({
        world, variant, base, index, rate, seconds, credentialOf, verbose: options.verbose,
        ...(compared ? { entry: ENTRY.auth } : {}),
        gatewayArgs: [...(options.gatewayArgs ?? []), ...(compared ?? [])], nodeArgs: process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean),
      }));
    }
    const of = (v: Variant) => summariseVariant(runs.filter((r) => r.variant === v));
    const auth = of('auth');
    const baseline = of('baseline');
    const ratio = (a: number, b: number) => round(a / b, 3);
    const directRate = n / directSeconds;
    const result = {
      benchmark: 'ingest',
      ...(process.env.BENCH_PRIORITY ? { priority: Number(process.env.BENCH_PRIORITY) } : {}),
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30), node: process.version, loadAverage: { atStart: load.atStart, atEnd: loadavg().map((x) => round(x, 2)) } },
      readings: n,
      monthDocuments: new Set(directMeasurements.map((m) => `${m.patient} ${m.kind}`)).size,
      trials,
      order,
      labels: options.compare
        ? { auth: `A: auth ${options.compare[0].join(' ')}`, baseline: `B: auth ${options.compare[1].join(' ')}` }
        : { auth: 'auth', baseline: 'baseline' },
      methods: {
        direct: 'one insert-only N3 Patch per reading, 4 in flight, as the vendor',
        single: 'one reading per POST /readings, 16 in flight; landed = all delivered',
        batched: '100 readings per POST /readings (one patient each), 4 in flight (a vendor platform uploading); landed = all delivered',
        paced: `${rate} readings/s for ${seconds} s after 2 s of warm-up, one per request; ack = request sent to 202 read, at the client`,
        auth: 'apps/gateway/main.ts: every request with its device\'s credential (Bearer hvd_..., from a pairing each patient approved)',
        baseline: 'bench/baseline-gateway.ts: the same gateway process with authentication off (allow-all), benchmark only',
        cpuMsPerReading: 'process CPU time (user + system, /proc) during the phase / readings in it',
        insideGateway: 'last 1000 acknowledgements: from request headers (ackMs) or from the parsed body (processingMs) to the 202; outbox flushes (write + fdatasync); event loop delay since the gateway started or was last asked',
      },
      direct: {
        seconds: round(directSeconds), readingsPerSecond: round(directRate), landed: direct.landed, problems: direct.problems, coresUsed: directCores,
      },
      runs: runs.map(({ latencies: _latencies, ...run }) => run),
      auth,
      baseline,
      ratio: {
        note: 'auth / baseline',
        singleReadingsPerSecond: ratio(auth.singleReadingsPerSecond, baseline.singleReadingsPerSecond),
        batchedReadingsPerSecond: ratio(auth.batchedReadingsPerSecond, baseline.batchedReadingsPerSecond),
        ackP50: ratio(auth.ackMs.p50, baseline.ackMs.p50), ackP95: ratio(auth.ackMs.p95, baseline.ackMs.p95), ackP99: ratio(auth.ackMs.p99, baseline.ackMs.p99),
        gatewayCpuPerReading: ratio(auth.gatewayCpuMsPerReading.single, baseline.gatewayCpuMsPerReading.single),
      },
      speedup: round(auth.singleReadingsPerSecond / directRate, 2),
      speedupBatches: round(auth.batchedReadingsPerSecond / directRate, 2),
      goals: { speedupAtLeast: 5, authRatioAtLeast: 0.9, p99AckBelowMs: 50 },
    };
    // Runs with other than the default settings are trials: kept apart, and out of the docs.
    const official = !options.readings && !options.rate && !options.seconds && !options.trials && !options.gatewayArgs?.length && !options.compare &&
      !process.env.BENCH_PRIORITY && !process.env.BENCH_GATEWAY_NODE_ARGS;
    const name = official ? 'ingest' : 'ingest-trial';
    await mkdir(RESULTS, { recursive: true });
    await writeFile(new URL(`${name}.json`, RESULTS), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(new URL(`${name}.svg`, RESULTS), svg(result));
    await writeFile(new URL(`${name}.md`, RESULTS), markdown(result));
    if (official) await writeDocsSection('ingest', markdown(result));
    log(markdown(result));
    return result;
  } finally {
    await world.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { readings: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, trials: { type: 'string' }, verbose: { type: 'boolean' },
      'compare-a': { type: 'string' }, 'compare-b': { type: 'string' } },
  });
  runIngestBenchmark({
    readings: values.readings ? Number(values.readings) : undefined,
    rate: values.rate ? Number(values.rate) : undefined,
    seconds: values.seconds ? Number(values.seconds) : undefined,
    trials: values.trials ? Number(values.trials) : undefined,
    verbose: values.verbose,
    gatewayArgs: positionals,
    ...(values['compare-a'] !== undefined || values['compare-b'] !== undefined
      ? { compare: [values['compare-a']?.split(' ').filter(Boolean) ?? [], values['compare-b']?.split(' ').filter(Boolean) ?? []] as [string[], string[]] }
      : {}),
  }).catch((error: Error) => {
    console.error(`ingest benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
