/**
 * The pod server and the demo world against a real CSS: WebIDs, privacy by
 * default, the access model (one table), append-only device writes, the
 * private type index, and idempotent provisioning across restarts. Real
 * client-credentials logins, real HTTP status codes.
 */
import { stat, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFactory, Parser, Store } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthContainers } from '../../apps/shared/health-layout.ts';
import { insertDeletePatch, insertOnlyPatch, N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { openPodSession } from '../../apps/shared/pod-session.ts';
import { DEMO_ACCOUNTS } from '../../pod-server/world/demo-world.ts';
import { provisionWorld, type WorldContext } from '../../pod-server/world/world.ts';
import { NS, SOSA } from '../../vocab/terms.ts';
import { countAccounts, countPods, startTestWorld, type TestWorld } from '../support/test-world.ts';

const { namedNode, literal, quad } = DataFactory;

let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await world?.stop();
});

const url = (path: string) => new URL(path, world.baseUrl).href;

async function get(who: string, path: string): Promise<Response> {
  const f = who === 'anonymous' ? fetch : await world.fetchAs(who);
  const response = await f(url(path), { headers: { accept: 'text/turtle' } });
  return response;
}

async function status(who: string, path: string): Promise<number> {
  const response = await get(who, path);
  await response.body?.cancel();
  return response.status;
}

async function parse(response: Response, base: string): Promise<Store> {
  return new Store(new Parser({ baseIRI: base }).parse(await response.text()));
}

describe('WebIDs and public documents', () => {
  it('resolves every WebID anonymously, as Turtle with the person or organisation name', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const webId = url(`${account.name}/profile/card#me`);
      const response = await fetch(webId, { headers: { accept: 'text/turtle' } });
      expect(response.status, webId).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/turtle/);
      const names = (await parse(response, webId)).getObjects(webId, `${NS.foaf}name`, null).map((o) => o.value);
      expect(names).toEqual([account.displayName]);
    }
  });

  it('links each clinician to their organisation', async () => {
    const webId = url('lunde/profile/card#me');
    const store = await parse(await fetch(webId), webId);
    expect(store.getObjects(webId, 'http://www.w3.org/ns/org#memberOf', null).map((o) => o.value).sort()).toEqual([url('oslo/profile/card#me'), url('ous/profile/card#me')]);
    const holm = url('holm/profile/card#me');
    const holmStore = await parse(await fetch(holm), holm);
    expect(holmStore.getObjects(holm, 'http://www.w3.org/ns/org#memberOf', null).map((o) => o.value)).toEqual([url('ous/profile/card#me')]);
  });

  it('publishes the cross-level team with members of three organisations, and the organisation for its alert service', async () => {
    const group = url('oslo/groups/oppfolgingsteam-a#group');
    const store = await parse(await fetch(group), group);
    expect(store.getObjects(group, `${NS.vcard}hasMember`, null).map((o) => o.value).sort())
      .toEqual(['dahl', 'lunde', 'nilsen', 'oslo'].map((n) => url(`${n}/profile/card#me`)));
  });

  it('publishes the groups anonymously, with their members', async () => {
    const group = url('ous/groups/lungeteam#group');
    const response = await fetch(group);
    expect(response.status).toBe(200);
    const store = await parse(response, group);
    expect(store.getObjects(group, `${NS.vcard}hasMember`, null).map((o) => o.value).sort()).toEqual([url('holm/profile/card#me'), url('lunde/profile/card#me')]);
    expect(store.getObjects(group, `${NS.vcard}fn`, null)).toHaveLength(1);
  });
});

/** Who may GET what. 401: no identity given; 403: identified, not allowed. */
const ACCESS: [who: string, path: string, expected: number][] = [
  ['anonymous', 'hans/', 401],
  ['anonymous', 'hans/health/', 401],
  ['anonymous', 'hans/health/measurements/oxygen-saturation/', 401],
  ['anonymous', 'hans/README', 401],
  ['anonymous', 'hans/settings/privateTypeIndex.ttl', 401],
  ['anonymous', 'hans/settings/publicTypeIndex.ttl', 200],
  ['hans', 'hans/', 200],
  ['hans', 'hans/settings/privateTypeIndex.ttl', 200],
  ['kari', 'hans/health/measurements/oxygen-saturation/', 403],
  ['vendor', 'hans/', 403],
  ['vendor', 'hans/health/', 403],
  ['vendor', 'hans/health/measurements/', 403],
  ['vendor', 'hans/health/measurements/oxygen-saturation/', 403],
  // holm is in the lung team only (SpO2 and pulse); lunde is in it and in the cross-level team A (everything of hans).
  ['holm', 'hans/health/measurements/oxygen-saturation/', 200],
  ['holm', 'hans/health/measurements/heart-rate/', 200],
  ['holm', 'hans/health/measurements/body-weight/', 403],
  ['holm', 'hans/health/notes/', 200],
  ['holm', 'hans/health/consent/', 403],
  ['holm', 'hans/health/access-log/', 403],
  ['holm', 'hans/health/', 403],
  ['holm', 'hans/', 403],
  ['holm', 'kari/health/measurements/body-weight/', 403],
  ['lunde', 'hans/health/measurements/oxygen-saturation/', 200],
  ['lunde', 'hans/health/measurements/body-weight/', 200],
  ['lunde', 'hans/health/notes/', 200],
  ['lunde', 'hans/health/consent/', 403],
  ['lunde', 'hans/health/access-log/', 403],
  ['lunde', 'hans/', 403],
  ['lunde', 'kari/health/measurements/body-weight/', 403],
  ['hagen', 'hans/health/measurements/oxygen-saturation/', 403],
  ['hagen', 'hans/health/notes/', 403],
  ['nilsen', 'hans/health/measurements/body-weight/', 200],
  ['nilsen', 'hans/health/measurements/blood-glucose/', 200],
  ['nilsen', 'ola/health/measurements/body-weight/', 403],
  ['dahl', 'kari/health/measurements/body-weight/', 200],
  ['dahl', 'kari/health/measurements/blood-glucose/', 403],
  ['dahl', 'kari/health/notes/', 200],
  ['dahl', 'ola/health/measurements/blood-pressure/', 200],
  ['dahl', 'hans/health/measurements/oxygen-saturation/', 200],
  ['dahl', 'hans/health/notes/', 200],
  ['dahl', 'hans/health/consent/', 403],
  ['dahl', 'ola/health/consent/', 403],
];

describe('access model', () => {
  it.each(ACCESS)('%s GET /%s -> %i', async (who, path, expected) => {
    expect(await status(who, path)).toBe(expected);
  });

  it('lets each patient read every container of their health layout', async () => {
    for (const patient of ['hans', 'kari', 'ola']) {
      for (const container of healthContainers(url(`${patient}/`))) {
        expect(await status(patient, container.url), `${patient} GET ${container.url}`).toBe(200);
      }
    }
  });
});

describe('device vendor: append only', () => {
  const month = 'hans/health/measurements/oxygen-saturation/2026-01.ttl';
  const reading = () => quad(namedNode(url(`${month}#test-reading`)), namedNode(SOSA.resultTime), literal('2026-01-05T08:30:00+01:00'));

  it('inserts with an insert-only N3 Patch, creating the month document', async () => {
    const vendor = await world.fetchAs('vendor');
    const patch = { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: insertOnlyPatch([reading()]) };
    const first = await vendor(url(month), patch);
    expect([201, 205]).toContain(first.status);
    const again = await vendor(url(month), patch);
    expect([201, 205]).toContain(again.status);
  });

  it('cannot read the month document or its container', async () => {
    expect(await status('vendor', month)).toBe(403);
    expect(await status('vendor', 'hans/health/measurements/oxygen-saturation/')).toBe(403);
  });

  it('cannot delete with an N3 Patch', async () => {
    const vendor = await world.fetchAs('vendor');
    const response = await vendor(url(month), {
      method: 'PATCH',
      headers: { 'content-type': N3_PATCH_CONTENT_TYPE },
      body: insertDeletePatch([], [reading()]),
    });
    expect(response.status).toBe(403);
  });

  it('wrote what the patient and a granted clinician then read', async () => {
    for (const reader of ['hans', 'lunde']) {
      const response = await get(reader, month);
      expect(response.status, reader).toBe(200);
      const store = await parse(response, url(month));
      expect(store.countQuads(reading().subject, SOSA.resultTime, null, null), reader).toBe(1);
    }
    expect(await status('hagen', month)).toBe(403);
  });
});

describe('clinicians of a granted organisation annotate', () => {
  const notes = 'hans/health/notes/2026-01.ttl';
  const note = (author: string) =>
    insertOnlyPatch([quad(namedNode(url(`${notes}#note-${author}`)), namedNode('http://purl.org/dc/terms/creator'), namedNode(url(`${author}/profile/card#me`)))]);

  it('lets a lung team member append a note, not an outsider', async () => {
    const init = (author: string) => ({ method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: note(author) });
    expect([201, 205]).toContain((await (await world.fetchAs('lunde'))(url(notes), init('lunde'))).status);
    expect((await (await world.fetchAs('hagen'))(url(notes), init('hagen'))).status).toBe(403);
    expect(await status('nilsen', notes)).toBe(200);
  });
});

describe('RDF bodies are parsed before they are stored', () => {
  // CSS 7.2 parses PUT bodies only for .acl documents; our RdfValidatingStore (pod-server/css/extensions) checks every RDF syntax.
  const put = async (path: string, body: string, type: string) =>
    (await (await world.fetchAs('hans'))(url(path), { method: 'PUT', headers: { 'content-type': type }, body })).status;

  it('refuses broken Turtle, N-Triples and JSON-LD with 400, and stores nothing', async () => {
    expect(await put('hans/health/notes/broken.ttl', '<#a> <#b> ', 'text/turtle')).toBe(400);
    expect(await put('hans/health/notes/broken.nt', '<http://x.example/a> <http://x.example/b> .', 'application/n-triples')).toBe(400);
    expect(await put('hans/health/notes/broken.jsonld', '{"@id": ', 'application/ld+json')).toBe(400);
    for (const name of ['broken.ttl', 'broken.nt', 'broken.jsonld']) expect(await status('hans', `hans/health/notes/${name}`)).toBe(404);
  });

  it('still stores valid RDF and documents that are not RDF', async () => {
    // Not RDF outside health/ (under it, only RDF is stored at all: test/integration/active-content.test.ts).
    expect(await put('hans/health/notes/valid.ttl', '<#a> <#b> <#c>.', 'text/turtle')).toBe(201);
    expect(await put('hans/plain.txt', '<#a> <#b> ', 'text/plain')).toBe(201);
    expect(await status('hans', 'hans/health/notes/valid.ttl')).toBe(200);
    for (const path of ['hans/health/notes/valid.ttl', 'hans/plain.txt']) expect((await (await world.fetchAs('hans'))(url(path), { method: 'DELETE' })).status).toBe(205);
  });
});

describe('type indexes', () => {
  it('registers the measurement containers in the private type index only', async () => {
    const privateIndex = url('hans/settings/privateTypeIndex.ttl');
    const store = await parse(await get('hans', privateIndex), privateIndex);
    const containers = store
      .getSubjects(`${NS.solid}forClass`, SOSA.Observation, null)
      .flatMap((registration) => store.getObjects(registration, `${NS.solid}instanceContainer`, null).map((o) => o.value));
    expect(containers.sort()).toEqual(
      healthContainers(url('hans/')).filter((c) => c.kind === 'category').map((c) => c.url).sort(),
    );

    const publicIndex = url('hans/settings/publicTypeIndex.ttl');
    const publicStore = await parse(await fetch(publicIndex), publicIndex);
    expect(publicStore.getSubjects(`${NS.solid}forClass`, null, null)).toEqual([]);
  });

  it('links the private type index from the owner-only preferences file', async () => {
    const webId = url('hans/profile/card#me');
    const profile = await parse(await fetch(webId), webId);
    const [prefs] = profile.getObjects(webId, `${NS.pim}preferencesFile`, null);
    expect(prefs?.value).toBe(url('hans/settings/prefs.ttl'));
    expect(await status('anonymous', prefs!.value)).toBe(401);
    const store = await parse(await get('hans', prefs!.value), prefs!.value);
    expect(store.getObjects(webId, `${NS.solid}privateTypeIndex`, null).map((o) => o.value)).toEqual([url('hans/settings/privateTypeIndex.ttl')]);
  });
});

describe('credentials and sessions', () => {
  it('keeps client credentials for every account in a 0600 credentials.json', async () => {
    const path = join(world.dataDir, 'credentials.json');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, string>>;
    expect(Object.keys(file).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.name).sort());
    expect(file.hans).toEqual({
      webId: url('hans/profile/card#me'),
      email: 'hans@helsevev.example',
      clientId: expect.any(String),
      clientSecret: expect.any(String),
      oidcIssuer: world.baseUrl,
    });
  });

  it('logs in again when the token is about to expire', async () => {
    // A margin as long as the token's lifetime forces a fresh login before every request.
    const session = await openPodSession(world.credentials.hans!, { refreshMarginSeconds: 600 });
    try {
      for (let i = 0; i < 2; i++) expect((await session.fetch(url('hans/health/'))).status).toBe(200);
    } finally {
      await session.close();
    }
    await expect(session.fetch(url('hans/health/'))).rejects.toThrow(/closed/);
  });
});

describe('the measurement seed hook', () => {
  it('runs once per data folder, after accounts and layout, with logged-in sessions', async () => {
    const calls: string[] = [];
    const seedMeasurements = async (ctx: WorldContext) => {
      const vendor = await ctx.sessionFor('vendor');
      calls.push(vendor.webId);
      expect(Object.keys(ctx.accounts)).toHaveLength(DEMO_ACCOUNTS.length);
    };
    const first = await provisionWorld({ baseUrl: world.baseUrl, dataDir: world.dataDir, seedMeasurements });
    expect(first).toMatchObject({ provisioned: false, seeded: true });
    const second = await provisionWorld({ baseUrl: world.baseUrl, dataDir: world.dataDir, seedMeasurements });
    expect(second).toMatchObject({ provisioned: false, seeded: false });
    expect(calls).toEqual([url('vendor/profile/card#me')]);
  });
});

describe('restarts', () => {
  it('restarts on the same data folder without new accounts or pods', async () => {
    const accounts = await countAccounts(world.dataDir);
    const pods = await countPods(world.dataDir);
    expect(accounts).toBe(DEMO_ACCOUNTS.length);
    expect(pods).toBe(DEMO_ACCOUNTS.length);

    await world.restart();
    expect(world.provisioning.provisioned).toBe(false);
    expect(await countAccounts(world.dataDir)).toBe(accounts);
    expect(await countPods(world.dataDir)).toBe(pods);
    expect(await status('lunde', 'hans/health/measurements/oxygen-saturation/')).toBe(200);
  });

  it('resumes a first start that crashed before it finished, creating nothing twice', async () => {
    // As if the server died mid-provisioning: no marker, no credentials file.
    await rm(join(world.dataDir, 'world.json'));
    await rm(join(world.dataDir, 'credentials.json'));
    await world.restart({ signal: 'SIGKILL' });
    expect(world.provisioning.provisioned).toBe(true);
    expect(await countAccounts(world.dataDir)).toBe(DEMO_ACCOUNTS.length);
    expect(await countPods(world.dataDir)).toBe(DEMO_ACCOUNTS.length);
    // New credentials work; access is unchanged.
    expect(await status('hans', 'hans/health/consent/')).toBe(200);
    expect(await status('hagen', 'hans/health/measurements/oxygen-saturation/')).toBe(403);
    expect(await status('anonymous', 'hans/')).toBe(401);
  });
});
