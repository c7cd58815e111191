/**
 * FHIR search parameters and the searchset Bundle: dates with prefixes and
 * precision (Oslo time), codes in LOINC and SNOMED CT, an OperationOutcome
 * entry for what could not be read.
 */
import { describe, expect, it } from 'vitest';
import { FhirSearchError, fhirDateRange, observationBundle, parseObservationSearch } from '../../../apps/clinician/http/fhir.ts';
import { parseTime, parseKindList, ParameterError } from '../../../apps/clinician/engine/params.ts';

describe('FHIR search parameters', () => {
  it('reads subject, codes (LOINC, SNOMED CT, components) and a date range', () => {
    const s = parseObservationSearch({
      subject: 'http://pods.example/hans/profile/card#me',
      code: 'http://loinc.org|59408-5,http://snomed.info/sct|364075005,8480-6',
      date: ['ge2026-02-01', 'lt2026-03'],
    });
    expect(s.kinds).toEqual(['oxygen-saturation', 'heart-rate', 'blood-pressure']);
    expect(s.from).toEqual(new Date('2026-01-31T23:00:00Z'));
    expect(s.to).toEqual(new Date(new Date('2026-02-28T23:00:00Z').getTime() - 1));
  });

  it.each([
    ['2026', '2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    ['2026-07', '2026-06-30T22:00:00.000Z', '2026-07-31T22:00:00.000Z'],
    ['2026-03-29', '2026-03-28T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
    ['2026-02-01T08:30:00+01:00', '2026-02-01T07:30:00.000Z', '2026-02-01T07:30:01.000Z'],
  ])('date %s covers [%s, %s)', (value, start, end) => {
    const r = fhirDateRange(value);
    expect([r.start.toISOString(), r.end.toISOString()]).toEqual([start, end]);
  });

  it.each([
    [{}, 'required'], [{ subject: 'x', code: 'http://loinc.org|0000-0' }, 'code-invalid'],
    [{ subject: 'x', date: 'ne2026' }, 'not-supported'], [{ subject: 'x', date: 'ge2026-13-45x' }, 'invalid'],
  ])('refuses %j (%s)', (params, code) => {
    try {
      parseObservationSearch(params);
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(FhirSearchError);
      expect((error as FhirSearchError).code).toBe(code);
    }
  });

  it('adds an OperationOutcome entry when access was partial', () => {
    const bundle = observationBundle([], [], {
      complete: false, patients: { total: 1, read: 0, partly: 0, unreadable: 1 },
      unreadable: [{ patient: 'http://pods.example/kari/profile/card#me', category: 'blood-glucose', reason: 'forbidden', httpStatus: 403 }],
    }, 'http://api/fhir/Observation') as { total: number; entry: { search: { mode: string }; resource: { resourceType: string; issue: { code: string }[] } }[] };
    expect(bundle.total).toBe(0);
    expect(bundle.entry).toHaveLength(1);
    expect(bundle.entry[0]!.search.mode).toBe('outcome');
    expect(bundle.entry[0]!.resource.issue[0]!.code).toBe('forbidden');
  });
});

describe('time and kind parameters', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it.each([
    ['2026-02-01T08:00:00+01:00', 'start', '2026-02-01T07:00:00.000Z'],
    ['2026-02-01', 'start', '2026-01-31T23:00:00.000Z'],
    ['2026-02-01', 'end', '2026-02-01T22:59:59.999Z'],
    ['PT48H', 'start', '2026-03-08T12:00:00.000Z'],
    ['P1M', 'start', '2026-02-10T12:00:00.000Z'],
  ] as const)('%s as %s', (value, as, expected) => {
    expect(parseTime('from', value, now, as).toISOString()).toBe(expected);
  });

  it('says what a time may look like', () => {
    expect(() => parseTime('from', 'yesterday', now, 'start')).toThrow(/instant with time zone/);
    expect(() => parseTime('from', '2026-02-01T08:00:00', now, 'start')).toThrow(ParameterError);
  });

  it('names unknown kinds and lists the known ones', () => {
    expect(parseKindList('kind', ['heart-rate,oxygen-saturation'])).toEqual(['oxygen-saturation', 'heart-rate']);
    expect(() => parseKindList('kind', ['spo2'])).toThrow(/unknown measurement kind "spo2"; known kinds are oxygen-saturation/);
  });
});
