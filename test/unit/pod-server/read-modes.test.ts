/**
 * The pieces that decide what counts as a read (issue #17, point 2), without a
 * server: every PATCH needs at least Read on its target, a subscription's
 * authorization is logged allowed or denied, and AccessRecorder leaves out the
 * owner and what discloses nothing. Fakes stand in for CSS's handlers; CSS's
 * own maps and errors are used as they are.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const EXT = '../../../pod-server/css/extensions/lib';
const css = require('../../../pod-server/css/node_modules/@solid/community-server') as {
  AccessMode: Record<'read' | 'append' | 'write' | 'create', string>;
  IdentifierSetMultiMap: new (entries?: [{ path: string }, string][]) => {
    add(id: { path: string }, mode: string): void;
    get(id: { path: string }): ReadonlySet<string> | undefined;
  };
  ForbiddenHttpError: new (message?: string) => Error & { statusCode: number };
};
const { PatchReadModesExtractor } = require(`${EXT}/http/PatchReadModesExtractor.js`);
const { AccessLoggingAuthorizer } = require(`${EXT}/access-log/AccessLoggingAuthorizer.js`);
const { AccessRecorder } = require(`${EXT}/access-log/AccessRecorder.js`);

const POD = 'http://localhost:3000/hans/';
const target = { path: `${POD}health/measurements/oxygen-saturation/2026-01.ttl` };
const modesOf = (entries: [{ path: string }, string][]) => new css.IdentifierSetMultiMap(entries);

describe('PatchReadModesExtractor', () => {
  const extract = async (fromCss: [{ path: string }, string][]) =>
    [...((await new PatchReadModesExtractor({ canHandle: async () => {}, handle: async () => modesOf(fromCss) }).handle({ target })).get(target) ?? [])].sort();

  it('asks Read of a patch that asked nothing of its target (an N3 Patch with no clause)', async () => {
    expect(await extract([])).toEqual([css.AccessMode.read]);
  });

  it('leaves every other patch as CSS says: insert-only, creating, deleting', async () => {
    expect(await extract([[target, css.AccessMode.append]])).toEqual([css.AccessMode.append]);
    expect(await extract([[target, css.AccessMode.append], [target, css.AccessMode.create]])).toEqual([css.AccessMode.append, css.AccessMode.create].sort());
    expect(await extract([[target, css.AccessMode.read], [target, css.AccessMode.write]])).toEqual([css.AccessMode.read, css.AccessMode.write].sort());
  });
});

/** A recorder that keeps what it was asked to record; pods are those under `/health/` of POD. */
function fakeRecorder() {
  const recorded: object[] = [];
  return {
    recorded,
    healthPodOf: async (path: string) => (path.startsWith(`${POD}health/`) ? POD : undefined),
    record: async (read: object) => void recorded.push(read),
  };
}

describe('AccessLoggingAuthorizer', () => {
  const credentials = { agent: { webId: 'http://localhost:3000/lunde/profile/card#me' } };
  const input = (path: string) => ({ credentials, requestedModes: modesOf([[{ path }, css.AccessMode.read]]), availablePermissions: new Map() });

  it('records an allowed subscription to health data as a subscribe with 200', async () => {
    const recorder = fakeRecorder();
    await new AccessLoggingAuthorizer({ canHandle: async () => {}, handle: async () => {} }, recorder).handle(input(target.path));
    expect(recorder.recorded).toEqual([{ pod: POD, credentials, resource: target.path, method: 'POST', status: 200, action: 'subscribe' }]);
  });

  it('records a refused one with the refusal\'s status and still refuses it; ignores topics outside health/', async () => {
    const recorder = fakeRecorder();
    const refusing = { canHandle: async () => {}, handle: async () => { throw new css.ForbiddenHttpError(); } };
    await expect(new AccessLoggingAuthorizer(refusing, recorder).handle(input(target.path))).rejects.toThrow();
    await expect(new AccessLoggingAuthorizer(refusing, recorder).handle(input(`${POD}profile/card`))).rejects.toThrow();
    expect(recorder.recorded).toEqual([{ pod: POD, credentials, resource: target.path, method: 'POST', status: 403, action: 'subscribe' }]);
  });
});

describe('AccessRecorder', () => {
  const owner = 'http://localhost:3000/hans/profile/card#me';
  const reader = 'http://localhost:3000/lunde/profile/card#me';
  const recorderWith = () => {
    const written: { agent?: string; status: number; action: string }[] = [];
    const podOwners = { podOf: async () => POD, ownersOf: async () => [owner] };
    return { written, recorder: new AccessRecorder(podOwners, { record: (e: { agent?: string; status: number; action: string }) => written.push(e) }) };
  };
  const read = (webId: string | undefined, status: number, action = 'read') =>
    ({ pod: POD, credentials: webId ? { agent: { webId } } : {}, resource: target.path, method: 'PATCH', status, action });

  it('writes answered (205, 409) and refused (401, 403) reads by others; never the owner\'s; never a 404 or 500', async () => {
    const { written, recorder } = recorderWith();
    for (const r of [read(reader, 205), read(reader, 409), read(undefined, 401), read(reader, 403), read(owner, 205), read(reader, 404), read(reader, 500)]) {
      await recorder.record(r);
    }
    expect(written.map((e) => `${e.agent ?? 'anonymous'} ${e.status} ${e.action}`)).toEqual([
      `${reader} 205 read`, `${reader} 409 read`, 'anonymous 401 read', `${reader} 403 read`,
    ]);
  });

  it('finds the pod only for resources under its health/', async () => {
    const { recorder } = recorderWith();
    expect(await recorder.healthPodOf(target.path)).toBe(POD);
    expect(await recorder.healthPodOf(`${POD}profile/card`)).toBeUndefined();
    clearInterval(recorder.suppressedReport);
  });
});
