/**
 * The access log's pieces without a server: the pod server's entry writer
 * (plain CommonJS in pod-server/css/extensions) against the shared reader
 * (apps/shared/access-log.ts), the vocabulary, the SHACL shape, and the
 * journal that carries entries across a crash.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFactory, type Quad } from 'n3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { accessLogDocument, quadsToAccessLogEntries } from '../../../apps/shared/access-log.ts';
import { toOsloIso } from '../../../apps/shared/measurement/identity.ts';
import { validateShapes } from '../../../shapes/validate.ts';
import { HV, PROV } from '../../../vocab/terms.ts';

// The extension is CommonJS run by CSS; load it the way Node does, not through vitest's transform.
const require = createRequire(import.meta.url);
const entries = require('../../../pod-server/css/extensions/lib/access-log/entries.js') as {
  TERMS: Record<string, string>;
  osloIso(date: Date): string;
  dayDocument(pod: string, date: Date): string;
  makeEntry(read: object): Record<string, unknown>;
  entryQuads(entry: object): Quad[];
};
const { Journal } = require('../../../pod-server/css/extensions/lib/access-log/journal.js') as {
  Journal: new (folder: string) => {
    leftOver(): { file: string; entries: { id: string }[] }[];
    open(): void;
    append(entry: object): void;
    rotate(): Promise<{ file: string; entries: { id: string }[] } | undefined>;
    close(): void;
  };
};

const POD = 'http://localhost:3000/hans/';
const LUNDE = 'http://localhost:3000/lunde/profile/card#me';
const read = (over: object = {}) => ({
  id: 'e1', pod: POD, time: new Date('2026-03-01T07:15:30.250Z'), agent: LUNDE, clientId: 'helsevev-demo_123',
  resource: `${POD}health/measurements/oxygen-saturation/2026-03.ttl`, method: 'GET', status: 200, ...over,
});

describe('the pod server\'s entries and the shared reader agree', () => {
  it('uses the terms of vocab/terms.ts', () => {
    const expected = {
      Activity: PROV.Activity, wasAssociatedWith: PROV.wasAssociatedWith, used: PROV.used, startedAtTime: PROV.startedAtTime,
      AccessEvent: HV.AccessEvent, clientId: HV.clientId, httpMethod: HV.httpMethod, httpStatus: HV.httpStatus,
      outcome: HV.outcome, Allowed: HV.Allowed, Denied: HV.Denied, action: HV.action, Read: HV.Read, Subscribe: HV.Subscribe,
    };
    expect(entries.TERMS).toEqual(expected);
  });

  it.each(['2026-01-05T07:30:00.000Z', '2026-07-01T21:59:59.999Z', '2026-03-29T00:59:59.000Z', '2026-10-25T01:30:00.120Z'])(
    'writes %s as apps/shared does (Oslo offset, Oslo day document)',
    (iso) => {
      const date = new Date(iso);
      expect(entries.osloIso(date)).toBe(toOsloIso(date));
      expect(entries.dayDocument(POD, date)).toBe(accessLogDocument(POD, date));
    },
  );

  it('round-trips an allowed and a denied read, anonymous or not, and the quads conform to the shape', async () => {
    const allowed = entries.makeEntry(read());
    const denied = entries.makeEntry(read({ id: 'e2', status: 401, agent: undefined, clientId: undefined, method: 'HEAD' }));
    const quads = [...entries.entryQuads(allowed), ...entries.entryQuads(denied)];
    expect(await validateShapes(quads)).toEqual({ conforms: true, violations: [] });
    const [first, second] = quadsToAccessLogEntries(quads);
    const document = accessLogDocument(POD, new Date('2026-03-01T07:15:30.250Z'));
    expect(first).toEqual({
      iri: `${document}#e1`, agent: LUNDE, clientId: 'helsevev-demo_123', resource: read().resource,
      time: '2026-03-01T08:15:30.250+01:00', method: 'GET', action: 'read', status: 200, outcome: 'allowed',
    });
    expect(second).toEqual({
      iri: `${document}#e2`, resource: read().resource, time: '2026-03-01T08:15:30.250+01:00', method: 'HEAD', action: 'read', status: 401, outcome: 'denied',
    });
  });

  it('round-trips a probing patch and a subscription, and reads an entry from before actions were recorded as a read', async () => {
    const probe = entries.makeEntry(read({ id: 'p', method: 'PATCH', status: 409 }));
    const subscription = entries.makeEntry(read({ id: 's', method: 'POST', status: 403, action: 'subscribe' }));
    const older = entries.entryQuads(entries.makeEntry(read({ id: 'o' }))).filter((q) => q.predicate.value !== HV.action);
    const quads = [...entries.entryQuads(probe), ...entries.entryQuads(subscription), ...older];
    expect(await validateShapes(quads)).toEqual({ conforms: true, violations: [] });
    const byId = new Map(quadsToAccessLogEntries(quads).map((e) => [e.iri.split('#')[1], e]));
    expect(byId.get('p')).toMatchObject({ method: 'PATCH', action: 'read', status: 409, outcome: 'allowed' });
    expect(byId.get('s')).toMatchObject({ method: 'POST', action: 'subscribe', status: 403, outcome: 'denied' });
    expect(byId.get('o')).toMatchObject({ method: 'GET', action: 'read', status: 200, outcome: 'allowed' });
    expect(() => entries.makeEntry(read({ action: 'write' }))).toThrow(/not an access-log action/);
  });

  it('records 304 as allowed and refuses to make an entry of a 404', () => {
    expect(entries.makeEntry(read({ status: 304 })).outcome).toBe('allowed');
    // A patch's where clause that did not match once (409), a failed precondition (412): the reader learnt something.
    expect(entries.makeEntry(read({ status: 409, method: 'PATCH' })).outcome).toBe('allowed');
    expect(entries.makeEntry(read({ status: 412 })).outcome).toBe('allowed');
    expect(entries.makeEntry(read({ status: 403 })).outcome).toBe('denied');
    expect(() => entries.makeEntry(read({ status: 404 }))).toThrow(/neither an allowed nor a denied read/);
  });

  it('has a shape that rejects a write method, a missing resource and an unknown outcome', async () => {
    const subject = DataFactory.namedNode(`${POD}health/access-log/2026-03-01.ttl#bad`);
    const quads = entries.entryQuads(entries.makeEntry(read({ id: 'bad' })))
      .filter((q) => q.predicate.value !== PROV.used)
      .map((q) => (q.predicate.value === HV.httpMethod ? DataFactory.quad(subject, q.predicate, DataFactory.literal('PUT')) : q))
      .map((q) => (q.predicate.value === HV.outcome ? DataFactory.quad(subject, q.predicate, DataFactory.namedNode(`${HV.Allowed}ish`)) : q));
    const report = await validateShapes(quads);
    expect(report.conforms).toBe(false);
    expect(report.violations.map((v) => v.message).sort()).toEqual([
      'An access is a request that needs Read: hv:httpMethod is "GET", "HEAD", "PATCH", "DELETE" or "POST" (a subscription).',
      'An access names exactly one resource that was read (prov:used, its IRI).',
      'An access was either hv:Allowed or hv:Denied (hv:outcome).',
    ]);
  });
});

describe('the journal', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'helsevev-journal-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('rotates what was appended into a segment and starts empty', async () => {
    const journal = new Journal(folder);
    expect(journal.leftOver()).toEqual([]);
    journal.open();
    expect(await journal.rotate()).toBeUndefined();
    journal.append(entries.makeEntry(read({ id: 'a' })));
    journal.append(entries.makeEntry(read({ id: 'b' })));
    const segment = await journal.rotate();
    expect(segment?.entries.map((e) => e.id)).toEqual(['a', 'b']);
    journal.append(entries.makeEntry(read({ id: 'c' })));
    journal.close();
    expect((await readdir(folder)).sort()).toEqual(['current.ndjson', 'segment-000000000001.ndjson']);
  });

  it('hands a crashed process\'s files back oldest first, skipping a torn last line', async () => {
    const first = new Journal(folder);
    first.leftOver();
    first.open();
    first.append(entries.makeEntry(read({ id: 'a' })));
    await first.rotate();
    first.append(entries.makeEntry(read({ id: 'b' })));
    first.close();
    // The crash cut the last line short.
    await writeFile(join(folder, 'current.ndjson'), `${JSON.stringify(entries.makeEntry(read({ id: 'b' })))}\n{"id":"c","po`);

    const second = new Journal(folder);
    const leftOver = second.leftOver();
    expect(leftOver.map((s) => s.entries.map((e) => e.id))).toEqual([['a'], ['b']]);
    second.open();
    second.append(entries.makeEntry(read({ id: 'd' })));
    const next = await second.rotate();
    expect(next?.file).toMatch(/segment-000000000003\.ndjson$/);
    second.close();
  });
});
