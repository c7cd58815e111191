import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import {
  alertRulesQuads, deadlineFor, DEFAULT_ALERT_RULES, endOfOsloDay, nextWorkingDay, osloDay, osloMidnight, parseAlertRules,
} from '../../../apps/shared/alert-rules.ts';
import { thresholdsTurtle } from '../../../apps/shared/thresholds.ts';

const rules = { redWithinMinutes: 60, expects: { 'oxygen-saturation': 2 } } as const;

describe('the team\'s alert rules (in the thresholds document)', () => {
  it('round-trip through the thresholds document', async () => {
    const doc = 'http://localhost:3000/oslo/thresholds/oppfolgingsteam-a';
    const turtle = await thresholdsTurtle([], alertRulesQuads(rules));
    expect(parseAlertRules(new Parser({ baseIRI: doc }).parse(turtle))).toEqual(rules);
  });

  it('default to red within 60 minutes and nothing expected when the document says nothing', () => {
    expect(parseAlertRules([])).toEqual(DEFAULT_ALERT_RULES);
    const quads = new Parser().parse('<http://x/#r> a <https://w3id.org/helsevev#AlertRules> ; <https://w3id.org/helsevev#redWithinMinutes> "soon" .');
    expect(parseAlertRules(quads).redWithinMinutes).toBe(60);
  });
});

describe('deadlines in Europe/Oslo', () => {
  it('red: the minutes of the rules after the reading', () => {
    expect(deadlineFor('red', new Date('2026-12-06T10:15:00Z'), rules).toISOString()).toBe('2026-12-06T11:15:00.000Z');
    expect(deadlineFor('red', new Date('2026-12-06T10:15:00Z'), { ...rules, redWithinMinutes: 30 }).toISOString()).toBe('2026-12-06T10:45:00.000Z');
  });

  it('yellow: the end of the reading\'s Oslo day, winter (+01:00) and summer (+02:00)', () => {
    expect(deadlineFor('yellow', new Date('2026-12-06T10:15:00Z'), rules).toISOString()).toBe('2026-12-06T22:59:59.000Z');
    expect(deadlineFor('yellow', new Date('2026-07-01T10:15:00Z'), rules).toISOString()).toBe('2026-07-01T21:59:59.000Z');
  });

  it('yellow: a reading at 23:30 UTC is already the next Oslo day', () => {
    expect(osloDay(new Date('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
    expect(deadlineFor('yellow', new Date('2026-12-06T23:30:00Z'), rules).toISOString()).toBe('2026-12-07T22:59:59.000Z');
  });

  it('on the daylight-saving days: 23 hours in March, 25 in October', () => {
    // 29 March 2026: clocks go from 02:00 to 03:00; 25 October 2026: from 03:00 back to 02:00.
    expect(osloMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(endOfOsloDay('2026-03-29').toISOString()).toBe('2026-03-29T21:59:59.000Z');
    expect(endOfOsloDay('2026-03-29').getTime() - osloMidnight('2026-03-29').getTime()).toBe(23 * 3600_000 - 1000);
    expect(osloMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(endOfOsloDay('2026-10-25').toISOString()).toBe('2026-10-25T22:59:59.000Z');
    expect(endOfOsloDay('2026-10-25').getTime() - osloMidnight('2026-10-25').getTime()).toBe(25 * 3600_000 - 1000);
    // A reading at 01:30 local on the March change (00:30 UTC) is due at that day's end.
    expect(deadlineFor('yellow', new Date('2026-03-29T00:30:00Z'), rules).toISOString()).toBe('2026-03-29T21:59:59.000Z');
  });

  it('routine: the end of the next working day (Friday and Saturday -> Monday)', () => {
    expect(nextWorkingDay('2026-12-03')).toBe('2026-12-04'); // Thursday -> Friday
    expect(nextWorkingDay('2026-12-04')).toBe('2026-12-07'); // Friday -> Monday
    expect(nextWorkingDay('2026-12-05')).toBe('2026-12-07'); // Saturday -> Monday
    expect(deadlineFor('routine', new Date('2026-12-04T15:00:00Z'), rules).toISOString()).toBe('2026-12-07T22:59:59.000Z');
    expect(deadlineFor('routine', new Date('2026-03-27T12:00:00Z'), rules).toISOString()).toBe('2026-03-30T21:59:59.000Z');
  });
});
