/**
 * Reads that are not GET or HEAD leave their trace in the access log too
 * (issue #17, point 2; docs/access-log.md): an N3 Patch with only a
 * `solid:where` clause needs just Read and answers 205 or 409 depending on
 * what the document holds, so a reader can probe values with it; a patch with
 * deletes needs Read as well; and a notification channel on a patient's data
 * tells its subscriber of every change. Each is logged as the GETs are
 * (allowed or denied by outcome, the owner's own left out), against a real
 * CSS with our extensions and real logins.
 */
import { DataFactory } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessLogEntry } from '../../apps/shared/access-log.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { insertDeletePatch, N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { openPodSession, type PodSession } from '../../apps/shared/pod-session.ts';
import { ensureAccount } from '../../pod-server/world/accounts.ts';
import { noClausePatch, PROBED, probeValue, subscriptionStatus, waitForEntry as waitInLog, readAccessLogAs } from '../support/read-probes.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

const { namedNode, literal, quad } = DataFactory;

let world: TestWorld;
let stranger: PodSession;

const url = (path: string) => new URL(path, world.baseUrl).href;
const webId = (name: string) => url(`${name}/profile/card#me`);
const spo2Month = () => url('hans/health/measurements/oxygen-saturation/2026-01.ttl');
const spo2 = () => url('hans/health/measurements/oxygen-saturation/');
const waitForEntry = (match: (e: AccessLogEntry) => boolean) => waitInLog(world, 'hans', match);

beforeAll(async () => {
  world = await startTestWorld({ podServer: { accessLog: { flushMs: 200 } } });
  stranger = await openPodSession((await ensureAccount(world.baseUrl, 'stranger', undefined)).credentials);
  // A value to probe for, as a device would have written it.
  const seeded = quad(namedNode(`${spo2Month()}#reading-probed`), namedNode(PROBED), literal('97'));
  expect((await appendQuads(await world.fetchAs('vendor'), spo2Month(), [seeded])).ok).toBe(true);
}, 120_000);

afterAll(async () => {
  await stranger?.close();
  await world?.stop();
});

async function send(who: string, target: string, init: RequestInit): Promise<number> {
  const f = who === 'anonymous' ? fetch : who === 'stranger' ? stranger.fetch : await world.fetchAs(who);
  const response = await f(target, init);
  await response.body?.cancel();
  return response.status;
}

describe('an N3 Patch with only a where clause is a read', () => {
  it('logs lunde probing a value in hans\' SpO2 month as allowed reads, whether it is there (205) or not (409)', async () => {
    expect(await send('lunde', spo2Month(), probeValue('97'))).toBe(205);
    expect(await send('lunde', spo2Month(), probeValue('42'))).toBe(409);
    const lunde = (status: number) => (e: AccessLogEntry) => e.agent === webId('lunde') && e.method === 'PATCH' && e.status === status;
    const hit = await waitForEntry(lunde(205));
    expect(hit).toMatchObject({
      agent: webId('lunde'),
      clientId: world.credentials.lunde!.clientId,
      resource: spo2Month(),
      method: 'PATCH',
      status: 205,
      outcome: 'allowed',
      action: 'read',
    });
    expect(await waitForEntry(lunde(409))).toMatchObject({ resource: spo2Month(), outcome: 'allowed', action: 'read' });
  });

  it('logs a stranger\'s probe as denied (403), and an anonymous one (401)', async () => {
    expect(await send('stranger', spo2Month(), probeValue('97'))).toBe(403);
    expect(await send('anonymous', spo2Month(), probeValue('97'))).toBe(401);
    expect(await waitForEntry((e) => e.agent === webId('stranger') && e.method === 'PATCH')).toMatchObject({
      resource: spo2Month(), status: 403, outcome: 'denied',
    });
    const anonymous = await waitForEntry((e) => e.agent === undefined && e.method === 'PATCH');
    expect(anonymous).toMatchObject({ resource: spo2Month(), status: 401, outcome: 'denied' });
  });

  it('logs a reader\'s patch with deletes (it needs Read and Write) as a refused read', async () => {
    const deletes = insertDeletePatch([], [quad(namedNode(`${spo2Month()}#reading-probed`), namedNode(PROBED), literal('97'))]);
    expect(await send('lunde', spo2Month(), { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: deletes })).toBe(403);
    expect(await waitForEntry((e) => e.agent === webId('lunde') && e.method === 'PATCH' && e.status === 403)).toMatchObject({
      resource: spo2Month(), outcome: 'denied',
    });
  });

  it('refuses an N3 Patch with no clause to whoever may not read (it needed no access mode), leaves the document alone, and logs it', async () => {
    const hans = await world.fetchAs('hans');
    const etag = async () => (await hans(spo2Month(), { method: 'HEAD' })).headers.get('etag');
    const before = await etag();
    expect(before).toBeTruthy();
    // Found in CSS 7.2: anyone, anonymous included, got 205 and the document written back (existence disclosed, ETag moved).
    expect(await send('anonymous', spo2Month(), noClausePatch())).toBe(401);
    expect(await send('hagen', spo2Month(), noClausePatch())).toBe(403);
    expect(await etag()).toBe(before);
    expect(await waitForEntry((e) => e.agent === webId('hagen') && e.method === 'PATCH')).toMatchObject({
      resource: spo2Month(), status: 403, outcome: 'denied', action: 'read',
    });
    expect(await send('lunde', spo2Month(), noClausePatch())).toBe(205);
  });

  it('leaves the patient\'s own probe out, and logs a reader\'s probe right after it', async () => {
    const heartRate = url('hans/health/measurements/heart-rate/2026-01.ttl');
    const seeded = quad(namedNode(`${heartRate}#reading-probed`), namedNode(PROBED), literal('61'));
    expect((await appendQuads(await world.fetchAs('vendor'), heartRate, [seeded])).ok).toBe(true);
    expect(await send('hans', heartRate, probeValue('61'))).toBe(205);
    expect(await send('lunde', heartRate, probeValue('61'))).toBe(205);
    await waitForEntry((e) => e.agent === webId('lunde') && e.resource === heartRate && e.method === 'PATCH');
    const entries = await readAccessLogAs(world, 'hans');
    expect(entries.filter((e) => e.agent === webId('hans'))).toEqual([]);
  });
});

describe('opening a notification channel is a read', () => {
  it('logs lunde subscribing to hans\' SpO2 container, as "subscribed to changes"', async () => {
    expect(await subscriptionStatus(await world.fetchAs('lunde'), world.baseUrl, spo2())).toBe(200);
    const entry = await waitForEntry((e) => e.agent === webId('lunde') && e.action === 'subscribe');
    expect(entry).toMatchObject({
      agent: webId('lunde'),
      clientId: world.credentials.lunde!.clientId,
      resource: spo2(),
      method: 'POST',
      status: 200,
      outcome: 'allowed',
      action: 'subscribe',
    });
  });

  it('logs a refused subscription as denied: a clinician outside the team (403) and an anonymous one (401)', async () => {
    expect(await subscriptionStatus(await world.fetchAs('hagen'), world.baseUrl, spo2Month())).toBe(403);
    expect(await subscriptionStatus(fetch, world.baseUrl, spo2Month())).toBe(401);
    expect(await waitForEntry((e) => e.agent === webId('hagen') && e.action === 'subscribe')).toMatchObject({
      resource: spo2Month(), status: 403, outcome: 'denied',
    });
    expect(await waitForEntry((e) => e.agent === undefined && e.action === 'subscribe')).toMatchObject({
      resource: spo2Month(), status: 401, outcome: 'denied',
    });
  });

  it('leaves the patient\'s own subscription out, and logs a reader\'s right after it', async () => {
    const heartRate = url('hans/health/measurements/heart-rate/');
    expect(await subscriptionStatus(await world.fetchAs('hans'), world.baseUrl, heartRate)).toBe(200);
    expect(await subscriptionStatus(await world.fetchAs('lunde'), world.baseUrl, heartRate)).toBe(200);
    await waitForEntry((e) => e.agent === webId('lunde') && e.resource === heartRate && e.action === 'subscribe');
    const entries = await readAccessLogAs(world, 'hans');
    expect(entries.filter((e) => e.agent === webId('hans'))).toEqual([]);
  });

  it('does not log subscriptions to anything outside health/', async () => {
    const profile = url('hans/profile/card');
    expect(await subscriptionStatus(await world.fetchAs('lunde'), world.baseUrl, profile)).toBe(200);
    expect(await subscriptionStatus(await world.fetchAs('lunde'), world.baseUrl, spo2Month())).toBe(200);
    await waitForEntry((e) => e.agent === webId('lunde') && e.resource === spo2Month() && e.action === 'subscribe');
    const entries = await readAccessLogAs(world, 'hans');
    expect(entries.filter((e) => !e.resource.startsWith(url('hans/health/')))).toEqual([]);
  });
});
