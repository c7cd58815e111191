/**
 * The delivery loop: takes outbox entries to the pods, one month document at
 * a time. Readings for the same document that arrive close together are
 * coalesced into one insert-only N3 Patch (a PATCH makes CSS rewrite the whole
 * document, so fewer, larger patches are much cheaper than one per reading).
 *
 * Per document: at most one PATCH in flight (what arrives meanwhile goes with
 * the next one); the first reading waits `coalesceMs` for company, a full
 * patch (`maxPerPatch`) goes at once. Over all documents at most `maxInFlight`
 * PATCHes run at a time: the pod server has two cores, not twenty.
 *
 * Outcomes (apps/shared/append.ts decides, once, which answers are retryable):
 * - 2xx: delivered;
 * - 403: refused, never retried: the patient has not granted the vendor Append;
 * - retryable (401, 5xx, 408, 409, 429, timeouts, pod server unreachable, login
 *   failed): retried with exponential backoff and jitter, without end (the
 *   reading was acknowledged; giving up would lose it);
 * - any other 4xx: the patch is split into single readings to find the one the
 *   pod rejects; a single reading that is still rejected is failed.
 *
 * It never reads a pod, never maps a reading (it appends the triples the
 * intake checked, kept in the outbox entry), and it only ever appends.
 */
import type { Quad } from 'n3';
import type { AppendOutcome } from '../shared/append.ts';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import { entryQuads, type OutboxEntry, type Settlement } from './outbox/outbox.ts';

export const DEFAULT_COALESCE_MS = 1000;

export type AppendFn = (document: string, quads: readonly Quad[]) => Promise<AppendOutcome>;

export interface DeliveryOptions {
  append: AppendFn;
  /** Records an outcome (the outbox's `settle`). */
  settle(ids: readonly string[], outcome: Settlement): Promise<void>;
  /**
   * How long the first reading for an idle document waits for others, ms.
   * Default 1000: at most about one PATCH per document per second, which keeps
   * the pod server's work (each PATCH rewrites the document) low under load.
   */
  coalesceMs?: number;
  /** At most this many readings in one PATCH. Default 100. */
  maxPerPatch?: number;
  /** At most this many PATCHes in flight over all documents. Default 4. */
  maxInFlight?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  log?: (line: string) => void;
}

export interface DocumentState {
  readonly document: string;
  readonly queued: number;
  readonly inFlight: boolean;
  /** Failed attempts in a row (retryable failures). */
  readonly failures: number;
  readonly lastError?: string;
  /** When the next attempt is due, ms since the epoch (while backing off). */
  readonly nextAttemptAt?: number;
}

interface DocumentQueue {
  readonly document: string;
  entries: OutboxEntry[];
  /** When each entry joined the queue (for the coalescing window), parallel to `entries`. */
  joinedAt: number[];
  inFlight: boolean;
  waitingForSlot: boolean;
  timer?: NodeJS.Timeout;
  timerDue?: number;
  failures: number;
  lastError?: string;
  nextAttemptAt?: number;
  /** Send this many more patches one reading at a time (after a rejected patch). */
  singles: number;
}

export class Delivery {
  private readonly docs = new Map<string, DocumentQueue>();
  private readonly ready: DocumentQueue[] = [];
  private inFlight = 0;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly coalesceMs: number;
  private readonly maxPerPatch: number;
  private readonly maxInFlight: number;
  private readonly backoff: BackoffPolicy;
  private readonly random: () => number;
  private readonly log: (line: string) => void;
  /** Totals since start, for the status API and the benchmark. */
  readonly totals = { patches: 0, deliveredReadings: 0, failedAttempts: 0 };

  constructor(private readonly options: DeliveryOptions) {
    this.coalesceMs = options.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.maxPerPatch = Math.max(1, options.maxPerPatch ?? 100);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 4);
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.log = options.log ?? (() => {});
  }

  /**
   * Queues entries for delivery. `immediately` skips the coalescing wait
   * (entries recovered from the outbox on start have waited long enough).
   */
  enqueue(entries: readonly OutboxEntry[], { immediately = false } = {}): void {
    if (this.stopped) return;
    const now = Date.now();
    const joined = immediately ? now - this.coalesceMs : now;
    const touched = new Set<DocumentQueue>();
    for (const entry of entries) {
      let queue = this.docs.get(entry.document);
      if (!queue) {
        queue = { document: entry.document, entries: [], joinedAt: [], inFlight: false, waitingForSlot: false, failures: 0, singles: 0 };
        this.docs.set(entry.document, queue);
      }
      queue.entries.push(entry);
      queue.joinedAt.push(joined);
      touched.add(queue);
    }
    for (const queue of touched) this.schedule(queue);
  }

  /** Delivery state of one month document, if anything is queued for it. */
  documentState(document: string): DocumentState | undefined {
    const q = this.docs.get(document);
    return q && describe(q);
  }

  /** Documents that are backing off after failures, worst first. */
  troubledDocuments(limit = 20): DocumentState[] {
    return [...this.docs.values()]
      .filter((q) => q.failures > 0)
      .sort((a, b) => b.failures - a.failures)
      .slice(0, limit)
      .map(describe);
  }

  /** Readings waiting in memory (not yet delivered nor settled). */
  get queued(): number {
    let n = 0;
    for (const q of this.docs.values()) n += q.entries.length;
    return n;
  }

  /** Resolves when nothing is queued or in flight. */
  whenIdle(): Promise<void> {
    if (this.docs.size === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops scheduling; waits for the PATCHes in flight (their entries stay in the outbox if unsettled). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const q of this.docs.values()) clearTimeout(q.timer);
    await Promise.allSettled([...this.running]);
  }

  private schedule(q: DocumentQueue): void {
    if (this.stopped || q.inFlight || q.waitingForSlot || q.entries.length === 0) return;
    const now = Date.now();
    let due: number;
    if (q.failures > 0 && q.nextAttemptAt !== undefined) due = q.nextAttemptAt;
    else if (q.entries.length >= this.maxPerPatch || q.singles > 0) due = now;
    else due = q.joinedAt[0]! + this.coalesceMs;
    if (q.timer) {
      if (q.timerDue! <= due) return;
      clearTimeout(q.timer);
    }
    q.timerDue = due;
    q.timer = setTimeout(() => {
      q.timer = undefined;
      q.timerDue = undefined;
      this.requestSlot(q);
    }, Math.max(0, due - now));
  }

  private requestSlot(q: DocumentQueue): void {
    if (this.stopped || q.inFlight || q.waitingForSlot) return;
    if (this.inFlight >= this.maxInFlight) {
      q.waitingForSlot = true;
      this.ready.push(q);
      return;
    }
    this.start(q);
  }

  private start(q: DocumentQueue): void {
    const size = q.singles > 0 ? 1 : this.maxPerPatch;
    const batch = q.entries.slice(0, size);
    if (batch.length === 0) return this.forgetIfDone(q);
    if (q.singles > 0) q.singles -= 1;
    q.inFlight = true;
    this.inFlight += 1;
    const run = this.send(q, batch).finally(() => {
      this.running.delete(run);
      q.inFlight = false;
      this.inFlight -= 1;
      this.nextFromReady();
      this.schedule(q);
      this.forgetIfDone(q);
    });
    this.running.add(run);
  }

  private nextFromReady(): void {
    while (this.inFlight < this.maxInFlight && this.ready.length > 0 && !this.stopped) {
      const next = this.ready.shift()!;
      next.waitingForSlot = false;
      this.start(next);
    }
  }

  private forgetIfDone(q: DocumentQueue): void {
    if (q.entries.length > 0 || q.inFlight || q.waitingForSlot || q.timer) return;
    this.docs.delete(q.document);
    if (this.docs.size === 0 && this.inFlight === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async send(q: DocumentQueue, batch: OutboxEntry[]): Promise<void> {
    let outcome: AppendOutcome;
    try {
      outcome = await this.options.append(q.document, patchQuads(batch));
    } catch (error) {
      outcome = { ok: false, retry: true, reason: `delivery failed: ${(error as Error).message}` };
    }
    this.totals.patches += 1;
    const ids = batch.map((e) => e.id);
    const done = (outcomeToSettle: Settlement) => {
      q.entries.splice(0, batch.length);
      q.joinedAt.splice(0, batch.length);
      this.options.settle(ids, outcomeToSettle).catch((error) => this.log(`outbox: could not record delivery: ${(error as Error).message}`));
    };

    if (outcome.ok) {
      q.failures = 0;
      q.lastError = undefined;
      q.nextAttemptAt = undefined;
      this.totals.deliveredReadings += batch.length;
      done({ state: 'delivered', status: outcome.status });
      return;
    }
    if (outcome.retry) {
      q.failures += 1;
      this.totals.failedAttempts += 1;
      q.lastError = outcome.reason;
      q.nextAttemptAt = Date.now() + backoffDelay(q.failures, this.backoff, this.random);
      if (q.failures === 1 || q.failures % 10 === 0) {
        this.log(`delivery to ${q.document} failed ${q.failures}x, next try in ${Math.round((q.nextAttemptAt - Date.now()) / 1000)} s: ${q.lastError}`);
      }
      return;
    }
    q.failures = 0;
    q.nextAttemptAt = undefined;
    if (outcome.status === 403) {
      q.lastError = undefined;
      this.log(`refused: ${batch.length} reading(s) for ${q.document}: ${outcome.reason}`);
      done({ state: 'refused', status: 403, reason: `the patient has not granted the vendor Append on ${q.document} (HTTP 403); not retried` });
      return;
    }
    if (batch.length > 1) {
      // One reading the pod rejects must not take the others with it: try them one by one.
      q.singles = batch.length;
      q.lastError = outcome.reason;
      this.log(`the pod rejected a patch of ${batch.length} readings for ${q.document} (${outcome.reason}); sending them one by one`);
      return;
    }
    this.log(`failed: reading ${ids[0]} for ${q.document}: ${outcome.reason}`);
    done({ state: 'failed', status: outcome.status, reason: outcome.reason });
  }
}

function describe(q: DocumentQueue): DocumentState {
  return {
    document: q.document,
    queued: q.entries.length,
    inFlight: q.inFlight,
    failures: q.failures,
    ...(q.lastError ? { lastError: q.lastError } : {}),
    ...(q.nextAttemptAt ? { nextAttemptAt: q.nextAttemptAt } : {}),
  };
}

/**
 * The quads of a patch: every reading's, with the shared sensor triples once
 * (an entry's triples are N-Triples, one triple a line: the same triple is the
 * same line).
 */
export function patchQuads(batch: readonly OutboxEntry[]): Quad[] {
  const lines = new Set<string>();
  for (const entry of batch) for (const line of entry.triples.split('\n')) if (line) lines.add(line);
  return entryQuads({ triples: [...lines].join('\n') });
}
