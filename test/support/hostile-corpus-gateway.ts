/**
 * The hostile-input corpus, gateway part: malformed and hostile bodies for
 * POST /readings and POST /fhir, then /enrolments, /readings/:id and methods
 * and paths the gateway does not serve.
 */
import { EVIL, INJECTIONS, nested, pick, wrongValues, type CorpusBuilder, type PayloadKind } from './hostile-corpus-kit.ts';

export function gatewayPayloads({ ctx, random, add }: CorpusBuilder): void {
  const { patient, podBaseUrl } = ctx;
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
  // Credentials (#18): each refused with 401 before the body is looked at; the device's own is sent otherwise.
  for (const [description, authorization] of [
    ['no credential at all', ''], ['a Basic credential', 'Basic dmVuZG9yOnNlY3JldA=='], ['Bearer with nothing after it', 'Bearer '],
    ['a malformed device credential', 'Bearer hvd_not-a-credential'], ['a forged device credential (unknown pairing)', `Bearer hvd_${'0'.repeat(24)}_${'A'.repeat(43)}`],
    ['a forged platform token', `Bearer hvp_${'B'.repeat(43)}`], ['a JWT instead of a credential', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['two credentials at once', 'Bearer hvd_a_b, Bearer hvd_c_d'],
  ] as const) readings(R, 'bad-credentials', description, validText, { 'content-type': json, authorization });
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
  // FHIR REST (issue 19): create, If-None-Exist, and Bundles that must be refused whole.
  const rest = (kind: PayloadKind, description: string, path: string, body: string, headers: Record<string, string> = {}) =>
    add({ target: 'gateway', endpoint: F, kind, description, method: 'POST', path, headers: { 'content-type': fhirJson, ...headers }, body, as: 'anonymous' });
  const create = { request: { method: 'POST', url: 'Observation' } };
  rest('wrong-type', 'a transaction Bundle sent to POST /fhir/Observation', '/fhir/Observation', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: observation, ...create }] }));
  rest('injection', 'If-None-Exist with a Turtle injection', '/fhir/Observation', obsText, { 'if-none-exist': 'identifier=urn:x|a"> <x> <y' });
  rest('path-traversal', 'If-None-Exist searching by another parameter', '/fhir/Observation', obsText, { 'if-none-exist': 'patient=../../kari' });
  rest('wrong-type', 'a transaction with a valid create and a DELETE', '/fhir', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: observation, ...create }, { request: { method: 'DELETE', url: 'Observation/1' } }] }));
  rest('huge-body', 'a batch of 1001 entries', '/fhir', JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry: Array.from({ length: 1001 }, () => ({ resource: observation, ...create })) }));
  rest('deep-nesting', 'a transaction entry that is itself a transaction', '/fhir', JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: observation, ...create }] }, ...create }] }));

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
}
