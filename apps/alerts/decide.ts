/**
 * What the alert service does about a reading or a silence: pure decisions,
 * no I/O (docs/teamwork.md, "How alerts are decided").
 *
 * One *series* per team, patient and kind. Its state is the open episode (if
 * any) and the time of its last reading:
 *
 * - a reading is red when it crosses the red threshold, yellow when it
 *   crosses only the yellow one, inside otherwise;
 * - an episode begins with the first red or yellow reading after an inside
 *   one (or the first ever): a new task, priority = the reading's level,
 *   deadline from the team's rules, `hv:concerns` the reading,
 *   `hv:episodeStart` its time (the task's id comes from that);
 * - every further red or yellow reading of the episode adds `hv:concerns` to
 *   the episode's task; a red one in a yellow episode raises the task to red
 *   (deadline: the sooner of the two);
 * - the episode ends with the next reading back inside both thresholds; the
 *   task stays for the team to close, and the next crossing begins a new
 *   episode and a new task.
 *
 * A missing measurement: when a kind the team expects every N days has had no
 * reading for N days (since the last one, or since the service began watching
 * the patient), one routine task for that silence (its id from the day it
 * became overdue, so checking again finds the same task).
 *
 * The same state and reading always give the same actions: that, and writing
 * the actions idempotently before the state is saved, is what lets a restart
 * redo a reading without doubling anything (apps/alerts/worklist.ts).
 */
import { kindSpec, type KindId } from '../../vocab/catalogue.ts';
import { deadlineFor, osloDay, overdueAt, type AlertRules } from '../shared/alert-rules.ts';
import { alertTaskId, missingTaskId, type Priority, type Task } from '../shared/team-tasks.ts';
import { crosses, levelOf, type Level, type Threshold } from '../shared/thresholds.ts';

export interface Reading {
  readonly iri: string;
  readonly patient: string;
  readonly kind: KindId;
  readonly value: number;
  /** ISO 8601. */
  readonly time: string;
}

export interface Episode {
  /** The first crossing's time (ISO 8601, UTC). */
  readonly start: string;
  readonly level: Level;
  readonly deadline: string;
  readonly taskId: string;
}

export interface SeriesState {
  readonly episode?: Episode;
  /** The latest reading's time seen (ISO 8601, UTC). */
  readonly lastReadingAt?: string;
}

/** What to do in the worklist; each is idempotent (worklist.ts). */
export type Action =
  | { readonly type: 'create'; readonly taskId: string; readonly task: Omit<Task, 'url'> }
  | { readonly type: 'concern'; readonly taskId: string; readonly reading: string }
  | { readonly type: 'raise'; readonly taskId: string; readonly reading: string; readonly deadline: string };

export interface SeriesContext {
  /** The team's group IRI. */
  readonly team: string;
  readonly rules: AlertRules;
  /** The patient's thresholds of this kind (at most one per level: threshold-levels.ts). */
  readonly thresholds: readonly Threshold[];
  /** When the decision is made (dct:created of a new task). */
  readonly now: Date;
}

/** red, yellow, or undefined (inside) for a value under the patient's thresholds. */
export function levelOfValue(thresholds: readonly Threshold[], value: number): Level | undefined {
  const crossed = thresholds.filter((t) => crosses(t, value)).map(levelOf);
  return crossed.includes('red') ? 'red' : crossed.includes('yellow') ? 'yellow' : undefined;
}

const iso = (date: Date) => date.toISOString();
const later = (a: string | undefined, b: string) => (a !== undefined && Date.parse(a) > Date.parse(b) ? a : b);

function alertTitle(kind: KindId): Record<string, string> {
  const names = kindSpec(kind).names;
  return { en: `${names.en} outside the patient's threshold`, nb: `${names.nb} utenfor pasientens terskel` };
}

/** The actions for one reading of the series, and the series' next state. */
export function decideReading(state: SeriesState, reading: Reading, ctx: SeriesContext): { state: SeriesState; actions: Action[] } {
  const at = new Date(reading.time);
  const lastReadingAt = later(state.lastReadingAt, iso(at));
  const level = levelOfValue(ctx.thresholds, reading.value);
  const open = state.episode;
  if (level === undefined) return { state: { lastReadingAt }, actions: [] };
  if (!open) {
    const start = iso(at);
    const deadline = iso(deadlineFor(level, at, ctx.rules));
    const taskId = alertTaskId(ctx.team, reading.patient, reading.kind, start);
    const task: Omit<Task, 'url'> = {
      type: 'threshold-alert', team: ctx.team, patient: reading.patient, priority: level, status: 'new',
      deadline, created: iso(ctx.now), title: alertTitle(reading.kind), kind: reading.kind, episodeStart: start, concerns: [reading.iri],
    };
    return { state: { lastReadingAt, episode: { start, level, deadline, taskId } }, actions: [{ type: 'create', taskId, task }] };
  }
  if (level === 'red' && open.level === 'yellow') {
    const red = iso(deadlineFor('red', at, ctx.rules));
    const deadline = Date.parse(red) < Date.parse(open.deadline) ? red : open.deadline;
    return {
      state: { lastReadingAt, episode: { ...open, level: 'red', deadline } },
      actions: [{ type: 'raise', taskId: open.taskId, reading: reading.iri, deadline }],
    };
  }
  return { state: { lastReadingAt, episode: open }, actions: [{ type: 'concern', taskId: open.taskId, reading: reading.iri }] };
}

/** Readings of one series in the order they are decided: by time, then IRI (so a replay decides alike). */
export const inDecisionOrder = (readings: readonly Reading[]): Reading[] =>
  [...readings].sort((a, b) => Date.parse(a.time) - Date.parse(b.time) || a.iri.localeCompare(b.iri));

/**
 * The routine task for a silence, if the kind is expected and overdue at `now`:
 * `last` is the last reading's time, or when the service began watching.
 */
export function decideMissing(
  series: { readonly patient: string; readonly kind: KindId; readonly last: string },
  ctx: Pick<SeriesContext, 'team' | 'rules' | 'now'>,
): Action | undefined {
  const days = ctx.rules.expects[series.kind];
  if (days === undefined) return undefined;
  const due = overdueAt(new Date(series.last), days);
  if (ctx.now.getTime() < due.getTime()) return undefined;
  const taskId = missingTaskId(ctx.team, series.patient, series.kind, osloDay(due));
  const names = kindSpec(series.kind).names;
  const priority: Priority = 'routine';
  return {
    type: 'create', taskId,
    task: {
      type: 'missing-measurement', team: ctx.team, patient: series.patient, priority, status: 'new',
      deadline: iso(deadlineFor(priority, due, ctx.rules)), created: iso(ctx.now),
      title: { en: `No reading of ${names.en} for ${days} days`, nb: `Ingen måling av ${names.nb} på ${days} dager` },
      kind: series.kind, concerns: [],
    },
  };
}
