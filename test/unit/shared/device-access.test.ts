/**
 * The pod side of pairing (apps/shared/device-access.ts): the category ACLs
 * made to grant Append to exactly the paired vendors, per kind, with a
 * consent record per change; readers and the patient's Control untouched; a
 * document with rules it does not manage never rewritten; idempotent. The
 * plan is pure; syncDeviceAccess runs here against an in-memory pod that
 * answers as CSS does (Link rel="acl", ETag, If-Match, N3 Patch).
 */
import fc from 'fast-check';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, type KindId } from '../../../vocab/catalogue.ts';
import { aclQuads, aclTurtle } from '../../../apps/shared/acl.ts';
import {
  DeviceAccessError, planDeviceAccess, reconcileDeviceAccess, syncDeviceAccess, type AppendersByKind,
} from '../../../apps/shared/device-access.ts';
import type { PairedDevice, PairingRequestView } from '../../../apps/shared/pairing.ts';
import {
  healthAclQuads, parseAclTurtle, readContainerAccess, type ContainerAccess, type Grantee, type HealthAccess,
} from '../../../apps/shared/health-acl.ts';
import { healthContainers } from '../../../apps/shared/health-layout.ts';
import { quadsToConsentRecords } from '../../../apps/shared/measurement/consent.ts';

const POD = 'http://pods.example/kari/';
const OWNER = 'http://pods.example/kari/profile/card#me';
const VENDOR = 'http://pods.example/vendor/profile/card#me';
const OTHER = 'http://pods.example/vendor2/profile/card#me';
const GPS: Grantee = { group: 'http://pods.example/legekontor/groups/fastleger#group' };
const NOW = new Date('2026-05-12T08:43:00Z');
const GATEWAY = 'http://gateway.example/';
const categoryContainers = healthContainers(POD).filter((c) => c.kind === 'category');
const containerOf = (k: KindId) => categoryContainers.find((c) => c.category === k)!;
const aclOf = (url: string) => `${url}.acl`;

function categoriesFor(access: HealthAccess): Map<KindId, ContainerAccess> {
  return new Map(categoryContainers.map((c) => [c.category, readContainerAccess(
    { container: c, aclUrl: aclOf(c.url), etag: `"${c.url}"`, quads: healthAclQuads(c, access, aclOf(c.url)) }, OWNER)]));
}
const wanted = (entries: [KindId, string[]][]): AppendersByKind => new Map(entries.map(([k, v]) => [k, new Set(v)]));
const kari: HealthAccess = { owner: OWNER, appenders: { 'body-weight': [VENDOR] }, readers: { 'body-weight': [GPS], 'blood-glucose': [GPS] } };

describe('planDeviceAccess', () => {
  it('grants a vendor Append on exactly the approved kinds, keeps the readers, records each grant', () => {
    const plan = planDeviceAccess(OWNER, categoriesFor(kari), wanted([['body-weight', [VENDOR]], ['blood-glucose', [VENDOR]]]), NOW);
    expect(plan.changes).toEqual([{ category: 'blood-glucose', added: [VENDOR], removed: [] }]);
    expect(plan.writes).toHaveLength(1);
    const after = readContainerAccess(plan.writes[0]!, OWNER);
    expect(after).toMatchObject({ ownerHasControl: true, appenders: [VENDOR], readers: [GPS], unknownRules: [] });
    expect(plan.writes[0]!.etag).toBe(`"${containerOf('blood-glucose').url}"`);
    expect(plan.records).toEqual([{
      dataSubject: OWNER, recipient: VENDOR, data: containerOf('blood-glucose').url, status: 'given', created: '2026-05-12T10:43:00+02:00',
    }]);
  });

  it('takes Append away from a vendor no longer wanted, with a withdrawn record', () => {
    const plan = planDeviceAccess(OWNER, categoriesFor(kari), new Map(), NOW);
    expect(plan.changes).toEqual([{ category: 'body-weight', added: [], removed: [VENDOR] }]);
    expect(readContainerAccess(plan.writes[0]!, OWNER)).toMatchObject({ appenders: [], readers: [GPS], ownerHasControl: true });
    expect(plan.records.map((r) => [r.recipient, r.status])).toEqual([[VENDOR, 'withdrawn']]);
  });

  it('writes exactly what provisioning writes for the same access', () => {
    const plan = planDeviceAccess(OWNER, categoriesFor(kari), wanted([['body-weight', [VENDOR]], ['heart-rate', [OTHER]]]), NOW);
    const c = containerOf('heart-rate');
    expect(plan.writes[0]!.quads).toEqual(healthAclQuads(c, { ...kari, appenders: { 'heart-rate': [OTHER] } }, aclOf(c.url)));
  });

  it('plans nothing when the ACLs already say it', () => {
    expect(planDeviceAccess(OWNER, categoriesFor(kari), wanted([['body-weight', [VENDOR]]]), NOW)).toEqual({ writes: [], records: [], changes: [] });
  });

  it('refuses to rewrite a document holding a rule it does not manage, and leaves such a document alone when nothing changes there', () => {
    const categories = categoriesFor(kari);
    const c = containerOf('blood-glucose');
    const quads = [...categories.get('blood-glucose')!.document.quads, ...aclQuads(aclOf(c.url), c.url, [{ name: 'public', who: [{ public: true }], modes: ['Read'], inherited: true }])];
    categories.set('blood-glucose', readContainerAccess({ container: c, aclUrl: aclOf(c.url), quads }, OWNER));
    expect(() => planDeviceAccess(OWNER, categories, wanted([['blood-glucose', [VENDOR]]]), NOW)).toThrow(DeviceAccessError);
    expect(planDeviceAccess(OWNER, categories, wanted([['body-weight', [VENDOR]], ['heart-rate', [VENDOR]]]), NOW).writes).toHaveLength(1);
  });

  it.each([
    ['a urn', 'urn:x:everyone', /not a WebID/],
    ['Turtle injection', `${VENDOR}> ; <x> <y`, /not a WebID/],
    ['the patient', OWNER, /own access/],
  ])('refuses an appender that is %s', (_, webId, message) => {
    expect(() => planDeviceAccess(OWNER, categoriesFor(kari), wanted([['heart-rate', [webId]]]), NOW)).toThrow(message);
  });

  const kind = fc.constantFrom(...CATEGORIES);
  const vendors = fc.uniqueArray(fc.constantFrom(VENDOR, OTHER), { minLength: 1 });
  const appenders = fc.dictionary(kind, vendors, { maxKeys: 6 });

  it('for any start and any pairings: the result is exactly the wanted appenders, readers kept, and a second plan is empty', () => {
    fc.assert(fc.property(appenders, appenders, (start, goal) => {
      const categories = categoriesFor({ ...kari, appenders: start });
      const goalMap = wanted(Object.entries(goal) as [KindId, string[]][]);
      const plan = planDeviceAccess(OWNER, categories, goalMap, NOW);
      for (const w of plan.writes) {
        const after = readContainerAccess(w, OWNER);
        if (w.container.kind !== 'category') throw new Error('only category ACLs are written');
        categories.set(w.container.category, after);
      }
      for (const k of CATEGORIES) {
        expect(new Set(categories.get(k)!.appenders)).toEqual(new Set(goal[k] ?? []));
        expect(categories.get(k)!.readers).toEqual(kari.readers[k] ?? []);
        expect(categories.get(k)!.ownerHasControl).toBe(true);
      }
      const changed = CATEGORIES.filter((k) => new Set(start[k] ?? []).size !== new Set(goal[k] ?? []).size || (start[k] ?? []).some((v) => !(goal[k] ?? []).includes(v)));
      expect(plan.writes.length).toBe(changed.length);
      expect(planDeviceAccess(OWNER, categories, goalMap, NOW).writes).toEqual([]);
    }), { numRuns: 200 });
  });
});

/** A pod in memory that answers the way CSS does for what syncDeviceAccess sends. */
async function memoryPod(access: HealthAccess, gatewayDevices: PairedDevice[] = []) {
  const documents = new Map<string, { body: string; version: number }>();
  for (const c of categoryContainers) documents.set(aclOf(c.url), { body: await aclTurtle(healthAclQuads(c, access, aclOf(c.url))), version: 1 });
  const puts: string[] = [];
  const patches: string[] = [];
  let conflictOnce = false;
  const etag = (url: string) => `"${documents.get(url)!.version}"`;
  const fetchFn = (async (input: string | URL, init: RequestInit = {}) => {
    const url = String(input);
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    if (url === `${GATEWAY}devices`) return Response.json({ devices: gatewayDevices });
    if (url.endsWith('/') && (method === 'HEAD' || method === 'GET')) {
      const response = new Response(null, { status: 200, headers: { link: `<${aclOf(url)}>; rel="acl"`, 'content-type': 'text/turtle' } });
      return Object.defineProperty(response, 'url', { value: url }); // as fetch sets it (solid-client resolves the Link against it)
    }
    if (method === 'GET') {
      const doc = documents.get(url);
      return doc ? new Response(doc.body, { headers: { etag: etag(url), 'content-type': 'text/turtle' } }) : new Response(null, { status: 404 });
    }
    if (method === 'PUT') {
      if (conflictOnce) {
        conflictOnce = false;
        documents.get(url)!.version += 1; // someone else wrote it in between
      }
      if (headers.get('if-match') !== etag(url)) return new Response(null, { status: 412 });
      documents.set(url, { body: String(init.body), version: documents.get(url)!.version + 1 });
      puts.push(url);
      return new Response(null, { status: 205 });
    }
    if (method === 'PATCH') {
      patches.push(String(init.body));
      return new Response(null, { status: 205 });
    }
    return new Response(null, { status: 405 });
  }) as typeof fetch;
  const appendersOf = (k: KindId) => {
    const c = containerOf(k);
    return readContainerAccess({ container: c, aclUrl: aclOf(c.url), quads: parseAclTurtle(documents.get(aclOf(c.url))!.body, aclOf(c.url)) }, OWNER).appenders;
  };
  const records = () => quadsToConsentRecords(patches.flatMap((patch) => {
    const inserts = /solid:inserts\s*\{([\s\S]*?)\}\s*\.?\s*$/u.exec(patch)?.[1] ?? '';
    return new Parser().parse(inserts);
  }));
  return { fetchFn, puts, records, appendersOf, conflictNext: () => { conflictOnce = true; } };
}

describe('syncDeviceAccess', () => {
  it('rewrites exactly the category ACLs whose appenders differ (If-Match), records each change, and is idempotent', async () => {
    const pod = await memoryPod(kari);
    const goal = wanted([['blood-glucose', [VENDOR]], ['heart-rate', [VENDOR, OTHER]]]);
    const result = await syncDeviceAccess(pod.fetchFn, POD, OWNER, goal, NOW);
    expect(result.changes.map((c) => c.category).sort()).toEqual(['blood-glucose', 'body-weight', 'heart-rate']);
    expect(pod.puts.sort()).toEqual(['blood-glucose', 'body-weight', 'heart-rate'].map((k) => aclOf(containerOf(k as KindId).url)));
    expect(pod.appendersOf('blood-glucose')).toEqual([VENDOR]);
    expect(pod.appendersOf('body-weight')).toEqual([]);
    expect(new Set(pod.appendersOf('heart-rate'))).toEqual(new Set([VENDOR, OTHER]));
    expect(pod.records().map((r) => `${r.status} ${r.recipient} ${r.data.replace(POD, '')}`).sort()).toEqual([
      `given ${VENDOR} health/measurements/blood-glucose/`,
      `given ${VENDOR} health/measurements/heart-rate/`,
      `given ${OTHER} health/measurements/heart-rate/`,
      `withdrawn ${VENDOR} health/measurements/body-weight/`,
    ]);
    expect(await syncDeviceAccess(pod.fetchFn, POD, OWNER, goal, NOW)).toEqual({ changes: [] });
    expect(pod.puts).toHaveLength(3);
  });

  it('reads again once when someone else changed the document in between (412), never overwriting blind', async () => {
    const pod = await memoryPod(kari);
    pod.conflictNext();
    const result = await syncDeviceAccess(pod.fetchFn, POD, OWNER, wanted([['body-weight', [VENDOR]], ['blood-glucose', [VENDOR]]]), NOW);
    expect(result.changes).toEqual([{ category: 'blood-glucose', added: [VENDOR], removed: [] }]);
    expect(pod.appendersOf('blood-glucose')).toEqual([VENDOR]);
    expect(pod.records()).toHaveLength(1);
  });
});

describe('reconcileDeviceAccess', () => {
  const vendor = { webId: VENDOR, name: 'Hjemmemåling AS' };
  const device = (id: string, kinds: KindId[], more: Partial<PairedDevice> = {}): PairedDevice =>
    ({ id, vendor, device: { id, model: 'M' }, kinds, pairedAt: '2026-05-01T08:00:00Z', pendingReadings: 0, ...more });
  const devices = [
    device('active', ['body-weight']),
    device('revoked-delivering', ['heart-rate'], { revokedAt: '2026-05-02T08:00:00Z', pendingReadings: 3 }),
    device('revoked-done', ['blood-glucose'], { revokedAt: '2026-05-02T08:00:00Z' }),
  ];
  const patient = (fetchFn: typeof fetch) => ({ fetch: fetchFn, storage: POD, webId: OWNER });

  it('makes the pod follow the gateway: active pairings and revoked ones still delivering keep Append, the rest lose it', async () => {
    const pod = await memoryPod({ ...kari, appenders: { 'blood-glucose': [VENDOR] } }, devices);
    const { devices: listed } = await reconcileDeviceAccess(GATEWAY, patient(pod.fetchFn));
    expect(listed.map((d) => d.id)).toEqual(['active', 'revoked-delivering', 'revoked-done']);
    expect(pod.appendersOf('body-weight')).toEqual([VENDOR]);
    expect(pod.appendersOf('heart-rate')).toEqual([VENDOR]);
    expect(pod.appendersOf('blood-glucose')).toEqual([]);
  });

  it('before an approval, grants the coming pairing\'s chosen kinds too (the device may send at once)', async () => {
    const pod = await memoryPod(kari, devices.slice(0, 1));
    const asked: PairingRequestView = {
      userCode: 'BCDFGHJK', vendor: { webId: OTHER, name: 'Other AS' }, device: { id: 'x', model: 'M' },
      kinds: ['oxygen-saturation', 'body-temperature'], expiresAt: '2026-05-12T08:53:00Z',
    };
    const { sync } = await reconcileDeviceAccess(GATEWAY, patient(pod.fetchFn), { asked, kinds: ['oxygen-saturation'] });
    expect(sync.changes).toEqual([{ category: 'oxygen-saturation', added: [OTHER], removed: [] }]);
    expect(pod.appendersOf('oxygen-saturation')).toEqual([OTHER]);
    expect(pod.appendersOf('body-temperature')).toEqual([]);
    expect(pod.appendersOf('body-weight')).toEqual([VENDOR]);
  });
});
