/**
 * acl:agentGroup checks with our CachingAgentGroupAccessChecker, against a
 * real CSS (cache time 2 s here) and two small group servers on 127.0.0.1:
 * one on the allow-list, one not. A membership change takes effect within
 * the cache time (at once for groups on this server); a group on a host that
 * is not allowed grants nothing and is never fetched; oversized, slow and
 * redirected group documents grant nothing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthAclTurtle } from '../../apps/shared/health-acl.ts';
import { categoryContainer } from '../../apps/shared/measurement/identity.ts';
import type { KindId } from '../../vocab/catalogue.ts';
import { demoGroup } from '../../pod-server/world/demo-world.ts';
import { aclUrlOf, putTurtle } from '../../pod-server/world/pod-writes.ts';
import { publishGroup } from '../../pod-server/world/profiles.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

const CACHE_SECONDS = 2;
/** Scheduling slack on a busy 2-core machine. */
const SLACK_MS = 1_500;

/** A tiny server of vcard:Group documents that counts what it is asked for. */
interface GroupServer {
  readonly origin: string;
  readonly requests: Map<string, number>;
  members: Set<string>;
  close(): Promise<void>;
}

async function startGroupServer(): Promise<GroupServer> {
  const requests = new Map<string, number>();
  const state = { members: new Set<string>() };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const team = (subject = '<#team>') =>
      `@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n${subject} a vcard:Group ;\n` +
      [...state.members].map((m) => `  vcard:hasMember <${m}> ;\n`).join('') +
      `  vcard:fn "External team" .\n`;
    if (path === '/groups/team') {
      res.writeHead(200, { 'content-type': 'text/turtle' }).end(team());
    } else if (path === '/groups/huge') {
      // A member first, then 1 MB of padding: over the limit, so nobody is a member.
      res.writeHead(200, { 'content-type': 'text/turtle' });
      res.write(team());
      res.end(`# ${'x'.repeat(1024 * 1024)}\n`);
    } else if (path === '/groups/slow') {
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/turtle' }).end(team()), 10_000).unref();
    } else if (path === '/groups/moved') {
      res.writeHead(302, { location: '/groups/moved-here' }).end();
    } else if (path === '/groups/moved-here') {
      // Describes the group the ACL names, so following the redirect would grant access.
      res.writeHead(200, { 'content-type': 'text/turtle' }).end(team(`<http://${req.headers.host}/groups/moved#team>`));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    get members() {
      return state.members;
    },
    set members(value) {
      state.members = value;
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let world: TestWorld;
let allowed: GroupServer;
let disallowed: GroupServer;

beforeAll(async () => {
  allowed = await startGroupServer();
  disallowed = await startGroupServer();
  world = await startTestWorld({
    podServer: { groupCache: { seconds: CACHE_SECONDS, allowedHosts: [allowed.origin], fetchTimeoutMs: 1_000, maxBytes: 64 * 1024 } },
  });
});

afterAll(async () => {
  await world?.stop();
  await allowed?.close();
  await disallowed?.close();
});

const url = (path: string) => new URL(path, world.baseUrl).href;
const webId = (name: string) => url(`${name}/profile/card#me`);

async function status(who: string, target: string): Promise<number> {
  const response = await (await world.fetchAs(who))(target);
  await response.body?.cancel();
  return response.status;
}

/** Polls until `who` gets `expected` on `target`; returns the milliseconds it took. */
async function msUntil(who: string, target: string, expected: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    if ((await status(who, target)) === expected) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`${who} did not get ${expected} on ${target} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** As hans: the category's ACL gives Read to exactly this group (besides hans and the vendor). */
async function grantCategoryTo(category: KindId, group: string): Promise<string> {
  const hans = await world.fetchAs('hans');
  const container = categoryContainer(url('hans/'), category);
  const acl = await aclUrlOf(hans, container);
  const access = { owner: webId('hans'), appenders: { [category]: [webId('vendor')] }, readers: { [category]: [{ group }] } };
  await putTurtle(hans, acl, await healthAclTurtle({ kind: 'category', url: container, category }, access, acl));
  return container;
}

describe('a membership change takes effect within the cache time', () => {
  it('on this server: at once when the organisation changes its group document', async () => {
    const spo2 = categoryContainer(url('hans/'), 'oxygen-saturation');
    const ous = await world.fetchAs('ous');
    const lungeteam = demoGroup('lungeteam');
    expect(await status('holm', spo2)).toBe(200);

    await publishGroup(ous, world.baseUrl, { ...lungeteam, members: [] });
    expect(await msUntil('holm', spo2, 403, CACHE_SECONDS * 1000 + SLACK_MS)).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + SLACK_MS);

    await publishGroup(ous, world.baseUrl, lungeteam);
    expect(await msUntil('holm', spo2, 200, CACHE_SECONDS * 1000 + SLACK_MS)).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + SLACK_MS);
  });

  it('on another allowed host: fetched once per cache time, a change seen within it', async () => {
    allowed.members = new Set([webId('hagen')]);
    const container = await grantCategoryTo('body-temperature', `${allowed.origin}/groups/team#team`);
    for (let i = 0; i < 5; i++) expect(await status('hagen', container)).toBe(200);
    expect(allowed.requests.get('/groups/team')).toBe(1);

    allowed.members = new Set();
    const changed = Date.now();
    const ms = await msUntil('hagen', container, 403, CACHE_SECONDS * 1000 + SLACK_MS);
    expect(Date.now() - changed).toBeLessThanOrEqual(CACHE_SECONDS * 1000 + SLACK_MS);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(allowed.requests.get('/groups/team')).toBe(2);
    // Other clinicians were never members.
    expect(await status('lunde', container)).toBe(403);
  });
});

describe('group documents are fetched only from allowed hosts, with limits', () => {
  it('an ACL pointing to a group on a disallowed host grants nothing and fetches nothing', async () => {
    disallowed.members = new Set([webId('hagen')]);
    const container = await grantCategoryTo('body-mass-index', `${disallowed.origin}/groups/team#team`);
    expect(await status('hagen', container)).toBe(403);
    expect(await status('hagen', container)).toBe(403);
    expect([...disallowed.requests.values()].reduce((a, b) => a + b, 0)).toBe(0);
    // The patient still reads it.
    expect(await status('hans', container)).toBe(200);
  });

  it.each([
    ['larger than the size limit', 'body-height', '/groups/huge'],
    ['slower than the timeout', 'peak-expiratory-flow', '/groups/slow'],
    ['a redirect', 'blood-glucose', '/groups/moved'],
  ] as const)('a group document %s grants nothing', async (_why, category, path) => {
    allowed.members = new Set([webId('hagen')]);
    const container = await grantCategoryTo(category, `${allowed.origin}${path}#team`);
    const started = Date.now();
    expect(await status('hagen', container)).toBe(403);
    expect(Date.now() - started).toBeLessThan(1_000 + SLACK_MS);
    expect(allowed.requests.get(path)).toBe(1);
    expect(allowed.requests.get('/groups/moved-here')).toBeUndefined();
  });
});
