/**
 * The gateway's FHIR R4 REST API against a real CSS and a real gateway, with
 * a device kari paired with her real login, knowing her by fødselsnummer
 * (issue 19, "done when"). Every in-catalogue published example in
 * test/fixtures/fhir/ (HL7 Norway VkpObservation and no-domain, FHIR R4
 * vital signs) is created through POST /fhir/Observation (201, then 200 at
 * the same Location), through a batch and through a transaction Bundle, and
 * lands once in her pod with its kind's SNOMED CT IRI and canonical UCUM
 * unit. Out-of-catalogue examples (NEWS2, ACVPU, CFS) are refused naming
 * the code; a transaction with one of them lands nothing; a third-party
 * client (fhir-kit-client) creates, batches and reads the
 * CapabilityStatement; a subject identifier enrolled with someone else is
 * answered exactly as one nobody has.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'fhir-kit-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../apps/gateway/gateway.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { parseMeasurementsTurtle, type StoredMeasurement } from '../../apps/shared/measurement/index.ts';
import type { DeviceToken } from '../../apps/shared/pairing.ts';
import type { KindId } from '../../vocab/catalogue.ts';
import { gatewayStatus, waitForDelivery } from '../support/gateway-process.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

type Obs = Record<string, unknown> & { identifier?: { system: string; value: string }[] };

const KARI_ID = { system: NO_NATIONAL_ID_SYSTEM, value: '01017012345' };
const OLA_ID = { system: NO_NATIONAL_ID_SYSTEM, value: '02027012345' };
const NOBODY_ID = { system: NO_NATIONAL_ID_SYSTEM, value: '03037012345' };

const fixture = (name: string): Obs => JSON.parse(readFileSync(new URL(`../fixtures/fhir/${name}`, import.meta.url), 'utf8')) as Obs;
/** A published example as sent, except that its subject is kari (by fødselsnummer) and, where it has none, an identifier is added. */
function asKaris(name: string, variant: string): Obs {
  const obs = fixture(name);
  const identifier = obs.identifier ?? [{ system: 'https://ehr.example/obs', value: `${name}` }];
  return { ...obs, subject: { identifier: KARI_ID }, identifier: identifier.map((id, i) => (i === 0 ? { ...id, value: `${id.value}${variant}` } : id)) };
}

/** The in-catalogue examples: kind, month document, SNOMED CT concept, canonical UCUM unit. */
const IN_CATALOGUE: [file: string, kind: KindId, month: string, snomed: string, unit: string][] = [
  ['vkp-oxygen-saturation-create.json', 'oxygen-saturation', '2022-03', '431314004', '%'],
  ['vkp-body-weight-create.json', 'body-weight', '2022-03', '27113001', 'kg'],
  ['vkp-glucose-create.json', 'blood-glucose', '2022-03', '434912009', 'mmol/L'],
  ['vkp-blood-pressure-create.json', 'blood-pressure', '2021-05', '75367002', 'mm[Hg]'],
  ['no-domain-body-weight-create.json', 'body-weight', '2021-05', '27113001', 'kg'],
  ['fhir-observation-example-bloodpressure.json', 'blood-pressure', '2012-09', '75367002', 'mm[Hg]'],
  ['fhir-observation-example-heart-rate.json', 'heart-rate', '1999-07', '364075005', '/min'],
];
const OUT_OF_CATALOGUE: [file: string, code: string][] = [
  ['vkp-news2-create.json', '1104051000000101'],
  ['vkp-level-of-consciousness-create.json', '1104441000000107'],
  ['vkp-cfs-create.json', '763264000'],
];

let world: TestWorld;
let gateway: Gateway;
let kari: DeviceToken;
let ola: DeviceToken;

beforeAll(async () => {
  world = await startTestWorld();
  gateway = await startGateway({ port: 0, dataDir: world.dataDir, credentials: world.credentials.vendor!, demoPodBaseUrl: world.baseUrl, delivery: { coalesceMs: 20 } });
  kari = await pairDevice({
    gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('kari'), webId: world.accounts.kari!.webId }, patientIdentifier: KARI_ID,
    kinds: ['oxygen-saturation', 'body-weight', 'blood-glucose', 'blood-pressure', 'heart-rate'], device: { id: 'EPJ-1', model: 'Record system bridge' },
  });
  // ola is enrolled by his fødselsnummer, through a device of his own: kari's sender must not be able to tell.
  ola = await pairDevice({
    gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('ola'), webId: world.accounts.ola!.webId }, patientIdentifier: OLA_ID,
    kinds: ['oxygen-saturation'], device: { id: 'OLA-OX', model: 'PulseOx' },
  });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await world?.stop();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(new URL(path, gateway.url), {
    method, headers: { 'content-type': 'application/fhir+json', ...bearer(kari), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, type: response.headers.get('content-type') ?? '', location: response.headers.get('location'), text, body: JSON.parse(text) as any };
}

const entry = (resource: Obs) => ({ resource, request: { method: 'POST', url: 'Observation' } });
const document = (kind: KindId, month: string) => `${world.accounts.kari!.podUrl}health/measurements/${kind}/${month}.ttl`;

/** kari's measurements in a document (read as kari), with its N-Triples. */
async function inPod(kind: KindId, month: string): Promise<{ measurements: StoredMeasurement[]; triples: string }> {
  const fetchAsKari = await world.fetchAs('kari');
  const response = await fetchAsKari(document(kind, month), { headers: { accept: 'application/n-triples' } });
  if (response.status === 404) return { measurements: [], triples: '' };
  expect(response.status).toBe(200);
  const triples = await response.text();
  return { measurements: parseMeasurementsTurtle(triples, document(kind, month)).measurements, triples };
}
const withIdentifier = (ms: StoredMeasurement[], id: { system: string; value: string }) =>
  ms.filter((m) => m.identifier?.system === id.system && m.identifier.value === id.value);

describe('published examples in the catalogue', () => {
  it('are created through POST /fhir/Observation (201), and sent again answered 200 at the same Location', async () => {
    for (const [file] of IN_CATALOGUE) {
      const obs = asKaris(file, '');
      const first = await call('POST', '/fhir/Observation', obs);
      expect(first.status, `${file}: ${first.text}`).toBe(201);
      expect(first.location).toMatch(/^\/fhir\/Observation\/[0-9a-f]{24}$/);
      const again = await call('POST', '/fhir/Observation', obs);
      expect(again.status, file).toBe(200);
      expect(again.location).toBe(first.location);
    }
  });

  it('are created through a batch and through a transaction Bundle', async () => {
    const batch = await call('POST', '/fhir', { resourceType: 'Bundle', type: 'batch', entry: IN_CATALOGUE.map(([file]) => entry(asKaris(file, '-batch'))) });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body.type).toBe('batch-response');
    expect(batch.body.entry.map((e: any) => e.response.status)).toEqual(IN_CATALOGUE.map(() => '201 Created'));
    const transaction = await call('POST', '/fhir', { resourceType: 'Bundle', type: 'transaction', entry: IN_CATALOGUE.map(([file]) => entry(asKaris(file, '-tx'))) });
    expect(transaction.status, transaction.text).toBe(200);
    expect(transaction.body.type).toBe('transaction-response');
    expect(transaction.body.entry.map((e: any) => e.response.status)).toEqual(IN_CATALOGUE.map(() => '201 Created'));
  });

  it('land once each in kari\'s pod, with the SNOMED CT IRI and canonical UCUM unit of their kind', async () => {
    await waitForDelivery(gateway.url, 30_000);
    for (const [file, kind, month, snomed, unit] of IN_CATALOGUE) {
      const { measurements, triples } = await inPod(kind, month);
      for (const variant of ['', '-batch', '-tx']) {
        const id = asKaris(file, variant).identifier![0]!;
        const found = withIdentifier(measurements, id);
        expect(found, `${file}${variant}`).toHaveLength(1);
        expect(found[0]).toMatchObject({ kind, unit, patient: world.accounts.kari!.webId });
      }
      expect(triples).toContain(`<http://www.w3.org/ns/sosa/observedProperty> <http://snomed.info/id/${snomed}>`);
      expect(triples).toContain(`<https://w3id.org/helsevev#ucumCode> "${unit}"`);
    }
  });

  it('tell their sender, and only their sender, that they were delivered', async () => {
    const created = await call('POST', '/fhir/Observation', asKaris(IN_CATALOGUE[0]![0], ''));
    const receipt = await call('GET', created.location!);
    expect(receipt.status).toBe(200);
    expect(receipt.body.issue[0].diagnostics).toMatch(/delivered/);
    const id = created.location!.split('/').pop()!;
    const asOla = await call('GET', created.location!, undefined, bearer(ola));
    const unknown = await call('GET', '/fhir/Observation/0123456789abcdef01234567', undefined, bearer(ola));
    expect(asOla.status).toBe(404);
    expect(asOla.text.replace(id, 'ID')).toBe(unknown.text.replace('0123456789abcdef01234567', 'ID'));
  });
});

describe('what is refused', () => {
  it.each(OUT_OF_CATALOGUE)('%s: 422, naming the code %s', async (file, code) => {
    const r = await call('POST', '/fhir/Observation', asKaris(file, ''));
    expect(r.status).toBe(422);
    expect(r.type).toMatch(/^application\/fhir\+json/);
    expect(r.body.resourceType).toBe('OperationOutcome');
    expect(r.body.issue[1]).toMatchObject({ code: 'not-supported', expression: ['Observation.code.coding'], diagnostics: expect.stringContaining(code) });
    expect(r.body.issue[1].diagnostics).toMatch(/supported: .*Blood pressure/i);
  });

  it('a transaction with one out-of-catalogue entry lands nothing', async () => {
    const before = (await gatewayStatus(gateway.url)).readings;
    const good = asKaris('vkp-oxygen-saturation-create.json', '-refused-tx');
    const r = await call('POST', '/fhir', { resourceType: 'Bundle', type: 'transaction', entry: [entry(good), entry(asKaris('vkp-news2-create.json', ''))] });
    expect(r.status).toBe(422);
    expect(r.body.issue[1].expression).toEqual(['Bundle.entry[1].resource.code.coding']);
    expect((await gatewayStatus(gateway.url)).readings).toEqual(before);
    await waitForDelivery(gateway.url, 30_000);
    expect(withIdentifier((await inPod('oxygen-saturation', '2022-03')).measurements, good.identifier![0]!)).toEqual([]);
  });

  it('a subject identifier enrolled with another sender is answered byte for byte as one nobody has (422)', async () => {
    const asFor = (subject: typeof KARI_ID) => ({ ...asKaris('vkp-oxygen-saturation-create.json', '-who'), subject: { identifier: subject } });
    const enrolled = await call('POST', '/fhir/Observation', asFor(OLA_ID));
    const unknown = await call('POST', '/fhir/Observation', asFor(NOBODY_ID));
    expect(enrolled.status).toBe(422);
    expect(unknown.status).toBe(422);
    expect(enrolled.text).toBe(unknown.text);
    expect(enrolled.body.issue[1]).toMatchObject({ expression: ['Observation.subject.identifier'], diagnostics: expect.stringMatching(/no patient with this identifier is paired with this sender/) });
  });
});

describe('a third-party FHIR client (fhir-kit-client)', () => {
  const client = () => new Client({ baseUrl: new URL('fhir', gateway.url).href, customHeaders: bearer(kari) });

  it('reads the CapabilityStatement', async () => {
    const statement = await client().capabilityStatement() as any;
    expect(statement).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
    expect(statement.rest[0].resource[0]).toMatchObject({ type: 'Observation', conditionalCreate: true });
  });

  it('creates and batches', async () => {
    const created = await client().create({ resourceType: 'Observation', body: asKaris('vkp-glucose-create.json', '-kit') as any }) as any;
    expect(created).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'information' }] });
    const batch = await client().batch({ body: { resourceType: 'Bundle', type: 'batch', entry: [entry(asKaris('vkp-glucose-create.json', '-kit')), entry(asKaris('vkp-glucose-create.json', '-kit-2'))] } as any }) as any;
    expect(batch.entry.map((e: any) => e.response.status)).toEqual(['200 OK', '201 Created']);
    await waitForDelivery(gateway.url, 30_000);
    const { measurements } = await inPod('blood-glucose', '2022-03');
    for (const variant of ['-kit', '-kit-2']) expect(withIdentifier(measurements, asKaris('vkp-glucose-create.json', variant).identifier![0]!)).toHaveLength(1);
  });
});
