/**
 * Simulates DHO devices sending readings to the gateway:
 *
 *   npm run simulate -- --devices 50 --patients 3 --rate 20 --duration 30
 *       [--gateway http://localhost:3001/] [--data-dir .data] [--format json|fhir] [--seed 1] [--no-wait]
 *   (every option, with its environment variable and default: --help, config.ts)
 *
 * The devices send as the demo devices `npm start` paired with the gateway
 * ({dataDir}/devices.json, apps/shared/paired-devices.ts): each request
 * carries its pairing's credential (Authorization: Bearer) and holds only
 * the kinds the patient approved. N devices (oximeters, BP monitors, scales,
 * ...) spread over the pairings of the first M paired patients (more devices
 * than pairings share them round-robin) send readings at `rate` readings/s in
 * total for `duration` seconds, each device's readings timestamped now. A
 * progress bar shows what was sent, acknowledged and delivered; at the end it
 * waits until the gateway has delivered everything (unless --no-wait) and
 * prints acknowledgement latencies.
 */
import { loadConfig } from '../shared/config.ts';
import { pairedDevicesPath, readPairedDevices } from '../shared/paired-devices.ts';
import { deviceReadings, makePairedDevices, toFhirObservation, type SimPairing } from './devices.ts';
import { seededRandom } from '../shared/prng.ts';
import { progressBar } from './progress.ts';
import { summarise } from './stats.ts';
import { SIMULATOR_OPTIONS } from './config.ts';

/** The pairings of the first `count` paired patients, from devices.json. */
async function pairings(dataDir: string, count: number): Promise<SimPairing[]> {
  const file = await readPairedDevices(dataDir);
  if (!file || file.devices.length === 0) {
    throw new Error(`No paired devices in ${pairedDevicesPath(dataDir)}: run npm start once: it pairs the demo devices (or give --data-dir of the world it started)`);
  }
  const patients = [...new Set(file.devices.map((d) => d.patient))];
  if (patients.length < count) {
    throw new Error(`Only ${patients.length} patient(s) have paired devices in ${pairedDevicesPath(dataDir)}; ask for --patients ${patients.length}`);
  }
  return file.devices.filter((d) => patients.slice(0, count).includes(d.patient)).map((d) => ({
    patient: { webId: d.patient, identifier: d.patientIdentifier },
    credential: d.credential,
    deviceId: d.device.id,
    kinds: d.kinds,
  }));
}

async function status(gateway: string): Promise<Record<string, number>> {
  const response = await fetch(new URL('/status', gateway)).catch((error: Error) => {
    throw new Error(`Cannot reach the gateway at ${gateway} (${error.message}); is \`npm start\` running?`);
  });
  return ((await response.json()) as { readings: Record<string, number> }).readings;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const config = loadConfig('npm run simulate -- [options]: simulated devices sending readings to the gateway', SIMULATOR_OPTIONS);
  const o = { ...config, devices: Math.round(config.devices), patients: Math.round(config.patients), wait: !config.noWait };
  const random = seededRandom(o.seed);
  const devices = makePairedDevices(o.devices, await pairings(o.dataDir, o.patients), random);
  const before = await status(o.gateway);
  const total = Math.round(o.rate * o.duration);
  console.error(`Simulating ${o.devices} devices for ${o.patients} patient(s): ${total} readings at ${o.rate}/s as ${o.format.toUpperCase()} to ${o.gateway}`);

  const bar = progressBar('sending ');
  const latencies: number[] = [];
  const errors: string[] = [];
  let sent = 0;
  let acknowledged = 0;
  let inFlight = 0;
  let deviceIndex = 0;
  const started = performance.now();
  const pending = new Set<Promise<void>>();
  const redraw = () => {
    const lat = summarise(latencies);
    bar.update(acknowledged, total, `sent ${sent}, errors ${errors.length}, ack p50 ${lat.p50.toFixed(1)} ms p99 ${lat.p99.toFixed(1)} ms`);
  };
  const timer = setInterval(redraw, 200);

  while (sent < total) {
    const due = started + (sent / o.rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inFlight >= 64) {
      await Promise.race(pending);
      continue;
    }
    const device = devices[deviceIndex++ % devices.length]!;
    const readings = deviceReadings(device, Date.now(), random).slice(0, total - sent);
    sent += readings.length;
    const [path, type, body] = o.format === 'fhir'
      ? ['/fhir', 'application/fhir+json', readings.length === 1
          ? toFhirObservation(readings[0]!, device.patient)
          : { resourceType: 'Bundle', type: 'collection', entry: readings.map((r) => ({ resource: toFhirObservation(r, device.patient) })) }]
      : ['/readings', 'application/json', readings.length === 1 ? readings[0] : { readings }];
    inFlight += 1;
    const t0 = performance.now();
    const headers = { 'content-type': type, authorization: `Bearer ${device.credential}` };
    const request = fetch(new URL(path, o.gateway), { method: 'POST', headers, body: JSON.stringify(body) })
      .then(async (response) => {
        const text = await response.text();
        if (response.status === 202) {
          latencies.push(performance.now() - t0);
          acknowledged += readings.length;
        } else {
          const hint = response.status === 401 ? ` (is ${o.gateway} the gateway npm start paired with? devices.json says which)` : '';
          errors.push(`${response.status}: ${text.slice(0, 300)}${hint}`);
        }
      })
      .catch((error: Error) => {
        errors.push(error.message);
      })
      .finally(() => {
        inFlight -= 1;
        pending.delete(request);
      });
    pending.add(request);
  }
  await Promise.all(pending);
  clearInterval(timer);
  redraw();
  bar.finish();
  const seconds = (performance.now() - started) / 1000;

  if (o.wait) {
    const delivering = progressBar('delivery');
    const settledSinceStart = (s: Record<string, number>) =>
      (['delivered', 'refused', 'failed'] as const).reduce((n, k) => n + (s[k] ?? 0) - (before[k] ?? 0), 0);
    for (;;) {
      const s = await status(o.gateway);
      delivering.update(Math.min(acknowledged, settledSinceStart(s)), acknowledged, `pending ${s.pending}, retrying ${s.retrying}, refused ${s.refused}, failed ${s.failed}`);
      if (s.pending === 0 && s.retrying === 0) break;
      await sleep(250);
    }
    delivering.finish();
  }

  const lat = summarise(latencies);
  console.log(JSON.stringify({
    readings: total, acknowledged, errors: errors.length, seconds: Number(seconds.toFixed(1)),
    ratePerSecond: Number((acknowledged / seconds).toFixed(1)),
    ackMs: { p50: round(lat.p50), p90: round(lat.p90), p99: round(lat.p99), max: round(lat.max) },
  }, null, 2));
  if (errors.length > 0) {
    console.error(`First errors:\n${errors.slice(0, 5).join('\n')}`);
    process.exitCode = 1;
  }
}

const round = (n: number) => Number(n.toFixed(1));

main().catch((error: Error) => {
  console.error(`simulator: ${error.message}`);
  process.exit(1);
});
