/**
 * The gateway's FHIR R4 REST API in-process, over a fake pod (no CSS; the
 * real pod is proven in test/integration/gateway-fhir.test.ts): create and
 * its idempotency, If-None-Exist, batch entries on their own, transactions
 * all or nothing, the sender's receipt, the CapabilityStatement, and every
 * error under /fhir as an OperationOutcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../apps/gateway/gateway.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../../apps/shared/fhir/identifiers.ts';
import type { DeviceToken } from '../../../apps/shared/pairing.ts';
import { bearer, pairDevice } from '../../support/pairing.ts';
import { BASE, VENDOR, tempDir, testPatient, testPatientVerifier } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let gateway: Gateway;
/** ola: heart rate and SpO2, known by national identity number; kari: SpO2. */
const devices: Record<'ola' | 'kari', DeviceToken> = {} as never;
const OLA_ID = { system: NO_NATIONAL_ID_SYSTEM, value: '21715510097' };

beforeAll(async () => {
  dir = await tempDir();
  gateway = await startGateway({
    port: 0, dataDir: dir.path,
    credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
    demoPodBaseUrl: BASE, delivery: { coalesceMs: 5 }, verifyPatient: testPatientVerifier,
    discoverStorage: async (webId) => webId.replace(/profile\/card#me$/, ''),
    append: async () => ({ ok: true, status: 205 }),
  });
  const pair = (name: string, kinds: ('heart-rate' | 'oxygen-saturation')[], patientIdentifier?: typeof OLA_ID) =>
    pairDevice({ gatewayUrl: gateway.url, patient: testPatient(`${BASE}${name}/profile/card#me`), kinds, ...(patientIdentifier ? { patientIdentifier } : {}) });
  devices.ola = await pair('ola', ['heart-rate', 'oxygen-saturation'], OLA_ID);
  devices.kari = await pair('kari', ['oxygen-saturation']);
});
afterAll(async () => {
  await gateway.stop();
  await dir.remove();
});

let n = 0;
/** A heart rate for ola with its own record identifier (no device). */
const observation = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Observation', status: 'final', identifier: [{ system: 'https://ehr.example/obs', value: `hr-${++n}` }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] }, subject: { identifier: OLA_ID },
  effectiveDateTime: '2026-01-06T08:00:00+01:00', valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  ...overrides,
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, device: DeviceToken | null = devices.ola) {
  const response = await fetch(new URL(path, gateway.url), {
    method, headers: { ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}), ...(device ? bearer(device) : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', location: response.headers.get('location'), headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

function expectOutcome(r: Awaited<ReturnType<typeof call>>, status: number, code?: string) {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/fhir\+json/);
  expect(r.body.resourceType).toBe('OperationOutcome');
  expect(r.body.issue[0]).toMatchObject({ severity: 'error', diagnostics: expect.stringMatching(/\w{4,} .*\w{4,}/) });
  if (code) expect(r.body.issue[0].code).toBe(code);
}

const pendingCount = () => gateway.outbox.counts().pending + gateway.outbox.counts().delivered;

describe('POST /fhir/Observation', () => {
  it('creates (201, Location), and the same Observation again is 200 at the same Location with nothing stored twice', async () => {
    const obs = observation();
    const before = pendingCount();
    const first = await call('POST', '/fhir/Observation', obs);
    expect(first.status).toBe(201);
    expect(first.location).toMatch(/^\/fhir\/Observation\/[0-9a-f]{24}$/);
    expect(first.body).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational' }] });
    const again = await call('POST', '/fhir/Observation', obs);
    expect(again.status).toBe(200);
    expect(again.location).toBe(first.location);
    expect(pendingCount()).toBe(before + 1);
  });

  it('If-None-Exist on its identifier: 200 once received, even with other values, and nothing is stored', async () => {
    const obs = observation();
    const created = await call('POST', '/fhir/Observation', obs, { 'if-none-exist': `identifier=${obs.identifier[0]!.system}|${obs.identifier[0]!.value}` });
    expect(created.status).toBe(201);
    const before = pendingCount();
    const changed = { ...obs, valueQuantity: { ...obs.valueQuantity, value: 99 } };
    const conditional = await call('POST', '/fhir/Observation', changed, { 'if-none-exist': `identifier=${encodeURIComponent(`${obs.identifier[0]!.system}|${obs.identifier[0]!.value}`)}` });
    expect(conditional.status).toBe(200);
    expect(conditional.location).toBe(created.location);
    expect(pendingCount()).toBe(before);
    // Without the condition the changed values conflict with the reading received.
    expectOutcome(await call('POST', '/fhir/Observation', changed), 409, 'conflict');
  });

  it('refuses an If-None-Exist it cannot honour (400), saying the one form it takes', async () => {
    const obs = observation();
    for (const header of ['patient=123', 'identifier=hr-x', `identifier=https://ehr.example/obs|someone-else`]) {
      const r = await call('POST', '/fhir/Observation', obs, { 'if-none-exist': header });
      expectOutcome(r, 400, 'invalid');
      expect(r.body.issue[0].diagnostics).toMatch(/If-None-Exist/);
    }
  });

  it('refuses what is not one Observation (400) and an out-of-catalogue code (422, naming it, not-supported)', async () => {
    expectOutcome(await call('POST', '/fhir/Observation', { resourceType: 'Bundle', type: 'batch', entry: [] }), 400);
    const news2 = await call('POST', '/fhir/Observation', observation({ code: { coding: [{ system: 'http://snomed.info/sct', code: '1104051000000101' }] } }));
    expectOutcome(news2, 422);
    expect(news2.body.issue[1]).toMatchObject({ code: 'not-supported', expression: ['Observation.code.coding'], diagnostics: expect.stringContaining('1104051000000101') });
  });

  it('answers with no body under Prefer: return=minimal', async () => {
    const r = await call('POST', '/fhir/Observation', observation(), { prefer: 'return=minimal' });
    expect(r.status).toBe(201);
    expect(r.text).toBe('');
  });
});

describe('POST /fhir with a batch or a transaction', () => {
  const entry = (resource: unknown, request: Record<string, unknown> = { method: 'POST', url: 'Observation' }) => ({ resource, request });

  it('batch: each entry succeeds or fails on its own', async () => {
    const repeated = observation();
    await call('POST', '/fhir/Observation', repeated);
    const r = await call('POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: [
      entry(observation()),
      entry(repeated),
      entry(observation({ valueQuantity: { value: 72, system: 'http://unitsofmeasure.org', code: 'mmHg' } })),
      entry(observation(), { method: 'PUT', url: 'Observation/1' }),
      entry(observation({ subject: { identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '00000000000' } } })),
    ] });
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('batch-response');
    expect(r.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201 Created', '200 OK', '422 Unprocessable Entity', '400 Bad Request', '422 Unprocessable Entity']);
    expect(r.body.entry[0].response.location).toMatch(/^Observation\/[0-9a-f]{24}$/);
    expect(r.body.entry[2].response.outcome.issue[1].expression).toEqual(['Observation.valueQuantity.code']);
    expect(r.body.entry[4].response.outcome.issue[1].diagnostics).toMatch(/no patient with this identifier is paired with this sender/);
  });

  it('transaction: one bad entry refuses the whole Bundle and stores nothing', async () => {
    const before = pendingCount();
    const r = await call('POST', '/fhir', { resourceType: 'Bundle', type: 'transaction', entry: [
      entry(observation()),
      entry(observation({ code: { coding: [{ system: 'http://loinc.org', code: '9269-2' }] } })),
    ] });
    expectOutcome(r, 422);
    expect(r.body.issue[0].diagnostics).toMatch(/1 of 2 entries .* nothing was stored/);
    expect(r.body.issue[1]).toMatchObject({ code: 'not-supported', expression: ['Bundle.entry[1].resource.code.coding'] });
    expect(pendingCount()).toBe(before);
  });

  it('transaction: all created at once (transaction-response); sent again, all 200', async () => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [entry(observation()), entry(observation())] };
    const first = await call('POST', '/fhir', bundle);
    expect(first.status).toBe(200);
    expect(first.body.type).toBe('transaction-response');
    expect(first.body.entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const again = await call('POST', '/fhir', bundle);
    expect(again.body.entry.map((e: { response: { status: string; location: string } }) => e.response)).toEqual(
      first.body.entry.map((e: { response: { location: string } }) => expect.objectContaining({ status: '200 OK', location: e.response.location })));
  });

  it('a collection Bundle and a lone Observation are still acknowledged with 202', async () => {
    expect((await call('POST', '/fhir', observation())).status).toBe(202);
    expect((await call('POST', '/fhir', { resourceType: 'Bundle', type: 'collection', entry: [{ resource: observation() }] })).status).toBe(202);
  });

  it('refuses an empty batch (400)', async () => {
    expectOutcome(await call('POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: [] }), 400);
  });
});

describe('GET /fhir/Observation/{id} and /fhir/metadata', () => {
  it('tells the sender its Observation\'s delivery state; anyone else gets the 404 an unknown id gets', async () => {
    const created = await call('POST', '/fhir/Observation', observation());
    await gateway.delivery.whenIdle();
    const mine = await call('GET', created.location!);
    expect(mine.status).toBe(200);
    expect(mine.body.issue[0]).toMatchObject({ severity: 'information', diagnostics: expect.stringMatching(/delivered/) });
    const theirs = await call('GET', created.location!, undefined, {}, devices.kari);
    const unknown = await call('GET', '/fhir/Observation/0123456789abcdef01234567', undefined, {}, devices.kari);
    expectOutcome(theirs, 404, 'not-found');
    expect(theirs.text.replace(created.location!.split('/').pop()!, 'ID')).toBe(unknown.text.replace('0123456789abcdef01234567', 'ID'));
  });

  it('states exactly what is supported', async () => {
    const r = await call('GET', '/fhir/metadata', undefined, {}, null);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/fhir\+json/);
    expect(r.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', format: ['application/fhir+json'] });
    const rest = r.body.rest[0];
    expect(rest.interaction.map((i: { code: string }) => i.code)).toEqual(['batch', 'transaction']);
    expect(rest.resource).toHaveLength(1);
    expect(rest.resource[0]).toMatchObject({ type: 'Observation', conditionalCreate: true, updateCreate: false });
    expect(rest.resource[0].interaction.map((i: { code: string }) => i.code)).toEqual(['create', 'read']);
    expect(rest.resource[0].supportedProfile).toContain('http://hl7.org/fhir/StructureDefinition/vitalsigns');
  });
});

describe('errors under /fhir are OperationOutcomes', () => {
  it.each([
    ['no credential', () => call('POST', '/fhir/Observation', observation(), {}, null), 401, 'login'],
    ['a forged credential', () => call('POST', '/fhir', observation(), { authorization: 'Bearer hvd_0123456789abcdef01234567_x' }, null), 401, 'login'],
    ['a WebID not paired', () => call('POST', '/fhir/Observation', observation({ subject: { reference: `${BASE}hans/profile/card#me` } })), 403, 'forbidden'],
    ['XML', () => call('POST', '/fhir/Observation', '<Observation/>', { 'content-type': 'application/fhir+xml' }), 415, undefined],
    ['broken JSON', () => call('POST', '/fhir/Observation', '{"resourceType":'), 400, undefined],
    ['a body over the limit', () => call('POST', '/fhir', JSON.stringify({ ...observation(), pad: 'x'.repeat(2_200_000) })), 413, undefined],
    ['an unknown path', () => call('GET', '/fhir/Patient/1'), 404, 'not-supported'],
    ['DELETE on an Observation', () => call('DELETE', '/fhir/Observation/0123456789abcdef01234567'), 405, undefined],
    ['GET /fhir', () => call('GET', '/fhir'), 405, undefined],
  ])('%s -> %i', async (_what, run, status, code) => {
    const r = await run();
    expectOutcome(r, status, code);
    if (status === 401) expect(r.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });

  it('leaves problem+json to the other routes', async () => {
    const r = await fetch(new URL('/readings', gateway.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
