/**
 * The device gateway against a real CSS with the demo world, the gateway as a
 * real child process (so it can be SIGKILLed): readings land in the right
 * month documents as SNOMED CT + UCUM, a reading sent three times is stored
 * once, a bad reading writes nothing, a pod without a grant refuses, a crash
 * right after 500 acknowledgements loses nothing and duplicates nothing, and
 * a pod server down for 20 s mid-stream loses nothing. Every reading is sent
 * with the credential of a device the patient paired with their real login
 * (support/pairing.ts), and the pairings survive the SIGKILL. Pods are read
 * back as the patients, never as the vendor (who cannot read them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { VENDOR_PATIENT_ID_SYSTEM, DEMO_PATIENT_IDS } from '../../apps/gateway/demo-enrolments.ts';
import { measurementDocument, parseMeasurementsTurtle, type StoredMeasurement } from '../../apps/shared/measurement/index.ts';
import type { DeviceToken } from '../../apps/shared/pairing.ts';
import type { PodServer } from '../../pod-server/start.ts';
import type { KindId } from '../../vocab/catalogue.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';
import {
  gatewayStatus, postJson, startGatewayProcess, stopPodServerFor, waitForDelivery, type GatewayProcess,
} from '../support/gateway-process.ts';

let world: TestWorld;
let gateway: GatewayProcess;
let gatewayPort: number;
let replacementPodServer: PodServer | undefined;
/** One paired device per patient, for the kinds this file sends them. */
const devices: Record<string, DeviceToken> = {};

/** Short backoff cap so a pod server that comes back is used again within ~2 s. */
const GATEWAY_ARGS = ['--backoff-max-ms', '2000', '--quiet'];

beforeAll(async () => {
  world = await startTestWorld();
  gatewayPort = await freePort();
  gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: gatewayPort, args: GATEWAY_ARGS });
  const pair = async (name: string, kinds: KindId[], patientIdentifier?: { system: string; value: string }) => {
    devices[name] = await pairDevice({
      gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs(name) }, kinds, device: { id: `${name}-hub`, model: 'Helsevev test hub' },
      ...(patientIdentifier ? { patientIdentifier } : {}),
    });
  };
  await pair('hans', ['oxygen-saturation', 'heart-rate', 'respiratory-rate', 'body-temperature']);
  await pair('ola', ['blood-pressure', 'heart-rate', 'body-weight'], { system: NO_NATIONAL_ID_SYSTEM, value: DEMO_PATIENT_IDS.ola.nationalId });
  await pair('kari', ['blood-glucose', 'body-weight'], { system: VENDOR_PATIENT_ID_SYSTEM, value: DEMO_PATIENT_IDS.kari.vendorId });
  // The hospital's pod: paired like a patient's, but it gives the vendor no Append anywhere.
  await pair('ous', ['heart-rate'], { system: VENDOR_PATIENT_ID_SYSTEM, value: 'HM-9001' });
});

/** POSTs a reading (or batch, or FHIR resource) with the device `name`'s patient paired. */
const send = (name: string, path: string, body: unknown, contentType = 'application/json') =>
  postJson(gateway.url, path, body, contentType, bearer(devices[name]!));

afterAll(async () => {
  await gateway?.kill();
  await replacementPodServer?.stop();
  await world?.stop();
});

const webId = (name: string) => world.accounts[name]!.webId;
const pod = (name: string) => world.accounts[name]!.podUrl;

/** Every measurement in the documents, read as the patient; a missing document has none. */
async function measurementsIn(patient: string, documents: readonly string[]): Promise<{ measurements: StoredMeasurement[]; problems: unknown[]; missing: string[] }> {
  const fetchAsPatient = await world.fetchAs(patient);
  const result = { measurements: [] as StoredMeasurement[], problems: [] as unknown[], missing: [] as string[] };
  for (const document of new Set(documents)) {
    const response = await fetchAsPatient(document, { headers: { accept: 'text/turtle' } });
    if (response.status === 404) {
      await response.body?.cancel();
      result.missing.push(document);
      continue;
    }
    expect(response.status).toBe(200);
    const parsed = parseMeasurementsTurtle(await response.text(), document);
    result.measurements.push(...parsed.measurements);
    result.problems.push(...parsed.problems);
  }
  return result;
}

async function rawDocument(patient: string, document: string): Promise<string> {
  const response = await (await world.fetchAs(patient))(document, { headers: { accept: 'application/n-triples' } });
  expect(response.status).toBe(200);
  return response.text();
}

/** Sends `count` readings of hans's device one request each, `concurrency` at a time; returns the acknowledgement latencies. */
async function sendEach(bodies: readonly unknown[], concurrency: number): Promise<number[]> {
  const queue = bodies.map((b, i) => [b, i] as const);
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const r = await send('hans', '/readings', next[0]);
      if (r.status !== 202) throw new Error(`reading ${next[1]} was not acknowledged: ${r.status} ${JSON.stringify(r.body)}`);
      latencies.push(r.ms);
    }
  }));
  return latencies;
}

describe('readings land in the pods', () => {
  it('JSON and FHIR readings land in the right month documents, with SNOMED CT IRIs and UCUM units', async () => {
    const json = await send('hans', '/readings', { readings: [
      { patient: webId('hans'), kind: 'oxygen-saturation', value: 93, unit: '%', effectiveTime: '2026-01-10T08:30:00+01:00', device: 'json-oxi' },
      // 00:30 on 1 February in Oslo: February's document, whatever the device's offset.
      { patient: webId('hans'), code: { system: 'http://loinc.org', code: '8867-4' }, value: 84, unit: '{beats}/min', effectiveTime: '2026-01-31T23:30:00Z', device: 'json-oxi' },
    ] });
    expect(json.status).toBe(202);
    const byIdentifier = await send('ola', '/readings', {
      patientIdentifier: { system: NO_NATIONAL_ID_SYSTEM, value: DEMO_PATIENT_IDS.ola.nationalId },
      kind: 'blood-pressure', components: { systolic: 18, diastolic: 11 }, unit: 'kPa',
      effectiveTime: '2026-01-12T07:45:00+01:00', device: 'json-bp', setting: 'home-hospital',
    });
    expect(byIdentifier.status).toBe(202);

    const fhir = await send('kari', '/fhir', {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { resource: {
          resourceType: 'Observation', status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '2339-0' }] },
          subject: { identifier: { system: VENDOR_PATIENT_ID_SYSTEM, value: DEMO_PATIENT_IDS.kari.vendorId } },
          effectiveDateTime: '2026-01-20T07:10:00+01:00',
          valueQuantity: { value: 126, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
          device: { identifier: { value: 'fhir-glucometer' } },
        } },
        { resource: {
          resourceType: 'Observation', status: 'final',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001' }] },
          subject: { reference: webId('kari') },
          effectiveDateTime: '2026-01-20T07:15:00+01:00',
          valueQuantity: { value: 71.3, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
          device: { reference: 'Device/fhir-scale' },
        } },
      ],
    }, 'application/fhir+json');
    expect(fhir.status).toBe(202);
    await waitForDelivery(gateway.url, 30_000);

    const expected: [string, string, string, string, string][] = [
      ['hans', 'oxygen-saturation', '2026-01', '431314004', '%'],
      ['hans', 'heart-rate', '2026-02', '364075005', '/min'],
      ['ola', 'blood-pressure', '2026-01', '75367002', 'mm[Hg]'],
      ['kari', 'blood-glucose', '2026-01', '434912009', 'mmol/L'],
      ['kari', 'body-weight', '2026-01', '27113001', 'kg'],
    ];
    for (const [patient, category, month, snomed, unit] of expected) {
      const document = `${pod(patient)}health/measurements/${category}/${month}.ttl`;
      const { measurements, problems, missing } = await measurementsIn(patient, [document]);
      expect(missing, document).toEqual([]);
      expect(problems).toEqual([]);
      expect(measurements).toHaveLength(1);
      expect(measurements[0]!.patient).toBe(webId(patient));
      expect(measurements[0]!.source).toBe(webId('vendor'));
      const triples = await rawDocument(patient, document);
      expect(triples).toContain(`<http://www.w3.org/ns/sosa/observedProperty> <http://snomed.info/id/${snomed}>`);
      expect(triples).toContain(`<https://w3id.org/helsevev#ucumCode> "${unit}"`);
    }
    const [bp] = (await measurementsIn('ola', [`${pod('ola')}health/measurements/blood-pressure/2026-01.ttl`])).measurements;
    expect(bp).toMatchObject({ kind: 'blood-pressure', systolic: 135, diastolic: 83, setting: 'home-hospital' });
    const [glucose] = (await measurementsIn('kari', [`${pod('kari')}health/measurements/blood-glucose/2026-01.ttl`])).measurements;
    expect(glucose).toMatchObject({ value: 7, unit: 'mmol/L', device: 'fhir-glucometer' });
  });

  it('stores a reading sent three times once', async () => {
    const reading = { patient: webId('hans'), kind: 'respiratory-rate', value: 18, unit: '/min', effectiveTime: '2026-01-15T09:00:00+01:00', device: 'thrice' };
    const answers = [];
    for (const effectiveTime of ['2026-01-15T09:00:00+01:00', '2026-01-15T08:00:00Z', '2026-01-15T09:00:00.000+01:00']) {
      answers.push(await send('hans', '/readings', { ...reading, effectiveTime }));
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((a) => a.body.readings[0].id)).size).toBe(1);
    await waitForDelivery(gateway.url, 30_000);
    const { measurements, problems } = await measurementsIn('hans', [`${pod('hans')}health/measurements/respiratory-rate/2026-01.ttl`]);
    expect(problems).toEqual([]);
    expect(measurements.filter((m) => m.device === 'thrice')).toHaveLength(1);
  });

  it('writes nothing of a request with a bad reading, and answers problem+json naming it', async () => {
    const document = `${pod('hans')}health/measurements/body-temperature/2026-03.ttl`;
    const r = await send('hans', '/readings', { readings: [
      { patient: webId('hans'), kind: 'body-temperature', value: 37.2, unit: 'Cel', effectiveTime: '2026-03-02T08:00:00+01:00', device: 'thermo' },
      { patient: webId('hans'), kind: 'body-temperature', value: 98.6, unit: 'F', effectiveTime: '2026-03-02T20:00:00+01:00', device: 'thermo' },
    ] });
    expect(r.status).toBe(422);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'readings/1/unit', message: expect.stringContaining("'F'") })]);
    await waitForDelivery(gateway.url, 10_000);
    expect((await measurementsIn('hans', [document])).missing).toEqual([document]);
  });

  it('marks readings for a pod that has not granted the vendor Append as refused, and does not retry them', async () => {
    // The hospital's pod (paired in beforeAll): the gateway learnt it from the profile, but it gives the vendor no Append.
    expect(devices.ous!.patient).toBe(webId('ous'));
    const r = await send('ous', '/readings', {
      patientIdentifier: { system: VENDOR_PATIENT_ID_SYSTEM, value: 'HM-9001' },
      kind: 'heart-rate', value: 70, unit: '/min', effectiveTime: '2026-01-05T08:00:00+01:00', device: 'no-grant',
    });
    expect(r.status).toBe(202);
    expect(r.body.readings[0].document).toContain(pod('ous'));
    await waitForDelivery(gateway.url, 30_000);
    const status = await (await fetch(new URL(`/readings/${r.body.readings[0].id}`, gateway.url), { headers: bearer(devices.ous!) })).json();
    expect(status).toMatchObject({ state: 'refused', httpStatus: 403, reason: expect.stringContaining('has not granted the vendor Append') });
    const before = (await gatewayStatus(gateway.url)).delivery.patches;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await gatewayStatus(gateway.url)).delivery.patches).toBe(before);
  });
});

describe('acknowledged means durable', () => {
  it('loses nothing and duplicates nothing when SIGKILLed right after acknowledging 500 readings', async () => {
    const start = Date.parse('2025-10-20T00:00:00Z');
    const bodies = Array.from({ length: 500 }, (_, i) => ({
      patient: webId('hans'),
      ...(i % 2 === 0 ? { kind: 'oxygen-saturation', value: 90 + (i % 9), unit: '%' } : { kind: 'heart-rate', value: 60 + (i % 40), unit: '/min' }),
      // Every 3 hours from 20 October: October to December, six month documents.
      effectiveTime: new Date(start + i * 3 * 3_600_000).toISOString(),
      device: `crash-${i % 5}`,
    }));
    const documents = bodies.map((b) => measurementDocument(pod('hans'), b.kind as 'heart-rate', b.effectiveTime));
    expect(new Set(documents).size).toBe(6);
    await sendEach(bodies, 25);
    await gateway.kill('SIGKILL');
    const before = await measurementsIn('hans', documents);
    gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: gatewayPort, args: ['--backoff-max-ms', '2000'] });
    const recovered = gateway.output.map((l) => /(\d+) reading\(s\) in the outbox from before/.exec(l)?.[1]).find(Boolean);
    // The test means something only if the crash left readings undelivered.
    expect(Number(recovered)).toBeGreaterThan(0);
    expect(before.measurements.length).toBeLessThan(500);
    await waitForDelivery(gateway.url, 60_000);

    const { measurements, problems } = await measurementsIn('hans', documents);
    const crashed = measurements.filter((m) => m.device?.startsWith('crash-'));
    expect(problems).toEqual([]);
    expect(crashed).toHaveLength(500);
    expect(new Set(crashed.map((m) => m.iri)).size).toBe(500);
  });
});

describe('the pod server goes away', () => {
  it('loses nothing when the pod server is stopped for 20 s mid-stream', async () => {
    const start = Date.parse('2025-09-01T06:00:00Z');
    let sent = 0;
    let streaming = true;
    const failures: string[] = [];
    // A steady stream of ~25 readings/s from 5 devices, for as long as the test runs.
    const stream = (async () => {
      while (streaming) {
        const i = sent++;
        const body = {
          patient: webId('ola'),
          ...(i % 2 === 0 ? { kind: 'heart-rate', value: 60 + (i % 30), unit: '/min' } : { kind: 'body-weight', value: 80 + (i % 20) / 10, unit: 'kg' }),
          effectiveTime: new Date(start + i * 3_600_000).toISOString(),
          device: `outage-${i % 5}`,
        };
        const r = await send('ola', '/readings', body);
        if (r.status !== 202) failures.push(`${r.status} ${JSON.stringify(r.body)}`);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    let retryingSeen = 0;
    replacementPodServer = await stopPodServerFor(world, 20_000, () => {
      // Sample the status API during the outage.
      setTimeout(() => void gatewayStatus(gateway.url).then((s) => { retryingSeen = s.readings.retrying ?? 0; }), 10_000);
    });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    streaming = false;
    await stream;
    expect(failures).toEqual([]);
    expect(retryingSeen).toBeGreaterThan(0);
    await waitForDelivery(gateway.url, 60_000);

    const documents = Array.from({ length: sent }, (_, i) => measurementDocument(pod('ola'), i % 2 === 0 ? 'heart-rate' : 'body-weight', new Date(start + i * 3_600_000).toISOString()));
    const { measurements, problems } = await measurementsIn('ola', documents);
    const streamed = measurements.filter((m) => m.device?.startsWith('outage-'));
    expect(problems).toEqual([]);
    expect(streamed).toHaveLength(sent);
    expect(new Set(streamed.map((m) => m.iri)).size).toBe(sent);
  }, 120_000);
});
