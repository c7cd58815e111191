import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../vocab/catalogue.ts';
import {
  fhirBundle, fhirToMeasurementInputs, measurementToFhir, SETTING_EXTENSION, type FhirImportOptions,
  UNRESOLVED_SUBJECT,
} from '../../../apps/shared/fhir/index.ts';
import {
  measurementToQuads, parseMeasurementInput, quadsToMeasurements, type StoredMeasurement,
} from '../../../apps/shared/measurement/index.ts';
import { NOW, PATIENT, STORAGE, VALID, VENDOR, reading } from '../measurement/fixtures.ts';

const NIN = { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '01017012345' };
const options: FhirImportOptions = {
  source: VENDOR,
  now: NOW,
  defaultSetting: 'home-hospital',
  resolveSubject: (s) => (s.reference === PATIENT || (s.identifier?.system === NIN.system && s.identifier.value === NIN.value) ? PATIENT : undefined),
};

function stored(raw: Record<string, unknown>): StoredMeasurement {
  const parsed = parseMeasurementInput(raw, { now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return quadsToMeasurements(measurementToQuads(parsed.value, STORAGE)).measurements[0]!;
}

const spo2 = (over: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] },
  subject: { identifier: NIN },
  effectiveDateTime: '2026-02-14T08:30:00+01:00',
  valueQuantity: { value: 91, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  device: { identifier: { value: 'oxi-0042' } },
  ...over,
});

describe('FHIR export -> import round trip', () => {
  it.each(CATEGORIES)('%s survives Measurement -> FHIR Observation -> Measurement', (kind) => {
    const m = stored(reading({ ...VALID[kind], setting: 'clinic' }));
    const fhir = measurementToFhir(m);
    const back = fhirToMeasurementInputs(JSON.parse(JSON.stringify(fhir)), { ...options, resolveSubject: (s) => s.reference });
    expect(back.ok, JSON.stringify(back)).toBe(true);
    if (!back.ok) return;
    const parsed = parseMeasurementInput(back.value[0]!.input, { now: NOW });
    const { iri: _iri, ...expected } = m;
    expect(parsed.ok && parsed.value).toEqual(expected);
  });

  it('exports LOINC and SNOMED CT codings, UCUM units and the setting', () => {
    const fhir = measurementToFhir(stored(reading({ ...VALID['blood-pressure'] })));
    expect(fhir.code).toMatchObject({ coding: [{ system: 'http://loinc.org', code: '85354-9' }, { system: 'http://snomed.info/sct', code: '75367002' }] });
    expect(fhir.component).toEqual([
      expect.objectContaining({ valueQuantity: { value: 135, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }),
      expect.objectContaining({ valueQuantity: { value: 85, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }),
    ]);
    expect(fhir.extension).toEqual([{ url: SETTING_EXTENSION, valueCode: 'home-municipality' }]);
    const bundle = fhirBundle([fhir], 'searchset') as { total: number; entry: { fullUrl: string }[] };
    expect(bundle.total).toBe(1);
    expect(bundle.entry[0]!.fullUrl).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('FHIR import', () => {
  it('maps a Norwegian-style SpO2 Observation with an identifier subject', () => {
    const result = fhirToMeasurementInputs(spo2(), options);
    expect(result).toEqual({ ok: true, value: [{ field: '', input: expect.objectContaining({ patient: PATIENT, kind: 'oxygen-saturation', value: 91, unit: '%', device: 'oxi-0042', source: VENDOR, setting: 'home-hospital' }) }] });
  });

  it('maps a Bundle and reports each bad entry at its FHIR path, keeping nothing', () => {
    const bundle = {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { resource: spo2() },
        { resource: spo2({ valueQuantity: { value: 91, system: 'http://unitsofmeasure.org', code: 'percent' } }) },
        { resource: spo2({ subject: { identifier: { system: NIN.system, value: '999' } } }) },
        { resource: spo2({ valueQuantity: { value: 104, system: 'http://unitsofmeasure.org', code: '%' } }) },
        { resource: { resourceType: 'Patient' } },
      ],
    };
    const result = fhirToMeasurementInputs(bundle, options);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      { field: 'entry/1/resource/valueQuantity/code', message: expect.stringContaining("unit 'percent' is not UCUM") },
      { field: 'entry/2/resource/subject/identifier', message: UNRESOLVED_SUBJECT },
      { field: 'entry/3/resource/valueQuantity/value', message: expect.stringContaining('not a plausible oxygen saturation') },
      { field: 'entry/4/resource/resourceType', message: expect.stringContaining('only Observation') },
    ]);
  });

  it('maps a blood pressure panel from components and refuses a missing diastolic', () => {
    const bp = {
      ...spo2(), valueQuantity: undefined,
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      component: [
        { code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, valueQuantity: { value: 142, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
        { code: { coding: [{ system: 'http://snomed.info/sct', code: '271650006' }] }, valueQuantity: { value: 91, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } },
      ],
    };
    const ok = fhirToMeasurementInputs(bp, options);
    expect(ok.ok && ok.value[0]!.input).toMatchObject({ kind: 'blood-pressure', components: { systolic: 142, diastolic: 91 }, unit: 'mm[Hg]' });
    const missing = fhirToMeasurementInputs({ ...bp, component: [bp.component[0]] }, options);
    expect(!missing.ok && missing.errors).toEqual([{ field: 'component', message: expect.stringContaining('both a systolic and a diastolic') }]);
  });

  it('refuses a Bundle whose only entry has an empty device identifier, instead of accepting no readings', () => {
    const result = fhirToMeasurementInputs({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: spo2({ device: { identifier: { value: '' } } }) }] }, options);
    expect(!result.ok && result.errors).toEqual([{ field: 'entry/0/resource/device', message: expect.stringContaining('device id is required') }]);
  });

  it.each([
    ['not JSON object', 'x', ''],
    ['wrong resource type', { resourceType: 'Patient' }, 'resourceType'],
    ['entered in error', spo2({ status: 'entered-in-error' }), 'status'],
    ['unknown code', spo2({ code: { coding: [{ system: 'http://loinc.org', code: '1234-5' }] } }), 'code/coding'],
    ['codes that disagree', spo2({ code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }, { system: 'http://snomed.info/sct', code: '27113001' }] } }), 'code/coding'],
    ['non-UCUM unit system', spo2({ valueQuantity: { value: 91, system: 'http://example.org/units', code: '%' } }), 'valueQuantity/system'],
    ['a period instead of a time', spo2({ effectiveDateTime: undefined, effectivePeriod: { start: '2026-02-14T08:30:00Z' } }), 'effectivePeriod'],
    ['neither device nor identifier', spo2({ device: undefined }), 'identifier'],
    // Found by the property test (seed 39595): an empty identifier was neither an error nor a reading.
    ['an empty device identifier', spo2({ device: { identifier: { value: '' } } }), 'device'],
    ['no subject', spo2({ subject: undefined }), 'subject'],
    // Found by the property test (seed 39595 after the fix above): String() of these threw.
    ['a status object whose toString is not a function', spo2({ status: { toString: 0 } }), 'status'],
    ['a subject identifier whose toString is not a function', spo2({ subject: { identifier: { system: NIN.system, value: { toString: 0 } } } }), 'subject/identifier'],
    ['a Bundle type whose toString is not a function', { resourceType: 'Bundle', type: { toString: 0 }, entry: [{ resource: spo2() }] }, 'type'],
    ['bad setting extension', spo2({ extension: [{ url: SETTING_EXTENSION, valueCode: 'icu' }] }), `extension(${SETTING_EXTENSION})`],
    ['empty bundle', { resourceType: 'Bundle', type: 'collection', entry: [] }, 'entry'],
  ])('refuses %s, naming the field', (_name, body, field) => {
    const result = fhirToMeasurementInputs(body, options);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toContain(field);
  });
});
