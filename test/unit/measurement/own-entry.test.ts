/**
 * A hand entry on the patient's page: validated like a device's reading
 * (range, time), mapped by the one RDF mapping, SHACL-valid, shown as its own
 * source, and identified so a double submit is one reading.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORIES, kindSpec } from '../../../vocab/catalogue.ts';
import { HV, PROV } from '../../../vocab/terms.ts';
import {
  measurementIri, measurementToQuads, parseMeasurementInput, quadsToMeasurements, validateShapes, type Measurement,
} from '../../../apps/shared/measurement/index.ts';
import { OWN_ENTRY_SYSTEM, parseDecimal, parseOwnEntry } from '../../../apps/shared/measurement/own-entry.ts';
import { NOW, PATIENT, STORAGE, VENDOR, reading } from './fixtures.ts';

const AT = '2026-03-01T11:30:00Z';

function entry(form: Parameters<typeof parseOwnEntry>[1]): Measurement {
  const result = parseOwnEntry(PATIENT, form, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function errorsOf(form: Parameters<typeof parseOwnEntry>[1], now = NOW) {
  const result = parseOwnEntry(PATIENT, form, { now });
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('a measurement the patient enters by hand', () => {
  it('is a blood glucose of 16.2 mmol/L, entered by the patient, the patient its source', () => {
    const m = entry({ kind: 'blood-glucose', value: '16,2', effectiveTime: AT });
    expect(m).toMatchObject({
      kind: 'blood-glucose', value: 16.2, unit: 'mmol/L', patient: PATIENT, source: PATIENT,
      setting: 'patient-entered', effectiveTime: '2026-03-01T12:30:00+01:00',
      identifier: { system: OWN_ENTRY_SYSTEM },
    });
    expect(m.device).toBeUndefined();
  });

  it.each(CATEGORIES)('maps %s to SHACL-valid RDF with hv:PatientEntered and reads back the same', async (kind) => {
    const spec = kindSpec(kind);
    const mid = (r: { min: number; max: number }) => String(Math.round((r.min + r.max) / 2));
    const m = entry(spec.components
      ? { kind, systolic: '135', diastolic: '85', effectiveTime: AT }
      : { kind, value: mid(spec.range), effectiveTime: AT });
    const quads = measurementToQuads(m, STORAGE);
    const report = await validateShapes(quads);
    expect(report.violations).toEqual([]);
    expect(quads.some((q) => q.predicate.value === HV.setting && q.object.value === HV.PatientEntered)).toBe(true);
    expect(quads.filter((q) => q.predicate.value === PROV.wasAttributedTo).every((q) => q.object.value === PATIENT)).toBe(true);
    const back = quadsToMeasurements(quads);
    expect(back.problems).toEqual([]);
    const { iri, ...typed } = back.measurements[0]!;
    expect(typed).toEqual(m);
    expect(iri).toBe(measurementIri(STORAGE, m));
  });

  it('gets the same IRI when submitted twice, and a new one for another value at the same time', () => {
    const a = entry({ kind: 'blood-glucose', value: '16.2', effectiveTime: AT });
    const again = entry({ kind: 'blood-glucose', value: '16,20', effectiveTime: '2026-03-01T12:30:00+01:00' });
    const other = entry({ kind: 'blood-glucose', value: '6.2', effectiveTime: AT });
    expect(measurementIri(STORAGE, again)).toBe(measurementIri(STORAGE, a));
    expect(measurementIri(STORAGE, other)).not.toBe(measurementIri(STORAGE, a));
  });

  it('refuses a value outside the plausible range, like a device\'s', () => {
    expect(errorsOf({ kind: 'blood-glucose', value: '162', effectiveTime: AT })).toEqual([
      { field: 'value', message: '162 mmol/L is not a plausible blood glucose: it must be between 0.5 and 50 mmol/L' },
    ]);
  });

  it('refuses a time in the future (beyond two minutes of clock skew), and accepts one a minute ahead', () => {
    const errors = errorsOf({ kind: 'blood-glucose', value: '7', effectiveTime: '2026-03-01T12:05:00Z' });
    expect(errors.map((e) => e.field)).toEqual(['effectiveTime']);
    expect(errors[0]!.message).toContain('in the future');
    expect(parseOwnEntry(PATIENT, { kind: 'blood-glucose', value: '7', effectiveTime: '2026-03-01T12:01:00Z' }, { now: NOW }).ok).toBe(true);
  });

  it('says once that a value is not a number, and names an unknown kind', () => {
    expect(errorsOf({ kind: 'blood-glucose', value: 'seksten', effectiveTime: AT })).toEqual([
      { field: 'value', message: expect.stringContaining('must be a number') },
    ]);
    expect(errorsOf({ kind: 'blood-pressure', systolic: '120', diastolic: '', effectiveTime: AT }).map((e) => e.field)).toEqual(['components/diastolic']);
    expect(errorsOf({ kind: 'blood-pressure', systolic: '80', diastolic: '120', effectiveTime: AT }).map((e) => e.field)).toEqual(['components']);
    expect(errorsOf({ kind: 'mood', value: '3', effectiveTime: AT })).toEqual([{ field: 'kind', message: expect.stringContaining('blood-glucose') }]);
  });

  it('reads decimal commas and points, nothing else', () => {
    expect(parseDecimal('16,2')).toBe(16.2);
    expect(parseDecimal(' 16.2 ')).toBe(16.2);
    for (const bad of ['', '16,2,1', '1e3', '16.2 mmol', 'NaN', undefined]) expect(parseDecimal(bad)).toBeUndefined();
  });
});

describe('"entered by the patient" is the patient\'s alone', () => {
  it('is refused from any source but the patient (a vendor or a record system cannot claim it)', () => {
    const result = parseMeasurementInput(reading({ setting: 'patient-entered', source: VENDOR }), { now: NOW });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ field: 'setting', message: expect.stringContaining('only for a reading the patient typed in') }]);
  });
});
