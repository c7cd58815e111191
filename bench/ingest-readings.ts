/**
 * The ingest benchmark's readings and its talk with the gateway and the pods:
 * which readings it sends, how it posts them and waits for delivery, and how
 * it counts (as the patients) what landed. bench/ingest.ts runs the phases.
 */
import { measurementDocument, parseMeasurementInput, parseMeasurementsTurtle, type Measurement } from '../apps/shared/measurement/index.ts';
import { seededRandom } from '../apps/shared/prng.ts';
import { forEachPooled } from '../apps/shared/work-pool.ts';
import { deviceReadings, makeDevices, type JsonReading } from '../apps/simulator/devices.ts';
import { progressBar } from '../apps/simulator/progress.ts';
import { gatewayStatus, type GatewayProcess } from '../test/support/gateway-process.ts';
import type { TestWorld } from '../test/support/test-world.ts';
import { pairDevice } from '../test/support/pairing.ts';
import { CATEGORIES } from '../vocab/catalogue.ts';

export const PATIENTS = ['hans', 'kari', 'ola'] as const;

/** N realistic readings (3 patients, 21 devices of 6 types), spread over days 3-27 of March 2024 (Oslo). */
export function makeReadings(world: TestWorld, count: number): JsonReading[] {
  const random = seededRandom(2024);
  const patients = PATIENTS.map((name) => ({ webId: world.accounts[name]!.webId }));
  const devices = makeDevices(21, patients, random, 'bench');
  const start = Date.parse('2024-03-03T00:00:00+01:00');
  const span = Date.parse('2024-03-27T00:00:00+01:00') - start;
  const readings: JsonReading[] = [];
  for (let i = 0; readings.length < count; i++) {
    const device = devices[i % devices.length]!;
    readings.push(...deviceReadings(device, start + Math.floor((readings.length / count) * span), random));
  }
  return readings.slice(0, count);
}

/** The same readings `years` later (or earlier): same days of March, so the same month documents, empty in that year. */
export function shiftYears(readings: readonly JsonReading[], years: number): JsonReading[] {
  return readings.map((r) => {
    const at = new Date(r.effectiveTime);
    at.setUTCFullYear(at.getUTCFullYear() + years);
    return { ...r, effectiveTime: at.toISOString() };
  });
}

export function toMeasurement(r: JsonReading, source: string): Measurement {
  const parsed = parseMeasurementInput({ ...r, source, setting: 'home-municipality' });
  if (!parsed.ok) throw new Error(`bench reading invalid: ${JSON.stringify(parsed.errors)}`);
  return parsed.value;
}

/** Runs `task` over `items` with `concurrency` workers, reporting how many are done. */
export async function pool<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>, onDone?: (n: number) => void): Promise<void> {
  let done = 0;
  await forEachPooled(items, concurrency, async (item) => {
    await task(item);
    onDone?.(++done);
  });
}

export async function countLanded(world: TestWorld, measurements: readonly Measurement[]): Promise<{ landed: number; problems: number }> {
  const byDocument = new Map<string, { patient: string; devices: Set<string> }>();
  for (const m of measurements) {
    const name = PATIENTS.find((p) => world.accounts[p]!.webId === m.patient)!;
    byDocument.set(measurementDocument(world.accounts[name]!.podUrl, m.kind, m.effectiveTime), { patient: name, devices: new Set() });
  }
  const iris = new Set<string>();
  let problems = 0;
  for (const [document, { patient }] of byDocument) {
    const response = await (await world.fetchAs(patient))(document, { headers: { accept: 'text/turtle' } });
    if (response.status === 404) {
      await response.body?.cancel();
      continue;
    }
    const parsed = parseMeasurementsTurtle(await response.text(), document);
    problems += parsed.problems.length;
    for (const m of parsed.measurements) iris.add(m.iri);
  }
  return { landed: iris.size, problems };
}

/**
 * Pairs one device per patient for every kind, each approved by the patient's
 * own session as on the consent page (#18); returns the credential to send a
 * patient's readings with.
 */
export async function pairBenchDevices(world: TestWorld, gatewayUrl: string): Promise<(patientWebId: string) => string> {
  const credentials = new Map<string, string>();
  for (const name of PATIENTS) {
    const { webId } = world.accounts[name]!;
    const token = await pairDevice({ gatewayUrl, patient: { fetch: await world.fetchAs(name), webId }, kinds: [...CATEGORIES], device: { id: `bench-${name}`, model: 'Bench hub' } });
    credentials.set(webId, token.access_token);
  }
  return (patientWebId) => {
    const credential = credentials.get(patientWebId);
    if (!credential) throw new Error(`no device is paired for ${patientWebId}`);
    return credential;
  };
}

/** Posts one reading or a batch (all for one patient) with that patient's device credential; returns the acknowledgement time in ms. */
export async function post(url: string, body: unknown, credential: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL('/readings', url), {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` }, body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`gateway answered ${response.status}: ${text.slice(0, 300)}`);
  return performance.now() - started;
}

export async function waitDelivered(gateway: GatewayProcess, label: string, expected: number, deliveredBefore: number): Promise<void> {
  const bar = progressBar(label);
  for (;;) {
    const { readings } = await gatewayStatus(gateway.url);
    bar.update(Math.min(expected, (readings.delivered ?? 0) - deliveredBefore), expected, `pending ${readings.pending}, retrying ${readings.retrying}`);
    if (readings.pending === 0 && readings.retrying === 0) break;
    if (readings.failed || readings.refused) throw new Error(`readings failed or refused: ${JSON.stringify(readings)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  bar.finish();
}
