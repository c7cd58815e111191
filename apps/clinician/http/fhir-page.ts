/**
 * Searchset paging for `/fhir/Observation`: one page of a search's matches,
 * and the opaque `_page` tokens its `next` and `previous` links carry.
 *
 * Stable paging: the matches are ordered by effective time, then FHIR id, and
 * a token names a position in that order (the key of the last or first
 * reading shown, keyset paging), not an offset, so a reading that arrives
 * while someone pages can never make another one appear twice or be skipped.
 * The token also pins the search's time window (a search without a date is
 * "the last 30 days" from its first page, not from each page).
 *
 * A token is sealed with AES-256-GCM under a random key made when the process
 * starts (kept nowhere), with the caller's WebID and the search's parameters
 * as additional data: a token opens only for the same caller and the same
 * search, within an hour, in the same process. Any other token (someone
 * else's, altered, expired, from before a restart) gets one and the same 410
 * answer, so the answer says nothing about why. A token must never carry
 * anything the caller could not see anyway (it carries times and a FHIR id).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { FhirSearchError } from './fhir.ts';

/** Where in the ordered matches a page starts: after (next) or before (previous) a reading. */
export interface PageKey {
  /** Effective time, ms since the epoch. */
  readonly time: number;
  /** FHIR id. */
  readonly id: string;
}

export interface PageCursor {
  readonly direction: 'after' | 'before';
  readonly key: PageKey;
  /** The window of the first page, pinned for every later page. */
  readonly from: Date;
  readonly to: Date;
}

export const PAGE_EXPIRED = 'this page link has expired; start the search again';
const TOKEN_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The one answer to any token that does not open. */
const expired = () => new FhirSearchError(410, 'invalid', PAGE_EXPIRED);

export class PageTokens {
  private readonly key = randomBytes(32);

  constructor(private readonly ttlMs = 60 * 60_000, private readonly now: () => number = Date.now) {}

  /** A token for `cursor`, opening only with the same `binding` (caller and search). */
  seal(binding: string, cursor: PageCursor): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(binding, 'utf8'));
    const plain = JSON.stringify({
      v: TOKEN_VERSION, e: this.now() + this.ttlMs, d: cursor.direction === 'after' ? 'a' : 'b',
      t: cursor.key.time, i: cursor.key.id, f: cursor.from.getTime(), u: cursor.to.getTime(),
    });
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
  }

  /** The cursor in `token`; a 410 FhirSearchError for any token that is not this process's, for this binding, unexpired. */
  open(binding: string, token: string): PageCursor {
    if (!/^[A-Za-z0-9_-]{40,600}$/.test(token)) throw expired();
    const raw = Buffer.from(token, 'base64url');
    let plain: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      decipher.setAAD(Buffer.from(binding, 'utf8'));
      plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw expired();
    }
    const c = JSON.parse(plain) as { v: number; e: number; d: 'a' | 'b'; t: number; i: string; f: number; u: number };
    if (c.v !== TOKEN_VERSION || !(c.e > this.now())) throw expired();
    return { direction: c.d === 'a' ? 'after' : 'before', key: { time: c.t, id: c.i }, from: new Date(c.f), to: new Date(c.u) };
  }
}

/** Orders keys: effective time, then id. */
export function compareKeys(a: PageKey, b: PageKey): number {
  return a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Matches before the page's first item (a `previous` link). */
  readonly hasPrevious: boolean;
  /** Matches after the page's last item (a `next` link). */
  readonly hasNext: boolean;
}

/**
 * The page of `count` items of `sorted` (ordered by compareKeys of `keyOf`)
 * at `cursor`: the first page without one, the ones after or before its key.
 */
export function pageOf<T>(sorted: readonly T[], keyOf: (item: T) => PageKey, count: number, cursor?: Pick<PageCursor, 'direction' | 'key'>): Page<T> {
  let start = 0;
  let end = Math.min(count, sorted.length);
  if (cursor?.direction === 'after') {
    start = firstIndex(sorted, (item) => compareKeys(keyOf(item), cursor.key) > 0);
    end = Math.min(start + count, sorted.length);
  } else if (cursor?.direction === 'before') {
    end = firstIndex(sorted, (item) => compareKeys(keyOf(item), cursor.key) >= 0);
    start = Math.max(0, end - count);
  }
  const items = sorted.slice(start, end);
  return { items, hasPrevious: count > 0 && start > 0, hasNext: count > 0 && end < sorted.length };
}

/** The first index whose item passes `test` (items are sorted, `test` monotone); length when none. */
function firstIndex<T>(sorted: readonly T[], test: (item: T) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (test(sorted[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
