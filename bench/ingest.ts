/**
 * Ingest benchmark: how fast readings land in pods through the gateway,
 * against the same readings written one N3 Patch each straight to CSS, in the
 * same run on the same pod server; and the gateway's acknowledgement latency
 * at a steady 200 readings/s.
 *
 *   npm run bench -- ingest        (or: tsx bench/ingest.ts [--readings 2000])
 *
 * Phases, on a fresh demo world (CSS + provisioning, no seed):
 * 1. direct: N readings, one insert-only N3 Patch each, as the vendor, 4 in
 *    flight (the gateway's own in-flight budget), quads prepared beforehand;
 * 2. gateway: the same N readings shifted by 52 weeks (so they start from
 *    empty month documents of the same sizes), one reading per request,
 *    16 requests in flight; landed = every reading delivered (status API);
 * 2b. the same readings shifted back 52 weeks, 100 per request (a vendor
 *    platform uploading), 4 requests in flight;
 * 3. acknowledgement latency: readings paced at 200/s for 20 s (after 2 s of
 *    warm-up), one per request; then how long delivery lagged behind.
 * Both write paths' results are read back as the patients and counted.
 *
 * Writes bench/results/ingest.json, ingest.svg and ingest.md, and its section
 * of docs/benchmarks.md (runs with other settings: bench/results/ingest-trial.*
 * only). BENCH_PRIORITY=-10 gives the measured processes CPU priority over the
 * rest of a shared machine (a diagnostic).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os, { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { appendQuads } from '../apps/shared/append.ts';
import { measurementDocument, measurementToQuads, type Measurement } from '../apps/shared/measurement/index.ts';
import { openPodSession } from '../apps/shared/pod-session.ts';
import { progressBar } from '../apps/simulator/progress.ts';
import { summarise } from '../apps/simulator/stats.ts';
import { gatewayStatus, startGatewayProcess, type GatewayProcess } from '../test/support/gateway-process.ts';
import { freePort, startTestWorld } from '../test/support/test-world.ts';
import { writeDocsSection } from './docs-section.ts';
import { ingestMarkdown as markdown, ingestSvg as svg } from './ingest-report.ts';
import { countLanded, makeReadings, pairBenchDevices, PATIENTS, pool, post, shift, toMeasurement, waitDelivered } from './ingest-readings.ts';
import { cpuMeter } from './process-stats.ts';

const RESULTS = new URL('./results/', import.meta.url);

export interface IngestOptions {
  /** Readings per throughput phase; default 2000. */
  readings?: number;
  /** Paced rate for the latency phase; default 200/s. */
  rate?: number;
  /** Seconds measured in the latency phase; default 20. */
  seconds?: number;
  verbose?: boolean;
  /** Extra gateway CLI flags (tuning experiments). */
  gatewayArgs?: string[];
}

export async function runIngestBenchmark(options: IngestOptions = {}): Promise<Record<string, unknown>> {
  const n = options.readings ?? 2000;
  const rate = options.rate ?? 200;
  const seconds = options.seconds ?? 20;
  const log = (line: string) => console.error(line);
  const load = { atStart: loadavg().map((x) => Number(x.toFixed(2))) };

  log(`ingest: starting a pod server with the demo world ...`);
  const world = await startTestWorld({ verbose: options.verbose });
  let gateway: GatewayProcess | undefined;
  try {
    const vendor = world.credentials.vendor!;
    const base = makeReadings(world, n);
    const storageOf = (m: Measurement) => world.accounts[PATIENTS.find((p) => world.accounts[p]!.webId === m.patient)!]!.podUrl;

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

    // 2. Gateway: the same readings a year on, through the gateway.
    gateway = await startGatewayProcess({
      dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet', ...(options.gatewayArgs ?? [])],
      nodeArgs: process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean), verbose: options.verbose,
    });
    if (process.env.BENCH_PRIORITY) {
      // Diagnostic only (not the published figures): give the measured processes priority over the rest of a shared machine.
      for (const pid of [process.pid, world.server.pid, gateway.pid]) os.setPriority(pid, Number(process.env.BENCH_PRIORITY));
    }
    log('ingest: pairing one device per patient, approved by the patient ...');
    const credentialOf = await pairBenchDevices(world, gateway.url);
    const gatewayCpu = cpuMeter({ css: world.server.pid, gateway: gateway.pid });
    await gatewayCpu.start();
    const throughputReadings = shift(base, 52);
    const before = await gatewayStatus(gateway.url);
    const sendBar = progressBar('gateway ');
    const throughputAcks: number[] = [];
    const gatewayStarted = performance.now();
    await pool(throughputReadings, 16, async (r) => {
      throughputAcks.push(await post(gateway!.url, r, credentialOf(r.patient)));
    }, (done) => {
      if (done % 50 === 0 || done === n) sendBar.update(done, n, 'acknowledged');
    });
    sendBar.finish();
    await waitDelivered(gateway, 'landing ', n, before.readings.delivered ?? 0);
    const gatewaySeconds = (performance.now() - gatewayStarted) / 1000;
    const gatewayCores = await gatewayCpu.stop(gatewaySeconds);
    const after = await gatewayStatus(gateway.url);
    const gatewayPatches = (after.delivery.patches as number) - (before.delivery.patches as number);

    // 2b. Gateway, batches: a vendor platform uploading 100 readings per request.
    // Batched per patient: a device's credential writes for its own patient only.
    const batches = PATIENTS.flatMap((name) => {
      const own = shift(base, -52).filter((r) => r.patient === world.accounts[name]!.webId);
      return Array.from({ length: Math.ceil(own.length / 100) }, (_, i) => own.slice(i * 100, (i + 1) * 100));
    });
    const batchBefore = await gatewayStatus(gateway.url);
    const batchCpu = cpuMeter({ css: world.server.pid, gateway: gateway.pid });
    await batchCpu.start();
    const batchStarted = performance.now();
    await pool(batches, 4, async (readings) => {
      await post(gateway!.url, { readings }, credentialOf(readings[0]!.patient));
    });
    await waitDelivered(gateway, 'batches ', n, batchBefore.readings.delivered ?? 0);
    const batchSeconds = (performance.now() - batchStarted) / 1000;
    const batchCores = await batchCpu.stop(batchSeconds);
    const batchAfter = await gatewayStatus(gateway.url);
    const batchPatches = (batchAfter.delivery.patches as number) - (batchBefore.delivery.patches as number);

    // 3. Acknowledgement latency at a steady rate.
    const total = Math.round(rate * (seconds + 2));
    const warmUp = rate * 2;
    const pacedReadings = shift(makeReadings(world, total), 104);
    const latencies: number[] = [];
    const pacedBar = progressBar(`${rate}/s   `);
    const pacedCpu = cpuMeter({ css: world.server.pid, gateway: gateway.pid });
    await pacedCpu.start();
    const pacedStarted = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < total; i++) {
      const wait = pacedStarted + (i / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const request = post(gateway.url, pacedReadings[i], credentialOf(pacedReadings[i]!.patient)).then((ms) => {
        if (i >= warmUp) latencies.push(ms);
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      if (i % rate === 0) {
        const s = summarise(latencies);
        pacedBar.update(i, total, i < warmUp ? 'warming up' : `ack p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms`);
      }
    }
    await Promise.all(inFlight);
    const lastAck = performance.now();
    const pacedCores = await pacedCpu.stop((lastAck - pacedStarted) / 1000);
    // Seen from inside the gateway, over its last 1000 acknowledgements and flushes.
    const inside = (await (await fetch(new URL('/status', gateway.url))).json()) as {
      acknowledgementMs?: { p50: number; p99: number; max: number };
      processingMs?: { p50: number; p99: number; max: number };
      eventLoopDelayMs?: { p50: number; p99: number; max: number };
      outbox: { recordsPerFlush: number; ms?: { p50: number; p99: number; max: number } };
    };
    const paced = summarise(latencies);
    pacedBar.finish(`ack p50 ${paced.p50.toFixed(1)} ms, p99 ${paced.p99.toFixed(1)} ms`);
    const pacedDeliveredBefore = batchAfter.readings.delivered ?? 0;
    await waitDelivered(gateway, 'landing ', total, pacedDeliveredBefore);
    const deliveryLagSeconds = (performance.now() - lastAck) / 1000;
    const final = await gatewayStatus(gateway.url);
    const pacedPatches = (final.delivery.patches as number) - (batchAfter.delivery.patches as number);

    // Read back as the patients: every reading landed once.
    log('ingest: counting what landed, as the patients ...');
    const direct = await countLanded(world, directMeasurements);
    const viaGateway = await countLanded(world, throughputReadings.map((r) => toMeasurement(r, vendor.webId)));
    const viaPaced = await countLanded(world, pacedReadings.map((r) => toMeasurement(r, vendor.webId)));
    const viaBatches = await countLanded(world, batches.flat().map((r) => toMeasurement(r, vendor.webId)));
    const round = (x: number, d = 1) => Number(x.toFixed(d));
    const directRate = n / directSeconds;
    const gatewayRate = n / gatewaySeconds;
    const throughputAckStats = summarise(throughputAcks);
    const result = {
      benchmark: 'ingest',
      ...(process.env.BENCH_PRIORITY ? { priority: Number(process.env.BENCH_PRIORITY) } : {}),
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: round(totalmem() / 2 ** 30), node: process.version, loadAverage: { atStart: load.atStart, atEnd: loadavg().map((x) => round(x, 2)) } },
      readings: n,
      monthDocuments: new Set(directMeasurements.map((m) => `${m.patient} ${m.kind}`)).size,
      direct: {
        method: 'one insert-only N3 Patch per reading, 4 in flight, as the vendor',
        seconds: round(directSeconds), readingsPerSecond: round(directRate), landed: direct.landed, problems: direct.problems, coresUsed: directCores,
      },
      gateway: {
        method: 'one reading per POST /readings, 16 in flight; landed = all delivered',
        seconds: round(gatewaySeconds), readingsPerSecond: round(gatewayRate), patches: gatewayPatches,
        readingsPerPatch: round(n / Math.max(1, gatewayPatches)), landed: viaGateway.landed, problems: viaGateway.problems,
        ackMsUnderFullLoad: { p50: round(throughputAckStats.p50), p99: round(throughputAckStats.p99) }, coresUsed: gatewayCores,
      },
      gatewayBatches: {
        method: '100 readings per POST /readings, 4 in flight (a vendor platform uploading); landed = all delivered',
        seconds: round(batchSeconds), readingsPerSecond: round(n / batchSeconds), patches: batchPatches,
        readingsPerPatch: round(n / Math.max(1, batchPatches)), landed: viaBatches.landed, problems: viaBatches.problems, coresUsed: batchCores,
      },
      speedup: round(gatewayRate / directRate, 2),
      speedupBatches: round(n / batchSeconds / directRate, 2),
      acknowledgement: {
        rate, seconds, readings: latencies.length,
        ackMs: { p50: round(paced.p50), p90: round(paced.p90), p99: round(paced.p99), max: round(paced.max) },
        deliveryLagSeconds: round(deliveryLagSeconds), patches: pacedPatches, landed: viaPaced.landed, problems: viaPaced.problems, coresUsed: pacedCores,
        insideGateway: {
          note: 'last 1000 acknowledgements: from request headers (ackMs: includes receiving the body) or from the parsed body (processingMs: validation + outbox flush) to the 202; outbox flushes (write + fdatasync); event loop delay since the gateway started or was last asked',
          ackMs: inside.acknowledgementMs, processingMs: inside.processingMs, flushMs: inside.outbox.ms,
          recordsPerFlush: inside.outbox.recordsPerFlush, eventLoopDelayMs: inside.eventLoopDelayMs,
        },
      },
      goals: { speedupAtLeast: 5, p99AckBelowMs: 50 },
    };
    // Runs with other than the default settings are trials: kept apart, and out of the docs.
    const official = !options.readings && !options.rate && !options.seconds && !options.gatewayArgs?.length && !process.env.BENCH_PRIORITY;
    const name = official ? 'ingest' : 'ingest-trial';
    await mkdir(RESULTS, { recursive: true });
    await writeFile(new URL(`${name}.json`, RESULTS), `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(new URL(`${name}.svg`, RESULTS), svg(result));
    await writeFile(new URL(`${name}.md`, RESULTS), markdown(result));
    if (official) await writeDocsSection('ingest', markdown(result));
    log(markdown(result));
    return result;
  } finally {
    await gateway?.kill();
    await world.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { readings: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' }, verbose: { type: 'boolean' } } });
  runIngestBenchmark({
    readings: values.readings ? Number(values.readings) : undefined,
    rate: values.rate ? Number(values.rate) : undefined,
    seconds: values.seconds ? Number(values.seconds) : undefined,
    verbose: values.verbose,
    gatewayArgs: positionals,
  }).catch((error: Error) => {
    console.error(`ingest benchmark failed: ${error.stack ?? error.message}`);
    process.exit(1);
  });
}
