/**
 * A follow-up team's rules for automatic alerts: when a task is due, and
 * which measurements the team expects how often. They live in the team's
 * thresholds document (`{org pod}thresholds/{team}`, thresholds.ts), next to
 * the thresholds they go with, written by the organisation, readable by the
 * team's group:
 *
 *   <#rules> a hv:AlertRules ;
 *       hv:redWithinMinutes 60 ;
 *       hv:expects <#expects-oxygen-saturation> .
 *   <#expects-oxygen-saturation> sosa:observedProperty sct:431314004 ;
 *       hv:missingAfterDays 2 .
 *
 * Deadlines (all computed from the reading's own time, so the same reading
 * always gives the same deadline, whenever and however often it is processed):
 * - red: `redWithinMinutes` after the reading (default 60);
 * - yellow: the end of the reading's day in Europe/Oslo (23:59:59 local);
 * - routine (a missing measurement): the end of the next working day
 *   (Monday to Friday, Europe/Oslo; public holidays are not known here) after
 *   the day the measurement became overdue.
 *
 * Pure functions over instants; Oslo's wall clock comes from Intl, so the
 * daylight-saving days (23 and 25 hours) come out right.
 */
import { DataFactory, type Quad } from 'n3';
import { kindForSnomedIri, kindSpec, observedPropertyIri, type KindId } from '../../vocab/catalogue.ts';
import { HV, RDF, SOSA, XSD } from '../../vocab/terms.ts';
import type { Priority } from './team-tasks.ts';

const { namedNode, literal, quad } = DataFactory;

export interface AlertRules {
  /** Minutes from a red reading to its task's deadline. */
  readonly redWithinMinutes: number;
  /** Kinds the team expects, and after how many days without one it wants a routine task. */
  readonly expects: Readonly<Partial<Record<KindId, number>>>;
}

export const DEFAULT_ALERT_RULES: AlertRules = { redWithinMinutes: 60, expects: {} };

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The rules in a thresholds document; the defaults for what it does not say (or says wrongly). */
export function parseAlertRules(quads: readonly Quad[]): AlertRules {
  const rules = quads.find((q) => q.predicate.value === RDF.type && q.object.value === HV.AlertRules)?.subject;
  if (!rules) return DEFAULT_ALERT_RULES;
  const objects = (s: Quad['subject'] | Quad['object'], p: string) => quads.filter((q) => q.subject.equals(s) && q.predicate.value === p).map((q) => q.object);
  const whole = (text: string | undefined, min: number) => {
    const n = Number(text);
    return text !== undefined && Number.isInteger(n) && n >= min ? n : undefined;
  };
  const expects: Partial<Record<KindId, number>> = {};
  for (const e of objects(rules, HV.expects)) {
    const kind = kindForSnomedIri(objects(e, SOSA.observedProperty)[0]?.value ?? '');
    const days = whole(objects(e, HV.missingAfterDays)[0]?.value, 1);
    if (kind && days !== undefined) expects[kind] = days;
  }
  return {
    redWithinMinutes: whole(objects(rules, HV.redWithinMinutes)[0]?.value, 1) ?? DEFAULT_ALERT_RULES.redWithinMinutes,
    expects,
  };
}

/** The rules as quads for the thresholds document (subjects relative to it). */
export function alertRulesQuads(rules: AlertRules): Quad[] {
  const s = namedNode('#rules');
  const integer = (n: number) => literal(String(n), namedNode(XSD.integer));
  return [
    quad(s, namedNode(RDF.type), namedNode(HV.AlertRules)),
    quad(s, namedNode(HV.redWithinMinutes), integer(rules.redWithinMinutes)),
    ...(Object.entries(rules.expects) as [KindId, number][]).flatMap(([kind, days]) => {
      const e = namedNode(`#expects-${kind}`);
      return [
        quad(s, namedNode(HV.expects), e),
        quad(e, namedNode(SOSA.observedProperty), namedNode(observedPropertyIri(kindSpec(kind)))),
        quad(e, namedNode(HV.missingAfterDays), integer(days)),
      ];
    }),
  ];
}

// --- Europe/Oslo days ---------------------------------------------------------------------

const osloDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });
const osloClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Oslo', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** The Oslo calendar day of an instant, YYYY-MM-DD. */
export const osloDay = (at: Date): string => osloDate.format(at);

/** Oslo's offset from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function osloOffset(at: number): number {
  const p = Object.fromEntries(osloClock.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - Math.floor(at / 1000) * 1000;
}

/** The instant Oslo's day `day` (YYYY-MM-DD) begins (never ambiguous: Oslo changes its clocks at 02:00/03:00). */
export function osloMidnight(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d);
  let guess = wall - osloOffset(wall);
  guess = wall - osloOffset(guess);
  return new Date(guess);
}

/** The day after `day` (YYYY-MM-DD), as a calendar day. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The last second of Oslo's day `day`. */
export const endOfOsloDay = (day: string): Date => new Date(osloMidnight(nextDay(day)).getTime() - 1000);

const weekday = (day: string) => new Date(`${day}T12:00:00Z`).getUTCDay();

/** The first Monday-to-Friday day after `day`. */
export function nextWorkingDay(day: string): string {
  let next = nextDay(day);
  while (weekday(next) === 0 || weekday(next) === 6) next = nextDay(next);
  return next;
}

/** A task's deadline for `priority`, from the time of the reading (or, for routine, the moment the measurement became overdue). */
export function deadlineFor(priority: Priority, at: Date, rules: AlertRules): Date {
  switch (priority) {
    case 'red': return new Date(at.getTime() + rules.redWithinMinutes * MINUTE);
    case 'yellow': return endOfOsloDay(osloDay(at));
    case 'routine': return endOfOsloDay(nextWorkingDay(osloDay(at)));
  }
}

/** When a kind expected every `days` days is overdue, given the last reading (or when watching began). */
export const overdueAt = (last: Date, days: number): Date => new Date(last.getTime() + days * DAY);
