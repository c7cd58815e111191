/**
 * The alert service end to end (issue 21, "Automatic alerts"): a real CSS
 * with the demo world, the real gateway as a process writing hans's paired
 * device's readings, and the alert service as a process logged in as the
 * organisation (oslo), for Oppfølgingsteam A (hans: yellow below 92 %, red
 * below 88 %, SpO2 expected every 2 days). kari is put on the team's list
 * with a threshold but has granted the team nothing: no read, no task.
 * Then the service is SIGKILLed mid-stream, twice, and started again: the
 * worklist holds exactly the tasks an uninterrupted run decides, each
 * crossing reading concerned by exactly one task.
 */
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogDocument, parseAccessLog, type AccessLogEntry } from '../../apps/shared/access-log.ts';
import { DEFAULT_ALERT_RULES } from '../../apps/shared/alert-rules.ts';
import { decideReading, type Reading, type SeriesState } from '../../apps/alerts/decide.ts';
import { categoryContainer, osloMonth, parseMeasurementsTurtle, toOsloIso } from '../../apps/shared/measurement/index.ts';
import type { DeviceToken } from '../../apps/shared/pairing.ts';
import type { Task } from '../../apps/shared/team-tasks.ts';
import { demoTeamLists, publishTeamList } from '../../pod-server/world/teams.ts';
import { publishThresholds } from '../../pod-server/world/thresholds.ts';
import { readWorklist, startAlertsProcess, type AlertsProcess } from '../support/alerts-process.ts';
import { postJson, startGatewayProcess, waitForDelivery, type GatewayProcess } from '../support/gateway-process.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let gateway: GatewayProcess;
let alerts: AlertsProcess | undefined;
let hansDevice: DeviceToken;
let kariDevice: DeviceToken;
let worklist: string;
let team: string;
const started = Date.now() - 2 * 3600_000;
let minute = 0;
/** Readings' times: one minute apart, in the order sent. */
const nextTime = () => toOsloIso(new Date(started + ++minute * 60_000));

const ALERTS_ARGS = ['--look-back-days', '3', '--missing-check-minutes', '0.05'];

beforeAll(async () => {
  world = await startTestWorld();
  const oslo = await world.fetchAs('oslo');
  // kari on team A's list with a threshold, without any grant to the team.
  const list = demoTeamLists(world.baseUrl).find((l) => l.name === 'oppfolgingsteam-a')!;
  await publishTeamList(oslo, world.baseUrl, { ...list, patients: [...list.patients, world.accounts.kari!.webId], identifiers: [] });
  await publishThresholds(oslo, world.baseUrl, 'oppfolgingsteam-a', [
    { patient: world.accounts.hans!.webId, kind: 'oxygen-saturation', below: 92, level: 'yellow' },
    { patient: world.accounts.hans!.webId, kind: 'oxygen-saturation', below: 88, level: 'red' },
    { patient: world.accounts.kari!.webId, kind: 'oxygen-saturation', below: 90 },
  ], { redWithinMinutes: 60, expects: { 'oxygen-saturation': 2 } });
  worklist = `${world.accounts.oslo!.podUrl}worklists/oppfolgingsteam-a/`;
  team = `${world.accounts.oslo!.podUrl}groups/oppfolgingsteam-a#group`;
  gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort() });
  const pair = async (name: string) => pairDevice({
    gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs(name), webId: world.accounts[name]!.webId }, kinds: ['oxygen-saturation'],
    device: { id: `OX-${name}`, model: 'PulseOx 2', manufacturer: 'Nonin' },
  });
  hansDevice = await pair('hans');
  kariDevice = await pair('kari');
  alerts = await startAlertsProcess({ dataDir: world.dataDir, args: ALERTS_ARGS });
}, 180_000);

afterAll(async () => {
  await alerts?.kill('SIGKILL');
  await gateway?.kill();
  await world?.stop();
});

async function send(device: DeviceToken, value: number): Promise<string> {
  const effectiveTime = nextTime();
  const sent = await postJson(gateway.url, '/readings', { kind: 'oxygen-saturation', value, unit: '%', effectiveTime, device: `OX-${device.patient === world.accounts.hans!.webId ? 'hans' : 'kari'}` }, 'application/json', bearer(device));
  expect(sent.status, JSON.stringify(sent.body)).toBe(202);
  return effectiveTime;
}

const tasks = async () => readWorklist(await world.fetchAs('oslo'), worklist);
const alertTasks = async () => (await tasks()).filter((t) => t.type === 'threshold-alert').sort((a, b) => a.episodeStart!.localeCompare(b.episodeStart!));

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** hans's SpO2 readings in his pod, read as hans, in time order. */
async function hansReadings(): Promise<Reading[]> {
  const hans = await world.fetchAs('hans');
  const document = `${categoryContainer(world.accounts.hans!.podUrl, 'oxygen-saturation')}${osloMonth(new Date())}.ttl`;
  const out: Reading[] = [];
  for (const url of new Set([document, `${categoryContainer(world.accounts.hans!.podUrl, 'oxygen-saturation')}${osloMonth(new Date(started))}.ttl`])) {
    const response = await hans(url, { headers: { accept: 'text/turtle' } });
    if (response.status === 404) continue;
    for (const m of parseMeasurementsTurtle(await response.text(), url).measurements) {
      if ('value' in m) out.push({ iri: m.iri, patient: m.patient, kind: m.kind, value: m.value, time: m.effectiveTime });
    }
  }
  return out.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}

describe('the demo world\'s worklist of Oppfølgingsteam A', () => {
  it('is the team\'s: its group (the organisation now one of them) reads and writes, a non-member gets nothing', async () => {
    const members = new Parser({ baseIRI: team }).parse(await (await fetch(team)).text())
      .filter((q) => q.subject.value === team && q.predicate.value === 'http://www.w3.org/2006/vcard/ns#hasMember').map((q) => q.object.value);
    expect(members).toEqual(expect.arrayContaining([world.accounts.oslo!.webId, world.accounts.nilsen!.webId]));
    const probe = `${worklist}probe-${Date.now()}`;
    const nilsen = await world.fetchAs('nilsen');
    expect((await nilsen(probe, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '<#a> <#b> <#c> .' })).status).toBe(201);
    expect((await nilsen(probe)).status).toBe(200);
    expect((await nilsen(probe, { method: 'DELETE' })).status).toBe(205);
    const hagen = await world.fetchAs('hagen');
    expect((await hagen(worklist)).status).toBe(403);
    expect((await hagen(probe, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: '<#a> <#b> <#c> .' })).status).toBe(403);
    expect((await fetch(worklist)).status).toBe(401);
    expect((await nilsen(`${worklist}.acl`)).status).toBe(403);
  });
});

describe('the alert service, as Oslo kommune for Oppfølgingsteam A', () => {
  it('at its first start, finds hans has sent no SpO2 for 2 days of its 3-day look-back: one routine task', async () => {
    const missing = (await tasks()).filter((t) => t.type === 'missing-measurement');
    expect(missing).toEqual([expect.objectContaining({ priority: 'routine', status: 'new', kind: 'oxygen-saturation', patient: world.accounts.hans!.webId, team, concerns: [] })]);
  });

  it('makes a red task within seconds of a reading below red', async () => {
    const sentAt = Date.now();
    const time = await send(hansDevice, 85);
    const [task] = await until('a red task', async () => {
      const found = await alertTasks();
      return found.length > 0 ? found : undefined;
    });
    const seconds = (Date.now() - sentAt) / 1000;
    console.log(`red reading -> red task in the worklist: ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(5);
    const [reading] = await hansReadings();
    expect(task).toEqual(expect.objectContaining({
      priority: 'red', status: 'new', team, patient: world.accounts.hans!.webId, kind: 'oxygen-saturation',
      concerns: [reading!.iri], episodeStart: new Date(time).toISOString(), deadline: new Date(Date.parse(time) + 3600_000).toISOString(),
    }));
  });

  it('adds further crossings of the episode to the same task', async () => {
    await send(hansDevice, 87);
    await send(hansDevice, 90);
    const [task] = await until('three readings on the task', async () => {
      const found = await alertTasks();
      return found.length === 1 && found[0]!.concerns.length === 3 ? found : undefined;
    });
    expect(task!.priority).toBe('red');
    expect(new Set(task!.concerns)).toEqual(new Set((await hansReadings()).map((r) => r.iri)));
  });

  it('starts a new task after a reading back inside, yellow, raised to red by a red crossing', async () => {
    await send(hansDevice, 95);
    await send(hansDevice, 91);
    const yellow = await until('a yellow task', async () => {
      const found = await alertTasks();
      return found.length === 2 ? found[1] : undefined;
    });
    expect(yellow.priority).toBe('yellow');
    await send(hansDevice, 86);
    const raised = await until('the raise to red', async () => {
      const found = (await alertTasks())[1]!;
      return found.priority === 'red' && found.concerns.length === 2 ? found : undefined;
    });
    expect(raised.url).toBe(yellow.url);
    expect(Date.parse(raised.deadline)).toBeLessThanOrEqual(Date.parse(yellow.deadline));
  });

  it('reads nothing of a patient who did not grant the team, and makes no task for her', async () => {
    await send(kariDevice, 80);
    await waitForDelivery(gateway.url, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect((await tasks()).filter((t) => t.patient === world.accounts.kari!.webId)).toEqual([]);
    expect(alerts!.output.join('\n')).toContain(`${world.accounts.kari!.webId} has not granted oppfolgingsteam-a oxygen-saturation`);
    // kari's own access log: the organisation tried to subscribe and was refused; it read nothing of hers.
    const kari = await world.fetchAs('kari');
    const oslo = world.accounts.oslo!.webId;
    const byOslo = await until('the refused attempt in kari\'s access log', async () => {
      const url = accessLogDocument(world.accounts.kari!.podUrl, new Date());
      const response = await kari(url, { headers: { accept: 'text/turtle' } });
      const entries: AccessLogEntry[] = response.ok ? parseAccessLog(await response.text(), url).filter((e) => e.agent === oslo) : [];
      return entries.length > 0 ? entries : undefined;
    });
    expect(byOslo.filter((e) => e.outcome === 'denied').length).toBeGreaterThan(0);
    expect(byOslo.filter((e) => e.outcome === 'allowed')).toEqual([]);
  });

  it('misses and doubles nothing when killed mid-stream (SIGKILL, twice) and started again', async () => {
    const values = [93, 90, 89, 87, 95, 86, 85, 91, 94, 92, 91, 96, 87, 88, 89, 97, 90, 86, 93, 84, 85, 95, 91, 87];
    for (const [i, value] of values.entries()) {
      await send(hansDevice, value);
      if (i === 6 || i === 15) {
        await alerts!.kill('SIGKILL');
        alerts = await startAlertsProcess({ dataDir: world.dataDir, args: ALERTS_ARGS });
      }
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
    await waitForDelivery(gateway.url, 30_000);
    // What an uninterrupted run decides over every reading of hans's, from the start.
    const readings = await hansReadings();
    expect(readings).toHaveLength(6 + values.length);
    const thresholds = [
      { patient: world.accounts.hans!.webId, kind: 'oxygen-saturation' as const, below: 92, level: 'yellow' as const, source: '' },
      { patient: world.accounts.hans!.webId, kind: 'oxygen-saturation' as const, below: 88, level: 'red' as const, source: '' },
    ];
    let state: SeriesState = {};
    const expected = new Map<string, { priority: string; concerns: Set<string> }>();
    for (const reading of readings) {
      const decided = decideReading(state, reading, { team, rules: DEFAULT_ALERT_RULES, thresholds, now: new Date() });
      state = decided.state;
      for (const action of decided.actions) {
        if (action.type === 'create') expected.set(action.taskId, { priority: action.task.priority, concerns: new Set(action.task.concerns) });
        else {
          const task = expected.get(action.taskId)!;
          task.concerns.add(action.reading);
          if (action.type === 'raise') task.priority = 'red';
        }
      }
    }
    const summary = (found: Task[]) => Object.fromEntries(found.map((t) => [t.url.slice(worklist.length), { priority: t.priority, concerns: [...t.concerns].sort() }]));
    const want = Object.fromEntries([...expected].map(([id, t]) => [id, { priority: t.priority, concerns: [...t.concerns].sort() }]));
    const got = await until('the worklist to settle on the expected tasks', async () => {
      const found = summary(await alertTasks());
      return JSON.stringify(found) === JSON.stringify(Object.fromEntries(Object.keys(want).sort().map((k) => [k, want[k]]))) ? found : undefined;
    }, 30_000).catch(async () => summary(await alertTasks()));
    expect(got).toEqual(want);
    // Each crossing reading on exactly one task; readings inside on none.
    const concerned = (await alertTasks()).flatMap((t) => t.concerns);
    expect(concerned).toHaveLength(new Set(concerned).size);
    expect(new Set(concerned)).toEqual(new Set(readings.filter((r) => r.value < 92).map((r) => r.iri)));
    console.log(`after two SIGKILLs: ${Object.keys(got).length} alert tasks, ${concerned.length} readings concerned of ${readings.length}`);
  });
});
