import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideMissing, decideReading, inDecisionOrder, levelOfValue, type Action, type Reading, type SeriesState } from '../../../apps/alerts/decide.ts';
import { DEFAULT_ALERT_RULES } from '../../../apps/shared/alert-rules.ts';
import { alertTaskId, missingTaskId } from '../../../apps/shared/team-tasks.ts';
import type { Threshold } from '../../../apps/shared/thresholds.ts';

const HANS = 'http://localhost:3000/hans/profile/card#me';
const TEAM = 'http://localhost:3000/oslo/groups/oppfolgingsteam-a#group';
const DOC = 'http://localhost:3000/hans/health/measurements/oxygen-saturation/2026-12.ttl';
const thresholds: Threshold[] = [
  { patient: HANS, kind: 'oxygen-saturation', below: 92, level: 'yellow', source: 'y' },
  { patient: HANS, kind: 'oxygen-saturation', below: 88, level: 'red', source: 'r' },
];
const ctx = { team: TEAM, rules: DEFAULT_ALERT_RULES, thresholds, now: new Date('2026-12-06T12:00:00Z') };
const reading = (i: number, value: number): Reading =>
  ({ iri: `${DOC}#m-${i}`, patient: HANS, kind: 'oxygen-saturation', value, time: new Date(Date.UTC(2026, 11, 6, 8, i)).toISOString() });

/** Runs readings through the decisions; answers the actions and the final state. */
function run(values: readonly number[], start: SeriesState = {}): { actions: Action[]; state: SeriesState } {
  let state = start;
  const actions: Action[] = [];
  values.forEach((value, i) => {
    const decided = decideReading(state, reading(i, value), ctx);
    state = decided.state;
    actions.push(...decided.actions);
  });
  return { actions, state };
}

describe('alert decisions', () => {
  it('grade a value: red below red, yellow below yellow only, inside otherwise (limits are strict)', () => {
    expect(levelOfValue(thresholds, 87)).toBe('red');
    expect(levelOfValue(thresholds, 88)).toBe('yellow');
    expect(levelOfValue(thresholds, 91)).toBe('yellow');
    expect(levelOfValue(thresholds, 92)).toBeUndefined();
    expect(levelOfValue([{ ...thresholds[1]!, level: undefined }], 80)).toBe('red');
  });

  it('a reading inside makes nothing', () => {
    expect(run([95, 93]).actions).toEqual([]);
    expect(run([95, 93]).state).toEqual({ lastReadingAt: reading(1, 0).time });
  });

  it('a red crossing creates a red task due within the hour, about that reading, with the episode start', () => {
    const { actions, state } = run([95, 86]);
    const start = reading(1, 86).time;
    const taskId = alertTaskId(TEAM, HANS, 'oxygen-saturation', start);
    expect(actions).toEqual([{
      type: 'create', taskId,
      task: expect.objectContaining({
        type: 'threshold-alert', team: TEAM, patient: HANS, priority: 'red', status: 'new', kind: 'oxygen-saturation',
        deadline: new Date(Date.parse(start) + 3600_000).toISOString(), episodeStart: start, concerns: [`${DOC}#m-1`], created: ctx.now.toISOString(),
      }),
    }]);
    expect(state.episode).toEqual({ start, level: 'red', deadline: new Date(Date.parse(start) + 3600_000).toISOString(), taskId });
  });

  it('further crossings of the episode add to its task, never a new one', () => {
    const { actions } = run([86, 87, 90, 85]);
    expect(actions.map((a) => a.type)).toEqual(['create', 'concern', 'concern', 'concern']);
    expect(new Set(actions.map((a) => a.taskId)).size).toBe(1);
  });

  it('a red crossing raises a yellow episode to red, the sooner deadline winning', () => {
    const { actions, state } = run([91, 90, 86, 85]);
    expect(actions.map((a) => a.type)).toEqual(['create', 'concern', 'raise', 'concern']);
    const created = actions[0] as Extract<Action, { type: 'create' }>;
    expect(created.task.priority).toBe('yellow');
    expect(created.task.deadline).toBe('2026-12-06T22:59:59.000Z');
    expect(actions[2]).toEqual({ type: 'raise', taskId: created.taskId, reading: `${DOC}#m-2`, deadline: new Date(Date.parse(reading(2, 0).time) + 3600_000).toISOString() });
    expect(state.episode?.level).toBe('red');
  });

  it('a reading back inside ends the episode; the next crossing is a new task', () => {
    const { actions, state } = run([86, 95, 91]);
    expect(actions.map((a) => a.type)).toEqual(['create', 'create']);
    expect(actions[0]!.taskId).not.toBe(actions[1]!.taskId);
    expect(state.episode?.level).toBe('yellow');
  });

  it('carry everything in the saved state: deciding in two runs equals one run (what a restart relies on)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 80, max: 99 }), { maxLength: 40 }), fc.nat(), (values, cut) => {
      const at = values.length === 0 ? 0 : cut % (values.length + 1);
      const before = run(values.slice(0, at));
      // The tail is decided after a restart from the saved state: its readings keep their own indexes.
      let state = JSON.parse(JSON.stringify(before.state)) as SeriesState;
      const after: Action[] = [];
      values.slice(at).forEach((value, i) => {
        const decided = decideReading(state, reading(at + i, value), ctx);
        state = decided.state;
        after.push(...decided.actions);
      });
      expect(JSON.stringify([...before.actions, ...after])).toBe(JSON.stringify(run(values).actions));
      // Every crossing reading is on exactly one action.
      const all = run(values).actions;
      const concerned = all.flatMap((a) => (a.type === 'create' ? a.task.concerns : [a.reading]));
      expect(concerned).toHaveLength(values.filter((v) => v < 92).length);
      expect(new Set(concerned).size).toBe(concerned.length);
    }));
  });

  it('order readings by time, then IRI', () => {
    const a = reading(2, 90);
    const b = { ...reading(1, 90), iri: `${DOC}#z` };
    const c = { ...reading(1, 90), iri: `${DOC}#a` };
    expect(inDecisionOrder([a, b, c]).map((r) => r.iri)).toEqual([c.iri, b.iri, a.iri]);
  });
});

describe('missing measurements', () => {
  const rules = { redWithinMinutes: 60, expects: { 'oxygen-saturation': 2 } } as const;
  const series = { patient: HANS, kind: 'oxygen-saturation' as const, last: '2026-12-03T07:00:00.000Z' };

  it('nothing while the kind is not overdue, or not expected', () => {
    expect(decideMissing(series, { team: TEAM, rules, now: new Date('2026-12-05T06:59:00Z') })).toBeUndefined();
    expect(decideMissing(series, { team: TEAM, rules: DEFAULT_ALERT_RULES, now: new Date('2026-12-30T00:00:00Z') })).toBeUndefined();
  });

  it('one routine task for the silence, due the end of the next working day, the same id however often checked', () => {
    const first = decideMissing(series, { team: TEAM, rules, now: new Date('2026-12-05T08:00:00Z') });
    const later = decideMissing(series, { team: TEAM, rules, now: new Date('2026-12-06T20:00:00Z') });
    expect(first).toEqual({
      type: 'create', taskId: missingTaskId(TEAM, HANS, 'oxygen-saturation', '2026-12-05'),
      task: expect.objectContaining({ type: 'missing-measurement', priority: 'routine', deadline: '2026-12-07T22:59:59.000Z', concerns: [] }),
    });
    expect(later?.taskId).toBe(first?.taskId);
    expect((first as Extract<Action, { type: 'create' }>).task.title.en).toBe('No reading of Oxygen saturation (SpO2) for 2 days');
  });
});
