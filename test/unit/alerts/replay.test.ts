/**
 * The restart promise on the real catch-up and worklist code (series.ts,
 * worklist.ts) against a fake pod: a "kill" after any number of worklist
 * writes (the checkpoint of that run never saved), then a run from the
 * previous checkpoint, leaves the worklist exactly as one uninterrupted run.
 * The integration test does the same with real processes and SIGKILL.
 */
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../../../apps/alerts/checkpoint.ts';
import { catchUpSeries } from '../../../apps/alerts/series.ts';
import type { TeamSetup } from '../../../apps/alerts/team.ts';
import { DEFAULT_ALERT_RULES } from '../../../apps/shared/alert-rules.ts';
import { measurementToQuads, quadsToTurtle, type Measurement } from '../../../apps/shared/measurement/index.ts';
import { parseTask } from '../../../apps/shared/team-tasks.ts';
import type { Threshold } from '../../../apps/shared/thresholds.ts';

const HANS = 'http://pod.test/hans/profile/card#me';
const STORAGE = 'http://pod.test/hans/';
const DOC = `${STORAGE}health/measurements/oxygen-saturation/2026-12.ttl`;
const WORKLIST = 'http://pod.test/oslo/worklists/oppfolgingsteam-a/';
const thresholds: Threshold[] = [
  { patient: HANS, kind: 'oxygen-saturation', below: 92, level: 'yellow', source: 'y' },
  { patient: HANS, kind: 'oxygen-saturation', below: 88, level: 'red', source: 'r' },
];
const team = { group: 'http://pod.test/oslo/groups/oppfolgingsteam-a#group', worklist: WORKLIST, rules: DEFAULT_ALERT_RULES } as TeamSetup;
const series = { patient: HANS, kind: 'oxygen-saturation' as const, thresholds };
const now = new Date('2026-12-06T12:00:00Z');
const empty: Checkpoint = { version: 1, team: team.group, watchingSince: '2026-12-01T00:00:00.000Z', series: {}, documents: {} };

interface FakeTask { priority: string; deadline: string; concerns: Set<string> }

/** A pod holding one month document of hans's and a worklist; `failAfterWrites`: the "kill". */
function fakePod(values: readonly number[], tasks: Map<string, FakeTask>, failAfterWrites = Infinity) {
  let writes = 0;
  const readings: Measurement[] = values.map((value, i) => ({
    patient: HANS, kind: 'oxygen-saturation', value, unit: '%', effectiveTime: new Date(Date.UTC(2026, 11, 6, 8, i)).toISOString(),
    device: 'OX-1', source: 'http://pod.test/vendor/profile/card#me', setting: 'home-municipality',
  }));
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    if (method === 'GET' && url === DOC) {
      return new Response(await quadsToTurtle(readings.flatMap((m) => measurementToQuads(m, STORAGE))), { status: 200, headers: { etag: `"${values.length}"` } });
    }
    if (method === 'GET') return new Response(null, { status: 404 });
    if (!url.startsWith(WORKLIST)) throw new Error(`unexpected ${method} ${url}`);
    if (++writes > failAfterWrites) throw new Error('killed');
    const body = String(init.body);
    const existing = tasks.get(url);
    if (method === 'PUT') {
      if (existing) return new Response(null, { status: 412 });
      const task = parseTask(url, new Parser({ baseIRI: url }).parse(body))!;
      tasks.set(url, { priority: task.priority, deadline: task.deadline, concerns: new Set(task.concerns) });
      return new Response(null, { status: 201 });
    }
    if (!existing) return new Response('no task', { status: 409 });
    const inserts = /solid:inserts \{(.*)\}/s.exec(body)![1]!;
    for (const [, reading] of inserts.matchAll(/concerns> <([^>]+)>/g)) existing.concerns.add(reading!);
    if (body.includes('solid:deletes')) {
      existing.priority = 'red';
      existing.deadline = /"([^"]+)"\^\^/.exec(inserts)![1]!;
    }
    return new Response(null, { status: 205 });
  }) as typeof globalThis.fetch;
  return { fetch, writes: () => writes };
}

const snapshot = (tasks: Map<string, FakeTask>) =>
  JSON.stringify([...tasks].sort(([a], [b]) => a.localeCompare(b)).map(([url, t]) => [url, t.priority, t.deadline, [...t.concerns].sort()]));

describe('a kill between the worklist writes and the checkpoint', () => {
  const first = [95, 91, 90, 86, 94, 87];
  const second = [89, 93, 91, 85, 90, 96, 88];

  it('leaves, after the next run, exactly what one uninterrupted run leaves (at every possible kill point)', async () => {
    // Uninterrupted: two catch-ups, the checkpoint saved after each.
    const reference = new Map<string, FakeTask>();
    const a = await catchUpSeries(fakePod(first, reference).fetch, team, series, empty, now);
    if (a.status !== 'done') throw new Error('not read');
    const b = await catchUpSeries(fakePod([...first, ...second], reference).fetch, team, series, a.checkpoint, now);
    if (b.status !== 'done') throw new Error('not read');
    const writesOfSecond = b.writes.length;
    expect(writesOfSecond).toBeGreaterThan(3);

    for (let kill = 0; kill < writesOfSecond; kill++) {
      const tasks = new Map<string, FakeTask>();
      const saved = await catchUpSeries(fakePod(first, tasks).fetch, team, series, empty, now);
      if (saved.status !== 'done') throw new Error('not read');
      // The second catch-up is killed after `kill` writes: its checkpoint is never saved.
      await expect(catchUpSeries(fakePod([...first, ...second], tasks, kill).fetch, team, series, saved.checkpoint, now)).rejects.toThrow('killed');
      // Started again from the last saved checkpoint.
      const again = await catchUpSeries(fakePod([...first, ...second], tasks).fetch, team, series, saved.checkpoint, now);
      expect(again.status).toBe('done');
      expect(snapshot(tasks), `killed after ${kill} writes`).toBe(snapshot(reference));
    }
  });

  it('decides nothing again once the checkpoint is saved', async () => {
    const tasks = new Map<string, FakeTask>();
    const pod = fakePod(first, tasks);
    const done = await catchUpSeries(pod.fetch, team, series, empty, now);
    if (done.status !== 'done') throw new Error('not read');
    const before = pod.writes();
    const again = await catchUpSeries(pod.fetch, team, series, done.checkpoint, now);
    expect(again).toEqual(expect.objectContaining({ status: 'done', readings: 0, writes: [] }));
    expect(pod.writes()).toBe(before);
  });
});
