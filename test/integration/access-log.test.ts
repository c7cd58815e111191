/**
 * The access log against a real CSS with our extension: a clinician's read of
 * a patient's health data appears in the patient's health/access-log/ with
 * the clinician's WebID and app; refused reads appear as denied; the patient's
 * own reads do not appear; only the patient can read the log and nobody can
 * write it; a SIGKILL right after a read loses nothing (docs/access-log.md).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFactory, Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogDocument, parseAccessLog, type AccessLogEntry } from '../../apps/shared/access-log.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { insertOnlyPatch, N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { validateShapes } from '../../shapes/validate.ts';
import { NS, SOSA } from '../../vocab/terms.ts';
import { readAccessLogDocuments, waitForEntry as waitInLog } from '../support/read-probes.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

const { namedNode, literal, quad } = DataFactory;

let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await world?.stop();
});

const url = (path: string) => new URL(path, world.baseUrl).href;
const webId = (name: string) => url(`${name}/profile/card#me`);
const spo2Month = () => url('hans/health/measurements/oxygen-saturation/2026-01.ttl');

async function as(who: string): Promise<typeof fetch> {
  return who === 'anonymous' ? fetch : world.fetchAs(who);
}

async function status(who: string, path: string, init: RequestInit = {}): Promise<number> {
  const response = await (await as(who))(url(path), init);
  await response.body?.cancel();
  return response.status;
}

/** Every entry in hans' access log, read as hans (newest first), with the day documents' Turtle. */
async function readLog(): Promise<{ entries: AccessLogEntry[]; turtle: Map<string, string> }> {
  const turtle = await readAccessLogDocuments(world, 'hans');
  const entries = [...turtle].flatMap(([document, text]) => parseAccessLog(text, document));
  return { entries, turtle };
}

/** Polls hans' log until an entry matches (the server writes it within about a second). */
const waitForEntry = (match: (e: AccessLogEntry) => boolean, timeoutMs?: number) => waitInLog(world, 'hans', match, timeoutMs);

describe('reads by others are recorded', () => {
  it('records a hospital clinician reading hans\' SpO2, with WebID, app, resource, time, method and result', async () => {
    const vendor = await world.fetchAs('vendor');
    const reading = quad(namedNode(`${spo2Month()}#reading-1`), namedNode(SOSA.resultTime), literal('2026-01-05T08:30:00+01:00'));
    expect((await appendQuads(vendor, spo2Month(), [reading])).ok).toBe(true);

    const before = Date.now();
    const lunde = await world.fetchAs('lunde');
    const response = await lunde(spo2Month(), { headers: { accept: 'text/turtle' } });
    expect(response.status).toBe(200);
    await response.text();

    const entry = await waitForEntry((e) => e.resource === spo2Month() && e.agent === webId('lunde'));
    expect(entry).toMatchObject({
      agent: webId('lunde'),
      clientId: world.credentials.lunde!.clientId,
      resource: spo2Month(),
      method: 'GET',
      status: 200,
      outcome: 'allowed',
    });
    expect(Date.parse(entry.time)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(entry.time)).toBeLessThanOrEqual(Date.now());
    expect(entry.time).toMatch(/[+-]\d\d:\d\d$/);
    expect(entry.iri.startsWith(accessLogDocument(url('hans/'), new Date(entry.time)))).toBe(true);
  });

  it('records HEAD, and a 304 revalidation as an allowed read', async () => {
    const lunde = await world.fetchAs('lunde');
    const head = await lunde(spo2Month(), { method: 'HEAD' });
    expect(head.status).toBe(200);
    const etag = head.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await lunde(spo2Month(), { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    await waitForEntry((e) => e.agent === webId('lunde') && e.method === 'HEAD' && e.status === 200);
    await waitForEntry((e) => e.agent === webId('lunde') && e.status === 304 && e.outcome === 'allowed');
  });

  it('records a refused read as denied: a clinician outside the team (403) and an anonymous visitor (401)', async () => {
    expect(await status('hagen', spo2Month())).toBe(403);
    expect(await status('anonymous', 'hans/health/measurements/heart-rate/')).toBe(401);
    const hagen = await waitForEntry((e) => e.agent === webId('hagen'));
    expect(hagen).toMatchObject({ resource: spo2Month(), status: 403, outcome: 'denied', clientId: world.credentials.hagen!.clientId });
    const anonymous = await waitForEntry((e) => e.resource === url('hans/health/measurements/heart-rate/') && e.status === 401);
    expect(anonymous.agent).toBeUndefined();
    expect(anonymous.outcome).toBe('denied');
  });

  it('bounds refused reads per reader: a flood of anonymous requests adds at most 30 entries; allowed reads are all logged', async () => {
    const flooded = url('hans/health/measurements/blood-glucose/');
    const countFlooded = async () => (await readLog()).entries.filter((e) => e.resource === flooded && e.agent === undefined).length;
    for (let i = 0; i < 60; i++) expect(await status('anonymous', 'hans/health/measurements/blood-glucose/')).toBe(401);
    // Allowed reads by a clinician during and after the flood still land, every one.
    for (let i = 0; i < 3; i++) expect(await status('nilsen', 'hans/health/measurements/blood-glucose/')).toBe(200);
    await waitForEntry((e) => e.resource === flooded && e.agent === webId('nilsen'));
    const logged = await countFlooded();
    // The earlier anonymous 401 (heart-rate) took one of the 30.
    expect(logged).toBe(29);
    const { entries } = await readLog();
    expect(entries.filter((e) => e.resource === flooded && e.agent === webId('nilsen'))).toHaveLength(3);
  });

  it('writes entries that conform to shapes/access-log.ttl', async () => {
    const { turtle, entries } = await readLog();
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const quads = [...turtle].flatMap(([document, text]) => new Parser({ baseIRI: document }).parse(text));
    const report = await validateShapes(quads);
    expect(report.violations).toEqual([]);
    expect(report.conforms).toBe(true);
    // Created through CSS's store, then appended to as N-Triples lines (an append costs the same at any size).
    const today = new URL(accessLogDocument(url('hans/'), new Date())).pathname;
    const file = await readFile(join(world.dataDir, 'pods', today), 'utf8');
    expect(file).toMatch(/^<[^>]+> <https:\/\/w3id\.org\/helsevev#httpMethod> "GET" \.$/m);
  });

  it('does not record the patient\'s own reads, nor reads outside health/', async () => {
    expect(await status('hans', 'hans/health/measurements/body-height/')).toBe(200);
    expect(await status('lunde', 'ous/groups/lungeteam')).toBe(200);
    // A later read by someone else is in the log; the patient's earlier one is not.
    expect(await status('nilsen', 'hans/health/measurements/body-weight/')).toBe(200);
    await waitForEntry((e) => e.agent === webId('nilsen'));
    const { entries } = await readLog();
    expect(entries.filter((e) => e.agent === webId('hans'))).toEqual([]);
    expect(entries.filter((e) => e.resource === url('hans/health/measurements/body-height/'))).toEqual([]);
    expect(entries.filter((e) => !e.resource.startsWith(url('hans/health/')))).toEqual([]);
  });
});

/** Who may do what to the access log. Only the patient reads it; nobody, the patient included, writes it. */
describe('the access log is the patient\'s to read and nobody\'s to write', () => {
  const container = 'hans/health/access-log/';
  const today = () => new URL(accessLogDocument(url('hans/'), new Date())).pathname.slice(1);

  it.each([
    ['hans', 200],
    ['lunde', 403],
    ['hagen', 403],
    ['vendor', 403],
    ['nilsen', 403],
    ['anonymous', 401],
  ])('%s GET the log and today\'s document -> %i', async (who, expected) => {
    expect(await status(who, container)).toBe(expected);
    expect(await status(who, today())).toBe(expected);
  });

  const turtle = { 'content-type': 'text/turtle' };
  const forged = () =>
    insertOnlyPatch([quad(namedNode(`${url(today())}#forged`), namedNode(`${NS.rdfs}comment`), literal('forged'))]);
  const writes: [string, () => [string, RequestInit]][] = [
    ['PUT today\'s document', () => [today(), { method: 'PUT', headers: turtle, body: '<#x> <#y> <#z> .' }]],
    ['PATCH (insert) today\'s document', () => [today(), { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: forged() }]],
    ['DELETE today\'s document', () => [today(), { method: 'DELETE' }]],
    ['POST a new document', () => [container, { method: 'POST', headers: turtle, body: '<#x> <#y> <#z> .' }]],
    ['PUT a new document', () => [`${container}2000-01-01.ttl`, { method: 'PUT', headers: turtle, body: '<#x> <#y> <#z> .' }]],
    ['PUT the ACL', () => [`${container}.acl`, { method: 'PUT', headers: turtle, body: '' }]],
    ['DELETE the ACL', () => [`${container}.acl`, { method: 'DELETE' }]],
    ['DELETE the container', () => [container, { method: 'DELETE' }]],
    ['PUT a document in its place', () => ['hans/health/access-log', { method: 'PUT', headers: turtle, body: '<#x> <#y> <#z> .' }]],
    ['POST to health/ with Slug access-log', () => ['hans/health/', {
      method: 'POST',
      headers: { ...turtle, slug: 'access-log', link: '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"' },
      body: '',
    }]],
  ];
  const writers = ['hans', 'lunde', 'vendor'];

  it.each(writers.flatMap((who) => writes.map(([what, request]) => [who, what, request] as const)))(
    '%s cannot %s (403)',
    async (who, _what, request) => {
      const [path, init] = request();
      expect(await status(who, path, init)).toBe(403);
    },
  );

  it('still holds every entry, unchanged, after those attempts; the patient sees read-only access', async () => {
    const { entries, turtle: documents } = await readLog();
    expect(entries.length).toBeGreaterThanOrEqual(4);
    expect([...documents.values()].join('\n')).not.toContain('forged');
    const hans = await world.fetchAs('hans');
    const head = await hans(url(container), { method: 'HEAD' });
    expect(head.headers.get('wac-allow')).toMatch(/user="read"/);
  });
});

describe('durability: a crash of the server loses no entry of an answered read', () => {
  const journal = () => join(world.dataDir, 'access-log-journal');
  const journalled = async () =>
    (await Promise.all((await readdir(journal())).map((f) => readFile(join(journal(), f), 'utf8')))).join('\n');

  it('has the entry in the journal when the answer arrives, and in the pod after a SIGKILL and restart', async () => {
    // Writes to the pods only once a minute, so nothing but the journal can carry the entry across the crash.
    await world.restart({ podServer: { accessLog: { flushMs: 60_000 } } });
    const resource = url('hans/health/measurements/heart-rate/');
    const lunde = await world.fetchAs('lunde');
    const response = await lunde(resource);
    expect(response.status).toBe(200);
    await response.text();
    // No waiting: the entry was appended to the journal before the answer was sent.
    const line = (await journalled()).split('\n').find((l) => l.includes(resource) && l.includes(webId('lunde')));
    expect(line).toBeDefined();
    const { id } = JSON.parse(line!) as { id: string };

    await world.restart({ signal: 'SIGKILL', podServer: {} });
    const entry = await waitForEntry((e) => e.iri.endsWith(`#${id}`));
    expect(entry).toMatchObject({ resource, agent: webId('lunde'), outcome: 'allowed', status: 200 });
    // Written, so the journal no longer holds it; replaying again (another restart) would not duplicate it.
    expect(await journalled()).not.toContain(id);
    await world.restart();
    expect((await readLog()).entries.filter((e) => e.iri === entry.iri)).toHaveLength(1);
  });

  it('writes what is left in the journal when the server stops normally', async () => {
    await world.restart({ podServer: { accessLog: { flushMs: 60_000 } } });
    const resource = url('hans/health/measurements/respiratory-rate/');
    expect(await status('nilsen', resource)).toBe(200);
    await world.restart({ podServer: {} });
    const entry = await waitForEntry((e) => e.resource === resource && e.agent === webId('nilsen'), 3_000);
    expect(entry.outcome).toBe('allowed');
  });
});
