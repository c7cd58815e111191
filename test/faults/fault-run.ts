/**
 * The fault run: simulated devices stream readings through the real gateway
 * (a child process) into a real pod server while the gateway is SIGKILLed and
 * restarted on the same data folder and the pod server is killed (SIGKILL: a
 * crash, PATCHes in flight) and started again on its data folder, optionally
 * with the gateway SIGKILLed again during that outage; at the end every
 * acknowledged reading must be in the pods exactly once.
 *
 * Devices (senders.ts): `devices` senders run concurrently; sender i serves the patients
 * i, i + devices, i + 2*devices, ... (a home hub with the patient's oximeter,
 * blood pressure monitor, scale, glucometer, thermometer and peak flow
 * meter, apps/simulator/devices.ts), paired with each of its patients before
 * the stream (each patient approves in their own session, so the hub holds
 * one credential per patient and every request carries the right one),
 * every other request as JSON (POST /readings) and as FHIR (POST /fhir,
 * subject by national id or WebID). A sender behaves like a device: it keeps a reading until it is
 * acknowledged (202) and sends it again after a network error or a 5xx, so a
 * request whose answer was lost in a crash is sent again and acknowledged as
 * a duplicate.
 *
 * Checking (read-back.ts): every month document of every patient is read as
 * the patient and parsed with n3; per acknowledged reading there must be
 * exactly one observation with exactly one result of the value sent (a blood
 * pressure panel: two members, one result each), and no two observations for
 * the same patient, device, kind and instant. Observations nobody
 * acknowledged are counted apart (a request the gateway stored before it was
 * killed, whose answer never arrived, and that was never sent again).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PodSession } from '../../apps/shared/pod-session.ts';
import { gatewayStatus, startGatewayProcess, waitForDelivery, type GatewayProcess } from '../support/gateway-process.ts';
import { closeSessions, openSessions, provisionExtraPatients } from '../support/extra-patients.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';
import { percentile } from '../../apps/simulator/stats.ts';
import type { FaultRunConfig, FaultRunSummary } from './fault-run-types.ts';
import { compareWithAcknowledged, readBackPods } from './read-back.ts';
import { startSenders } from './senders.ts';

export type { FaultRunConfig, FaultRunSummary } from './fault-run-types.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function runFaultRun(config: FaultRunConfig): Promise<FaultRunSummary> {
  // Plain lines on stdout: vitest would put a header above every console.log.
  const log = config.log ?? ((line: string) => void process.stdout.write(`${line}\n`));
  const t0 = performance.now();
  const clock = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
  const say = (line: string) => log(`[faults ${config.name} ${clock()}] ${line}`);
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      phases[name] = Math.round(performance.now() - started);
    }
  };

  let world: TestWorld | undefined;
  let gateway: GatewayProcess | undefined;
  let sessions: Map<string, PodSession> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const startedAt = new Date().toISOString();
  try {
    world = await phase('podServerStart', () => startTestWorld());
    const w = world;
    say(`pod server ready at ${w.baseUrl}`);
    const gatewayPort = await freePort();
    const gatewayArgs = [
      '--backoff-max-ms', '2000',
      ...(config.outboxCompactAtBytes ? ['--outbox-compact-at-bytes', String(config.outboxCompactAtBytes)] : []),
    ];
    const startGateway = () => startGatewayProcess({ dataDir: w.dataDir, podBaseUrl: w.baseUrl, port: gatewayPort, args: gatewayArgs });
    gateway = await phase('gatewayStart', startGateway);
    say(`gateway ready at ${gateway.url}`);

    let lastShown = 0;
    const patients = await phase('provisionPatients', () => provisionExtraPatients({
      baseUrl: w.baseUrl,
      gatewayUrl: gateway!.url,
      count: config.patients,
      hubs: config.devices,
      onProgress: (done, total) => {
        if (done === total || performance.now() - lastShown > 5_000) {
          lastShown = performance.now();
          say(`provisioned ${done}/${total} patients, each paired with their home hub`);
        }
      },
    }));

    let gatewayUrl = gateway.url;
    let streaming = true;

    const killsAt = config.gatewayKillsAt.map((f) => ({ at: f * config.streamMs, what: 'kill' as const }));
    const restartsAt = config.podRestartsAt.map((f) => ({ at: f * config.streamMs, what: 'pod' as const }));
    const faults = [...killsAt, ...restartsAt].sort((a, b) => a.at - b.at);
    const recoveredFromOutbox: number[] = [];
    let killsWhilePodServerDown = 0;
    const gatewayOutputs = [gateway.output];
    const gatewayRestartMs: number[] = [];
    const podRestartMs: number[] = [];
    const acknowledgedReadings = () => [...sent.values()].filter((r) => r.acked).length;
    const progress = async () => {
      const s = await gatewayStatus(gatewayUrl).catch(() => undefined);
      say(`sent ${requests.sent} requests, ${acknowledgedReadings()} readings acknowledged; gateway ${s ? JSON.stringify(s.readings) : 'down'}`);
    };

    say(`streaming for ${config.streamMs / 1000} s: ${config.devices} devices, ${patients.length} patients`);
    const streamStarted = performance.now();
    ticker = setInterval(() => void progress(), 5_000);
    const { running, sent, requests, rejected, ackLatencies } = startSenders({
      patients, devices: config.devices, seed: config.seed, intervalMs: config.intervalMs, gatewayUrl: () => gatewayUrl, streaming: () => streaming,
    });
    await phase('stream', async () => {
      let podServerDown = false;
      const killGateway = async () => {
        const killedAt = performance.now();
        const during = podServerDown ? ' while the pod server is down' : '';
        say(`SIGKILL the gateway (pid ${gateway!.pid})${during}`);
        if (podServerDown) killsWhilePodServerDown += 1;
        await gateway!.kill('SIGKILL');
        gateway = await startGateway();
        gatewayOutputs.push(gateway.output);
        gatewayUrl = gateway.url;
        gatewayRestartMs.push(Math.round(performance.now() - killedAt));
        const recovered = Number(gateway.output.map((l) => /(\d+) reading\(s\) in the outbox from before/.exec(l)?.[1]).find(Boolean) ?? 0);
        recoveredFromOutbox.push(recovered);
        say(`gateway back after ${gatewayRestartMs.at(-1)} ms with ${recovered} reading(s) to deliver from its outbox`);
      };
      for (const fault of faults) {
        await sleep(Math.max(0, streamStarted + fault.at - performance.now()));
        if (fault.what === 'kill') {
          await killGateway();
          continue;
        }
        const stoppedAt = performance.now();
        say(`${config.podStopSignal} the pod server, then start it again`);
        podServerDown = true;
        const restarted = w.restart(config.podStopSignal === 'SIGKILL' ? { signal: 'SIGKILL' } : {}).finally(() => { podServerDown = false; });
        if (config.killGatewayDuringPodOutage) {
          // The gateway dies too, with a backlog it could not deliver: it must pick it up again.
          await sleep(3_000);
          await killGateway();
        }
        await restarted;
        podRestartMs.push(Math.round(performance.now() - stoppedAt));
        say(`pod server back after ${podRestartMs.at(-1)} ms`);
      }
      await sleep(Math.max(0, streamStarted + config.streamMs - performance.now()));
      streaming = false;
      say('stream stopped; waiting for the requests in flight');
      await running;
    });
    const streamSeconds = (performance.now() - streamStarted) / 1000;
    clearInterval(ticker);

    await phase('drain', () => waitForDelivery(gatewayUrl, config.drainTimeoutMs, (() => {
      let shown = 0;
      return (readings: Record<string, number>) => {
        if (performance.now() - shown < 5_000) return;
        shown = performance.now();
        say(`delivering: ${JSON.stringify(readings)}`);
      };
    })()));
    const deliveredSeconds = (performance.now() - streamStarted) / 1000;
    const final = await gatewayStatus(gatewayUrl);
    say(`gateway delivered everything: ${JSON.stringify(final.readings)}`);

    // Read everything back, as each patient, and hold it against what was acknowledged.
    const readBack = await phase('verify', async () => {
      sessions = await openSessions(patients);
      return readBackPods(patients, sessions, (checked) => {
        if (checked % 20 === 0 || checked === patients.length) say(`read back ${checked}/${patients.length} pods`);
      });
    });
    const { lost, duplicated, wrongValue, acknowledged, afterLostAnswer, bloodPressure, unacknowledgedInPods, foreign } = compareWithAcknowledged(sent.values(), readBack);


    const sortedAcks = [...ackLatencies].sort((a, b) => a - b);
    const { log: _log, reportPath: _path, ...shownConfig } = config;
    const summary: FaultRunSummary = {
      name: config.name,
      config: shownConfig,
      startedAt,
      patients: patients.length,
      devices: config.devices,
      requests,
      readings: {
        generated: sent.size,
        acknowledged,
        acknowledgedAfterLostAnswer: afterLostAnswer,
        bloodPressure,
        inPods: readBack.inPods,
        lost: lost.length,
        duplicated: duplicated.length,
        unacknowledgedInPods,
        foreign,
        wrongValue: wrongValue.length,
        unreadable: readBack.unreadable.length,
      },
      documents: { monthDocuments: readBack.monthDocuments, read: readBack.monthDocuments },
      gateway: {
        kills: gatewayRestartMs.length, killsWhilePodServerDown, recoveredFromOutbox, restartMs: gatewayRestartMs, refused: final.readings.refused ?? 0, failed: final.readings.failed ?? 0,
        outboxCompactions: gatewayOutputs.flat().filter((l) => l.includes('outbox: compacted')).length,
        tornBytesCut: gatewayOutputs.flat().reduce((n, l) => n + Number(/cut (\d+) torn byte/.exec(l)?.[1] ?? 0), 0),
      },
      podServer: { restarts: podRestartMs.length, restartMs: podRestartMs },
      phasesMs: { ...phases, total: Math.round(performance.now() - t0) },
      throughput: {
        acknowledgedPerSecond: round1(acknowledged / streamSeconds),
        deliveredPerSecond: round1(acknowledged / deliveredSeconds),
        ackMs: { p50: round1(percentile(sortedAcks, 50)), p99: round1(percentile(sortedAcks, 99)), max: round1(sortedAcks.at(-1) ?? 0) },
      },
      examples: {
        lost: lost.slice(0, 10), duplicated: duplicated.slice(0, 10), wrongValue: wrongValue.slice(0, 10),
        unreadable: readBack.unreadable.slice(0, 10), rejected: rejected.slice(0, 10),
      },
    };
    say(`readings: ${acknowledged} acknowledged, ${readBack.inPods} in the pods, lost ${lost.length}, duplicated ${duplicated.length}, ` +
      `unacknowledged but stored ${unacknowledgedInPods}, acknowledged after a lost answer ${afterLostAnswer}`);
    say(`throughput: ${summary.throughput.acknowledgedPerSecond} acknowledged/s while streaming, ${summary.throughput.deliveredPerSecond} delivered/s to the end; phases ${JSON.stringify(summary.phasesMs)}`);
    if (config.reportPath) {
      await mkdir(dirname(config.reportPath), { recursive: true });
      await writeFile(config.reportPath, `${JSON.stringify(summary, null, 2)}\n`);
      say(`summary written to ${config.reportPath}`);
    }
    return summary;
  } finally {
    clearInterval(ticker);
    if (sessions) await closeSessions(sessions);
    await gateway?.kill();
    await world?.stop();
  }
}
