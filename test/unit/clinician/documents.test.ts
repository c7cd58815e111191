/**
 * The document fetcher against a fake pod server: bounded concurrency, ETag
 * revalidation (a 304 reuses the parsed copy, a 403 drops it), skipping the
 * rest of a forbidden category or an unreachable pod, one retry.
 */
import { describe, expect, it } from 'vitest';
import { DocumentCache, fetchDocuments } from '../../../apps/clinician/engine/documents.ts';

const TTL = '<#a> <http://x/p> "1" .';

/** A fake fetch over `routes`: url -> (request headers) -> [status, body?, etag?]. */
function fakeServer(routes: Record<string, (h: Headers) => [number, string?, string?]>) {
  const log: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    log.push(`${url}${headers.get('if-none-match') ? ` if-none-match ${headers.get('if-none-match')}` : ''}`);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight -= 1;
    const route = routes[url];
    if (!route) return new Response(null, { status: 404 });
    const [status, body, etag] = route(headers);
    if (status === 0) throw new TypeError('fetch failed');
    return new Response(status === 304 ? null : (body ?? ''), { status, headers: { 'content-type': 'text/turtle', ...(etag ? { etag } : {}) } });
  }) as typeof fetch;
  return { fetchFn, log, maxInFlight: () => maxInFlight };
}

describe('fetchDocuments', () => {
  it('keeps at most `concurrency` requests in flight and returns results in order', async () => {
    const routes = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`http://p/${i}`, () => [200, `<#d${i}> <http://x/p> ${i} .`] as [number, string]]));
    const server = fakeServer(routes);
    const { results, stats } = await fetchDocuments(Object.keys(routes).map((url) => ({ url })), { fetch: server.fetchFn, concurrency: 4 });
    expect(server.maxInFlight()).toBe(4);
    expect(results.map((r) => r.quads[0]!.object.value)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(stats.requests).toBe(20);
  });

  it('revalidates cached documents with If-None-Match and reuses them on 304', async () => {
    let version = '"v1"';
    const server = fakeServer({ 'http://p/doc': (h) => (h.get('if-none-match') === version ? [304] : [200, TTL, version]) });
    const cache = new DocumentCache();
    const first = await fetchDocuments([{ url: 'http://p/doc' }], { fetch: server.fetchFn, cache });
    const second = await fetchDocuments([{ url: 'http://p/doc' }], { fetch: server.fetchFn, cache });
    expect(first.results[0]!.fromCache).toBe(false);
    expect(second.results[0]).toMatchObject({ status: 'read', fromCache: true, httpStatus: 304 });
    expect(second.stats.notModified).toBe(1);
    expect(second.results[0]!.quads).toBe(first.results[0]!.quads);
    version = '"v2"';
    const third = await fetchDocuments([{ url: 'http://p/doc' }], { fetch: server.fetchFn, cache });
    expect(third.results[0]!.fromCache).toBe(false);
    expect(server.log).toEqual(['http://p/doc', 'http://p/doc if-none-match "v1"', 'http://p/doc if-none-match "v1"']);
  });

  it('a 403 after a cached read drops the copy: access is always the server\'s current answer', async () => {
    let allowed = true;
    const server = fakeServer({ 'http://p/doc': (h) => (!allowed ? [403] : h.get('if-none-match') ? [304] : [200, TTL, '"v1"']) });
    const cache = new DocumentCache();
    await fetchDocuments([{ url: 'http://p/doc' }], { fetch: server.fetchFn, cache });
    allowed = false;
    const revoked = await fetchDocuments([{ url: 'http://p/doc' }], { fetch: server.fetchFn, cache });
    expect(revoked.results[0]).toMatchObject({ status: 'forbidden', quads: [] });
    expect(cache.size).toBe(0);
  });

  it('after a 403, skips the rest of that category; after a network failure, the rest of that pod', async () => {
    const server = fakeServer({
      'http://a/w/03': () => [403], 'http://a/w/02': () => [200, TTL], 'http://a/s/03': () => [200, TTL],
      'http://b/w/03': () => [0], 'http://b/s/03': () => [200, TTL],
    });
    const docs = [
      { url: 'http://a/w/03', cat: 'a w', pod: 'a' }, { url: 'http://b/w/03', cat: 'b w', pod: 'b' },
      { url: 'http://a/w/02', cat: 'a w', pod: 'a' }, { url: 'http://a/s/03', cat: 'a s', pod: 'a' }, { url: 'http://b/s/03', cat: 'b s', pod: 'b' },
    ];
    const { results } = await fetchDocuments(docs, { fetch: server.fetchFn, concurrency: 1, groupOf: (d) => ({ category: d.cat, pod: d.pod }) });
    expect(results.map((r) => r.status)).toEqual(['forbidden', 'unreachable', 'skipped', 'read', 'skipped']);
    // The unreachable document was tried twice (one retry), the skipped ones never.
    expect(server.log.filter((l) => l === 'http://b/w/03')).toHaveLength(2);
    expect(server.log).not.toContain('http://a/w/02');
  });

  it('reports documents that are not Turtle', async () => {
    const server = fakeServer({ 'http://p/bad': () => [200, '<#a> <http://x/p> .'] });
    const { results } = await fetchDocuments([{ url: 'http://p/bad' }], { fetch: server.fetchFn });
    expect(results[0]).toMatchObject({ status: 'invalid' });
    expect(results[0]!.detail).toMatch(/not valid Turtle/);
  });

  it('the cache drops the least recently used documents beyond its size', () => {
    const cache = new DocumentCache(2);
    const q = (n: number) => Array.from({ length: n }, () => ({}) as never);
    cache.set('a', { etag: '1', quads: q(1) });
    cache.set('b', { etag: '1', quads: q(1) });
    cache.get('a');
    cache.set('c', { etag: '1', quads: q(1) });
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
  });
});
