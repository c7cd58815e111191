/**
 * One gateway run of the ingest benchmark (bench/ingest.ts): a gateway
 * process started on the world's data folder, either the production one
 * (`auth`: every request's device credential checked) or the benchmark-only
 * baseline without authentication (bench/baseline-gateway.ts); then its three
 * phases, each on readings of its own year so nothing is a duplicate:
 *
 * - single: N readings, one per request, 16 in flight; landed = all delivered;
 * - batched: the same N readings, 100 per request (per patient), 4 in flight;
 * - paced: `rate` readings/s for `seconds` (after 2 s of warm-up), one per
 *   request: the acknowledgement latency, then how long delivery lagged.
 *
 * Each phase's CPU (gateway, pod server, load generator) is charged per
 * reading; the gateway is stopped and its outbox log removed at the end, so
 * the next run starts as this one did (pairings stay: they are the world's).
 */
import { rm } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import { progressBar } from '../apps/simulator/progress.ts';
import { percentile, summarise } from '../apps/simulator/stats.ts';
import { gatewayStatus, startGatewayProcess } from '../test/support/gateway-process.ts';
import { freePort, type TestWorld } from '../test/support/test-world.ts';
import { countLanded, makeReadings, pairBenchDevices, PATIENTS, pool, post, shiftYears, toMeasurement, waitDelivered } from './ingest-readings.ts';
import type { JsonReading } from '../apps/simulator/devices.ts';
import { cpuMeter } from './process-stats.ts';

export type Variant = 'auth' | 'baseline';

export const ENTRY: Record<Variant, string> = { auth: 'apps/gateway/main.ts', baseline: 'bench/baseline-gateway.ts' };

export interface RunSettings {
  readonly world: TestWorld;
  readonly variant: Variant;
  /** The script to run; default ENTRY[variant] (an experiment may run the authenticated gateway as both). */
  readonly entry?: string;
  /** The readings of the throughput phases (the direct phase's, in 2024); each phase moves them to a year of its own. */
  readonly base: readonly JsonReading[];
  /** 0, 1, 2, ...: the run's phases use the years 2024 - 3 * index - 1, -2, -3. */
  readonly index: number;
  readonly rate: number;
  readonly seconds: number;
  /** The credential each patient's readings are sent with (pairBenchDevices). */
  readonly credentialOf: (patientWebId: string) => string;
  readonly gatewayArgs?: readonly string[];
  readonly nodeArgs?: readonly string[];
  readonly verbose?: boolean;
}

const round = (x: number, d = 1) => Number(x.toFixed(d));
const load = () => loadavg().map((x) => round(x, 2));

/** CPU ms per reading from a cpuMeter's cores over `seconds`. */
const perReading = (cores: { pod: number; gateway: number; loadGenerator: number }, seconds: number, readings: number) => ({
  gateway: round((cores.gateway * seconds * 1000) / readings, 2),
  pod: round((cores.pod * seconds * 1000) / readings, 2),
});

/** Pairs one device per patient for every kind, approved by each patient, on a gateway started for it (the pairings stay in the data folder). */
export async function pairOnce(world: TestWorld, verbose?: boolean): Promise<(patientWebId: string) => string> {
  const gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet'], verbose });
  try {
    return await pairBenchDevices(world, gateway.url);
  } finally {
    await gateway.kill();
  }
}

export async function measureGatewayRun(s: RunSettings) {
  const { world, base, rate, seconds } = s;
  const n = base.length;
  const year = (phase: number) => -(3 * s.index + phase);
  const loadAtStart = load();
  const gateway = await startGatewayProcess({
    dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), entry: s.entry ?? ENTRY[s.variant],
    args: ['--quiet', ...(s.gatewayArgs ?? [])], nodeArgs: [...(s.nodeArgs ?? [])], verbose: s.verbose,
  });
  try {
    const credentialOf = s.credentialOf;
    const meter = () => cpuMeter({ css: world.server.pid, gateway: gateway.pid });
    const label = (phase: string) => `${s.variant.padEnd(8)} ${phase.padEnd(7)}`;

    // Single: one reading per request.
    const singleReadings = shiftYears(base, year(1));
    let before = await gatewayStatus(gateway.url);
    let cpu = meter();
    await cpu.start();
    const acks: number[] = [];
    const bar = progressBar(label('single'));
    let started = performance.now();
    await pool(singleReadings, 16, async (r) => {
      acks.push(await post(gateway.url, r, credentialOf(r.patient)));
    }, (done) => {
      if (done % 50 === 0 || done === n) bar.update(done, n, 'acknowledged');
    });
    bar.finish();
    await waitDelivered(gateway, label('landing'), n, before.readings.delivered ?? 0);
    let elapsed = (performance.now() - started) / 1000;
    let cores = await cpu.stop(elapsed);
    let after = await gatewayStatus(gateway.url);
    const ackStats = summarise(acks);
    const single = {
      seconds: round(elapsed), readingsPerSecond: round(n / elapsed), ...patches(before, after, n),
      ackMsUnderFullLoad: { p50: round(ackStats.p50), p99: round(ackStats.p99) }, coresUsed: cores, cpuMsPerReading: perReading(cores, elapsed, n),
    };

    // Batched: 100 readings per request, per patient (a device's credential writes for its own patient only).
    const batches = PATIENTS.flatMap((name) => {
      const own = shiftYears(base, year(2)).filter((r) => r.patient === world.accounts[name]!.webId);
      return Array.from({ length: Math.ceil(own.length / 100) }, (_, i) => own.slice(i * 100, (i + 1) * 100));
    });
    before = after;
    cpu = meter();
    await cpu.start();
    started = performance.now();
    await pool(batches, 4, async (readings) => {
      await post(gateway.url, { readings }, credentialOf(readings[0]!.patient));
    });
    await waitDelivered(gateway, label('batches'), n, before.readings.delivered ?? 0);
    elapsed = (performance.now() - started) / 1000;
    cores = await cpu.stop(elapsed);
    after = await gatewayStatus(gateway.url);
    const batched = { seconds: round(elapsed), readingsPerSecond: round(n / elapsed), ...patches(before, after, n), coresUsed: cores, cpuMsPerReading: perReading(cores, elapsed, n) };

    // Paced: the acknowledgement latency at a steady rate.
    const total = Math.round(rate * (seconds + 2));
    const warmUp = rate * 2;
    const pacedReadings = shiftYears(makeReadings(world, total), year(3));
    const latencies: number[] = [];
    const pacedBar = progressBar(label(`${rate}/s`));
    before = after;
    cpu = meter();
    await cpu.start();
    // The load generator's own delays are in the client's latencies too: measured, to tell them from the gateway's.
    const ownLoop = monitorEventLoopDelay({ resolution: 5 });
    ownLoop.enable();
    const monotonicStartUs = Number(process.hrtime.bigint() / 1000n);
    started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; i < total; i++) {
      const wait = started + (i / rate) * 1000 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const request = post(gateway.url, pacedReadings[i], credentialOf(pacedReadings[i]!.patient)).then((ms) => {
        if (i >= warmUp) latencies.push(ms);
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      if (i % rate === 0) {
        pacedBar.update(i, total, i < warmUp ? 'warming up' : `ack p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
      }
    }
    await Promise.all(inFlight);
    const lastAck = performance.now();
    const monotonicEndUs = Number(process.hrtime.bigint() / 1000n);
    ownLoop.disable();
    const pacedSeconds = (lastAck - started) / 1000;
    cores = await cpu.stop(pacedSeconds);
    // Seen from inside the gateway, over its last 1000 acknowledgements and flushes.
    const inside = (await (await fetch(new URL('/status', gateway.url))).json()) as {
      acknowledgementMs?: unknown; processingMs?: unknown; eventLoopDelayMs?: unknown; outbox: { recordsPerFlush: number; ms?: unknown };
    };
    const ms = (p: number) => round(percentile(latencies, p));
    pacedBar.finish(`ack p50 ${ms(50)} ms, p99 ${ms(99)} ms`);
    await waitDelivered(gateway, label('landing'), total, before.readings.delivered ?? 0);
    const deliveryLagSeconds = (performance.now() - lastAck) / 1000;
    after = await gatewayStatus(gateway.url);
    const paced = {
      rate, seconds, readings: latencies.length,
      ackMs: { p50: ms(50), p90: ms(90), p95: ms(95), p99: ms(99), max: round(Math.max(...latencies)) },
      deliveryLagSeconds: round(deliveryLagSeconds), patches: patches(before, after, total).patches,
      coresUsed: cores, cpuMsPerReading: perReading(cores, pacedSeconds, total),
      insideGateway: {
        ackMs: inside.acknowledgementMs, processingMs: inside.processingMs, flushMs: inside.outbox.ms,
        recordsPerFlush: inside.outbox.recordsPerFlush, eventLoopDelayMs: inside.eventLoopDelayMs,
      },
      loadGeneratorLoopDelayMs: { p50: round(ownLoop.percentile(50) / 1e6), p99: round(ownLoop.percentile(99) / 1e6), max: round(ownLoop.max / 1e6) },
      /** CLOCK_MONOTONIC, as CPU profiles' timestamps: to cut a gateway's --cpu-prof to this phase. */
      monotonicUs: { start: monotonicStartUs, end: monotonicEndUs },
    };

    // Read back as the patients: every reading landed once.
    const landed = async (readings: readonly JsonReading[]) => {
      const counted = await countLanded(world, readings.map((r) => toMeasurement(r, world.credentials.vendor!.webId)));
      if (counted.landed !== readings.length || counted.problems > 0) {
        throw new Error(`${s.variant} run ${s.index + 1}: ${counted.landed} of ${readings.length} readings landed, ${counted.problems} problem(s)`);
      }
      return counted.landed;
    };
    return {
      variant: s.variant, run: s.index + 1, loadAverage: { atStart: loadAtStart, atEnd: load() },
      single: { ...single, landed: await landed(singleReadings) },
      batched: { ...batched, landed: await landed(batches.flat()) },
      paced: { ...paced, landed: await landed(pacedReadings) },
      latencies,
    };
  } finally {
    await gateway.kill();
    await rm(join(world.dataDir, 'gateway', 'outbox.log'), { force: true });
  }
}

export type GatewayRun = Awaited<ReturnType<typeof measureGatewayRun>>;

function patches(before: Awaited<ReturnType<typeof gatewayStatus>>, after: Awaited<ReturnType<typeof gatewayStatus>>, readings: number) {
  const count = (after.delivery.patches as number) - (before.delivery.patches as number);
  return { patches: count, readingsPerPatch: round(readings / Math.max(1, count)) };
}

/** Runs in the order A B B A A B ... (auth first), so drift over the run falls on both alike. */
export function abbaOrder(trials: number): Variant[] {
  return Array.from({ length: trials }, (_, t) => (t % 2 === 0 ? ['auth', 'baseline'] : ['baseline', 'auth']) as Variant[]).flat();
}
