'use strict';
/**
 * Group documents (vcard:Group with vcard:hasMember), fetched the safe way and
 * remembered for a short time.
 *
 * - Only from allowed places: the server's own base URL and the configured
 *   hosts (origins or base URLs), compared by parsed origin and path, never
 *   as string prefixes; no user info. Anything else is never fetched.
 * - Unauthenticated (as CSS does: group documents are public), no redirects,
 *   Turtle / N-Triples / N3 only (no JSON-LD, whose remote contexts would be
 *   fetched too), with a timeout and a size limit.
 * - Each document is fetched once per `cacheSeconds` (concurrent requests
 *   share one fetch); at most `maxEntries` documents are kept, least recently
 *   used first out. A failed fetch counts as "no members" and is retried
 *   after at most 5 s. `invalidate(url)` drops a document at once (the server
 *   calls it when one of its own resources changes).
 */
const { Parser } = require('n3');
const { isWithin } = require('../util/same-origin');

const VCARD_HAS_MEMBER = 'http://www.w3.org/2006/vcard/ns#hasMember';
const RDF_TYPES = new Map([
  ['text/turtle', 'text/turtle'],
  ['application/n-triples', 'application/n-triples'],
  ['text/n3', 'text/n3'],
]);
const FAILURE_TTL_MS = 5_000;

class GroupFetchError extends Error {}

/** Normalises an allow-list entry ("https://groups.example", "http://localhost:3000/base/") to a URL prefix. */
function allowedPrefix(entry) {
  const url = new URL(entry.trim());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Not an http(s) URL: ${entry}`);
  url.search = '';
  url.hash = '';
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

class GroupDocuments {
  /**
   * @param {{ baseUrl: string, allowedHosts?: string[], cacheSeconds?: number, maxEntries?: number,
   *           timeoutMs?: number, maxBytes?: number, fetch?: typeof fetch, log?: (message: string) => void }} options
   */
  constructor(options) {
    this.allowed = [options.baseUrl, ...(options.allowedHosts ?? [])].filter((e) => e && e.trim()).map(allowedPrefix);
    this.ttlMs = Math.max(0, Number(options.cacheSeconds ?? 30)) * 1000;
    this.maxEntries = Math.max(1, Number(options.maxEntries ?? 1000));
    this.timeoutMs = Number(options.timeoutMs ?? 3000);
    this.maxBytes = Number(options.maxBytes ?? 512 * 1024);
    this.fetch = options.fetch ?? globalThis.fetch;
    this.log = options.log ?? (() => {});
    /** url -> { expires, members: Promise<Map<group, Set<webId>>> }, in least-recently-used order. */
    this.cache = new Map();
    this.refused = new Set();
    this.fetches = 0;
  }

  /** By parsed origin and path, never by string prefix; no user info (lib/util/same-origin.js). */
  isAllowed(url) {
    return isWithin(url, this.allowed);
  }

  /** Whether `webId` is a vcard:hasMember of `group` (an IRI, `document#fragment`). Never throws. */
  async isMember(group, webId) {
    const document = group.replace(/#.*$/u, '');
    if (!this.isAllowed(document)) {
      if (this.refused.size < 1000 && !this.refused.has(document)) {
        this.refused.add(document);
        this.log(`Not fetching the group document ${document}: its host is not on the allow-list`);
      }
      return false;
    }
    const members = await this.membersOf(document);
    return members.get(group)?.has(webId) ?? false;
  }

  async membersOf(document) {
    const now = Date.now();
    const cached = this.cache.get(document);
    if (cached && cached.expires > now) {
      // Refresh its place in the LRU order.
      this.cache.delete(document);
      this.cache.set(document, cached);
      return cached.members;
    }
    const entry = { expires: now + this.ttlMs, members: undefined };
    entry.members = this.load(document).catch((error) => {
      entry.expires = Math.min(entry.expires, Date.now() + FAILURE_TTL_MS);
      this.log(`Group document ${document} could not be used, so it grants nothing: ${error.message}`);
      return new Map();
    });
    this.cache.delete(document);
    this.cache.set(document, entry);
    while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value);
    return entry.members;
  }

  invalidate(document) {
    this.cache.delete(document);
  }

  async load(document) {
    this.fetches += 1;
    const response = await this.fetch(document, {
      headers: { accept: 'text/turtle, application/n-triples;q=0.9, text/n3;q=0.8' },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.timeoutMs),
    }).catch((error) => {
      throw new GroupFetchError(error?.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : `${error?.message ?? error}`);
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new GroupFetchError(`HTTP ${response.status} (redirects are not followed)`);
    }
    const type = RDF_TYPES.get((response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase());
    if (!type) {
      await response.body?.cancel();
      throw new GroupFetchError(`content type ${response.headers.get('content-type')} is not Turtle, N-Triples or N3`);
    }
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > this.maxBytes) {
      await response.body?.cancel();
      throw new GroupFetchError(`larger than ${this.maxBytes} bytes`);
    }
    const text = await readLimited(response, this.maxBytes, this.timeoutMs);
    const members = new Map();
    for (const q of new Parser({ baseIRI: document, format: type }).parse(text)) {
      if (q.predicate.value !== VCARD_HAS_MEMBER || q.object.termType !== 'NamedNode') continue;
      const set = members.get(q.subject.value) ?? new Set();
      set.add(q.object.value);
      members.set(q.subject.value, set);
    }
    return members;
  }
}

/** The body as text, failing once it passes `maxBytes`. */
async function readLimited(response, maxBytes, timeoutMs) {
  const chunks = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) throw new GroupFetchError(`larger than ${maxBytes} bytes`);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof GroupFetchError) throw error;
    throw new GroupFetchError(error?.name === 'TimeoutError' ? `no complete answer within ${timeoutMs} ms` : `${error?.message ?? error}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

module.exports = { GroupDocuments, allowedPrefix };
