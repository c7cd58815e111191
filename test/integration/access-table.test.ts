/**
 * The access table (issue #9): every role x resource x method of the demo
 * world against a real CSS, each cell with the exact status the POLICY gives
 * (test/support/access-table.ts) and, where a read is answered, the WAC-Allow
 * the policy gives; then the pod files checked for changes the table did not
 * intend. Then the rows "after revoke" (through the consent app's write path)
 * and "after group membership removed", each also checking that notification
 * channels opened before fall silent; and forged, expired, replayed and
 * misbound DPoP tokens. Writes the figures to test/reports/access-table.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { DataFactory, Parser } from 'n3';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverSubscriptionService, subscribe } from '../../apps/clinician/dashboard/live.ts';
import { planDecisions } from '../../apps/consent/access.ts';
import { carryOut, readCurrentAccess, readPatient } from '../../apps/consent/pod.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { notesDocument } from '../../apps/shared/measurement/notes.ts';
import { openPodSession, type ClientCredentials, type PodSession } from '../../apps/shared/pod-session.ts';
import { ensureAccount } from '../../pod-server/world/accounts.ts';
import { demoGroup, groupIriOf } from '../../pod-server/world/demo-world.ts';
import { publishGroup } from '../../pod-server/world/profiles.ts';
import { CATEGORIES } from '../../vocab/catalogue.ts';
import { NS } from '../../vocab/terms.ts';
import {
  ACTOR,
  GRANTS,
  advertisedModes,
  METHODS,
  ROLES,
  cellLabel,
  expectedStatus,
  mainVariant,
  type Area,
  type Cell,
  type Grants,
  type Method,
  type Patient,
  type Resource,
  type Role,
  type Variant,
} from '../support/access-table.ts';
import { diff, eachLimited, podTree, probe, requestFor } from '../support/access-table-http.ts';
import { clientCredentialsToken, dpopProof, newDpopKey, resign, serverSigningKey, tamper } from '../support/access-table-tokens.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

const { namedNode, literal, quad } = DataFactory;

const MONTH = '2026-01';
const NOTE_TIME = '2026-01-15T12:00:00+01:00';
const CONCURRENCY = 8;
const REPORT = join(import.meta.dirname, '..', 'reports', 'access-table.json');

let world: TestWorld;
let stranger: PodSession;
let strangerCredentials: ClientCredentials;
let resources: Resource[];
let startedAt: number;
const report = { cells: 0, wacAllowChecked: 0, byRole: {} as Record<string, number>, byMethod: {} as Record<string, number>, byBlock: {} as Record<string, number>, extra: {} as Record<string, number> };

const url = (path: string) => new URL(path, world.baseUrl).href;

async function fetchFor(role: Role): Promise<typeof fetch> {
  if (role === 'anonymous') return fetch;
  if (role === 'stranger') return stranger.fetch;
  return world.fetchAs(ACTOR[role]!);
}


/** What the table created on purpose (201s), to delete afterwards. */
const created = new Set<string>();

async function run(cells: readonly Cell[], grants: Grants = GRANTS): Promise<string[]> {
  const failures: string[] = [];
  await eachLimited(cells, CONCURRENCY, async (cell) => {
    const target = url(cell.resource.path);
    const response = await (await fetchFor(cell.role))(target, requestFor(cell.method, cell.variant, target));
    await response.body?.cancel();
    if (response.status === 201) created.add(response.headers.get('location') ?? target);
    if (response.status !== cell.expected.status) {
      failures.push(`${cellLabel(cell)}: expected ${cell.expected.status} (${cell.expected.because}), got ${response.status}`);
    }
    // What the server advertises must be what the policy allows (not for .acl documents: Control is all there).
    if (cell.method === 'GET' && response.status === 200 && cell.resource.shape !== 'acl' && cell.resource.shape !== 'root-acl') {
      const header = response.headers.get('wac-allow') ?? '';
      const advertised = (/user="([^"]*)"/u.exec(header)?.[1] ?? '').split(/\s+/u).filter(Boolean).sort().join(' ');
      const expected = advertisedModes(cell.role, cell.resource, grants);
      if (advertised !== expected) failures.push(`${cellLabel(cell)}: WAC-Allow user="${advertised}", the policy gives "${expected}"`);
      report.wacAllowChecked += 1;
    }
  });
  for (const cell of cells) {
    report.cells += 1;
    report.byRole[cell.role] = (report.byRole[cell.role] ?? 0) + 1;
    report.byMethod[cell.method] = (report.byMethod[cell.method] ?? 0) + 1;
    report.byBlock[cell.block] = (report.byBlock[cell.block] ?? 0) + 1;
  }
  return failures.sort();
}

/** The ACL (rel="acl") or description (rel="describedby") of `path`, from its Link header (asked as the owner). */
async function linkedPathOf(owner: string, path: string, rel: 'acl' | 'describedby'): Promise<string> {
  const response = await (await world.fetchAs(owner))(url(path), { method: 'HEAD' });
  const link = response.headers.get('link') ?? '';
  const linked = new RegExp(`<([^>]+)>;\\s*rel="${rel}"`, 'u').exec(link)?.[1];
  if (!linked) throw new Error(`${path} advertises no rel="${rel}" resource`);
  return relative(new URL(world.baseUrl).pathname, new URL(linked, url(path)).pathname);
}

/** Members of a container, as paths below the base URL (read as the owner). */
async function members(owner: string, path: string): Promise<string[]> {
  const response = await (await world.fetchAs(owner))(url(path), { headers: { accept: 'text/turtle' } });
  const quads = new Parser({ baseIRI: url(path) }).parse(await response.text());
  return quads.filter((q) => q.predicate.value === `${NS.ldp}contains`).map((q) => new URL(q.object.value).pathname.slice(1));
}


const resource = (pod: Patient, path: string, area: Area, shape: Resource['shape']): Resource => ({
  label: `${pod} ${path.slice(pod.length + 1) || '/'}`,
  path,
  pod,
  area,
  shape,
});

/** Seeds what the table reads (month, notes and access-log documents) and lists its resources. */
async function seedAndListResources(): Promise<Resource[]> {
  const vendor = await world.fetchAs('vendor');
  const month = (pod: string, category: string) => `${pod}/health/measurements/${category}/${MONTH}.ttl`;
  const append = async (f: typeof fetch, path: string) => {
    const outcome = await appendQuads(f, url(path), [probe(url(path))]);
    if (!outcome.ok) throw new Error(`Seeding ${path}: ${outcome.reason}`);
  };
  // Written as the device vendor, through the insert-only patch path (creates each month document).
  for (const category of CATEGORIES) await append(vendor, month('hans', category));
  for (const category of ['body-weight', 'blood-glucose']) await append(vendor, month('kari', category));
  const hansNotes = new URL(notesDocument(url('hans/'), NOTE_TIME)).pathname.slice(1);
  const kariNotes = new URL(notesDocument(url('kari/'), NOTE_TIME)).pathname.slice(1);
  await append(await world.fetchAs('lunde'), hansNotes);
  await append(await world.fetchAs('dahl'), kariNotes);
  const [consentDoc] = await members('hans', 'hans/health/consent/');
  if (!consentDoc) throw new Error('Provisioning wrote no consent record for hans');

  // A read by someone else reaches the access log within its flush interval.
  await (await world.fetchAs('lunde'))(url('hans/health/measurements/heart-rate/'));
  let logDay: string | undefined;
  for (let tries = 0; !logDay && tries < 100; tries++) {
    logDay = (await members('hans', 'hans/health/access-log/')).find((p) => p.endsWith('.ttl'));
    if (!logDay) await new Promise((r) => setTimeout(r, 100));
  }
  if (!logDay) throw new Error('The access log wrote no day document');

  const category = (name: (typeof CATEGORIES)[number]): Area => ({ kind: 'category', category: name });
  const list: Resource[] = [
    resource('hans', 'hans/profile/card', { kind: 'profile' }, 'document'),
    resource('hans', 'hans/', { kind: 'private' }, 'pod-root'),
    resource('hans', 'hans/health/', { kind: 'private' }, 'container'),
    resource('hans', 'hans/health/measurements/', { kind: 'measurements' }, 'container'),
    ...CATEGORIES.flatMap((c) => [
      resource('hans', `hans/health/measurements/${c}/`, category(c), 'container'),
      resource('hans', month('hans', c), category(c), 'document'),
    ]),
    resource('hans', 'hans/health/notes/', { kind: 'notes' }, 'container'),
    resource('hans', hansNotes, { kind: 'notes' }, 'document'),
    resource('hans', 'hans/health/consent/', { kind: 'consent' }, 'container'),
    resource('hans', consentDoc, { kind: 'consent' }, 'document'),
    resource('hans', 'hans/health/access-log/', { kind: 'access-log' }, 'container'),
    resource('hans', logDay, { kind: 'access-log' }, 'document'),
    resource('kari', 'kari/health/measurements/body-weight/', category('body-weight'), 'container'),
    resource('kari', month('kari', 'body-weight'), category('body-weight'), 'document'),
    resource('kari', 'kari/health/measurements/blood-glucose/', category('blood-glucose'), 'container'),
    resource('kari', month('kari', 'blood-glucose'), category('blood-glucose'), 'document'),
    resource('kari', 'kari/health/notes/', { kind: 'notes' }, 'container'),
    resource('kari', kariNotes, { kind: 'notes' }, 'document'),
  ];
  // The .acl documents, found where the server says they are.
  const acls: [Patient, string, Area][] = [
    ['hans', 'hans/', { kind: 'private' }],
    ['hans', 'hans/health/', { kind: 'private' }],
    ['hans', 'hans/health/measurements/', { kind: 'measurements' }],
    ['hans', 'hans/health/measurements/oxygen-saturation/', category('oxygen-saturation')],
    ['hans', 'hans/health/notes/', { kind: 'notes' }],
    ['hans', 'hans/health/consent/', { kind: 'consent' }],
    ['hans', 'hans/health/access-log/', { kind: 'access-log' }],
    ['kari', 'kari/health/measurements/body-weight/', category('body-weight')],
  ];
  for (const [pod, path, area] of acls) {
    const acl = await linkedPathOf(pod, path, 'acl');
    list.push(resource(pod, acl, area, path === `${pod}/` ? 'root-acl' : 'acl'));
  }
  // Descriptions (.meta) of containers and documents that others may append to or read.
  const descriptions: [Patient, string, Area][] = [
    ['hans', 'hans/health/measurements/', { kind: 'measurements' }],
    ['hans', 'hans/health/measurements/oxygen-saturation/', category('oxygen-saturation')],
    ['hans', month('hans', 'oxygen-saturation'), category('oxygen-saturation')],
    ['hans', 'hans/health/notes/', { kind: 'notes' }],
    ['hans', hansNotes, { kind: 'notes' }],
    ['hans', 'hans/health/access-log/', { kind: 'access-log' }],
    ['kari', 'kari/health/measurements/body-weight/', category('body-weight')],
  ];
  for (const [pod, path, area] of descriptions) list.push(resource(pod, await linkedPathOf(pod, path, 'describedby'), area, 'description'));
  return list;
}

beforeAll(async () => {
  startedAt = performance.now();
  world = await startTestWorld({ podServer: { groupCache: { seconds: 2 }, accessLog: { flushMs: 200 } } });
  strangerCredentials = (await ensureAccount(world.baseUrl, 'stranger', undefined)).credentials;
  stranger = await openPodSession(strangerCredentials);
  resources = await seedAndListResources();
}, 180_000);

afterAll(async () => {
  await stranger?.close();
  await world?.stop();
  if (report.cells === 0) return;
  const seconds = (performance.now() - startedAt) / 1000;
  const summary = { ...report, roles: ACTOR, runtimeSeconds: Math.round(seconds), written: new Date().toISOString() };
  await mkdir(dirname(REPORT), { recursive: true });
  await writeFile(REPORT, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`access table: ${report.cells} cells in all (${JSON.stringify(report.byBlock)}), ${seconds.toFixed(0)} s; figures in ${REPORT}`);
});

/** Deletes, as the pod's owner, what cells created on purpose. */
async function cleanUp(): Promise<void> {
  const locations = [...created].sort();
  created.clear();
  for (const location of locations) {
    const owner = new URL(location).pathname.split('/')[1]!;
    const response = await (await world.fetchAs(owner))(location, { method: 'DELETE' });
    await response.body?.cancel();
    expect(response.ok, `cleaning up ${location} as ${owner}`).toBe(true);
  }
}

/** Missing paths below these containers: who may create a document there, and who may learn it is missing. */
const CREATE_IN: [Patient, string, Area][] = [
  ['hans', 'hans/health/measurements/oxygen-saturation/', { kind: 'category', category: 'oxygen-saturation' }],
  ['hans', 'hans/health/notes/', { kind: 'notes' }],
  ['hans', 'hans/health/consent/', { kind: 'consent' }],
  ['hans', 'hans/health/access-log/', { kind: 'access-log' }],
];

function tableCells(): Cell[] {
  const cells: Cell[] = [];
  const add = (block: Cell['block'], role: Role, r: Resource, method: Method, variant: Variant) =>
    cells.push({ block, role, resource: r, method, variant, expected: expectedStatus(role, r, method, variant) });

  // Main block: every role x resource x method.
  for (const r of resources) for (const role of ROLES) for (const method of METHODS) add('main', role, r, method, mainVariant(method));

  // Creation: a distinct missing month-named path per role, method and variant (nothing collides).
  // PUT (If-None-Match: *) and insert-only PATCH create; the same two guarded with If-Match must
  // create nothing (412 where allowed: the regression cells for StrictConditionsParser).
  const onMissing: [Method, Variant][] = [
    ...METHODS.map((method): [Method, Variant] => [method, method === 'PUT' || method === 'PATCH-insert' ? 'create' : mainVariant(method)]),
    ['PUT', 'guarded'],
    ['PATCH-insert', 'guarded'],
  ];
  for (const [pod, container, area] of CREATE_IN) {
    ROLES.forEach((role, ri) =>
      onMissing.forEach(([method, variant], mi) => {
        const path = `${container}20${30 + ri}-${String(mi + 1).padStart(2, '0')}.ttl`;
        const r: Resource = { label: `${pod} ${container.slice(pod.length + 1)}(new document)`, path, pod, area, shape: 'missing' };
        add('create', role, r, method, variant);
      }),
    );
  }

  // Names a device may not create below the measurements: only month documents ({category}/YYYY-MM.ttl).
  const category: Area = { kind: 'category', category: 'oxygen-saturation' };
  const names = ['stray.ttl', '2026-13.ttl', 'sub/2026-01.ttl', 'sub/'];
  for (const role of ['patient', 'vendor', 'stranger'] as const) {
    names.forEach((name, ni) => {
      // The patient may create any of them; nested ones would leave a container behind the clean-up.
      if (role === 'patient' && name.includes('/')) return;
      for (const method of ['PUT', 'PATCH-insert'] as const) {
        const path = `hans/health/measurements/oxygen-saturation/${role}-${method}-${ni}-${name}`;
        // A container cannot be created by PATCH; only the document names are PATCHed.
        if (name.endsWith('/') && method === 'PATCH-insert') continue;
        const r: Resource = { label: `hans health/measurements/oxygen-saturation/(${name})`, path, pod: 'hans', area: category, shape: 'missing' };
        add('device names', role, r, method, 'create');
      }
    });
  }

  // Real appends of a triple already there (changes nothing): device data and clinicians' notes.
  const documents = resources.filter((r) => r.shape === 'document' && (r.area.kind === 'category' || r.area.kind === 'notes'));
  for (const r of documents) for (const role of ROLES) if (role !== 'patient') add('append', role, r, 'PATCH-insert', 'idempotent');

  // Destructive writes sent for real, where the policy refuses them: nothing may change (checked on the files).
  const targets = resources.filter((r) => r.shape === 'document' || r.shape === 'acl' || r.shape === 'description');
  for (const r of targets) {
    for (const role of ROLES) {
      for (const method of ['PUT', 'PATCH-delete', 'DELETE'] as const) {
        const expected = expectedStatus(role, r, method, 'unguarded');
        if (expected.status === 401 || expected.status === 403) add('unguarded', role, r, method, 'unguarded');
      }
    }
  }
  return cells;
}

describe('the access table', () => {
  it('gives every role x resource x method the status the policy says, and changes nothing it should not', async () => {
    const before = await podTree(world.dataDir);
    const cells = tableCells();
    const tableStarted = performance.now();
    const failures = await run(cells);
    const tableSeconds = (performance.now() - tableStarted) / 1000;
    console.log(
      `access table: ${cells.length} cells (${resources.length} resources + ${CREATE_IN.length} creation rows, ${ROLES.length} roles, ` +
        `${METHODS.length} methods) in ${tableSeconds.toFixed(1)} s; ${failures.length} wrong`,
    );
    if (failures.length > 0) console.log(failures.join('\n'));
    expect(failures).toEqual([]);

    // Delete what the table created on purpose, then compare the pod files.
    await cleanUp();
    expect(diff(before, await podTree(world.dataDir))).toEqual([]);
  }, 300_000);
});

/** The group member's whole row (every hans and kari resource x method) under `grants`. */
function memberRow(block: Cell['block'], grants: Grants): Cell[] {
  return resources.flatMap((r) =>
    METHODS.map((method): Cell => {
      const variant = mainVariant(method);
      return { block, role: 'group-member', resource: r, method, variant, expected: expectedStatus('group-member', r, method, variant, grants) };
    }),
  );
}

const lungeteam = () => ({ group: groupIriOf(world.baseUrl, demoGroup('lungeteam')) });

/** A WebSocketChannel2023 subscription to `topic` as `who` (as the clinician dashboard subscribes), counting notifications. */
async function listen(who: string, topic: string): Promise<{ received: () => number; close: () => void }> {
  const f = await world.fetchAs(who);
  const service = await discoverSubscriptionService(f, topic);
  const receiveFrom = service && (await subscribe(f, service, topic));
  if (!receiveFrom) throw new Error(`${who} could not subscribe to ${topic}`);
  const socket = new WebSocket(receiveFrom);
  let received = 0;
  socket.on('message', () => (received += 1));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { received: () => received, close: () => socket.terminate() };
}

/**
 * Has the vendor append a new reading to `category`'s month document, then waits until `control` (a
 * subscriber still allowed) was notified and a little longer; answers how many notifications each got.
 */
async function notifiedOfNewReading(
  category: string,
  listeners: Record<string, Awaited<ReturnType<typeof listen>>>,
  control: string,
): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(listeners).map(([who, l]) => [who, l.received()]));
  const document = url(`hans/health/measurements/${category}/${MONTH}.ttl`);
  const reading = quad(namedNode(`${document}#access-table-${Date.now()}`), namedNode('https://w3id.org/helsevev/test#probe'), literal('new'));
  expect((await appendQuads(await world.fetchAs('vendor'), document, [reading])).ok).toBe(true);
  for (let waited = 0; listeners[control]!.received() === before[control] && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  return Object.fromEntries(Object.entries(listeners).map(([who, l]) => [who, l.received() - before[who]!]));
}

describe('rows that follow a change', () => {
  it('after revoke: the patient withdraws the lung team\'s oxygen saturation through the consent app; lunde loses it, keeps the rest', async () => {
    // Notification channels opened while she could read: they must fall silent with the revoke.
    const topic = url(`hans/health/measurements/oxygen-saturation/${MONTH}.ttl`);
    const listeners = { lunde: await listen('lunde', topic), nilsen: await listen('nilsen', topic) };
    expect(await notifiedOfNewReading('oxygen-saturation', listeners, 'nilsen')).toEqual({ lunde: 1, nilsen: 1 });

    const hans = await world.fetchAs('hans');
    const patient = await readPatient(hans, world.accounts.hans!.webId);
    const plan = planDecisions(
      await readCurrentAccess(hans, patient),
      [{ grantee: lungeteam(), category: 'oxygen-saturation', give: false }],
      new Date(),
    );
    const outcome = await carryOut(hans, patient, plan);
    expect(outcome).toEqual({ written: plan.writes.length });

    const revoked: Grants = {
      ...GRANTS,
      hans: GRANTS.hans.map((g) => (g.members.includes('lunde') ? { ...g, categories: g.categories.filter((c) => c !== 'oxygen-saturation') } : g)),
    };
    const cells = [
      ...memberRow('after revoke', revoked),
      // The device vendor's Append and the other team's Read are untouched.
      ...resources
        .filter((r) => r.area.kind === 'category' && r.area.category === 'oxygen-saturation' && r.pod === 'hans')
        .flatMap((r): Cell[] => [
          { block: 'after revoke', role: 'municipal', resource: r, method: 'GET', variant: 'plain', expected: expectedStatus('municipal', r, 'GET', 'plain', revoked) },
          ...(r.shape === 'document'
            ? [{ block: 'after revoke', role: 'vendor', resource: r, method: 'PATCH-insert', variant: 'idempotent', expected: expectedStatus('vendor', r, 'PATCH-insert', 'idempotent', revoked) } as Cell]
            : []),
        ]),
    ];
    // The cells that changed: 200 before, 403 now.
    const lost = cells.filter((c) => c.role === 'group-member' && c.expected.status !== expectedStatus('group-member', c.resource, c.method, c.variant).status);
    const oxygen = 'hans health/measurements/oxygen-saturation/';
    expect(lost.map((c) => `${c.method} ${c.resource.label}`).sort()).toEqual(
      ['GET', 'HEAD'].flatMap((m) => [oxygen, `${oxygen}.meta`, `${oxygen}${MONTH}.ttl`, `${oxygen}${MONTH}.ttl.meta`].map((r) => `${m} ${r}`)).sort(),
    );
    expect(await run(cells, revoked)).toEqual([]);
    await cleanUp();
    expect(await notifiedOfNewReading('oxygen-saturation', listeners, 'nilsen')).toEqual({ lunde: 0, nilsen: 1 });
    for (const l of Object.values(listeners)) l.close();
    report.extra['after revoke'] = cells.length + 4;
  });

  it('after group membership removed: ous rewrites its lung team without lunde; she reads nothing of hans at once', async () => {
    const topic = url(`hans/health/measurements/heart-rate/${MONTH}.ttl`);
    const listeners = { lunde: await listen('lunde', topic), nilsen: await listen('nilsen', topic) };
    expect(await notifiedOfNewReading('heart-rate', listeners, 'nilsen')).toEqual({ lunde: 1, nilsen: 1 });

    await publishGroup(await world.fetchAs('ous'), world.baseUrl, { ...demoGroup('lungeteam'), members: [] });
    const removed: Grants = { ...GRANTS, hans: GRANTS.hans.filter((g) => !g.members.includes('lunde')) };
    const cells = memberRow('after membership removed', removed);
    // A group on this server is dropped from the cache when it changes: no waiting for the cache time.
    expect(await run(cells, removed)).toEqual([]);
    await cleanUp();
    expect(await notifiedOfNewReading('heart-rate', listeners, 'nilsen')).toEqual({ lunde: 0, nilsen: 1 });
    for (const l of Object.values(listeners)) l.close();
    report.extra['after membership removed'] = cells.length + 4;
  });
});

describe('tokens', () => {
  it('refuses expired, forged and misbound DPoP tokens with 401, and accepts the same token made honestly', async () => {
    const target = url('hans/health/');
    const key = await newDpopKey();
    const otherKey = await newDpopKey();
    const token = await clientCredentialsToken(world.baseUrl, world.credentials.hans!, key);
    const strangerToken = await clientCredentialsToken(world.baseUrl, strangerCredentials, otherKey);
    const serverKey = await serverSigningKey(world.dataDir);
    const { privateKey: foreignKey } = await newDpopKey();
    const now = Math.floor(Date.now() / 1000);
    const timed = (iat: number, exp: number) => resign(token, serverKey, (p) => ({ ...p, iat: now + iat, exp: now + exp }));
    const send = async (authorization: string, dpop?: string) => {
      const response = await fetch(target, { headers: { authorization, ...(dpop ? { dpop } : {}), accept: 'text/turtle' } });
      await response.body?.cancel();
      return response.status;
    };
    const withProof = async (t: string, k = key, method = 'GET', htu = target) => send(`DPoP ${t}`, await dpopProof(k, method, htu, t));

    const rows: [string, number, () => Promise<number>][] = [
      ['the real token with a proof for this request', 200, () => withProof(token)],
      ['re-signed with the server\'s key, valid for 5 more minutes (the minting is sound)', 200, async () => withProof(await timed(-60, 300))],
      ['expired 10 minutes ago', 401, async () => withProof(await timed(-1200, -600))],
      ['expired 3 minutes ago (past the verifier\'s 120 s clock tolerance)', 401, async () => withProof(await timed(-900, -180))],
      ['expired 30 s ago: still accepted within the verifier\'s 120 s clock tolerance', 200, async () => withProof(await timed(-900, -30))],
      ['signed with a key that is not the server\'s', 401, async () => withProof(await resign(token, foreignKey, (p) => p))],
      ['a stranger\'s token with its webid changed to hans, signature kept', 401, async () =>
        withProof(tamper(strangerToken, (p) => ({ ...p, webid: world.accounts.hans!.webId })), otherKey)],
      ['a proof for another URL', 401, () => withProof(token, key, 'GET', url('hans/health/notes/'))],
      ['a proof for another method', 401, () => withProof(token, key, 'DELETE')],
      ['a proof signed by another key than the token is bound to', 401, () => withProof(token, otherKey)],
      ['no proof', 401, () => send(`DPoP ${token}`)],
      ['a proof sent a second time (replayed)', 401, async () => {
        const proof = await dpopProof(key, 'GET', target, token);
        const first = await send(`DPoP ${token}`, proof);
        return first === 200 ? send(`DPoP ${token}`, proof) : -first;
      }],
      ['the DPoP-bound token sent as a Bearer token', 401, () => send(`Bearer ${token}`)],
    ];
    const failures: string[] = [];
    for (const [label, expected, attempt] of rows) {
      const status = await attempt();
      if (status !== expected) failures.push(`${label}: expected ${expected}, got ${status}`);
    }
    expect(failures).toEqual([]);
    report.extra.token = rows.length;
  });
});
