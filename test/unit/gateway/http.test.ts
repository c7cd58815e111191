/**
 * The gateway's HTTP API in-process, over a fake pod (no CSS): answers,
 * problem+json for every kind of bad request, all-or-nothing batches,
 * idempotency, refused readings in the status API, and the OpenAPI file.
 * Readings are sent with the credentials of devices the patients paired
 * (test patients: see fixtures.ts; the real login is proven against CSS).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../apps/gateway/gateway.ts';
import { VENDOR_PATIENT_ID_SYSTEM } from '../../../apps/gateway/demo-enrolments.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../../apps/shared/fhir/identifiers.ts';
import { OPENAPI_PATH } from '../../../apps/gateway/http/app.ts';
import type { DeviceToken } from '../../../apps/shared/pairing.ts';
import { CATEGORIES } from '../../../vocab/catalogue.ts';
import { bearer, pairDevice } from '../../support/pairing.ts';
import { BASE, PATIENT, VENDOR, tempDir, testPatient, testPatientVerifier } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let gateway: Gateway;
const patches: { document: string; quads: number }[] = [];
/** hans: every kind, known to the vendor as HM-1001; ola: heart rate, by national identity number; kari: SpO2. */
const devices: Record<'hans' | 'ola' | 'kari', DeviceToken> = {} as never;

beforeAll(async () => {
  dir = await tempDir();
  gateway = await startGateway({
    port: 0,
    dataDir: dir.path,
    credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
    demoPodBaseUrl: BASE,
    delivery: { coalesceMs: 5 },
    verifyPatient: testPatientVerifier,
    discoverStorage: async (webId) => webId.replace(/profile\/card#me$/, ''),
    append: async (document, quads) => {
      patches.push({ document, quads: quads.length });
      return document.startsWith(`${BASE}kari/`)
        ? { ok: false, retry: false, status: 403, reason: 'forbidden' }
        : { ok: true, status: 205 };
    },
  });
  const pair = (name: string, kinds: typeof CATEGORIES, patientIdentifier?: { system: string; value: string }) =>
    pairDevice({ gatewayUrl: gateway.url, patient: testPatient(`${BASE}${name}/profile/card#me`), kinds, ...(patientIdentifier ? { patientIdentifier } : {}) });
  devices.hans = await pair('hans', CATEGORIES, { system: VENDOR_PATIENT_ID_SYSTEM, value: 'HM-1001' });
  devices.ola = await pair('ola', ['heart-rate'], { system: NO_NATIONAL_ID_SYSTEM, value: '21715510097' });
  devices.kari = await pair('kari', ['oxygen-saturation']);
});
afterAll(async () => {
  await gateway.stop();
  await dir.remove();
});

const spo2 = (overrides: Record<string, unknown> = {}) => ({
  patient: PATIENT, kind: 'oxygen-saturation', value: 94, unit: '%', effectiveTime: '2026-01-05T08:30:00+01:00', device: 'oxi-7', ...overrides,
});

async function post(path: string, body: unknown, type = 'application/json', device = devices.hans) {
  const response = await fetch(new URL(path, gateway.url), {
    method: 'POST',
    headers: { 'content-type': type, ...bearer(device) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() as any };
}
const get = async (path: string, device = devices.hans) => {
  const response = await fetch(new URL(path, gateway.url), { headers: bearer(device) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() as any };
};

function expectOutcome(r: { status: number; type: string; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/fhir\+json/);
  expect(r.body.resourceType).toBe('OperationOutcome');
  expect(r.body.issue[0]).toMatchObject({ severity: 'error', code: expect.any(String), diagnostics: expect.stringMatching(/\w{4,}.*\w{4,}/) });
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
}

function expectProblem(r: { status: number; type: string; body: any }, status: number) {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.body).toMatchObject({ status, type: expect.stringMatching(/^https:\/\//), title: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
}

describe('POST /readings', () => {
  it('acknowledges a reading with 202 and an id derived from the reading', async () => {
    const r = await post('/readings', spo2());
    expect(r.status).toBe(202);
    expect(r.body.readings[0]).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/), duplicate: false,
      document: `${BASE}hans/health/measurements/oxygen-saturation/2026-01.ttl`,
    });
    const again = await post('/readings', spo2({ effectiveTime: '2026-01-05T07:30:00Z' }));
    expect(again.body.readings[0]).toMatchObject({ id: r.body.readings[0].id, duplicate: true });
  });

  it('takes a device\'s reading that names no patient as its patient\'s', async () => {
    const { patient: _, ...rest } = spo2({ device: 'oxi-own' });
    const r = await post('/readings', rest);
    expect(r.status).toBe(202);
    expect(r.body.readings[0].document).toBe(`${BASE}hans/health/measurements/oxygen-saturation/2026-01.ttl`);
  });

  it('finds the patient by the identifier the pairing named', async () => {
    const { patient: _, ...rest } = spo2({ device: 'oxi-8' });
    const r = await post('/readings', { ...rest, patientIdentifier: { system: VENDOR_PATIENT_ID_SYSTEM, value: 'HM-1001' } });
    expect(r.status).toBe(202);
    expect(r.body.readings[0].document).toContain(`${BASE}hans/`);
  });

  it('refuses a whole batch with one bad reading, naming every wrong field with its index', async () => {
    const known = async () => Object.values((await get('/status')).body.readings as Record<string, number>).reduce((x, y) => x + y, 0);
    const before = await known();
    const r = await post('/readings', { readings: [
      spo2({ device: 'batch-1' }),
      spo2({ device: 'batch-2', unit: 'mmHg', value: 140 }),
      spo2({ device: 'batch-3', value: 140 }),
      spo2({ device: 'batch-4', effectiveTime: '2026-01-05 08:30' }),
    ] });
    expectProblem(r, 422);
    const fields = r.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['readings/1/unit', 'readings/2/value', 'readings/3/effectiveTime']));
    expect(fields.some((f: string) => f.startsWith('readings/0'))).toBe(false);
    expect(r.body.errors[0]).toMatchObject({ message: expect.any(String), pointer: expect.stringMatching(/^\/readings\//) });
    expect(await known()).toBe(before);
  });

  it('refuses a whole batch with a reading for a patient or kind not paired (403), naming each, storing nothing', async () => {
    const known = async () => Object.values((await get('/status')).body.readings as Record<string, number>).reduce((x, y) => x + y, 0);
    const before = await known();
    const r = await post('/readings', { readings: [
      spo2({ device: 'pair-1' }),
      spo2({ device: 'pair-2', patient: `${BASE}nobody/profile/card#me` }),
      { ...spo2({ device: 'pair-3', patient: undefined }), patientIdentifier: { system: VENDOR_PATIENT_ID_SYSTEM, value: 'HM-1002' } },
    ] }, 'application/json', devices.hans);
    expectProblem(r, 403);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['readings/1/patient', 'readings/2/patientIdentifier']);
    const kind = await post('/readings', spo2({ device: 'pair-4', patient: `${BASE}ola/profile/card#me` }), 'application/json', devices.ola);
    expectProblem(kind, 403);
    expect(kind.body.errors).toEqual([expect.objectContaining({ field: 'kind', message: expect.stringContaining('heart-rate') })]);
    expect(await known()).toBe(before);
  });

  it('does not let a reading claim another source than the vendor', async () => {
    const r = await post('/readings', spo2({ device: 'oxi-9', source: `${BASE}ous/profile/card#me` }));
    expectProblem(r, 422);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'source' })]);
  });

  it('answers 409 for the same reading identity with other values', async () => {
    await post('/readings', spo2({ device: 'oxi-10' }));
    const r = await post('/readings', spo2({ device: 'oxi-10', value: 88 }));
    expectProblem(r, 409);
  });

  it('answers problem+json for malformed JSON, wrong content type, empty and oversized bodies', async () => {
    expectProblem(await post('/readings', '{"patient": '), 400);
    expectProblem(await post('/readings', 'patient=x', 'application/x-www-form-urlencoded'), 415);
    expectProblem(await post('/readings', { readings: [] }), 422);
    const huge = { readings: Array.from({ length: 1001 }, (_, i) => spo2({ device: `d-${i}` })) };
    expectProblem(await post('/readings', huge), 422);
    expectProblem(await post('/readings', JSON.stringify({ pad: 'x'.repeat(3_000_000) })), 413);
    expectProblem(await post('/readings', '[1, 2]'), 422);
  });
});

describe('POST /fhir', () => {
  const observation = (overrides: Record<string, unknown> = {}) => ({
    resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '364075005' }, { system: 'http://loinc.org', code: '8867-4' }] },
    subject: { identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '21715510097' } },
    effectiveDateTime: '2026-01-06T08:00:00+01:00',
    valueQuantity: { value: 72, unit: 'slag/min', system: 'http://unitsofmeasure.org', code: '/min' },
    device: { identifier: { value: 'pulse-1' } },
    ...overrides,
  });

  it('takes an Observation for a patient known by national identity number', async () => {
    const r = await post('/fhir', observation(), 'application/fhir+json', devices.ola);
    expect(r.status).toBe(202);
    expect(r.body.readings[0].document).toBe(`${BASE}ola/health/measurements/heart-rate/2026-01.ttl`);
  });

  it('refuses a Bundle with one bad entry, naming its FHIR path', async () => {
    const r = await post('/fhir', {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { resource: observation({ effectiveDateTime: '2026-01-06T09:00:00+01:00' }) },
        { resource: observation({ valueQuantity: { value: 72, system: 'http://unitsofmeasure.org', code: 'mmHg' } }) },
        // A date alone is accepted since #19 (docs/fhir.md); a month alone is not.
        { resource: observation({ effectiveDateTime: '2026-01' }) },
      ],
    }, 'application/fhir+json', devices.ola);
    expectOutcome(r, 422);
    const paths = r.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? []);
    expect(paths).toEqual(expect.arrayContaining(['Bundle.entry[1].resource.valueQuantity.code', 'Bundle.entry[2].resource.effectiveDateTime']));
    const said = r.body.issue.map((i: { diagnostics: string }) => i.diagnostics).join('\n');
    expect(said).toMatch(/^entry\/1\/resource\/valueQuantity\/code: /m);
    expect(said).toMatch(/^entry\/2\/resource\/effectiveDateTime: /m);
  });

  it('refuses an Observation for a subject WebID not paired with the sender (403)', async () => {
    const r = await post('/fhir', {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { resource: observation({ subject: { identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '00000000000' } } }) },
        { resource: observation({ subject: { reference: PATIENT } }) },
      ],
    }, 'application/fhir+json', devices.ola);
    expectOutcome(r, 403);
    expect(r.body.issue.slice(1).map((i: { expression?: string[] }) => i.expression)).toEqual([['Bundle.entry[1].resource.subject.reference']]);
  });

  it('refuses a subject identifier no patient of the sender has (422), in the same words whether anyone is enrolled by it or not', async () => {
    const by = (value: string) => post('/fhir', observation({ subject: { identifier: { system: NO_NATIONAL_ID_SYSTEM, value } } }), 'application/fhir+json', devices.hans);
    const unknown = await by('00000000000');
    // 21715510097 is ola's, paired with another device: hans's device may not learn that.
    const enrolled = await by('21715510097');
    expectOutcome(unknown, 422);
    expect(unknown.body.issue[1]).toMatchObject({ code: 'invalid', expression: ['Observation.subject.identifier'], diagnostics: expect.stringMatching(/no patient with this identifier is paired with this sender/) });
    expect(JSON.stringify(enrolled.body)).toBe(JSON.stringify(unknown.body));
    expect(enrolled.status).toBe(unknown.status);
  });
});

describe('status', () => {
  it('shows a reading for a patient who has not granted Append as refused, with why', async () => {
    const r = await post('/readings', spo2({ patient: `${BASE}kari/profile/card#me`, device: 'oxi-kari' }), 'application/json', devices.kari);
    const id = r.body.readings[0].id;
    await gateway.delivery.whenIdle();
    const status = await get(`/readings/${id}`, devices.kari);
    expect(status.body).toMatchObject({ id, state: 'refused', httpStatus: 403, reason: expect.stringMatching(/has not granted the vendor Append/) });
    const refused = await get('/readings?state=refused', devices.kari);
    expect(refused.body.readings.map((x: { id: string }) => x.id)).toContain(id);
    // Another patient's device sees neither.
    expectProblem(await get(`/readings/${id}`, devices.ola), 404);
    expect((await get('/readings?state=refused', devices.ola)).body.readings).toEqual([]);
    expect((await get('/status')).body.readings.refused).toBeGreaterThanOrEqual(1);
  });

  it('answers 404 problem+json for unknown readings and routes, 405 for wrong methods', async () => {
    expectProblem(await get('/readings/0123456789abcdef01234567'), 404);
    expectProblem(await get('/nothing-here'), 404);
    const r = await fetch(new URL('/fhir', gateway.url));
    expect(r.status).toBe(405);
    expect(r.headers.get('allow')).toBe('POST');
  });
});

describe('OpenAPI', () => {
  it('serves the file kept in the repository, describing every route', async () => {
    const served = await get('/openapi.json');
    const file = JSON.parse(await readFile(OPENAPI_PATH, 'utf8'));
    expect(served.body).toEqual(file);
    expect(Object.keys(file.paths).sort()).toEqual([
      '/devices', '/devices/{id}', '/fhir', '/fhir/Observation', '/fhir/Observation/{id}', '/fhir/metadata', '/health', '/openapi.json', '/pairings', '/pairings/{userCode}', '/patients/lookup', '/readings', '/readings/{id}', '/status', '/token',
    ]);
  });
});
