/**
 * Property-based tests (fast-check): the mapping and the FHIR import never
 * throw on arbitrary input, refuse with at least one error or produce a
 * measurement that conforms to the shapes and reads back unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEASUREMENT_KINDS, type KindSpec } from '../../../vocab/catalogue.ts';
import { fhirToMeasurementInputs } from '../../../apps/shared/fhir/index.ts';
import {
  measurementToQuads, parseMeasurementInput, quadsToMeasurements, validateShapes,
} from '../../../apps/shared/measurement/index.ts';
import { NOW, PATIENT, STORAGE, VENDOR } from './fixtures.ts';

const kinds = MEASUREMENT_KINDS as readonly KindSpec[];

const validReading = fc.record({
  spec: fc.constantFrom(...kinds),
  fraction: fc.double({ min: 0, max: 1, noNaN: true }),
  fraction2: fc.double({ min: 0, max: 1, noNaN: true }),
  msAgo: fc.integer({ min: 0, max: 5 * 365 * 86_400_000 }),
  device: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,40}$/),
  setting: fc.constantFrom('home-municipality', 'home-hospital', 'clinic'),
  offsetHours: fc.integer({ min: -11, max: 12 }),
}).map(({ spec, fraction, fraction2, msAgo, device, setting, offsetHours }) => {
  const inRange = (r: { min: number; max: number }, f: number) => r.min + (r.max - r.min) * f;
  const instant = new Date(NOW.getTime() - msAgo);
  const local = new Date(instant.getTime() + offsetHours * 3_600_000).toISOString().slice(0, 19);
  const zone = `${offsetHours < 0 ? '-' : '+'}${String(Math.abs(offsetHours)).padStart(2, '0')}:00`;
  const base = { patient: PATIENT, source: VENDOR, kind: spec.category, unit: spec.canonicalUnit, device, setting, effectiveTime: `${local}${zone}` };
  if (spec.components) {
    const systolic = Math.round(inRange({ min: 90, max: 250 }, fraction));
    const diastolic = Math.round(inRange({ min: 40, max: Math.min(159, systolic - 1) }, fraction2));
    return { ...base, components: { systolic, diastolic } };
  }
  const factor = 10 ** spec.decimals;
  return { ...base, value: Math.round(inRange(spec.range, fraction) * factor) / factor };
});

describe('mapping properties', () => {
  it('every valid reading maps to SHACL-valid RDF that reads back unchanged', async () => {
    await fc.assert(fc.asyncProperty(validReading, async (raw) => {
      const parsed = parseMeasurementInput(raw, { now: NOW });
      expect(parsed.ok ? [] : parsed.errors).toEqual([]);
      if (!parsed.ok) return;
      const quads = measurementToQuads(parsed.value, STORAGE);
      const report = await validateShapes(quads);
      expect(report.violations).toEqual([]);
      const back = quadsToMeasurements(quads);
      expect(back.measurements).toHaveLength(1);
      const { iri: _iri, ...typed } = back.measurements[0]!;
      expect(typed).toEqual(parsed.value);
    }), { numRuns: 150 });
  });

  it('arbitrary input never throws: either a measurement or at least one error', () => {
    const mutated = fc.tuple(validReading, fc.string(), fc.anything()).map(([r, key, value]) => ({ ...r, [key]: value }));
    fc.assert(fc.property(fc.oneof(fc.anything(), fc.object(), mutated), (raw) => {
      const result = parseMeasurementInput(raw, { now: NOW });
      if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
    }), { numRuns: 500 });
  });

  it('hostile strings never reach the RDF unescaped', () => {
    const hostile = fc.constantFrom('>', '<', '"', '}', '\n', ' ', '\\', '^', '`', '{');
    fc.assert(fc.property(validReading, hostile, fc.constantFrom('patient', 'device', 'source'), (raw, bad, field) => {
      const value = String((raw as Record<string, unknown>)[field]);
      const result = parseMeasurementInput({ ...raw, [field]: `${value}${bad}x` }, { now: NOW });
      expect(result.ok).toBe(false);
    }), { numRuns: 200 });
  });
});

describe('FHIR import properties', () => {
  it('arbitrary JSON never throws: either readings or at least one error', () => {
    const observationish = fc.record({
      resourceType: fc.constantFrom('Observation', 'Bundle', 'Patient'),
      status: fc.option(fc.string()),
      code: fc.anything(),
      subject: fc.anything(),
      valueQuantity: fc.option(fc.record({ value: fc.anything(), code: fc.string(), system: fc.string() })),
      component: fc.anything(),
      entry: fc.anything(),
      device: fc.anything(),
      effectiveDateTime: fc.anything(),
    }, { requiredKeys: ['resourceType'] });
    fc.assert(fc.property(fc.oneof(fc.anything(), observationish), (body) => {
      const result = fhirToMeasurementInputs(body, { source: VENDOR, now: NOW, resolveSubject: () => PATIENT, defaultSetting: 'clinic' });
      if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
      else for (const r of result.value) expect(parseMeasurementInput(r.input, { now: NOW }).ok).toBe(true);
    }), { numRuns: 500 });
  });
});
