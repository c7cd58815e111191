/**
 * The hostile-input corpus (issue #9): malformed and hostile requests against
 * every HTTP endpoint of ours — the gateway (JSON, FHIR, enrolments, reading
 * status), the clinician API (SPARQL, FHIR, measurements, dashboard, reports,
 * sessions) — plus the consent page's writes to the pod (hostile decisions
 * through planDecisions/carryOut, and raw PUT/PATCH bodies to consent/ and
 * .acl documents as the patient and as others).
 *
 * Deterministic: hand-written templates expanded with a seeded PRNG
 * (apps/shared/prng.ts), so the same seed gives the same payloads, in the
 * same order, with the same ids. Every payload must be refused with a 4xx and
 * change nothing; the test (test/integration/hostile-input.test.ts) checks it.
 */
import { seededRandom } from '../../apps/shared/prng.ts';

export type PayloadKind =
  | 'broken-json' | 'huge-body' | 'deep-nesting' | 'wrong-type' | 'unit-code-mixup' | 'injection'
  | 'other-host-iri' | 'path-traversal' | 'content-type' | 'sparql-update' | 'slow-query' | 'bad-parameter'
  | 'bad-credentials' | 'method' | 'unknown-category' | 'not-granted';

/** Who sends an HTTP payload: for our services a bearer token of a clinician or nothing; for the pod an account or nobody. */
export type Sender = 'clinician' | 'anonymous' | 'hans' | 'kari' | 'lunde' | 'vendor';

export interface HttpPayload {
  readonly id: string;
  readonly target: 'gateway' | 'clinician' | 'pod';
  /** Group name for the report, e.g. "gateway POST /readings". */
  readonly endpoint: string;
  readonly kind: PayloadKind;
  readonly description: string;
  readonly method: string;
  /** Sent as is (no normalisation of ../ or %2e): relative to the service, or absolute for the pod. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly as: Sender;
  /**
   * A defect found and not fixed here: the payload is accepted today. The test
   * checks it still is (so a fix is noticed) and reports it apart.
   */
  readonly knownDefect?: string;
}

/** A decision list the consent page could be made to plan (planDecisions, then carryOut) as the patient. */
export interface DecisionPayload {
  readonly id: string;
  readonly target: 'consent-plan';
  readonly endpoint: string;
  readonly kind: PayloadKind;
  readonly description: string;
  /** Untyped on purpose: hostile decisions do not respect the Decision type. */
  readonly decisions: readonly unknown[];
}

export type HostilePayload = HttpPayload | DecisionPayload;

export interface CorpusContext {
  /** The pod server's base URL, ending in a slash. */
  readonly podBaseUrl: string;
  /** The patient whose pod is attacked (enrolled at the gateway, on a clinician's team). */
  readonly patient: { readonly webId: string; readonly pod: string };
  /** A clinician's team that lists the patient. */
  readonly team: string;
  /** Now, for times in payloads. */
  readonly now: Date;
}

export const HOSTILE_SEED = 0x9e57;

/** Strings that would break out of an IRI, a literal or a query if pasted into Turtle or SPARQL. */
export const INJECTIONS = [
  '"> ; <x> <y> "z',
  'x> <http://evil.example/p> <http://evil.example/o> . <y',
  '" . <http://evil.example/s> <http://evil.example/p> "o',
  '} ; INSERT DATA { <http://evil.example/s> <http://evil.example/p> <http://evil.example/o> } #',
  '\\" .\n<x> <y> "z',
  'a\u0000b',
  '<script>alert(1)</script>',
  "'; DROP TABLE readings; --",
  'x"^^<http://www.w3.org/2001/XMLSchema#integer> . #',
  '@prefix evil: <http://evil.example/> .',
] as const;

const EVIL = 'http://evil.example/';

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** `depth` nested arrays (or objects) around `inner`, as JSON text. */
function nested(depth: number, inner: string, object = false): string {
  return object ? `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}` : `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

/** Three values of the wrong JSON type for a field of type `type`, chosen by the PRNG. */
function wrongValues(random: () => number, type: 'string' | 'number' | 'object'): unknown[] {
  const all: unknown[] = [null, true, 0, -1, 1e308, -0, [], {}, [1, 2], { value: 1 }, '', ' ', '95', 'NaN', 'x'.repeat(600)];
  const wrong = all.filter((v) => (type === 'string' ? typeof v !== 'string' || v === '' || v === ' ' || (v as string).length > 512
    : type === 'number' ? typeof v !== 'number' : typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0));
  const out = new Set<unknown>();
  while (out.size < 3) out.add(pick(random, wrong));
  return [...out];
}

export function hostileCorpus(ctx: CorpusContext, seed = HOSTILE_SEED): HostilePayload[] {
  const random = seededRandom(seed);
  const out: HostilePayload[] = [];
  const counters = new Map<string, number>();
  const add = (p: Omit<HttpPayload, 'id'> | Omit<DecisionPayload, 'id'>) => {
    const n = (counters.get(p.endpoint) ?? 0) + 1;
    counters.set(p.endpoint, n);
    const slug = p.endpoint.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
    out.push({ ...p, id: `${slug}-${String(n).padStart(3, '0')}` } as HostilePayload);
  };
  const { patient, podBaseUrl, team } = ctx;
  const json = 'application/json';
  const hour = (h: number) => new Date(ctx.now.getTime() - h * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');

  // ------------------------------------------------------------------ gateway POST /readings
  const reading = { patient: patient.webId, kind: 'oxygen-saturation', value: 95, unit: '%', device: 'oxi-hostile-1', effectiveTime: hour(3) };
  const readings = (endpoint: string, kind: PayloadKind, description: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': json }) =>
    add({ target: 'gateway', endpoint, kind, description, method: 'POST', path: '/readings', headers, body, as: 'anonymous' });
  const R = 'gateway POST /readings';
  const validText = JSON.stringify(reading);
  for (let i = 0; i < 12; i++) {
    const cut = 1 + Math.floor(random() * (validText.length - 2));
    readings(R, 'broken-json', `a valid reading cut after ${cut} characters`, validText.slice(0, cut));
  }
  for (const [description, text] of [
    ['a single brace', '{'], ['a value missing', '{"value":}'], ['single quotes', "{'kind':'oxygen-saturation'}"],
    ['a trailing comma', validText.replace(/}$/, ',}')], ['NaN as a number', validText.replace('95', 'NaN')],
    ['a bare word', 'reading'], ['two objects', `${validText}${validText}`], ['a comment', `/* x */${validText}`],
    ['a byte-order mark and junk', '\ufeff{"x"'], ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])],
  ] as const) readings(R, 'broken-json', description, text);
  readings(R, 'huge-body', 'a 3 MB body (limit 2 MB)', JSON.stringify({ readings: [reading], padding: 'x'.repeat(3 * 1024 * 1024) }));
  readings(R, 'huge-body', '1001 readings (limit 1000)', JSON.stringify({ readings: Array.from({ length: 1001 }, (_, i) => ({ ...reading, value: 90 + (i % 9) })) }));
  readings(R, 'huge-body', 'a 1 MB device name', JSON.stringify({ ...reading, device: 'd'.repeat(1024 * 1024) }));
  readings(R, 'huge-body', 'a 1 MB patient IRI', JSON.stringify({ ...reading, patient: `${patient.webId}${'a'.repeat(1024 * 1024)}` }));
  for (const depth of [1_000, 10_000, 100_000]) {
    readings(R, 'deep-nesting', `arrays nested ${depth} deep`, nested(depth, '1'));
    readings(R, 'deep-nesting', `objects nested ${depth} deep in value`, `{"patient":${JSON.stringify(patient.webId)},"kind":"oxygen-saturation","unit":"%","value":${nested(depth, '95', true)}}`);
  }
  readings(R, 'deep-nesting', 'readings nested in readings', JSON.stringify({ readings: [{ readings: [{ readings: [reading] }] }] }));
  for (const [field, type] of [
    ['patient', 'string'], ['kind', 'string'], ['value', 'number'], ['unit', 'string'], ['device', 'string'], ['effectiveTime', 'string'],
    ['setting', 'string'], ['source', 'string'], ['components', 'object'], ['code', 'object'],
  ] as const) {
    for (const value of wrongValues(random, type)) readings(R, 'wrong-type', `${field} = ${JSON.stringify(value)?.slice(0, 40)}`, JSON.stringify({ ...reading, [field]: value }));
  }
  readings(R, 'wrong-type', 'readings is an object', JSON.stringify({ readings: { 0: reading } }));
  readings(R, 'wrong-type', 'an empty batch', JSON.stringify({ readings: [] }));
  readings(R, 'wrong-type', 'a batch with one good and one bad reading', JSON.stringify({ readings: [reading, { ...reading, value: 'high' }] }));
  readings(R, 'wrong-type', 'a JSON string', JSON.stringify('oxygen-saturation 95 %'));
  readings(R, 'wrong-type', 'prototype pollution', `{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},${validText.slice(1)}`);
  for (const [kind, value, unit] of [
    ['oxygen-saturation', 95, 'kg'], ['body-weight', 80, '%'], ['blood-glucose', 5.5, 'kg'], ['heart-rate', 70, 'mmol/L'],
    ['body-temperature', 37, 'mm[Hg]'], ['peak-expiratory-flow', 400, 'Cel'], ['oxygen-saturation', 95, 'mmHg'], ['body-weight', 80, 'KG'],
    ['body-temperature', 37, '°C'], ['heart-rate', 70, 'bpm'], ['oxygen-saturation', 195, '%'], ['body-weight', -80, 'kg'],
  ] as const) readings(R, 'unit-code-mixup', `${kind} in ${unit} (${value})`, JSON.stringify({ ...reading, kind, value, unit }));
  readings(R, 'unit-code-mixup', 'blood pressure as a single value', JSON.stringify({ ...reading, kind: 'blood-pressure', value: 120, unit: 'mm[Hg]' }));
  readings(R, 'unit-code-mixup', 'blood pressure with diastolic above systolic', JSON.stringify({ ...reading, kind: 'blood-pressure', value: undefined, components: { systolic: 80, diastolic: 120 }, unit: 'mm[Hg]' }));
  readings(R, 'unit-code-mixup', 'SNOMED code of body weight for an SpO2 value', JSON.stringify({ ...reading, kind: undefined, code: { system: 'http://snomed.info/sct', code: '27113001' } }));
  readings(R, 'unit-code-mixup', 'kind and code disagree', JSON.stringify({ ...reading, code: { system: 'http://snomed.info/sct', code: '27113001' } }));
  readings(R, 'unit-code-mixup', 'LOINC code with the SNOMED system', JSON.stringify({ ...reading, kind: undefined, code: { system: 'http://snomed.info/sct', code: '59408-5' } }));
  for (const field of ['device', 'patient', 'source', 'kind', 'unit', 'setting', 'effectiveTime'] as const) {
    for (let i = 0; i < 3; i++) {
      const injection = pick(random, INJECTIONS);
      const value = field === 'patient' || field === 'source' ? `${patient.webId}${injection}` : `${String((reading as Record<string, unknown>)[field] ?? 'x')}${injection}`;
      readings(R, 'injection', `${field} ends with ${JSON.stringify(injection).slice(0, 30)}`, JSON.stringify({ ...reading, [field]: value }));
    }
  }
  for (const [description, fields] of [
    ['patient on another host', { patient: `${EVIL}hans/profile/card#me` }],
    ['patient IRI with credentials', { patient: patient.webId.replace('://', '://user:pw@') }],
    ['source on another host', { source: `${EVIL}vendor/profile/card#me` }],
    ['patient as a file: IRI', { patient: 'file:///etc/passwd#me' }],
    ['patient as a javascript: IRI', { patient: 'javascript:alert(1)' }],
    ['patient as a urn', { patient: 'urn:uuid:6f1c0d8e-0000-4000-8000-000000000000' }],
    ['patient on the pod server, not enrolled', { patient: `${podBaseUrl}nobody/profile/card#me` }],
  ] as const) readings(R, 'other-host-iri', description, JSON.stringify({ ...reading, ...fields }));
  for (const suffix of ['../../kari/profile/card#me', '%2e%2e/%2e%2e/kari/profile/card#me', '..%2F..%2Fkari%2Fprofile%2Fcard#me', './././card#me']) {
    readings(R, 'path-traversal', `patient with ${suffix}`, JSON.stringify({ ...reading, patient: patient.webId.replace(/card#me$/, suffix) }));
  }
  readings(R, 'path-traversal', 'device with ../', JSON.stringify({ ...reading, device: '../../../etc/passwd' }));
  readings(R, 'path-traversal', 'kind with ../', JSON.stringify({ ...reading, kind: '../notes' }));
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16', 'application/fhir+json', 'text/turtle']) {
    readings(R, 'content-type', `the reading sent as ${type}`, validText, { 'content-type': type });
  }
  readings(R, 'content-type', 'no content type', validText, {});
  readings(R, 'content-type', 'gzip the server was not told how to read', validText, { 'content-type': json, 'content-encoding': 'gzip' });

  // ------------------------------------------------------------------ gateway POST /fhir
  const observation = {
    resourceType: 'Observation', status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] },
    subject: { reference: patient.webId },
    effectiveDateTime: hour(2),
    valueQuantity: { value: 96, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
    device: { identifier: { value: 'oxi-hostile-2' } },
  };
  const F = 'gateway POST /fhir';
  const fhirJson = 'application/fhir+json';
  const fhir = (kind: PayloadKind, description: string, body: string | Buffer, type = fhirJson) =>
    add({ target: 'gateway', endpoint: F, kind, description, method: 'POST', path: '/fhir', headers: { 'content-type': type }, body, as: 'anonymous' });
  const obsText = JSON.stringify(observation);
  for (let i = 0; i < 6; i++) fhir('broken-json', 'a valid Observation cut short', obsText.slice(0, 1 + Math.floor(random() * (obsText.length - 2))));
  fhir('huge-body', 'a 3 MB Bundle', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: observation }], text: 'x'.repeat(3 * 1024 * 1024) }));
  fhir('huge-body', 'a Bundle of 1001 Observations', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: Array.from({ length: 1001 }, () => ({ resource: observation })) }));
  fhir('deep-nesting', 'Bundles nested in Bundles', JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: observation }] } }] }));
  fhir('deep-nesting', 'extension nested 50,000 deep', `${obsText.slice(0, -1)},"extension":${nested(50_000, '{}')}}`);
  for (const [description, change] of [
    ['resourceType Patient', { resourceType: 'Patient' }], ['status as a number', { status: 1 }], ['status entered-in-error', { status: 'entered-in-error' }],
    ['code as a string', { code: '59408-5' }], ['coding not a list', { code: { coding: { system: 'http://loinc.org', code: '59408-5' } } }],
    ['valueQuantity.value as a string', { valueQuantity: { ...observation.valueQuantity, value: '96' } }], ['subject as a string', { subject: patient.webId }],
    ['effectiveDateTime a number', { effectiveDateTime: 1700000000 }], ['effectiveDateTime in the future', { effectiveDateTime: '2999-01-01T00:00:00Z' }],
    ['effectiveDateTime without a zone', { effectiveDateTime: '2026-01-01T10:00:00' }], ['a Bundle of type searchset', { resourceType: 'Bundle', type: 'searchset', entry: [{ resource: observation }] }],
    ['a Bundle with entry null', { resourceType: 'Bundle', type: 'collection', entry: null }],
  ] as const) fhir('wrong-type', description, JSON.stringify({ ...observation, ...change }));
  for (const [description, change] of [
    ['SpO2 code with a value in kg', { valueQuantity: { ...observation.valueQuantity, unit: 'kg', code: 'kg' } }],
    ['body weight LOINC with a value in %', { code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] } }],
    ['SNOMED code of body weight for an SpO2 value', { code: { coding: [{ system: 'http://snomed.info/sct', code: '27113001' }] } }],
    ['SpO2 and body weight codings together', { code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }, { system: 'http://snomed.info/sct', code: '27113001' }] } }],
    ['unit system not UCUM', { valueQuantity: { ...observation.valueQuantity, system: 'http://example.org/units' } }],
    ['an unknown LOINC code', { code: { coding: [{ system: 'http://loinc.org', code: '00000-0' }] } }],
    ['blood-pressure panel without components', { code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, valueQuantity: { value: 120, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }],
    ['blood-pressure components swapped in codes', { code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] }, valueQuantity: undefined, component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 70, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }, { code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] }, valueQuantity: { value: 130, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }] }],
  ] as const) fhir('unit-code-mixup', description, JSON.stringify({ ...observation, ...change }));
  for (let i = 0; i < 4; i++) {
    const injection = pick(random, INJECTIONS);
    fhir('injection', `device identifier ends with ${JSON.stringify(injection).slice(0, 30)}`, JSON.stringify({ ...observation, device: { identifier: { value: `oxi${injection}` } } }));
    fhir('injection', `subject reference ends with ${JSON.stringify(injection).slice(0, 30)}`, JSON.stringify({ ...observation, subject: { reference: `${patient.webId}${injection}` } }));
  }
  fhir('injection', 'setting extension with an injection', JSON.stringify({ ...observation, extension: [{ url: 'https://w3id.org/helsevev/fhir/StructureDefinition/measurement-setting', valueCode: 'home"> <x> <y' }] }));
  for (const [description, subject] of [
    ['subject on another host', { reference: `${EVIL}hans/profile/card#me` }], ['subject Patient/123 (relative)', { reference: 'Patient/123' }],
    ['subject identifier unknown', { identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '00000000000' } }],
    ['subject with ../ to another patient', { reference: patient.webId.replace(/[^/]+\/profile\/card#me$/, 'hans/../kari/profile/card#me') }],
    ['subject with %2e%2e', { reference: patient.webId.replace(/[^/]+\/profile\/card#me$/, 'hans/%2e%2e/kari/profile/card#me') }],
  ] as const) fhir(description.includes('..') || description.includes('%2e') ? 'path-traversal' : 'other-host-iri', description, JSON.stringify({ ...observation, subject }));
  fhir('content-type', 'FHIR XML', '<Observation xmlns="http://hl7.org/fhir"/>', 'application/fhir+xml');
  fhir('content-type', 'text/plain', obsText, 'text/plain');

  // ------------------------------------------------------------------ gateway /enrolments, /readings/:id, other methods
  const E = 'gateway POST /enrolments';
  const enrol = (kind: PayloadKind, description: string, body: string, type = json) =>
    add({ target: 'gateway', endpoint: E, kind, description, method: 'POST', path: '/enrolments', headers: { 'content-type': type }, body, as: 'anonymous' });
  enrol('broken-json', 'a cut body', '{"webId":"http://');
  enrol('wrong-type', 'webId as a number', JSON.stringify({ webId: 42, identifiers: [] }));
  enrol('wrong-type', 'identifiers as an object', JSON.stringify({ webId: patient.webId, identifiers: { system: 'x', value: 'y' } }));
  enrol('wrong-type', 'an identifier with a space', JSON.stringify({ webId: patient.webId, identifiers: [{ system: 'urn:x', value: '1 2' }] }));
  enrol('wrong-type', 'the pod given in the request', JSON.stringify({ webId: patient.webId, identifiers: [], storage: `${EVIL}pod/` }));
  enrol('huge-body', 'a 3 MB identifier list', JSON.stringify({ webId: patient.webId, identifiers: Array.from({ length: 60_000 }, (_, i) => ({ system: 'urn:x', value: `id-${i}-${'x'.repeat(30)}` })) }));
  enrol('injection', 'webId with Turtle injection', JSON.stringify({ webId: `${patient.webId}${INJECTIONS[0]}`, identifiers: [] }));
  enrol('injection', 'identifier value with Turtle injection', JSON.stringify({ webId: patient.webId, identifiers: [{ system: 'urn:x', value: '">;<x><y>"z' }] }));
  enrol('other-host-iri', 'a WebID on another host (the gateway must not fetch it)', JSON.stringify({ webId: `${EVIL}someone/profile/card#me`, identifiers: [] }));
  enrol('other-host-iri', 'a WebID on a loopback port of another service', JSON.stringify({ webId: 'http://127.0.0.1:9/profile/card#me', identifiers: [] }));
  enrol('other-host-iri', 'a WebID in the cloud metadata range', JSON.stringify({ webId: 'http://169.254.169.254/latest/meta-data#me', identifiers: [] }));
  enrol('path-traversal', 'a WebID with ../', JSON.stringify({ webId: patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'), identifiers: [] }));
  enrol('content-type', 'form-encoded', `webId=${encodeURIComponent(patient.webId)}`, 'application/x-www-form-urlencoded');
  const S = 'gateway GET /readings/:id';
  for (const path of [
    '/readings/..%2f..%2fstatus', '/readings/%2e%2e', '/readings/..%5c..%5cetc%5cpasswd', '/readings/../../etc/passwd', '/readings/%00',
    `/readings/${'a'.repeat(5000)}`, '/readings/000000000000000000000000', '/readings/%3Cscript%3Ealert(1)%3C%2Fscript%3E', '/readings/%ZZ',
  ]) add({ target: 'gateway', endpoint: S, kind: 'path-traversal', description: `GET ${path.slice(0, 60)}`, method: 'GET', path, as: 'anonymous' });
  add({ target: 'gateway', endpoint: S, kind: 'bad-parameter', description: 'GET /readings?state=evil', method: 'GET', path: '/readings?state=%22%3E%3Cx%3E', as: 'anonymous' });
  for (const [method, path] of [['DELETE', '/readings'], ['PUT', '/fhir'], ['PATCH', '/enrolments'], ['DELETE', '/readings/000000000000000000000000'], ['GET', '/../../etc/passwd']] as const) {
    add({ target: 'gateway', endpoint: 'gateway other methods and paths', kind: 'method', description: `${method} ${path}`, method, path, as: 'anonymous' });
  }
  add({ target: 'gateway', endpoint: 'gateway other methods and paths', kind: 'huge-body', description: 'a 20 kB header (Node limit 16 kB)', method: 'GET', path: '/health', headers: { 'x-filler': 'x'.repeat(20_000) }, as: 'anonymous' });

  // ------------------------------------------------------------------ clinician SPARQL
  const Q = 'clinician GET|POST /sparql';
  const enc = encodeURIComponent;
  const sparqlGet = (kind: PayloadKind, description: string, query: string, extra = `&team=${team}`, as: Sender = 'clinician') =>
    add({ target: 'clinician', endpoint: Q, kind, description, method: 'GET', path: `/sparql?query=${enc(query)}${extra}`, headers: { accept: 'application/sparql-results+json' }, as });
  const sparqlPost = (kind: PayloadKind, description: string, body: string | Buffer, type: string, extra = `?team=${team}`) =>
    add({ target: 'clinician', endpoint: Q, kind, description, method: 'POST', path: `/sparql${extra}`, headers: { 'content-type': type, accept: 'application/sparql-results+json' }, body, as: 'clinician' });
  const select = 'SELECT * WHERE { ?s ?p ?o } LIMIT 1';
  for (const [description, query] of [
    ['SERVICE to another host', `SELECT * WHERE { SERVICE <${EVIL}sparql> { ?s ?p ?o } }`],
    ['SERVICE to the pod server', `SELECT * WHERE { SERVICE <${podBaseUrl}hans/> { ?s ?p ?o } }`],
    ['SERVICE SILENT to the cloud metadata', 'SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/> { ?s ?p ?o } }'],
    ['FROM another host', `SELECT * FROM <${EVIL}data.ttl> WHERE { ?s ?p ?o }`],
    ['FROM NAMED another patient', `SELECT * FROM NAMED <${podBaseUrl}kari/health/measurements/blood-glucose/> WHERE { GRAPH ?g { ?s ?p ?o } }`],
    ['FROM a file', 'SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }'],
    ['CONSTRUCT with SERVICE', `CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <${EVIL}> { ?s ?p ?o } }`],
    ['SERVICE with a variable', 'SELECT * WHERE { BIND(<http://evil.example/> AS ?e) SERVICE ?e { ?s ?p ?o } }'],
  ] as const) sparqlGet('other-host-iri', description, query);
  for (const [description, query] of [
    ['INSERT DATA', 'INSERT DATA { <http://evil.example/s> <http://evil.example/p> "o" }'],
    ['DELETE WHERE', 'DELETE WHERE { ?s ?p ?o }'], ['DROP ALL', 'DROP ALL'], ['CLEAR GRAPH', `CLEAR GRAPH <${patient.pod}health/>`],
    ['LOAD from another host', `LOAD <${EVIL}evil.ttl>`], ['CREATE GRAPH', `CREATE GRAPH <${patient.pod}evil>`],
    ['a query then an update', `${select} ; INSERT DATA { <a:s> <a:p> <a:o> }`],
    ['DELETE/INSERT on a month document', `WITH <${patient.pod}health/measurements/oxygen-saturation/2026-01.ttl> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }`],
  ] as const) {
    sparqlGet('sparql-update', `${description} as query=`, query);
    sparqlPost('sparql-update', `${description} as application/sparql-update`, query, 'application/sparql-update');
    sparqlPost('sparql-update', `${description} as update= in a form`, `update=${enc(query)}`, 'application/x-www-form-urlencoded');
  }
  add({ target: 'clinician', endpoint: Q, kind: 'sparql-update', description: 'update= in the URL of a GET', method: 'GET', path: `/sparql?update=${enc('DROP ALL')}&team=${team}`, as: 'clinician' });
  for (const [description, query] of [
    ['unbalanced braces', 'SELECT * WHERE { ?s ?p ?o'], ['not SPARQL', 'hello'], ['an empty query', ' '],
    ['a variable where a keyword belongs', 'SELECT ?x ?y WHERE ?z'], ['an unterminated string', 'SELECT * WHERE { ?s ?p "never closed }'],
    ['a broken IRI', 'SELECT * WHERE { <http://a b> ?p ?o }'], ['prefix not declared', 'SELECT * WHERE { ?s evil:p ?o }'],
  ] as const) sparqlGet('broken-json', `malformed SPARQL: ${description}`, query);
  for (const injection of INJECTIONS.slice(0, 6)) {
    sparqlGet('injection', `team with ${JSON.stringify(injection).slice(0, 30)}`, select, `&team=${enc(injection)}`);
  }
  sparqlGet('injection', 'patient with an injection', select, `&team=${team}&patient=${enc(`${patient.webId}${INJECTIONS[0]}`)}`);
  sparqlGet('other-host-iri', 'patient on another host', select, `&team=${team}&patient=${enc(`${EVIL}hans/profile/card#me`)}`);
  sparqlGet('path-traversal', 'patient with ../ to another pod', select, `&team=${team}&patient=${enc(patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'))}`);
  sparqlGet('path-traversal', 'team with ../', select, `&team=${enc('../../kari/groups/x')}`);
  sparqlGet('bad-parameter', 'no team', select, '');
  sparqlGet('bad-parameter', 'team twice', select, `&team=${team}&team=fastleger`);
  sparqlGet('bad-parameter', 'a team that does not exist', select, '&team=no-such-team');
  sparqlGet('not-granted', 'a team the clinician is not in', select, '&team=fastleger');
  sparqlGet('bad-parameter', 'from after to', select, `&team=${team}&from=2026-02-01&to=2026-01-01`);
  sparqlGet('bad-parameter', 'a 20-year range', select, `&team=${team}&from=2006-01-01&to=2026-01-01`);
  sparqlGet('bad-parameter', 'from is not a time', select, `&team=${team}&from=${enc('yesterday"><x>')}`);
  sparqlGet('unknown-category', 'an unknown kind', select, `&team=${team}&kind=${enc('../notes')}`);
  sparqlGet('bad-parameter', 'default-graph-uri on another host', select, `&team=${team}&default-graph-uri=${enc(EVIL)}`);
  sparqlGet('bad-parameter', 'named-graph-uri of another patient', select, `&team=${team}&named-graph-uri=${enc(`${podBaseUrl}kari/`)}`);
  sparqlGet('bad-credentials', 'no credentials', select, `&team=${team}`, 'anonymous');
  sparqlGet('wrong-type', 'query given as a nested parameter', select, `&team=${team}&query[a]=1`);
  sparqlGet('wrong-type', 'team given as an object', select, `&team[x]=${team}`);
  sparqlPost('content-type', 'text/plain body', select, 'text/plain');
  sparqlPost('content-type', 'JSON body', JSON.stringify({ query: select }), json);
  sparqlPost('content-type', 'no content type', select, '');
  sparqlPost('huge-body', 'a 300 kB query (limit 200 kB)', `${select} # ${'x'.repeat(300 * 1024)}`, 'application/sparql-query');
  sparqlPost('huge-body', 'a 150 kB query (limit 100,000 characters)', `${select} # ${'x'.repeat(150 * 1024)}`, 'application/sparql-query');
  add({ target: 'clinician', endpoint: Q, kind: 'huge-body', description: 'a 40 kB query in the URL (header limit 16 kB)', method: 'GET', path: `/sparql?team=${team}&query=${enc(`${select} #${'x'.repeat(40_000)}`)}`, as: 'clinician' });
  sparqlPost('deep-nesting', 'groups nested 5,000 deep', `SELECT * WHERE ${'{ '.repeat(5000)}?s ?p ?o${' }'.repeat(5000)}`, 'application/sparql-query');
  sparqlPost('deep-nesting', 'an expression nested 5,000 deep', `SELECT * WHERE { ?s ?p ?o FILTER(${'('.repeat(5000)}?o${')'.repeat(5000)}) }`, 'application/sparql-query');
  // Six unrelated patterns: (team list + profiles)^6, millions of rows even over a small team.
  const cross = '?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r';
  const slow = [
    ['a six-way cross product', `SELECT * WHERE { ${cross} }`],
    ['a cross product behind DISTINCT and ORDER BY', `SELECT DISTINCT ?a ?d ?g ?j ?m ?p WHERE { ${cross} } ORDER BY ?a ?d ?g ?j ?m ?p`],
    ['a cross product that matches nothing', `SELECT * WHERE { ${cross} FILTER(STR(?c) = "never") }`],
    ['property paths over a cross product', `SELECT * WHERE { ?a (<http://x/p>|!<http://x/q>)* ?b . ?c (!<http://x/q>)+ ?d . ?e ?f ?g . ?h ?i ?j . ?k ?l ?m }`],
    ['a CONSTRUCT of a cross product', `CONSTRUCT { ?a ?b ?r } WHERE { ${cross} }`],
    ['a count over a cross product', `SELECT (COUNT(*) AS ?n) WHERE { ${cross} }`],
    ['an ASK that never matches', `ASK { ${cross} FILTER(STR(?c) = "never") }`],
  ] as const;
  for (const [description, query] of slow) sparqlPost('slow-query', description, query, 'application/sparql-query');

  // ------------------------------------------------------------------ clinician FHIR, measurements, dashboard, reports, session
  const clinicianGet = (endpoint: string, kind: PayloadKind, description: string, path: string, as: Sender = 'clinician') =>
    add({ target: 'clinician', endpoint, kind, description, method: 'GET', path, as });
  const O = 'clinician GET /fhir/Observation';
  const subject = `subject=${enc(patient.webId)}`;
  for (const [kind, description, query] of [
    ['other-host-iri', 'subject on another host', `subject=${enc(`${EVIL}hans/profile/card#me`)}`],
    ['other-host-iri', 'subject Patient/123', 'subject=Patient/123'],
    ['path-traversal', 'subject with ../', `subject=${enc(patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'))}`],
    ['path-traversal', 'subject with %2e%2e', `subject=${enc(patient.webId.replace(/profile\/card#me$/, '%2e%2e/kari/profile/card#me'))}`],
    ['injection', 'subject with an injection', `subject=${enc(`${patient.webId}${INJECTIONS[0]}`)}`],
    ['bad-parameter', 'two subjects', `${subject}&patient=${enc(patient.webId)}`],
    ['bad-parameter', 'no subject and no team', 'code=59408-5'],
    ['unit-code-mixup', 'a code Helsevev does not store', `${subject}&code=1234-5`],
    ['unit-code-mixup', 'a LOINC code with the SNOMED system', `${subject}&code=${enc('http://snomed.info/sct|59408-5')}`],
    ['injection', 'code with an injection', `${subject}&code=${enc(INJECTIONS[1])}`],
    ['bad-parameter', 'date not a date', `${subject}&date=${enc('ge"><x>')}`],
    ['bad-parameter', 'date with prefix ne', `${subject}&date=ne2026-01-01`],
    ['bad-parameter', 'date month 13', `${subject}&date=2026-13-01T25:61:00Z`],
    ['bad-parameter', 'a 20-year window', `${subject}&date=ge2006-01-01&date=le2026-01-01`],
    ['injection', 'team with an injection', `${subject}&team=${enc(INJECTIONS[3])}`],
    ['not-granted', 'a team the clinician is not in', `${subject}&team=fastleger`],
    ['bad-credentials', 'no credentials', subject],
  ] as const) clinicianGet(O, kind, description, `/fhir/Observation?${query}`, kind === 'bad-credentials' ? 'anonymous' : 'clinician');
  clinicianGet(O, 'method', 'an Observation read by id (not supported)', '/fhir/Observation/..%2f..%2fsession');
  const M = 'clinician GET /measurements';
  for (const [kind, description, query] of [
    ['bad-parameter', 'no team', 'kind=oxygen-saturation'],
    ['injection', 'team with an injection', `team=${enc(INJECTIONS[0])}`],
    ['unknown-category', 'an unknown kind', `team=${team}&kind=evil`],
    ['unknown-category', 'kind with ../', `team=${team}&kind=${enc('../../notes')}`],
    ['other-host-iri', 'patient on another host', `team=${team}&patient=${enc(`${EVIL}p#me`)}`],
    ['path-traversal', 'patient with %2e%2e', `team=${team}&patient=${enc(patient.webId.replace(/profile\/card#me$/, '%2e%2e/kari/profile/card#me'))}`],
    ['bad-parameter', 'from is garbage', `team=${team}&from=${enc('1e999')}`],
    ['bad-parameter', 'year 99999', `team=${team}&from=99999-01-01`],
    ['wrong-type', 'kind as an object', `team=${team}&kind[__proto__]=x`],
    ['bad-credentials', 'no credentials', `team=${team}`],
  ] as const) clinicianGet(M, kind, description, `/measurements?${query}`, kind === 'bad-credentials' ? 'anonymous' : 'clinician');
  const D = 'clinician GET /dashboard/api/*';
  for (const [kind, description, path] of [
    ['bad-parameter', 'team/list without a team', '/dashboard/api/team/list'],
    ['injection', 'team/list with an injection', `/dashboard/api/team/list?team=${enc(INJECTIONS[0])}`],
    ['not-granted', 'team/list of a team the clinician is not in', '/dashboard/api/team/list?team=fastleger'],
    ['other-host-iri', 'team with a patient on another host', `/dashboard/api/team?team=${team}&patient=${enc(`${EVIL}p#me`)}`],
    ['wrong-type', 'team given twice', `/dashboard/api/team?team=${team}&team=x`],
    ['path-traversal', 'patient with ../', `/dashboard/api/patient?team=${team}&patient=${enc(patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'))}`],
    ['bad-parameter', 'patient with weeks=13', `/dashboard/api/patient?team=${team}&patient=${enc(patient.webId)}&weeks=13`],
    ['bad-parameter', 'patient with weeks=NaN', `/dashboard/api/patient?team=${team}&patient=${enc(patient.webId)}&weeks=NaN`],
    ['bad-parameter', 'patient without a patient', `/dashboard/api/patient?team=${team}`],
    ['other-host-iri', 'live of a patient on another host', `/dashboard/api/live?team=${team}&patient=${enc(`${EVIL}p#me`)}`],
    ['injection', 'live of a patient with an injection', `/dashboard/api/live?team=${team}&patient=${enc(`${patient.webId}${INJECTIONS[2]}`)}`],
    ['bad-credentials', 'team without credentials', `/dashboard/api/team?team=${team}`],
    ['path-traversal', 'a file outside the bundle', '/dashboard/api/..%2f..%2f..%2fpackage.json'],
    ['path-traversal', 'app.js with ../', '/app.js/../../../package.json'],
  ] as const) clinicianGet(D, kind, description, path, kind === 'bad-credentials' ? 'anonymous' : 'clinician');
  const K = 'clinician POST /dashboard/api/marks';
  const mark = { team, patient: patient.webId, measurement: `${patient.pod}health/measurements/oxygen-saturation/2026-01.ttl#m-0000`, reason: 'sensor fell off' };
  const marks = (kind: PayloadKind, description: string, body: string, type = json, as: Sender = 'clinician') =>
    add({ target: 'clinician', endpoint: K, kind, description, method: 'POST', path: '/dashboard/api/marks', headers: { 'content-type': type }, body, as });
  marks('broken-json', 'a cut body', JSON.stringify(mark).slice(0, 30));
  marks('broken-json', 'not JSON at all', 'reason=bad');
  marks('huge-body', 'a 100 kB reason (limit 16 kB)', JSON.stringify({ ...mark, reason: 'r'.repeat(100_000) }));
  marks('huge-body', 'a 2 kB reason', JSON.stringify({ ...mark, reason: 'r'.repeat(2_000) }));
  marks('deep-nesting', 'a reason nested 10,000 deep', JSON.stringify(mark).replace('"sensor fell off"', nested(10_000, '"x"')));
  for (const field of ['team', 'patient', 'measurement', 'reason'] as const) {
    for (const value of wrongValues(random, 'string')) marks('wrong-type', `${field} = ${JSON.stringify(value)?.slice(0, 40)}`, JSON.stringify({ ...mark, [field]: value }));
  }
  marks('other-host-iri', 'a measurement on another host', JSON.stringify({ ...mark, measurement: `${EVIL}hans/health/measurements/oxygen-saturation/2026-01.ttl#m-0000` }));
  marks('other-host-iri', 'a patient on another host', JSON.stringify({ ...mark, patient: `${EVIL}hans/profile/card#me` }));
  marks('path-traversal', 'a measurement IRI with ../ into notes/', JSON.stringify({ ...mark, measurement: `${patient.pod}health/measurements/../notes/2026-01.ttl#x` }));
  marks('path-traversal', 'a measurement IRI with %2e%2e into another pod', JSON.stringify({ ...mark, measurement: `${patient.pod}%2e%2e/kari/health/measurements/body-weight/2026-01.ttl#m` }));
  marks('injection', 'a reason with Turtle injection', JSON.stringify({ ...mark, reason: INJECTIONS[2] }));
  marks('injection', 'a measurement IRI with Turtle injection', JSON.stringify({ ...mark, measurement: `${mark.measurement}${INJECTIONS[0]}` }));
  marks('unknown-category', 'a measurement of an unknown kind', JSON.stringify({ ...mark, measurement: `${patient.pod}health/measurements/evil/2026-01.ttl#m` }));
  marks('content-type', 'form-encoded', 'team=x&patient=y', 'application/x-www-form-urlencoded');
  marks('content-type', 'text/plain', JSON.stringify(mark), 'text/plain');
  marks('bad-credentials', 'no credentials', JSON.stringify(mark), json, 'anonymous');
  const P = 'clinician GET /reports/:id';
  for (const id of ['..%2f..%2fsession', '%2e%2e', 'x'.repeat(4000), '%00', 'AAAAAAAAAAAAAAAA', '<script>']) clinicianGet(P, 'path-traversal', `report ${id.slice(0, 30)}`, `/reports/${id}`);
  clinicianGet(P, 'bad-credentials', 'a report without credentials', '/reports/AAAAAAAAAAAAAAAA', 'anonymous');
  const T = 'clinician /session';
  const session = (kind: PayloadKind, description: string, method: string, authorization?: string) =>
    add({ target: 'clinician', endpoint: T, kind, description, method, path: '/session', ...(authorization === undefined ? {} : { headers: { authorization } }), as: 'anonymous' });
  session('bad-credentials', 'POST without credentials', 'POST');
  session('bad-credentials', 'Basic with wrong credentials', 'POST', `Basic ${Buffer.from('nobody:wrong').toString('base64')}`);
  session('bad-credentials', 'Basic without a colon', 'POST', `Basic ${Buffer.from('nobody').toString('base64')}`);
  session('bad-credentials', 'Basic that is not base64', 'POST', 'Basic %%%');
  session('bad-credentials', 'Basic with a 2 kB id', 'POST', `Basic ${Buffer.from(`${'i'.repeat(2000)}:x`).toString('base64')}`);
  session('injection', 'Basic with an injection', 'POST', `Basic ${Buffer.from(`${INJECTIONS[0]}:${INJECTIONS[3]}`).toString('base64')}`);
  session('bad-credentials', 'an unknown bearer token', 'POST', 'Bearer not-a-token');
  session('bad-credentials', 'a Digest scheme', 'POST', 'Digest username="x"');
  session('bad-credentials', 'DELETE an unknown token', 'DELETE', 'Bearer not-a-token');
  session('method', 'GET /session', 'GET');
  session('huge-body', 'a 20 kB Authorization header', 'POST', `Basic ${'A'.repeat(20_000)}`);
  clinicianGet('clinician /login/callback', 'bad-credentials', 'a callback without a login cookie', `/login/callback?code=${enc(INJECTIONS[0])}&state=x&iss=${enc(EVIL)}`, 'anonymous');
  clinicianGet('clinician other methods and paths', 'method', 'DELETE /sparql', '/sparql');
  add({ target: 'clinician', endpoint: 'clinician other methods and paths', kind: 'method', description: 'PUT /measurements', method: 'PUT', path: '/measurements', headers: { 'content-type': json }, body: '{}', as: 'clinician' });
  add({ target: 'clinician', endpoint: 'clinician other methods and paths', kind: 'path-traversal', description: 'GET /../../etc/passwd', method: 'GET', path: '/../../etc/passwd', as: 'clinician' });

  // ------------------------------------------------------------------ consent: hostile decisions through planDecisions + carryOut
  const C = 'consent decisions (planDecisions + carryOut)';
  const group = (g: string) => ({ group: g });
  const agent = (a: string) => ({ agent: a });
  const decide = (kind: PayloadKind, description: string, decisions: unknown[]) => add({ target: 'consent-plan', endpoint: C, kind, description, decisions });
  const lungeteam = `${podBaseUrl}ous/groups/lungeteam#group`;
  decide('other-host-iri', 'grant a group on another host', [{ grantee: group(`${EVIL}groups/all#group`), category: 'blood-glucose', give: true }]);
  decide('other-host-iri', 'grant an agent on another host', [{ grantee: agent(`${EVIL}profile/card#me`), category: 'oxygen-saturation', give: true }]);
  decide('other-host-iri', 'grant an agent on the cloud metadata address', [{ grantee: agent('http://169.254.169.254/#me'), category: 'heart-rate', give: true }]);
  decide('other-host-iri', 'grant a file: IRI', [{ grantee: agent('file:///etc/passwd'), category: 'heart-rate', give: true }]);
  decide('other-host-iri', 'grant a urn', [{ grantee: agent('urn:x:everyone'), category: 'heart-rate', give: true }]);
  decide('other-host-iri', 'grant the public (foaf:Agent as a group)', [{ grantee: group('http://xmlns.com/foaf/0.1/Agent'), category: 'heart-rate', give: true }]);
  for (const injection of INJECTIONS.slice(0, 5)) {
    decide('injection', `grant a group IRI with ${JSON.stringify(injection).slice(0, 30)}`, [{ grantee: group(`${lungeteam}${injection}`), category: 'blood-glucose', give: true }]);
    decide('injection', `grant an agent IRI with ${JSON.stringify(injection).slice(0, 30)}`, [{ grantee: agent(`${podBaseUrl}lunde/profile/card#me${injection}`), category: 'blood-glucose', give: true }]);
  }
  for (const category of ['evil', '../notes', '__proto__', 'constructor', 'oxygen-saturation/../../consent', '', 'Oxygen-Saturation']) {
    decide('unknown-category', `grant an unknown category ${JSON.stringify(category)}`, [{ grantee: group(lungeteam), category, give: true }]);
  }
  decide('wrong-type', 'grantee without group or agent', [{ grantee: {}, category: 'blood-glucose', give: true }]);
  decide('wrong-type', 'grantee a string', [{ grantee: lungeteam, category: 'blood-glucose', give: true }]);
  decide('wrong-type', 'grantee with both group and agent', [{ grantee: { group: lungeteam, agent: `${EVIL}me` }, category: 'blood-glucose', give: true }]);
  decide('wrong-type', 'give as a string', [{ grantee: group(lungeteam), category: 'blood-glucose', give: 'yes' }]);
  decide('wrong-type', 'a decision that is null', [null]);
  decide('wrong-type', 'category a number', [{ grantee: group(lungeteam), category: 3, give: true }]);
  decide('path-traversal', 'grant a group IRI with ../', [{ grantee: group(`${podBaseUrl}ous/groups/../../hans/profile/card#me`), category: 'blood-glucose', give: true }]);
  decide('path-traversal', 'grant the patient themselves', [{ grantee: agent(patient.webId), category: 'blood-glucose', give: true }]);
  decide('other-host-iri', 'a good grant and one to another host together', [
    { grantee: group(lungeteam), category: 'blood-glucose', give: true },
    { grantee: agent(`${EVIL}profile/card#me`), category: 'blood-glucose', give: true },
  ]);

  // ------------------------------------------------------------------ raw writes to the pod: consent/ and .acl documents
  const W = 'pod PUT/PATCH consent/ and .acl';
  const consentDoc = `${patient.pod}health/consent/${ctx.now.toISOString().slice(0, 7)}.ttl`;
  const acls = [`${patient.pod}health/measurements/oxygen-saturation/.acl`, `${patient.pod}health/notes/.acl`, `${patient.pod}health/consent/.acl`, `${patient.pod}.acl`];
  const grantAll = `@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n<#evil> a acl:Authorization; acl:agentClass <http://xmlns.com/foaf/0.1/Agent>; acl:mode acl:Read, acl:Write, acl:Control; acl:accessTo <./>; acl:default <./>.`;
  const n3Insert = (triples: string) => `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { ${triples} }.`;
  const n3Delete = (triples: string) => `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:deletes { ${triples} }.`;
  const pod = (kind: PayloadKind, description: string, method: string, url: string, as: Sender, body?: string, type = 'text/turtle') =>
    add({ target: 'pod', endpoint: W, kind, description: `${as}: ${description}`, method, path: url, headers: body === undefined ? {} : { 'content-type': type }, ...(body === undefined ? {} : { body }), as });
  const podPut = (kind: PayloadKind, description: string, url: string, body: string): Omit<HttpPayload, 'id'> =>
    ({ target: 'pod', endpoint: W, kind, description: `hans: ${description}`, method: 'PUT', path: url, headers: { 'content-type': 'text/turtle' }, body, as: 'hans' });
  // As others: anything, even well-formed, must be refused.
  for (const as of ['kari', 'lunde', 'vendor', 'anonymous'] as const) {
    for (const url of acls) pod('not-granted', `PUT a public-write ACL at ${url.slice(patient.pod.length) || '/'}`, 'PUT', url, as, grantAll);
    pod('not-granted', 'PATCH an insert into the consent document', 'PATCH', consentDoc, as, n3Insert(`<#c> <http://www.w3.org/ns/dpv#hasRecipient> <${EVIL}me>.`), 'text/n3');
    pod('not-granted', 'PUT over the consent document', 'PUT', consentDoc, as, '<#c> <http://example.org/p> "o".');
    pod('injection', 'PATCH the oxygen ACL adding an agent with an injected IRI', 'PATCH', acls[0]!, as, n3Insert(`<#x> <http://www.w3.org/ns/auth/acl#agent> <${EVIL}me>.`), 'text/n3');
    pod('not-granted', 'DELETE the consent ACL', 'DELETE', acls[2]!, as);
  }
  pod('not-granted', 'vendor: POST a document into consent/', 'POST', `${patient.pod}health/consent/`, 'vendor', '<#c> <http://example.org/p> "o".');
  pod('not-granted', 'lunde: PATCH with deletes on the notes ACL', 'PATCH', acls[1]!, 'lunde', n3Delete('?a ?b ?c.'), 'text/n3');
  // As the patient: only malformed bodies, which the pod server must refuse.
  // CSS 7.2 parsed what is PUT only for .acl documents; our RdfValidatingStore refuses any RDF body that does not parse.
  for (const url of [...acls.slice(0, 3), consentDoc]) {
    const where = url.slice(patient.pod.length);
    pod('broken-json', `PATCH a broken N3 patch at ${where}`, 'PATCH', url, 'hans', '@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { <#a> <#b> ', 'text/n3');
    pod('wrong-type', `PATCH deleting triples that are not there at ${where}`, 'PATCH', url, 'hans', n3Delete(`<#never> <http://example.org/p> "${INJECTIONS[2].replace(/["\\]/g, '')}".`), 'text/n3');
    pod('content-type', `PATCH as a SPARQL update with a syntax error at ${where}`, 'PATCH', url, 'hans', 'INSERT DATA { <#a> <#b> ', 'application/sparql-update');
    pod('content-type', `PATCH as JSON at ${where}`, 'PATCH', url, 'hans', '{"op":"add"}', 'application/json-patch+json');
    // Last for each document: a PUT (refused since the pod server parses RDF bodies) would spoil the payloads before it if taken.
    add({ ...podPut('broken-json', `PUT broken Turtle at ${where}`, url, '@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n<#a> a acl:Authorization; acl:mode acl:Read') });
    add({ ...podPut('injection', `PUT Turtle with an injected IRI at ${where}`, url, `<#a> <http://www.w3.org/ns/auth/acl#agent> <${INJECTIONS[0]}>.`) });
  }
  pod('broken-json', 'PUT an ACL with a wrong If-Match', 'PUT', acls[0]!, 'hans', grantAll.replace('<#evil>', '<#x>'), 'text/turtle');
  return out.map((p) => (p.target === 'pod' && p.description.includes('wrong If-Match') ? { ...p, headers: { ...(p as HttpPayload).headers, 'if-match': '"not-the-etag"' } } : p));
}

/** Counts per key (for the report). */
export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
