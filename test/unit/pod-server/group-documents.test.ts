/**
 * GroupDocuments (pod-server/css/extensions/lib/groups), the safe group
 * fetcher behind our acl:agentGroup checks, with a fake fetch: the
 * allow-list, the cache (time, size, shared in-flight fetches, invalidation),
 * and the limits (size, time, redirects, content types).
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

const require = createRequire(import.meta.url);
const { GroupDocuments, allowedPrefix } = require('../../../pod-server/css/extensions/lib/groups/GroupDocuments.js') as {
  allowedPrefix(entry: string): string;
  GroupDocuments: new (options: {
    baseUrl: string; allowedHosts?: string[]; cacheSeconds?: number; maxEntries?: number;
    timeoutMs?: number; maxBytes?: number; fetch?: typeof fetch; log?: (m: string) => void;
  }) => { isMember(group: string, webId: string): Promise<boolean>; invalidate(url: string): void; fetches: number };
};

const BASE = 'http://localhost:3000/';
const LUNDE = `${BASE}lunde/profile/card#me`;
const group = (members: string[], subject = '<#group>') =>
  `@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .\n${subject} a vcard:Group${members.map((m) => ` ;\n  vcard:hasMember <${m}>`).join('')} .\n`;

/** A fake fetch answering from a table of URL -> () => Response; counts calls. */
function fakeFetch(routes: Record<string, (init?: RequestInit) => Response | Promise<Response>>) {
  const calls: string[] = [];
  const fn = vi.fn(async (url: string | URL, init?: RequestInit) => {
    calls.push(String(url));
    const route = routes[String(url)];
    if (!route) return new Response('not found', { status: 404 });
    return route(init);
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}
const turtle = (body: string, headers: Record<string, string> = {}) => new Response(body, { headers: { 'content-type': 'text/turtle', ...headers } });

afterEach(() => {
  vi.useRealTimers();
});

describe('the allow-list', () => {
  it('normalises origins and base URLs to prefixes', () => {
    expect(allowedPrefix('https://groups.example')).toBe('https://groups.example/');
    expect(allowedPrefix(' http://localhost:3000/base ')).toBe('http://localhost:3000/base/');
    expect(() => allowedPrefix('ftp://x.example')).toThrow(/http/);
  });

  it('fetches from the server itself and the listed hosts only; everything else is "not a member", unfetched', async () => {
    const { fetch, calls } = fakeFetch({
      [`${BASE}ous/groups/team`]: () => turtle(group([LUNDE])),
      'https://groups.example/teams/a': () => turtle(group([LUNDE])),
    });
    const logs: string[] = [];
    const groups = new GroupDocuments({ baseUrl: BASE, allowedHosts: ['https://groups.example'], fetch, log: (m) => logs.push(m) });
    expect(await groups.isMember(`${BASE}ous/groups/team#group`, LUNDE)).toBe(true);
    expect(await groups.isMember('https://groups.example/teams/a#group', LUNDE)).toBe(true);
    for (const elsewhere of [
      'https://evil.example/team#group',
      'https://groups.example.evil.example/teams/a#group',
      'http://groups.example/teams/a#group',
      'http://169.254.169.254/latest/meta-data#group',
      'http://localhost:3001/ous/groups/team#group',
      'file:///etc/passwd#group',
    ]) {
      expect(await groups.isMember(elsewhere, LUNDE), elsewhere).toBe(false);
    }
    expect(calls).toEqual([`${BASE}ous/groups/team`, 'https://groups.example/teams/a']);
    expect(logs.filter((l) => l.includes('allow-list'))).toHaveLength(6);
  });

  it('tells members from non-members and groups apart within one document', async () => {
    const doc = `${BASE}ous/groups/teams`;
    const { fetch } = fakeFetch({ [doc]: () => turtle(group([LUNDE], '<#a>') + group([], '<#b>')) });
    const groups = new GroupDocuments({ baseUrl: BASE, fetch });
    expect(await groups.isMember(`${doc}#a`, LUNDE)).toBe(true);
    expect(await groups.isMember(`${doc}#a`, `${BASE}hagen/profile/card#me`)).toBe(false);
    expect(await groups.isMember(`${doc}#b`, LUNDE)).toBe(false);
  });
});

describe('the cache', () => {
  const doc = `${BASE}ous/groups/team`;

  it('fetches a document once per cache time, shared by concurrent checks', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let members = [LUNDE];
    const { fetch, calls } = fakeFetch({ [doc]: () => turtle(group(members)) });
    const groups = new GroupDocuments({ baseUrl: BASE, cacheSeconds: 30, fetch });
    expect(await Promise.all(Array.from({ length: 20 }, () => groups.isMember(`${doc}#group`, LUNDE)))).toEqual(Array(20).fill(true));
    members = [];
    vi.advanceTimersByTime(29_000);
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(true);
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(1_001);
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('drops a document at once when told it changed', async () => {
    let members = [LUNDE];
    const { fetch, calls } = fakeFetch({ [doc]: () => turtle(group(members)) });
    const groups = new GroupDocuments({ baseUrl: BASE, cacheSeconds: 30, fetch });
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(true);
    members = [];
    groups.invalidate(doc);
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(false);
    expect(calls).toHaveLength(2);
  });

  it('keeps at most maxEntries documents, least recently used out first', async () => {
    const routes = Object.fromEntries([1, 2, 3].map((n) => [`${BASE}org/groups/${n}`, () => turtle(group([LUNDE]))]));
    const { fetch, calls } = fakeFetch(routes);
    const groups = new GroupDocuments({ baseUrl: BASE, maxEntries: 2, fetch });
    const check = (n: number) => groups.isMember(`${BASE}org/groups/${n}#group`, LUNDE);
    await check(1);
    await check(2);
    await check(1); // 1 is now the most recently used
    await check(3); // evicts 2
    await check(1);
    expect(calls).toHaveLength(3);
    await check(2);
    expect(calls).toHaveLength(4);
  });

  it('retries a failed document after at most 5 s, even with a longer cache time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let up = false;
    const { fetch, calls } = fakeFetch({ [doc]: () => (up ? turtle(group([LUNDE])) : new Response('down', { status: 503 })) });
    const groups = new GroupDocuments({ baseUrl: BASE, cacheSeconds: 60, fetch });
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(false);
    up = true;
    vi.advanceTimersByTime(4_000);
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(false);
    vi.advanceTimersByTime(1_500);
    expect(await groups.isMember(`${doc}#group`, LUNDE)).toBe(true);
    expect(calls).toHaveLength(2);
  });
});

describe('the limits: a document that breaks one grants nothing', () => {
  const doc = `${BASE}ous/groups/team`;
  const check = async (route: (init?: RequestInit) => Response | Promise<Response>, options = {}) => {
    const logs: string[] = [];
    const { fetch } = fakeFetch({ [doc]: route });
    const groups = new GroupDocuments({ baseUrl: BASE, fetch, log: (m) => logs.push(m), ...options });
    return { member: await groups.isMember(`${doc}#group`, LUNDE), logs };
  };

  it('is refused when larger than maxBytes, whether it says so or not', async () => {
    const big = group([LUNDE]) + `# ${'x'.repeat(2_000)}\n`;
    expect((await check(() => turtle(big), { maxBytes: 1_000 })).member).toBe(false);
    const undeclared = () => new Response(new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    }), { headers: { 'content-type': 'text/turtle' } });
    const { member, logs } = await check(undeclared, { maxBytes: 1_000 });
    expect(member).toBe(false);
    expect(logs.join()).toMatch(/larger than 1000 bytes/);
    expect((await check(() => turtle(big), { maxBytes: 10_000 })).member).toBe(true);
  });

  it('gives up after timeoutMs', async () => {
    const hang = (init?: RequestInit) => new Promise<Response>((_, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
    const started = Date.now();
    const { member, logs } = await check(hang, { timeoutMs: 100 });
    expect(member).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(logs.join()).toMatch(/no answer within 100 ms/);
  });

  it('does not follow redirects and asks for them not to be followed', async () => {
    let redirect: RequestRedirect | undefined;
    const { member } = await check((init) => {
      redirect = init?.redirect;
      return new Response(null, { status: 302, headers: { location: 'https://evil.example/' } });
    });
    expect(member).toBe(false);
    expect(redirect).toBe('manual');
  });

  it('parses Turtle, N-Triples and N3 only (JSON-LD could make it fetch remote contexts)', async () => {
    const nt = `<${doc}#group> <http://www.w3.org/2006/vcard/ns#hasMember> <${LUNDE}> .\n`;
    expect((await check(() => new Response(nt, { headers: { 'content-type': 'application/n-triples' } }))).member).toBe(true);
    const jsonld = JSON.stringify({ '@context': 'https://evil.example/context', '@id': '#group' });
    const { member, logs } = await check(() => new Response(jsonld, { headers: { 'content-type': 'application/ld+json' } }));
    expect(member).toBe(false);
    expect(logs.join()).toMatch(/not Turtle/);
  });

  it('treats unparseable Turtle as no members', async () => {
    expect((await check(() => turtle('this is not turtle <'))).member).toBe(false);
  });
});
