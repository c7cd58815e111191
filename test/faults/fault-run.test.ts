/**
 * "Acknowledged means in the pod, exactly once", under faults (issue #9):
 * devices stream readings through the real gateway process into a real pod
 * server while both are SIGKILLed and started again on their data folders
 * (see fault-run.ts for how the run works and what it counts).
 *
 * Two sizes, one test:
 * - short (default, part of `npm test`): 10 patients, 10 devices, one
 *   gateway SIGKILL, one pod server SIGKILL + restart;
 * - full (`npm run test:faults`, HELSEVEV_FAULTS=full): 100 patients, 50
 *   devices, two gateway SIGKILLs (one while the pod server is down), one pod
 *   server SIGKILL + restart.
 * Both write their figures to test/reports/faults-{short,full}.json.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { runFaultRun, type FaultRunConfig } from './fault-run.ts';

const full = process.env.HELSEVEV_FAULTS === 'full';
const reportPath = (name: string) => fileURLToPath(new URL(`../reports/faults-${name}.json`, import.meta.url));

const SHORT: FaultRunConfig = {
  name: 'short', patients: 10, devices: 10, streamMs: 30_000, intervalMs: 250,
  gatewayKillsAt: [0.3], podRestartsAt: [0.6], podStopSignal: 'SIGKILL', outboxCompactAtBytes: 64 * 1024, drainTimeoutMs: 60_000, reportPath: reportPath('short'),
};
const FULL: FaultRunConfig = {
  name: 'full', patients: 100, devices: 50, streamMs: 120_000, intervalMs: 250,
  gatewayKillsAt: [0.25], podRestartsAt: [0.5], killGatewayDuringPodOutage: true, podStopSignal: 'SIGKILL', outboxCompactAtBytes: 256 * 1024, drainTimeoutMs: 300_000, reportPath: reportPath('full'),
};
const config = full ? FULL : SHORT;
const gatewayKills = config.gatewayKillsAt.length + (config.killGatewayDuringPodOutage ? config.podRestartsAt.length : 0);

it(`${config.name} fault run: ${config.devices} devices, ${config.patients} patients, ${gatewayKills} gateway SIGKILL(s), ${config.podRestartsAt.length} pod server ${config.podStopSignal}(s) and restart(s): every acknowledged reading in the pods exactly once`, async () => {
  const summary = await runFaultRun(config);
  const { readings, gateway, podServer, requests, examples } = summary;

  // The faults happened, and hit readings on their way.
  expect(gateway.kills).toBe(gatewayKills);
  if (config.killGatewayDuringPodOutage) expect(gateway.killsWhilePodServerDown).toBe(config.podRestartsAt.length);
  expect(podServer.restarts).toBe(config.podRestartsAt.length);
  expect(gateway.recoveredFromOutbox.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(requests.rejected, examples.rejected.join('\n')).toBe(0);
  expect(readings.acknowledged).toBeGreaterThan(config.patients * 5);
  expect(readings.bloodPressure).toBeGreaterThan(0);
  expect(gateway.outboxCompactions).toBeGreaterThan(0);

  // Nothing lost, nothing twice, nothing changed, nothing from nowhere.
  expect(examples.lost).toEqual([]);
  expect(examples.duplicated).toEqual([]);
  expect(examples.wrongValue).toEqual([]);
  expect(examples.unreadable).toEqual([]);
  expect(readings.lost).toBe(0);
  expect(readings.duplicated).toBe(0);
  expect(readings.foreign).toBe(0);
  expect(readings.inPods).toBe(readings.acknowledged + readings.unacknowledgedInPods);
  expect(gateway.failed).toBe(0);
  expect(gateway.refused).toBe(0);
}, full ? 30 * 60_000 : 5 * 60_000);
