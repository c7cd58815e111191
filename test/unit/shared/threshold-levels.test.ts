import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { checkThresholds, ThresholdsError, type LevelledLimit } from '../../../apps/shared/threshold-levels.ts';
import { levelOf, parseThresholds, thresholdsTurtle } from '../../../apps/shared/thresholds.ts';

const HANS = 'http://localhost:3000/hans/profile/card#me';
const DOC = 'http://localhost:3000/oslo/thresholds/oppfolgingsteam-a';
const spo2 = (level: 'yellow' | 'red' | undefined, limits: { below?: number; above?: number }): LevelledLimit =>
  ({ patient: HANS, kind: 'oxygen-saturation', ...limits, ...(level ? { level } : {}) });

describe('thresholds with two levels', () => {
  it('round-trip with their levels; yellow comes first; a threshold without a level is red', async () => {
    const turtle = await thresholdsTurtle([spo2('red', { below: 88 }), spo2('yellow', { below: 92 })]);
    const parsed = parseThresholds(new Parser({ baseIRI: DOC }).parse(turtle));
    expect(parsed).toEqual([
      { patient: HANS, kind: 'oxygen-saturation', below: 92, level: 'yellow', source: `${DOC}#hans-oxygen-saturation-yellow` },
      { patient: HANS, kind: 'oxygen-saturation', below: 88, level: 'red', source: `${DOC}#hans-oxygen-saturation` },
    ]);
    const old = parseThresholds(new Parser({ baseIRI: DOC }).parse(await thresholdsTurtle([spo2(undefined, { below: 90 })])));
    expect(old).toEqual([{ patient: HANS, kind: 'oxygen-saturation', below: 90, source: `${DOC}#hans-oxygen-saturation` }]);
    expect(levelOf(old[0]!)).toBe('red');
  });

  it('ignore a threshold with a level they do not know', () => {
    const quads = new Parser({ baseIRI: DOC }).parse(`
      @prefix hv: <https://w3id.org/helsevev#> . @prefix sosa: <http://www.w3.org/ns/sosa/> .
      <#a> a hv:Threshold ; hv:forPatient <${HANS}> ; sosa:observedProperty <http://snomed.info/id/431314004> ; hv:lowerLimit 90 ; hv:level hv:Purple .`);
    expect(parseThresholds(quads)).toEqual([]);
  });

  it.each<[string, LevelledLimit[], string, RegExp]>([
    ['red below higher than yellow below', [spo2('yellow', { below: 88 }), spo2('red', { below: 90 })], '1/below', /red below 90 % is higher than yellow below 88 %/],
    ['red above lower than yellow above', [
      { patient: HANS, kind: 'blood-glucose', above: 15, level: 'yellow' }, { patient: HANS, kind: 'blood-glucose', above: 12, level: 'red' },
    ], '1/above', /red above 12 mmol\/L is lower than yellow above 15 mmol\/L/],
    ['two of one level', [spo2('red', { below: 88 }), spo2(undefined, { below: 85 })], '1/level', /already has a red/],
    ['no limit', [spo2('yellow', {})], '0', /has no limit/],
    ['an empty normal range', [spo2('red', { below: 95, above: 90 })], '0/below', /leave no normal/],
    ['a lower limit above another level\'s upper', [
      { patient: HANS, kind: 'heart-rate', below: 60, level: 'yellow' }, { patient: HANS, kind: 'heart-rate', above: 55, level: 'red' },
    ], '0/below', /too low and too high at once/],
    ['an implausible limit', [spo2('red', { below: 120 })], '0/below', /120 is not a plausible/],
  ])('refuse %s, naming the field', (_, items, field, message) => {
    const errors = checkThresholds(items);
    expect(errors).toEqual(expect.arrayContaining([{ field, message: expect.stringMatching(message) }]));
  });

  it('accept levels that agree, and the same limit at both levels', () => {
    expect(checkThresholds([spo2('yellow', { below: 92 }), spo2('red', { below: 88 })])).toEqual([]);
    expect(checkThresholds([spo2('yellow', { below: 90 }), spo2('red', { below: 90 })])).toEqual([]);
    expect(checkThresholds([
      { patient: HANS, kind: 'heart-rate', below: 50, above: 110, level: 'yellow' }, { patient: HANS, kind: 'heart-rate', below: 40, above: 130 },
    ])).toEqual([]);
  });

  it('are never written when they contradict', async () => {
    await expect(thresholdsTurtle([spo2('yellow', { below: 88 }), spo2('red', { below: 90 })])).rejects.toThrow(ThresholdsError);
    await expect(thresholdsTurtle([spo2('yellow', { below: 88 }), spo2('red', { below: 90 })])).rejects.toThrow(/nothing was written/);
  });
});
