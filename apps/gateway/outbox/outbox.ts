/**
 * The gateway's durable outbox: every reading the gateway has acknowledged,
 * until a pod has taken it. "Acknowledged means durable": `accept` resolves
 * only once the readings are fsync'd in the log (log-file.ts), so a crash
 * right after the answer loses nothing, and on restart every entry without a
 * recorded outcome is delivered again (a no-op in the pod if it had landed:
 * measurement IRIs are deterministic).
 *
 * Log records, one JSON object per line (records.ts reads and writes them):
 *   {op:"accept", at, entries:[{id, doc, fp, nt}]}       one per request, so a
 *                                                          batch is all or nothing
 *   {op:"settle", at, state, ids, status?, reason?}       delivered / refused / failed
 *   {op:"known", entries:[[id, state, doc, acceptedAt, settledAt, fingerprint, status, reason]]}
 *                                                          settled entries kept by compaction
 *
 * An accept entry keeps what delivery needs and nothing else: the month
 * document `doc`, the reading's triples `nt` as N-Triples (mapped and
 * SHACL-checked once, at intake; delivery appends them as they are, so what
 * was checked is what lands), and the fingerprint `fp` that tells a re-sent
 * reading from a conflicting one. Format 1 accept entries held the measurement
 * and its pod root instead ({id, doc, storage, m}); replay still reads them.
 *
 * Settled entries are remembered (newest `retainSettled`) so a re-sent reading
 * is recognised and its status can be asked for; compaction rewrites the log
 * with the pending entries and those memories only.
 */
import { JsonLinesLog, type Recovery } from './log-file.ts';
import {
  acceptRecord, replay, type EntryState, type EntryStatus, type KnownTuple, type LogRecord, type OutboxEntry, type SettledEntry,
  type SettledState, type SettleRecord,
} from './records.ts';

export { entryQuads, entryTriples, fingerprintOf } from './records.ts';
export type { EntryState, EntryStatus, OutboxEntry, SettledState } from './records.ts';

export interface Settlement {
  readonly state: SettledState;
  readonly status?: number;
  readonly reason?: string;
}

export type AcceptOutcome =
  /** Nothing was written: a reading with the same identity but other values is already known. */
  | { ok: false; conflicts: { index: number; id: string; existing: EntryStatus }[] }
  /** Resolves once every entry is durable; `duplicate` marks entries that were already known. */
  | { ok: true; durable: Promise<{ id: string; duplicate: boolean; state: EntryState }[]> };

export interface OutboxOptions {
  /** How many settled entries to remember (for duplicate detection and status). Default 100,000. */
  retainSettled?: number;
  /** Compact once the log is larger than this and mostly settled. Default 8 MiB. */
  compactAtBytes?: number;
  log?: (line: string) => void;
}

/** Rough bytes per entry in a compacted log, to decide when compaction pays (the triples are most of it). */
const PENDING_BYTES = 3000;
const SETTLED_BYTES = 150;
const KNOWN_PER_LINE = 500;

export class Outbox {
  private readonly pending = new Map<string, OutboxEntry>();
  private readonly settled = new Map<string, SettledEntry>();
  /** Entries being written right now: duplicates wait for the same flush. */
  private readonly committing = new Map<string, { entry: OutboxEntry; durable: Promise<unknown> }>();
  private readonly listeners: ((entries: readonly OutboxEntry[]) => void)[] = [];
  private compacting: Promise<void> | undefined;
  private readonly retain: number;
  private readonly compactAt: number;
  private readonly log: (line: string) => void;

  private constructor(private readonly file: JsonLinesLog, options: OutboxOptions) {
    this.retain = options.retainSettled ?? 100_000;
    this.compactAt = options.compactAtBytes ?? 8 * 1024 * 1024;
    this.log = options.log ?? (() => {});
  }

  /** Opens the outbox in `path`, replaying the log; a torn last record is dropped. */
  static async open(path: string, options: OutboxOptions = {}): Promise<{ outbox: Outbox; recovery: Recovery }> {
    const pending = new Map<string, OutboxEntry>();
    const settled = new Map<string, SettledEntry>();
    const { log, recovery } = await JsonLinesLog.open(path, (record) => replay(record as LogRecord, pending, settled));
    const outbox = new Outbox(log, options);
    for (const [id, e] of pending) outbox.pending.set(id, e);
    for (const [id, e] of settled) outbox.settled.set(id, e);
    outbox.trimSettled();
    if (recovery.skippedLines > 0) outbox.log(`outbox: skipped ${recovery.skippedLines} unreadable line(s) in ${path}`);
    if (recovery.tornBytes > 0) outbox.log(`outbox: cut off a torn last record (${recovery.tornBytes} bytes) in ${path}`);
    await outbox.compactIfWorthIt();
    return { outbox, recovery };
  }

  /** Called with entries once they are durable (and, on start, with nothing: use pendingEntries()). */
  onAccepted(listener: (entries: readonly OutboxEntry[]) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Takes readings in, all or nothing. Entries already known with the same
   * values are duplicates (not written again); a known id with other values is
   * a conflict and nothing is written. Refused and failed entries sent again
   * are accepted again: the patient may have granted access since.
   */
  accept(entries: readonly Omit<OutboxEntry, 'acceptedAt'>[]): AcceptOutcome {
    const conflicts: { index: number; id: string; existing: EntryStatus }[] = [];
    const fresh: OutboxEntry[] = [];
    const waits: Promise<unknown>[] = [];
    const seen = new Map<string, string>();
    const at = Date.now();
    entries.forEach((entry, index) => {
      const { fingerprint } = entry;
      const existing = this.known(entry.id);
      const inRequest = seen.get(entry.id);
      if (inRequest !== undefined) {
        if (inRequest !== fingerprint) conflicts.push({ index, id: entry.id, existing: { id: entry.id, state: 'pending', document: entry.document, acceptedAt: at } });
        return;
      }
      seen.set(entry.id, fingerprint);
      if (existing && existing.fingerprint !== fingerprint) {
        conflicts.push({ index, id: entry.id, existing: existing.status });
        return;
      }
      const committing = this.committing.get(entry.id);
      if (committing) {
        waits.push(committing.durable);
        return;
      }
      if (existing && (existing.status.state === 'pending' || existing.status.state === 'delivered')) return;
      fresh.push({ ...entry, acceptedAt: at });
    });
    if (conflicts.length > 0) return { ok: false, conflicts };

    const written = fresh.length > 0 ? this.file.append(acceptRecord(at, fresh)) : Promise.resolve();
    for (const e of fresh) this.committing.set(e.id, { entry: e, durable: written });
    const freshIds = new Set(fresh.map((e) => e.id));

    const durable = (async () => {
      try {
        await written;
      } finally {
        for (const e of fresh) this.committing.delete(e.id);
      }
      for (const e of fresh) {
        this.settled.delete(e.id);
        this.pending.set(e.id, e);
      }
      if (fresh.length > 0) for (const listener of this.listeners) listener(fresh);
      await Promise.all(waits);
      return [...seen.keys()].map((id) => ({ id, duplicate: !freshIds.has(id), state: this.status(id)?.state ?? 'pending' }));
    })();
    return { ok: true, durable };
  }

  /**
   * Records the outcome of a delivery. The state changes at once; the record
   * is written with the next flush (losing it only means one more, harmless,
   * delivery after a crash).
   */
  settle(ids: readonly string[], outcome: Settlement): Promise<void> {
    const at = Date.now();
    const settledIds: string[] = [];
    for (const id of ids) {
      const entry = this.pending.get(id);
      if (!entry) continue;
      this.pending.delete(id);
      this.settled.set(id, {
        id, state: outcome.state, document: entry.document, acceptedAt: entry.acceptedAt, settledAt: at,
        fingerprint: entry.fingerprint, status: outcome.status, reason: outcome.reason,
      });
      settledIds.push(id);
    }
    this.trimSettled();
    if (settledIds.length === 0) return Promise.resolve();
    const record: SettleRecord = { op: 'settle', at, state: outcome.state, ids: settledIds, ...(outcome.status ? { status: outcome.status } : {}), ...(outcome.reason ? { reason: outcome.reason } : {}) };
    return this.file.append(record).then(() => this.compactIfWorthIt());
  }

  /** The entry's state, if the gateway knows it. */
  status(id: string): EntryStatus | undefined {
    return this.known(id)?.status;
  }

  /** Pending entries in the order they were accepted. */
  pendingEntries(): OutboxEntry[] {
    return [...this.pending.values()];
  }

  /** Settled entries in a state, newest first. */
  settledEntries(state: SettledState, limit: number): EntryStatus[] {
    const found: EntryStatus[] = [];
    const all = [...this.settled.values()];
    for (let i = all.length - 1; i >= 0 && found.length < limit; i--) {
      const { fingerprint: _, ...status } = all[i]!;
      if (status.state === state) found.push(status);
    }
    return found;
  }

  counts(): Record<EntryState, number> {
    const counts = { pending: this.pending.size, delivered: 0, refused: 0, failed: 0 };
    for (const e of this.settled.values()) counts[e.state] += 1;
    return counts;
  }

  get logBytes(): number {
    return this.file.bytes;
  }

  /** How the log's flushes (write + fdatasync, shared by concurrent requests) are doing. */
  flushStats(): { flushes: number; recordsPerFlush: number; ms?: { p50: number; p99: number; max: number } } {
    const flushes = this.file.flushTimes.count;
    return { flushes, recordsPerFlush: flushes ? Math.round((this.file.flushedRecords / flushes) * 10) / 10 : 0, ms: this.file.flushTimes.summary() };
  }

  /** Rewrites the log with only what is still needed. */
  compact(): Promise<void> {
    this.compacting ??= this.file
      .rewrite(() => this.snapshot())
      .finally(() => {
        this.compacting = undefined;
      });
    return this.compacting;
  }

  async close(): Promise<void> {
    await this.compacting?.catch(() => {});
    await this.file.close();
  }

  private known(id: string): { fingerprint: string; status: EntryStatus } | undefined {
    const pending = this.pending.get(id);
    if (pending) return { fingerprint: pending.fingerprint, status: { id, state: 'pending', document: pending.document, acceptedAt: pending.acceptedAt } };
    const settled = this.settled.get(id);
    if (settled) {
      const { fingerprint, ...status } = settled;
      return { fingerprint, status };
    }
    const committing = this.committing.get(id);
    if (committing) {
      const e = committing.entry;
      return { fingerprint: e.fingerprint, status: { id, state: 'pending', document: e.document, acceptedAt: e.acceptedAt } };
    }
    return undefined;
  }

  private trimSettled(): void {
    let excess = this.settled.size - this.retain;
    if (excess <= 0) return;
    for (const id of this.settled.keys()) {
      if (excess-- <= 0) break;
      this.settled.delete(id);
    }
  }

  private async compactIfWorthIt(): Promise<void> {
    if (this.compacting || this.file.bytes < this.compactAt) return;
    const live = this.pending.size * PENDING_BYTES + this.settled.size * SETTLED_BYTES;
    if (this.file.bytes < 2 * live) return;
    const before = this.file.bytes;
    try {
      await this.compact();
      this.log(`outbox: compacted the log from ${before} to ${this.file.bytes} bytes (${this.pending.size} pending)`);
    } catch (error) {
      this.log(`outbox: ${(error as Error).message}`);
    }
  }

  private *snapshot(): Generator<LogRecord> {
    let known: KnownTuple[] = [];
    for (const e of this.settled.values()) {
      known.push([e.id, e.state, e.document, e.acceptedAt, e.settledAt, e.fingerprint, e.status ?? null, e.reason ?? null]);
      if (known.length >= KNOWN_PER_LINE) {
        yield { op: 'known', entries: known };
        known = [];
      }
    }
    if (known.length > 0) yield { op: 'known', entries: known };
    // Entries being committed too: their line may already be in the file being replaced.
    // (If that write then fails, the reading is delivered although unacknowledged: harmless.)
    const committing = [...this.committing.values()].map((c) => c.entry).filter((e) => !this.pending.has(e.id));
    for (const e of [...this.pending.values(), ...committing]) {
      yield acceptRecord(e.acceptedAt, [e]);
    }
  }
}
