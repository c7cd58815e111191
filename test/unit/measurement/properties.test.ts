/**
 * Property-based tests (fast-check): the mapping and the FHIR import never
 * throw on arbitrary input, refuse with at least one error or produce a
 * measurement that conforms to the shapes and reads back unchanged; any
 * Observation the FHIR export produces imports back to the same reading, and
 * an exported Observation altered anywhere is refused or still parses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEASUREMENT_KINDS, type KindSpec } from '../../../vocab/catalogue.ts';
import { fhirBundle, fhirToMeasurementInputs, measurementToFhir } from '../../../apps/shared/fhir/index.ts';
import {
  measurementToQuads, parseMeasurementInput, quadsToMeasurements, validateShapes, type StoredMeasurement,
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

/** A valid reading, stored (typed, with its IRI) as a pod would hold it. */
function storedOf(raw: Record<string, unknown>): StoredMeasurement {
  const parsed = parseMeasurementInput(raw, { now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return quadsToMeasurements(measurementToQuads(parsed.value, STORAGE)).measurements[0]!;
}

/** Every string leaf of a JSON value, with its path. */
function stringLeaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, [...path, k]));
  return [];
}

function setAt(value: unknown, path: readonly (string | number)[], leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), leaf);
  return copy;
}

describe('FHIR export -> import properties', () => {
  const importOptions = { source: VENDOR, now: NOW, resolveSubject: (s: { reference?: string }) => s.reference };

  it('every Observation the export produces (alone or in a Bundle) imports back to the same reading', () => {
    fc.assert(fc.property(validReading, fc.boolean(), (raw, inBundle) => {
      const m = storedOf(raw);
      const observation = measurementToFhir(m);
      const body = JSON.parse(JSON.stringify(inBundle ? { ...fhirBundle([observation], 'collection'), type: 'collection' } : observation));
      const imported = fhirToMeasurementInputs(body, importOptions);
      expect(imported.ok ? [] : imported.errors).toEqual([]);
      if (!imported.ok) return;
      expect(imported.value).toHaveLength(1);
      const again = parseMeasurementInput(imported.value[0]!.input, { now: NOW });
      expect(again.ok ? [] : again.errors).toEqual([]);
      if (!again.ok) return;
      const { iri: _iri, ...typed } = m;
      expect(again.value).toEqual(typed);
    }), { numRuns: 150 });
  });

  it('an exported Observation with any one value replaced by arbitrary JSON never throws: readings that parse, or field errors', () => {
    fc.assert(fc.property(validReading, fc.nat(), fc.anything(), (raw, at, replacement) => {
      const observation = JSON.parse(JSON.stringify(measurementToFhir(storedOf(raw)))) as Record<string, unknown>;
      const leaves = stringLeaves(observation);
      const body = setAt(observation, leaves[at % leaves.length]!, replacement);
      const result = fhirToMeasurementInputs(body, importOptions);
      if (!result.ok) {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) expect(typeof e.message).toBe('string');
      } else {
        for (const r of result.value) expect(parseMeasurementInput(r.input, { now: NOW }).ok).toBe(true);
      }
    }), { numRuns: 400 });
  });

  it('Turtle/IRI delimiters appended to any string of an exported Observation never reach a reading that parses', () => {
    const hostile = fc.constantFrom('>', '<', '"', '}', '\n', ' ', '\\', '^', '`', '{', '"> ; <x> <y> "z');
    fc.assert(fc.property(validReading, fc.nat(), hostile, (raw, at, bad) => {
      const observation = JSON.parse(JSON.stringify(measurementToFhir(storedOf(raw)))) as Record<string, unknown>;
      const leaves = stringLeaves(observation);
      const path = leaves[at % leaves.length]!;
      const original = path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], observation) as string;
      const result = fhirToMeasurementInputs(setAt(observation, path, `${original}${bad}x`), importOptions);
      if (!result.ok) return;
      // Accepted only if the altered string was one the import ignores (a display text, an id ...):
      // no stored field may carry the delimiter.
      for (const r of result.value) {
        const parsed = parseMeasurementInput(r.input, { now: NOW });
        if (!parsed.ok) continue;
        for (const field of [parsed.value.patient, parsed.value.device, parsed.value.source, parsed.value.unit, parsed.value.setting]) {
          expect(field?.includes(`${bad}x`) ?? false).toBe(false);
        }
      }
    }), { numRuns: 400 });
  });
});
