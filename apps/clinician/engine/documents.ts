/**
 * Fetching the planned documents: a bounded number in flight, each parsed
 * once, with an ETag cache that saves transfer and parsing but never an
 * access check.
 *
 * Never stale, never over-sharing: every use of a cached document is a
 * conditional GET (If-None-Match) with the asking clinician's own
 * credentials. The pod server checks the ACL before it answers 304 (a revoked
 * reader gets 403, not 304; test/integration/clinician.test.ts), so a cached
 * copy is only used when the server has just said this reader may read this
 * very version. A 403/404 drops the cached copy. Because of that the cache
 * can be shared between clinicians: it holds no decision, only bytes.
 *
 * This module fetches exactly the URLs it is given; it never follows a link
 * or a redirect (apps/shared/same-origin.ts).
 */
import { Parser, type Quad } from 'n3';
import { noRedirects } from '../../shared/same-origin.ts';
import { forEachPooled } from '../../shared/work-pool.ts';

export interface CachedDocument {
  readonly etag: string;
  readonly quads: readonly Quad[];
}

/** Parsed documents by URL, least recently used dropped first when more than `maxQuads` are held. */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();
  private quads = 0;

  constructor(private readonly maxQuads = 3_000_000) {}

  get(url: string): CachedDocument | undefined {
    const entry = this.entries.get(url);
    if (entry) {
      this.entries.delete(url);
      this.entries.set(url, entry);
    }
    return entry;
  }

  set(url: string, entry: CachedDocument): void {
    this.delete(url);
    if (entry.quads.length > this.maxQuads) return;
    this.entries.set(url, entry);
    this.quads += entry.quads.length;
    for (const [oldest, old] of this.entries) {
      if (this.quads <= this.maxQuads) break;
      this.entries.delete(oldest);
      this.quads -= old.quads.length;
    }
  }

  delete(url: string): void {
    const entry = this.entries.get(url);
    if (!entry) return;
    this.entries.delete(url);
    this.quads -= entry.quads.length;
  }

  clear(): void {
    this.entries.clear();
    this.quads = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

export type DocumentStatus =
  | 'read'
  /** No such document: no data that month (not an error). */
  | 'not-found'
  /** 403: the patient has not granted (or has revoked) access. */
  | 'forbidden'
  /** 401 even after logging in again. */
  | 'unauthenticated'
  /** Network error, timeout or 5xx. */
  | 'unreachable'
  /** Answered, but not Turtle we could parse. */
  | 'invalid'
  /** Not asked for: an earlier document of the same category or pod was forbidden or unreachable. */
  | 'skipped';

export interface FetchedDocument {
  readonly status: DocumentStatus;
  readonly httpStatus?: number;
  readonly quads: readonly Quad[];
  readonly fromCache: boolean;
  readonly detail?: string;
}

export interface FetchStats {
  /** HTTP requests sent (retries included). */
  requests: number;
  /** Of those, answered 304 Not Modified (served from the cache after revalidation). */
  notModified: number;
  /** Bytes of bodies received. */
  bytes: number;
  ms: number;
}

export interface FetchDocumentsOptions<T> {
  readonly fetch: typeof fetch;
  readonly cache?: DocumentCache;
  /** Requests in flight at once; default 12 (the pod server has two cores). */
  readonly concurrency?: number;
  /** Per-request timeout; default 15 s. */
  readonly timeoutMs?: number;
  /**
   * Keys that let one answer skip later documents: after a 403/401 on a
   * document, the rest of its `category` are skipped (the ACL is per category
   * container); after a network failure, the rest of its `pod`.
   */
  readonly groupOf?: (doc: T) => { category: string; pod: string };
  readonly onProgress?: (done: number, total: number) => void;
}

const RETRY_DELAY_MS = 200;

async function once(
  url: string,
  fetchFn: typeof fetch,
  cached: CachedDocument | undefined,
  timeoutMs: number,
  stats: FetchStats,
): Promise<{ result: FetchedDocument; etag?: string }> {
  const headers: Record<string, string> = { accept: 'text/turtle' };
  if (cached) headers['if-none-match'] = cached.etag;
  stats.requests += 1;
  // Never follows a redirect: the URL is on an allowed pod server, what it redirects to need not be.
  const response = await fetchFn(url, noRedirects({ headers, signal: AbortSignal.timeout(timeoutMs) }));
  const status = response.status;
  if (status === 304 && cached) {
    await response.body?.cancel();
    stats.notModified += 1;
    return { result: { status: 'read', httpStatus: 304, quads: cached.quads, fromCache: true } };
  }
  if (status === 200) {
    const text = await response.text();
    stats.bytes += Buffer.byteLength(text);
    const type = response.headers.get('content-type') ?? '';
    if (!/^text\/turtle\b/i.test(type)) {
      return { result: { status: 'invalid', httpStatus: status, quads: [], fromCache: false, detail: `answered ${type || 'no Content-Type'}, not text/turtle` } };
    }
    try {
      const quads = new Parser({ baseIRI: url }).parse(text);
      return { result: { status: 'read', httpStatus: status, quads, fromCache: false }, etag: response.headers.get('etag') ?? undefined };
    } catch (error) {
      return { result: { status: 'invalid', httpStatus: status, quads: [], fromCache: false, detail: `not valid Turtle: ${(error as Error).message}` } };
    }
  }
  await response.body?.cancel();
  const byStatus: Record<number, DocumentStatus> = { 401: 'unauthenticated', 403: 'forbidden', 404: 'not-found', 410: 'not-found' };
  const mapped = byStatus[status] ?? (status >= 500 ? 'unreachable' : 'invalid');
  const moved = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return { result: { status: mapped, httpStatus: status, quads: [], fromCache: false, detail: `HTTP ${status}${moved}` } };
}

/**
 * Fetches single documents for one caller, sharing what one answer says
 * about the rest (a 403 skips the rest of that category, a network failure
 * the rest of that pod) and counting requests. Feed it from a list
 * (`fetchDocuments`) or from a queue that grows while pods are found (engine.ts).
 */
export class DocumentFetcher<T extends { readonly url: string }> {
  readonly stats: FetchStats = { requests: 0, notModified: 0, bytes: 0, ms: 0 };
  private readonly blockedCategories = new Map<string, FetchedDocument>();
  private readonly blockedPods = new Map<string, FetchedDocument>();
  private readonly timeoutMs: number;

  constructor(private readonly options: Omit<FetchDocumentsOptions<T>, 'concurrency' | 'onProgress'>) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async fetch(doc: T): Promise<FetchedDocument> {
    const { options, stats, timeoutMs } = this;
    const group = options.groupOf?.(doc);
    const blocked = group && (this.blockedPods.get(group.pod) ?? this.blockedCategories.get(group.category));
    if (blocked) return { ...blocked, quads: [], fromCache: false, status: 'skipped' };
    const cached = options.cache?.get(doc.url);
    let outcome: Awaited<ReturnType<typeof once>>;
    try {
      outcome = await once(doc.url, options.fetch, cached, timeoutMs, stats);
      if (outcome.result.status === 'unreachable') throw new Error(outcome.result.detail);
    } catch {
      // One retry: CSS drops a connection now and then under load.
      await new Promise((r) => setTimeout(r, RETRY_DELAY_MS));
      try {
        outcome = await once(doc.url, options.fetch, cached, timeoutMs, stats);
      } catch (error) {
        const e = error as Error;
        outcome = { result: { status: 'unreachable', quads: [], fromCache: false, detail: e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : e.message } };
      }
    }
    const { result, etag } = outcome;
    if (options.cache) {
      if (result.status === 'read' && !result.fromCache) {
        if (etag) options.cache.set(doc.url, { etag, quads: result.quads });
        else options.cache.delete(doc.url);
      } else if (result.status !== 'read' && result.status !== 'unreachable') {
        options.cache.delete(doc.url);
      }
    }
    if (group && (result.status === 'forbidden' || result.status === 'unauthenticated')) this.blockedCategories.set(group.category, result);
    if (group && result.status === 'unreachable') this.blockedPods.set(group.pod, result);
    return result;
  }
}

/** Fetches and parses `docs` (each at most once), revalidating cached copies. Results are in the order of `docs`. */
export async function fetchDocuments<T extends { readonly url: string }>(
  docs: readonly T[],
  options: FetchDocumentsOptions<T>,
): Promise<{ results: FetchedDocument[]; stats: FetchStats }> {
  const started = performance.now();
  const fetcher = new DocumentFetcher(options);
  const results: FetchedDocument[] = new Array(docs.length);
  let done = 0;
  await forEachPooled(docs, options.concurrency ?? 12, async (doc, i) => {
    results[i] = await fetcher.fetch(doc);
    options.onProgress?.(++done, docs.length);
  });
  fetcher.stats.ms = Math.round(performance.now() - started);
  return { results, stats: fetcher.stats };
}
