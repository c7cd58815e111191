/**
 * Observations as HL7 Norway's profiles (VkpObservation, no-domain vital
 * signs) and the FHIR R4 vital-signs examples send them: bad input first,
 * then each published example in the catalogue mapped to its kind and
 * canonical value, and each outside it refused naming its code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  fhirObservationToInput, fhirToMeasurementInputs, type FhirImportOptions, type FhirSubject,
} from '../../../apps/shared/fhir/index.ts';
import { parseMeasurementInput } from '../../../apps/shared/measurement/index.ts';
import { NOW, PATIENT, VENDOR } from '../measurement/fixtures.ts';

type Obs = Record<string, unknown>;
const fixture = (name: string): Obs => JSON.parse(readFileSync(new URL(`../../fixtures/fhir/${name}`, import.meta.url), 'utf8')) as Obs;
const FNR = 'urn:oid:2.16.578.1.12.4.1.4.1';
// The fixtures' patients: every reference or Norwegian identifier resolves (the gateway does the registry side).
const options: FhirImportOptions = {
  source: VENDOR, now: NOW, defaultSetting: 'home-hospital',
  resolveSubject: (s: FhirSubject) => (s.reference || (s.identifier?.system === FNR && s.identifier.value) ? PATIENT : undefined),
};
const weight = (over: Obs = {}): Obs => ({ ...fixture('vkp-body-weight-create.json'), ...over });
const spo2 = (over: Obs = {}): Obs => ({ ...fixture('vkp-oxygen-saturation-create.json'), ...over });

function errorsOf(obs: unknown): { field: string; message: string }[] {
  const r = fhirObservationToInput(obs, options);
  return r.ok ? [] : r.errors;
}

describe('FHIR import of Norwegian profiles: refused', () => {
  it('an Observation with neither device nor identifier, saying to add one', () => {
    const errors = errorsOf(weight({ identifier: undefined }));
    expect(errors).toEqual([expect.objectContaining({ field: 'identifier', message: expect.stringMatching(/identifier.*device/) })]);
  });
  it('an identifier without a system does not count', () => {
    expect(errorsOf(weight({ identifier: [{ value: 'x1' }] })).map((e) => e.field)).toEqual(['identifier']);
  });
  it('a subject identifier in another system, naming the accepted ones', () => {
    const errors = errorsOf(weight({ subject: { identifier: { system: 'http://dips.no/fhir/namingsystem/dips-patientid', value: '1000807' } } }));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe('subject/identifier/system');
    for (const s of ['fødselsnummer', 'D-nummer', 'felles hjelpenummer', FNR]) expect(errors[0]!.message).toContain(s);
  });
  it('valueRatio for anything but SpO2', () => {
    const body = weight({ valueQuantity: undefined, valueRatio: { numerator: { value: 49 }, denominator: { value: 1 } } });
    expect(errorsOf(body).map((e) => e.field)).toEqual(['valueRatio']);
  });
  it.each([
    ['a zero denominator', { numerator: { value: 97 }, denominator: { value: 0 } }, 'valueRatio/denominator/value'],
    ['a unit on the ratio', { numerator: { value: 97, code: 'mm[Hg]' }, denominator: { value: 100 } }, 'valueRatio/numerator/code'],
    ['no numerator', { denominator: { value: 100 } }, 'valueRatio/numerator/value'],
  ])('an SpO2 valueRatio with %s', (_name, valueRatio, field) => {
    expect(errorsOf(spo2({ valueQuantity: undefined, valueRatio })).map((e) => e.field)).toContain(field);
  });
  it.each([
    ['a real period', { effectiveDateTime: undefined, effectivePeriod: { start: '2022-03-16T08:00:00+01:00', end: '2022-03-16T09:00:00+01:00' } }, 'effectivePeriod'],
    ['a year only', { effectiveDateTime: '2022' }, 'effectiveDateTime'],
    ['a month only', { effectiveDateTime: '2022-03' }, 'effectiveDateTime'],
  ])('a time given as %s', (_name, over, field) => {
    expect(errorsOf(spo2(over)).map((e) => e.field)).toEqual([field]);
  });
  it('no value, with a dataAbsentReason (nothing to store)', () => {
    const body = spo2({ valueQuantity: undefined, dataAbsentReason: { coding: [{ code: 'error' }] } });
    expect(errorsOf(body).map((e) => e.field)).toEqual(['dataAbsentReason']);
  });
  it.each([
    ['both a value and a dataAbsentReason (obs-6)', spo2({ dataAbsentReason: { text: 'x' } }), 'dataAbsentReason', /obs-6/],
    ['no value at all (vs-2)', spo2({ valueQuantity: undefined }), 'value[x]', /vs-2/],
    ['a component without a value (vs-3)', { ...fixture('vkp-blood-pressure-create.json'), component: [{ code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] } }] }, 'component', /vs-3/],
  ])('%s, by the FHIR invariant', (_name, body, field, message) => {
    expect(errorsOf(body)).toContainEqual({ field, message: expect.stringMatching(message) });
  });
  it('a blood pressure component it does not know, naming the code and what is supported', () => {
    const bp = fixture('vkp-blood-pressure-create.json');
    const component = [...(bp.component as Obs[]), { code: { coding: [{ system: 'http://loinc.org', code: '8357-6' }] }, valueQuantity: { value: 1, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' } }];
    const errors = errorsOf({ ...bp, component });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe('component/4/code/coding');
    expect(errors[0]!.message).toContain('http://loinc.org|8357-6');
    expect(errors[0]!.message).toContain('mean arterial pressure');
  });
  it.each([
    ['vkp-news2-create.json', '1104051000000101'],
    ['vkp-level-of-consciousness-create.json', '1104441000000107'],
    ['vkp-cfs-create.json', '763264000'],
    ['fhir-observation-example-satO2.json', '150456'],
  ])('%s: out of the catalogue, naming code %s and what is supported', (file, code) => {
    const errors = errorsOf(fixture(file));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe('code/coding');
    expect(errors[0]!.message).toContain(code);
    expect(errors[0]!.message).toContain('Blood glucose (SNOMED CT 434912009');
  });
  it('in a Bundle, at the entry\'s FHIR path', () => {
    const bundle = { resourceType: 'Bundle', type: 'batch', entry: [{ resource: weight() }, { resource: fixture('vkp-news2-create.json') }] };
    const r = fhirToMeasurementInputs(bundle, options);
    expect(!r.ok && r.errors.map((e) => e.field)).toEqual(['entry/1/resource/code/coding']);
  });
});
