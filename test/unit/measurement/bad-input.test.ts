import { describe, expect, it } from 'vitest';
import { DataFactory } from 'n3';
import { measurementToQuads, parseMeasurementInput, validateShapes } from '../../../apps/shared/measurement/index.ts';
import { QUDT, XSD } from '../../../vocab/terms.ts';
import { NOW, STORAGE, reading } from './fixtures.ts';

const errorsOf = (raw: unknown) => {
  const result = parseMeasurementInput(raw, { now: NOW });
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
};

describe('bad input gets a typed error a person can act on, and no measurement', () => {
  it.each([
    ['unknown kind', { kind: 'mood' }, 'kind', /unknown measurement kind; use one of oxygen-saturation, heart-rate/],
    ['unknown SNOMED code', { kind: undefined, code: { system: 'http://snomed.info/sct', code: '123456' } }, 'code/code', /SNOMED CT code 123456 is not a measurement Helsevev knows/],
    ['unknown code system', { kind: undefined, code: { system: 'http://example.org/codes', code: '1' } }, 'code/system', /unknown code system/],
    ['kind and code disagree', { code: { system: 'http://loinc.org', code: '8867-4' } }, 'code', /code names heart-rate but kind says oxygen-saturation/],
    ['no kind at all', { kind: undefined }, 'kind', /say what was measured/],
    ['non-UCUM unit', { kind: 'heart-rate', value: 70, unit: 'bpm' }, 'unit', /unit 'bpm' is not UCUM; use one of '\/min'/],
    ['mmHg spelled without brackets', { kind: 'blood-pressure', components: { systolic: 120, diastolic: 80 }, unit: 'mmHg' }, 'unit', /unit 'mmHg' is not UCUM; use 'mm\[Hg\]'/],
    ['wrong unit for the kind', { unit: 'kg' }, 'unit', /unit 'kg' does not measure oxygen saturation/],
    ['missing unit', { unit: undefined }, 'unit', /the UCUM unit is required; for oxygen saturation \(spo2\) use '%'/],
    ['SpO2 over 100 %', { value: 101 }, 'value', /101 % is not a plausible oxygen saturation \(spo2\): it must be between 50 and 100 %/],
    ['negative weight', { kind: 'body-weight', value: -3, unit: 'kg' }, 'value', /not a plausible body weight/],
    ['value as a string', { value: '95' }, 'value', /must be a number/],
    ['value not finite', { value: Number.NaN }, 'value', /must be a number/],
    ['missing time', { effectiveTime: undefined }, 'effectiveTime', /time of the measurement is required/],
    ['time without a time zone', { effectiveTime: '2026-02-14T08:30:00' }, 'effectiveTime', /with a time zone/],
    ['impossible date', { effectiveTime: '2026-02-30T08:30:00Z' }, 'effectiveTime', /ISO 8601/],
    ['time in the future', { effectiveTime: '2026-03-01T12:10:00Z' }, 'effectiveTime', /is in the future .* check the device's clock/],
    ['malformed patient IRI', { patient: 'hans' }, 'patient', /absolute http\(s\) IRI/],
    ['patient IRI with Turtle injection', { patient: 'http://localhost:3000/hans/profile/card#me> a <x' }, 'patient', /without spaces, quotes or angle brackets/],
    ['patient IRI of another scheme', { patient: 'file:///etc/passwd' }, 'patient', /absolute http\(s\) IRI/],
    ['patient IRI with credentials', { patient: 'http://user:pw@localhost:3000/hans/profile/card#me' }, 'patient', /absolute http\(s\) IRI/],
    ['device id with SPARQL injection', { device: 'x" } ; DROP ALL ; #' }, 'device', /device id is required: 1-128 characters/],
    ['device id with path traversal', { device: '../../vendor' }, 'device', /device id is required/],
    ['source missing', { source: undefined }, 'source', /is required/],
    ['unknown setting', { setting: 'hospital-bed' }, 'setting', /must be one of home-municipality, home-hospital, clinic/],
    ['unknown field', { comment: 'hi' }, 'comment', /unknown field/],
  ])('%s', (_name, overrides, field, message) => {
    const errors = errorsOf(reading(overrides));
    expect(errors).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it('reports every wrong field at once, prefixed for batches', () => {
    const result = parseMeasurementInput(reading({ value: 140, unit: 'mmHg', device: '' }), { now: NOW, fieldPrefix: 'readings/3/' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field).sort()).toEqual(['readings/3/device', 'readings/3/unit']);
  });

  it.each([null, 42, 'reading', [reading()]])('refuses %o as a reading', (raw) => {
    expect(errorsOf(raw)).toEqual([{ field: '', message: 'a reading must be a JSON object' }]);
  });

  it('accepts a small device clock skew into the future', () => {
    expect(parseMeasurementInput(reading({ effectiveTime: '2026-03-01T12:03:00Z' }), { now: NOW }).ok).toBe(true);
  });
});

describe('SHACL guards what other writers produce', () => {
  it('rejects an out-of-range value written without the mapping', async () => {
    const parsed = parseMeasurementInput(reading(), { now: NOW });
    if (!parsed.ok) throw new Error('fixture');
    const tampered = measurementToQuads(parsed.value, STORAGE).map((q) => (q.predicate.value === QUDT.numericValue
      ? DataFactory.quad(q.subject, q.predicate, DataFactory.literal('120', DataFactory.namedNode(XSD.decimal)))
      : q));
    const report = await validateShapes(tampered);
    expect(report.conforms).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({ message: 'Oxygen saturation (SpO2) must be one value between 50 and 100 %.' })]);
  });

  it('rejects an observation of an unknown concept', async () => {
    const parsed = parseMeasurementInput(reading(), { now: NOW });
    if (!parsed.ok) throw new Error('fixture');
    const tampered = measurementToQuads(parsed.value, STORAGE).map((q) => (q.object.value === 'http://snomed.info/id/431314004'
      ? DataFactory.quad(q.subject, q.predicate, DataFactory.namedNode('http://snomed.info/id/1'))
      : q));
    const report = await validateShapes(tampered);
    expect(report.conforms).toBe(false);
    expect(report.violations[0]?.message).toMatch(/exactly one known measurement kind/);
  });
});
