import { describe, expect, it } from 'vitest';
import { CATEGORIES, type KindId } from '../../../vocab/catalogue.ts';
import { SOSA } from '../../../vocab/terms.ts';
import {
  measurementDocument, measurementToQuads, parseMeasurementInput, parseMeasurementsTurtle,
  quadsToMeasurements, quadsToTurtle, validateShapes, type Measurement,
} from '../../../apps/shared/measurement/index.ts';
import { NOW, PATIENT, STORAGE, VALID, reading } from './fixtures.ts';

function parse(raw: unknown): Measurement {
  const result = parseMeasurementInput(raw, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

describe('typed -> RDF -> SHACL -> typed', () => {
  it.each(CATEGORIES)('round-trips %s', async (kind: KindId) => {
    const m = parse(reading({ ...VALID[kind], device: `dev-${kind}` }));
    const quads = measurementToQuads(m, STORAGE);
    const report = await validateShapes(quads);
    expect(report.violations).toEqual([]);
    expect(report.conforms).toBe(true);

    const turtle = await quadsToTurtle(quads);
    const doc = measurementDocument(STORAGE, kind, m.effectiveTime);
    const back = parseMeasurementsTurtle(turtle, doc);
    expect(back.problems).toEqual([]);
    expect(back.measurements).toHaveLength(1);
    const { iri, ...typed } = back.measurements[0]!;
    expect(typed).toEqual(m);
    expect(iri.startsWith(`${doc}#m-`)).toBe(true);
  });

  it('stores the SNOMED CT concept as observed property and the patient as feature of interest', () => {
    const quads = measurementToQuads(parse(reading()), STORAGE);
    const get = (p: string) => quads.filter((q) => q.predicate.value === p).map((q) => q.object.value);
    expect(get(SOSA.observedProperty)).toEqual(['http://snomed.info/id/431314004']);
    expect(get(SOSA.hasFeatureOfInterest)).toEqual([PATIENT]);
    expect(quads.every((q) => q.subject.termType === 'NamedNode' && q.object.termType !== 'BlankNode')).toBe(true);
  });
});

describe('blood-pressure panel', () => {
  it('is one panel observation with a systolic and a diastolic member, each coded', async () => {
    const m = parse(reading({ ...VALID['blood-pressure'], kind: 'blood-pressure' }));
    const quads = measurementToQuads(m, STORAGE);
    const properties = quads.filter((q) => q.predicate.value === SOSA.observedProperty).map((q) => q.object.value).sort();
    expect(properties).toEqual([
      'http://snomed.info/id/271649006', 'http://snomed.info/id/271650006', 'http://snomed.info/id/75367002',
    ]);
    expect(quadsToMeasurements(quads).measurements).toEqual([expect.objectContaining({ kind: 'blood-pressure', systolic: 135, diastolic: 85 })]);
  });

  it('converts kPa and refuses swapped or single components', () => {
    expect(parse(reading({ kind: 'blood-pressure', value: undefined, components: { systolic: 16, diastolic: 10.7 }, unit: 'kPa' })))
      .toMatchObject({ systolic: 120, diastolic: 80, unit: 'mm[Hg]' });
    const swapped = parseMeasurementInput(reading({ kind: 'blood-pressure', value: undefined, components: { systolic: 80, diastolic: 120 }, unit: 'mm[Hg]' }), { now: NOW });
    expect(swapped).toEqual({ ok: false, errors: [{ field: 'components', message: expect.stringContaining('swapped') }] });
    const single = parseMeasurementInput(reading({ kind: 'blood-pressure', value: 120, components: undefined, unit: 'mm[Hg]' }), { now: NOW });
    expect(single.ok).toBe(false);
    expect(!single.ok && single.errors.map((e) => e.field)).toEqual(['value', 'components']);
  });

  it('rejects a panel missing a member in SHACL', async () => {
    const quads = measurementToQuads(parse(reading({ ...VALID['blood-pressure'] })), STORAGE)
      .filter((q) => !q.subject.value.includes('-diastolic') && !q.object.value.includes('-diastolic'));
    const report = await validateShapes(quads);
    expect(report.conforms).toBe(false);
    expect(report.violations.map((v) => v.message).join(' ')).toMatch(/blood pressure/i);
  });
});

describe('unit conversion on input', () => {
  it.each([
    [{ kind: 'body-weight', value: 81_400, unit: 'g' }, 81.4],
    [{ kind: 'body-temperature', value: 100.4, unit: '[degF]' }, 38],
    [{ kind: 'blood-glucose', value: 126, unit: 'mg/dL' }, 7],
    [{ kind: 'body-height', value: 1.785, unit: 'm' }, 178.5],
  ])('%o is stored as %d in the canonical unit', (input, expected) => {
    expect(parse(reading(input))).toMatchObject({ value: expected });
  });
});

describe('deterministic identity', () => {
  it('maps the same reading twice to identical triples', async () => {
    const a = await quadsToTurtle(measurementToQuads(parse(reading()), STORAGE));
    const b = await quadsToTurtle(measurementToQuads(parse(reading()), STORAGE));
    expect(a).toBe(b);
  });

  it('gives the same triples for the same instant written in another time zone', () => {
    const a = measurementToQuads(parse(reading({ effectiveTime: '2026-02-14T08:30:00+01:00' })), STORAGE);
    const b = measurementToQuads(parse(reading({ effectiveTime: '2026-02-14T07:30:00Z' })), STORAGE);
    expect(b).toEqual(a);
  });

  it('gives a different IRI for a different time, device, kind or patient', () => {
    const iri = (over: Record<string, unknown>) => measurementToQuads(parse(reading(over)), STORAGE)[0]!.subject.value;
    const base = iri({});
    expect(iri({ effectiveTime: '2026-02-14T08:31:00+01:00' })).not.toBe(base);
    expect(iri({ device: 'oxi-0043' })).not.toBe(base);
    expect(iri({ ...VALID['heart-rate'] })).not.toBe(base);
    expect(iri({ patient: 'http://localhost:3000/kari/profile/card#me' })).not.toBe(base);
  });

  it('files a reading in its Europe/Oslo month', () => {
    const m = parse(reading({ effectiveTime: '2026-01-31T23:30:00Z' }));
    expect(m.effectiveTime).toBe('2026-02-01T00:30:00+01:00');
    expect(measurementDocument(STORAGE, m.kind, m.effectiveTime))
      .toBe('http://localhost:3000/hans/health/measurements/oxygen-saturation/2026-02.ttl');
    const summer = parse(reading({ effectiveTime: '2025-06-30T22:15:00Z' }));
    expect(summer.effectiveTime).toBe('2025-07-01T00:15:00+02:00');
  });
});

describe('reading back', () => {
  it('reports an incomplete observation instead of guessing', () => {
    const quads = measurementToQuads(parse(reading()), STORAGE).filter((q) => q.predicate.value !== SOSA.madeBySensor);
    const parsed = quadsToMeasurements(quads);
    expect(parsed.measurements).toEqual([]);
    expect(parsed.problems).toEqual([{ iri: expect.stringContaining('#m-'), problem: expect.stringContaining('madeBySensor') }]);
  });
});
