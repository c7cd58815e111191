/**
 * Untrusted scope parameters (HTTP query strings, CLI flags) to typed values,
 * once, at the edge: times, kinds, patients. Errors name the parameter and
 * say what would be accepted.
 */
import { CATEGORIES, isKindId, type KindId } from '../../../vocab/catalogue.ts';
import { isSafeHttpIri, toOsloIso } from '../../shared/measurement/index.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { parseDuration } from './restrictions.ts';

export class ParameterError extends ProblemError {
  constructor(readonly parameter: string, message: string) {
    super(problem(400, 'invalid-parameter', 'A parameter is not valid', message, { errors: [{ field: parameter, message }] }), message);
  }
}

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight starting `date` (YYYY-MM-DD) in Europe/Oslo, as an instant. */
export function osloMidnight(y: number, m: number, d: number): Date {
  const guess = new Date(Date.UTC(y, m - 1, d));
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(toOsloIso(guess))!;
  const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  return new Date(guess.getTime() - minutes * 60_000);
}

/**
 * A time parameter: an ISO 8601 instant with zone (`2026-02-01T00:00:00+01:00`),
 * a date (`2026-02-01`, midnight in Oslo; as an end, the end of that day), or a
 * duration back from now (`PT48H`, `P14D`).
 */
export function parseTime(parameter: string, value: string, now: Date, as: 'start' | 'end'): Date {
  const v = value.trim();
  if (ISO_WITH_ZONE.test(v) && !Number.isNaN(Date.parse(v))) return new Date(v);
  const date = DATE_ONLY.exec(v);
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    const start = osloMidnight(y, m, d);
    if (Number.isNaN(start.getTime()) || m < 1 || m > 12 || d < 1 || d > 31) throw new ParameterError(parameter, `${parameter}: "${v}" is not a date`);
    return as === 'start' ? start : new Date(osloMidnight(y, m, d + 1).getTime() - 1);
  }
  const duration = /^-?P/.test(v) ? parseDuration(v.replace(/^-/, '')) : undefined;
  if (duration) {
    const back = new Date(now.getTime());
    back.setUTCMonth(back.getUTCMonth() - duration.months);
    return new Date(back.getTime() - duration.ms);
  }
  throw new ParameterError(parameter,
    `${parameter}: "${v.slice(0, 60)}" is not a time; use an instant with time zone (2026-02-01T08:00:00+01:00), a date (2026-02-01) or a duration back from now (PT48H, P14D)`);
}

/** Kinds from repeated and/or comma-separated values; unknown kinds are named. */
export function parseKindList(parameter: string, values: readonly string[]): KindId[] {
  const kinds = values.flatMap((v) => v.split(',')).map((k) => k.trim()).filter(Boolean);
  const unknown = kinds.filter((k) => !isKindId(k));
  if (unknown.length > 0) {
    throw new ParameterError(parameter, `${parameter}: unknown measurement kind ${unknown.map((k) => `"${k.slice(0, 40)}"`).join(', ')}; known kinds are ${CATEGORIES.join(', ')}`);
  }
  return CATEGORIES.filter((c) => kinds.includes(c));
}

export function parsePatient(parameter: string, value: string): string {
  if (!isSafeHttpIri(value)) throw new ParameterError(parameter, `${parameter}: give the patient's WebID (an http(s) IRI), not "${String(value).slice(0, 60)}"`);
  return value;
}
