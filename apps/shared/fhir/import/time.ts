/**
 * When a reading was taken, from Observation.effective[x], as the Norwegian
 * profiles' examples send it.
 *
 * - `effectiveDateTime` / `effectiveInstant` with a time and a zone: kept as
 *   sent (seconds optional; parseMeasurementInput checks it).
 * - `effectiveDateTime` as a date only (`2021-05-10`, as VkpObservation's
 *   examples do): stored as the start of that day in Norway
 *   (`2021-05-10T00:00:00+02:00`). A reading's day is what a date-only record
 *   says; midnight Oslo time keeps it on that day in every Norwegian view. A
 *   year or year-month alone is too vague for a reading and is refused.
 * - `effectivePeriod`: only a zero-length period (start = end, a point in
 *   time some systems send as a period) is accepted, as its start; a real
 *   interval is not one reading and is refused.
 */
import type { Fail, Json } from './json.ts';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const PARTIAL_DATE = /^\d{4}(-\d{2})?$/;

/** Oslo's UTC offset at `instant`, as +HH:MM. */
function osloOffset(instant: number): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' })
    .formatToParts(new Date(instant)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-]\d{2}:\d{2})?/.exec(part);
  return m?.[1] ?? '+00:00';
}

/** `YYYY-MM-DD` -> the start of that day in Europe/Oslo, with its offset. */
export function osloStartOfDay(date: string): string {
  const [, y, mo, d] = DATE_ONLY.exec(date)!;
  // Midnight is never inside a Norwegian DST change (those happen at 02:00/03:00); 00:00 UTC that day (01:00 or 02:00 in Oslo) has midnight's offset.
  const offset = osloOffset(Date.UTC(Number(y), Number(mo) - 1, Number(d), 0, 0));
  return `${date}T00:00:00${offset}`;
}

function dateTime(value: unknown, field: string, fail: Fail): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    fail(field, 'must be a FHIR dateTime: a date (YYYY-MM-DD) or a date and time with a time zone');
    return undefined;
  }
  if (DATE_ONLY.test(value)) return osloStartOfDay(value);
  if (PARTIAL_DATE.test(value)) {
    fail(field, `"${value}" gives only a year or month; send at least the date (YYYY-MM-DD)`);
    return undefined;
  }
  return value;
}

export function effectiveTimeOf(obs: Json, fail: Fail): string | undefined {
  if (obs.effectiveDateTime !== undefined) return dateTime(obs.effectiveDateTime, 'effectiveDateTime', fail);
  if (obs.effectiveInstant !== undefined) return dateTime(obs.effectiveInstant, 'effectiveInstant', fail);
  const period = obs.effectivePeriod;
  if (period !== undefined) {
    const p = typeof period === 'object' && period !== null ? (period as Json) : {};
    if (typeof p.start === 'string' && p.start === p.end) return dateTime(p.start, 'effectivePeriod/start', fail);
    fail('effectivePeriod', 'a reading is taken at one time: send effectiveDateTime (a period is accepted only when start equals end)');
    return undefined;
  }
  if (obs.effectiveTiming !== undefined) {
    fail('effectiveTiming', 'send the time of the reading as effectiveDateTime');
    return undefined;
  }
  fail('effectiveDateTime', 'effectiveDateTime is required (a date, or a date and time with a time zone)');
  return undefined;
}
