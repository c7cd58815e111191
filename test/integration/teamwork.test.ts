/**
 * The team's work against a real CSS with the demo world and the clinician
 * service, with real logins (docs/teamwork.md): who may read and write the
 * cross-level team's worklist and a thread in the patient's pod; a request
 * for advice, taken, answered and closed; the attested author of every
 * message; a member who claims another took a task; and bad input, each
 * answered with problem+json and nothing written (the worklist and the
 * patient's notes read back unchanged).
 */
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { openPodSession } from '../../apps/shared/pod-session.ts';
import { MAX_MESSAGE_LENGTH } from '../../apps/shared/advice-thread.ts';
import { NS } from '../../vocab/terms.ts';
import { ensureAccount } from '../../pod-server/world/accounts.ts';
import { readRegistrationKey } from '../../pod-server/registration.ts';
import { clinicianHelpers, useClinicianWorld } from '../support/clinician-world.ts';

const w = useClinicianWorld();
const { call, webId, pod } = clinicianHelpers(w);
const TEAM = 'oppfolgingsteam-a';
const HOUR = 3_600_000;
const worklist = () => `${pod('oslo')}worklists/${TEAM}/`;

async function as(who: string, url: string, init: RequestInit = {}): Promise<number> {
  const response = await (who === 'anonymous' ? fetch : await w.world.fetchAs(who))(url, init);
  await response.body?.cancel();
  return response.status;
}

async function post(who: string, path: string, body: unknown) {
  const response = await call(who, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: await response.json() as Record<string, any> };
}

/** What is stored where a request would write: the worklist (as its organisation) and hans's notes (as hans). */
async function written(): Promise<string[]> {
  const read = async (who: string, url: string) => new Parser({ baseIRI: url }).parse(await (await (await w.world.fetchAs(who))(url)).text())
    .filter((q) => q.predicate.value === `${NS.ldp}contains`).map((q) => q.object.value).sort().join('\n');
  return [await read('oslo', worklist()), await read('hans', `${pod('hans')}health/notes/`)];
}

/** A measurement of hans the request links to (from the seed: the worsening week's SpO2). */
const spo2 = () => w.seeded.filter((m) => m.patient === webId('hans') && m.kind === 'oxygen-saturation')
  .map((m) => `${pod('hans')}health/measurements/oxygen-saturation/${m.effectiveTime.slice(0, 7)}.ttl`)[0]!;

const goodRequest = () => ({
  team: TEAM, patient: webId('hans'), text: 'Hans has more breathlessness and SpO2 down to 87 %. Should we start his self-treatment plan?',
  regards: [], deadline: new Date(Date.now() + 3 * HOUR).toISOString(), priority: 'yellow',
});

describe('who may read and write the cross-level team\'s worklist', () => {
  it.each([
    ['nilsen', 200], ['dahl', 200], ['lunde', 200], ['oslo', 200], ['hagen', 403], ['holm', 403], ['hans', 403], ['kari', 403], ['anonymous', 401],
  ])('%s GET the worklist -> %i', async (who, expected) => {
    expect(await as(who, worklist())).toBe(expected);
  });

  it('members of all three organisations may write a task there; a non-member, a patient and a stranger may not', async () => {
    const key = await readRegistrationKey(w.world.dataDir).catch(() => undefined);
    const stranger = await openPodSession((await ensureAccount(w.world.baseUrl, 'stranger', undefined, { registrationKey: key })).credentials);
    try {
      const put = (name: string) => ({ method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: `<#n> <${NS.dct}title> "${name}" .` });
      for (const who of ['nilsen', 'dahl', 'lunde']) {
        expect(await as(who, `${worklist()}probe-${who}`, put(who))).toBe(201);
        expect(await as(who, `${worklist()}probe-${who}`, { method: 'DELETE' })).toBe(205);
      }
      for (const who of ['hagen', 'hans']) expect(await as(who, `${worklist()}probe-${who}`, put(who))).toBe(403);
      const response = await stranger.fetch(`${worklist()}probe-stranger`, put('stranger'));
      expect(response.status).toBe(403);
      expect(await as('anonymous', `${worklist()}probe-anonymous`, put('anonymous'))).toBe(401);
    } finally {
      await stranger.close();
    }
  });
});

describe('bad input: problem+json, and nothing written', () => {
  const past = () => new Date(Date.now() - HOUR).toISOString();
  const far = () => new Date(Date.now() + 31 * 24 * HOUR).toISOString();
  it.each([
    ['a deadline in the past', 'nilsen', 422, () => ({ ...goodRequest(), deadline: past() }), /deadline.*passed|passed/],
    ['a deadline more than 30 days ahead', 'nilsen', 422, () => ({ ...goodRequest(), deadline: far() }), /more than 30 days/],
    ['no deadline', 'nilsen', 422, () => ({ ...goodRequest(), deadline: undefined }), /by when/],
    ['empty text', 'nilsen', 422, () => ({ ...goodRequest(), text: '   ' }), /empty/],
    ['huge text', 'nilsen', 422, () => ({ ...goodRequest(), text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) }), new RegExp(`limit is ${MAX_MESSAGE_LENGTH}`)],
    ['an unknown priority', 'nilsen', 422, () => ({ ...goodRequest(), priority: 'purple' }), /red, yellow, routine/],
    ['a linked "measurement" outside the patient\'s pod', 'nilsen', 422, () => ({ ...goodRequest(), regards: [`${pod('kari')}health/measurements/blood-glucose/2026-01.ttl#m-1`] }), /patient's measurements/],
    ['a patient the team does not follow', 'nilsen', 403, () => ({ ...goodRequest(), patient: webId('kari') }), /does not follow/],
    ['a clinician not in the team', 'hagen', 403, () => goodRequest(), /not in/],
    ['a clinician of the lung team only', 'holm', 403, () => goodRequest(), /not in/],
  ])('%s (as %s) -> %i', async (_what, who, status, body, detail) => {
    const before = await written();
    const answer = await post(who, '/dashboard/api/requests', body());
    expect(answer.status).toBe(status);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(answer.body)).toMatch(detail);
    expect(await written()).toEqual(before);
  });
});

describe('a request for advice, taken, answered and closed', () => {
  let task = '';
  let thread = '';

  it('nilsen asks the team about hans: a task in the worklist, the request in hans\'s pod, attested as hers', async () => {
    const created = await post('nilsen', '/dashboard/api/requests', { ...goodRequest(), regards: [`${spo2()}#m-example`] });
    expect(created.status).toBe(201);
    task = created.body.task.url;
    thread = created.body.thread;
    expect(task.startsWith(worklist())).toBe(true);
    expect(thread.startsWith(`${pod('hans')}health/notes/thread-`)).toBe(true);
    expect(created.body.task).toMatchObject({ type: 'advice-request', status: 'new', priority: 'yellow', patient: webId('hans'), thread });

    for (const who of ['dahl', 'lunde']) {
      const mine = await (await call(who, '/dashboard/api/tasks/mine')).json() as { tasks: { url: string; teamName: string }[] };
      expect(mine.tasks.find((t) => t.url === task)).toMatchObject({ teamName: TEAM });
    }
    const shown = await (await call('lunde', `/dashboard/api/thread?team=${TEAM}&task=${encodeURIComponent(task)}`)).json() as { messages: any[] };
    expect(shown.messages).toEqual([expect.objectContaining({ type: 'request', author: webId('nilsen'), claimedAuthor: webId('nilsen') })]);
  });

  it('who may read the thread in hans\'s pod: hans and the granted teams; not hagen, not kari, not anonymous', async () => {
    for (const [who, expected] of [['hans', 200], ['nilsen', 200], ['dahl', 200], ['lunde', 200], ['hagen', 403], ['kari', 403], ['anonymous', 401]] as const) {
      expect(await as(who, thread), who).toBe(expected);
    }
  });

  it('nilsen claims dahl took it: the pod server refuses (403), by N3 Patch or by rewriting the task', async () => {
    const patch = `@prefix solid: <${NS.solid}>.\n_:p a solid:InsertDeletePatch; solid:inserts { <${task}#task> <${NS.hv}takenBy> <${webId('dahl')}> }.`;
    expect(await as('nilsen', task, { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: patch })).toBe(403);
    const current = await (await (await w.world.fetchAs('nilsen'))(task)).text();
    const rewritten = `${current}\n<${task}#task> <${NS.hv}takenBy> <${webId('dahl')}> .`;
    expect(await as('nilsen', task, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: rewritten })).toBe(403);
    expect(await (await (await w.world.fetchAs('oslo'))(task)).text()).not.toContain(webId('dahl'));
  });

  it('lunde takes it; shown as taken by her (the writer), and nobody else can take it then', async () => {
    const taken = await post('lunde', '/dashboard/api/tasks/take', { team: TEAM, task });
    expect(taken.status).toBe(200);
    expect(taken.body.task).toMatchObject({ status: 'taken', takenBy: webId('lunde'), mine: true });
    const again = await post('nilsen', '/dashboard/api/tasks/take', { team: TEAM, task });
    expect(again.status).toBe(409);
    expect(again.type).toMatch(/problem\+json/);
  });

  it('refuses acting on the task through another team, or by a non-member, and writes nothing', async () => {
    const before = await written();
    const other = await post('lunde', '/dashboard/api/tasks/answer', { team: 'lungeteam', task, text: 'Start the plan.' });
    expect([other.status, other.body.type]).toEqual([403, expect.stringMatching(/task-of-another-team$/)]);
    const hagen = await post('hagen', '/dashboard/api/tasks/take', { team: TEAM, task });
    expect(hagen.status).toBe(403);
    const action = await post('lunde', '/dashboard/api/tasks/answer', { team: TEAM, task, text: 'ok', action: 'amputate' });
    expect(action.status).toBe(422);
    const byOther = await post('dahl', '/dashboard/api/tasks/answer', { team: TEAM, task, text: 'I would wait.' });
    expect(byOther.status).toBe(409);
    expect(await written()).toEqual(before);
  });

  it('lunde answers with a recommendation; nilsen sees it on the same thread, attested as lunde\'s; then closes the task', async () => {
    const answered = await post('lunde', '/dashboard/api/tasks/answer', {
      team: TEAM, task, text: 'Start the self-treatment plan today; measure SpO2 three times a day.', action: 'start-self-treatment',
    });
    expect(answered.status).toBe(201);
    expect(answered.body.task).toMatchObject({ status: 'answered', takenBy: webId('lunde') });
    const shown = await (await call('nilsen', `/dashboard/api/thread?team=${TEAM}&task=${encodeURIComponent(task)}`)).json() as { messages: any[] };
    expect(shown.messages.map((m) => [m.type, m.author, m.action ?? null])).toEqual([
      ['request', webId('nilsen'), null], ['recommendation', webId('lunde'), 'start-self-treatment'],
    ]);
    // FHIR out for record systems: the Task with its deadline, team, patient and measurements; the thread as Communications.
    const tasks = await (await call('dahl', `/fhir/Task?owner=${TEAM}`)).json() as { entry: { resource: any }[] };
    const fhirTask = tasks.entry.map((e) => e.resource).find((r) => r.identifier[0].value === task);
    expect(fhirTask).toMatchObject({
      resourceType: 'Task', status: 'completed', priority: 'asap', for: { reference: webId('hans') },
      owner: { reference: `${pod('oslo')}groups/${TEAM}#group`, type: 'CareTeam' },
      restriction: { period: { end: expect.any(String) } }, focus: { reference: `${spo2()}#m-example` },
    });
    const communications = await (await call('nilsen', `/fhir/Communication?based-on=Task/${fhirTask.id}`)).json() as { entry: { resource: any }[] };
    expect(communications.entry.map((e) => [e.resource.sender?.reference, e.resource.payload[0].contentString.slice(0, 5)])).toEqual([
      [webId('nilsen'), 'Hans '], [webId('lunde'), 'Start'],
    ]);
    expect((await call('hagen', `/fhir/Communication?based-on=Task/${fhirTask.id}`)).status).toBe(404);

    const closed = await post('nilsen', '/dashboard/api/tasks/close', { team: TEAM, task });
    expect(closed.body.task).toMatchObject({ status: 'closed' });
    const list = await (await call('dahl', `/dashboard/api/tasks?team=${TEAM}`)).json() as { tasks: { url: string; status: string; overdue: boolean }[] };
    expect(list.tasks.find((t) => t.url === task)).toMatchObject({ status: 'closed', overdue: false });
  });
});
