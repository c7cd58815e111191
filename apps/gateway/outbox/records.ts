/**
 * The outbox log's records (the format is described at the top of outbox.ts),
 * what an entry holds, and replay: a pure function that rebuilds the outbox's
 * state from the records, one at a time.
 *
 * An entry holds its reading's triples as N-Triples, mapped and SHACL-checked
 * once at intake: delivery appends exactly what was checked, and never maps a
 * reading again. Accept entries of format 1 (before that: the measurement and
 * the pod root instead of the triples) are mapped here, on replay, so an
 * outbox written before the upgrade is still delivered, with the same triples.
 */
import { createHash } from 'node:crypto';
import { Parser, Writer, type Quad } from 'n3';
import { measurementToQuads, type Measurement } from '../../shared/measurement/index.ts';

export type SettledState = 'delivered' | 'refused' | 'failed';
export type EntryState = 'pending' | SettledState;

/** A reading on its way to a pod. */
export interface OutboxEntry {
  /** Derived from the measurement IRI (see readingId): the same reading always has the same id. */
  readonly id: string;
  /** The month document it is appended to. */
  readonly document: string;
  /** Its triples, as N-Triples (see entryTriples): what delivery appends. */
  readonly triples: string;
  /** What makes two readings with the same id the same reading (see fingerprintOf). */
  readonly fingerprint: string;
  /** When the gateway acknowledged it, ms since the epoch. */
  readonly acceptedAt: number;
}

export interface EntryStatus {
  readonly id: string;
  readonly state: EntryState;
  readonly document: string;
  readonly acceptedAt: number;
  readonly settledAt?: number;
  /** HTTP status the pod answered, for refused and failed entries. */
  readonly status?: number;
  readonly reason?: string;
}

export interface SettledEntry extends EntryStatus {
  readonly state: SettledState;
  readonly settledAt: number;
  readonly fingerprint: string;
}

/** An accept entry: format 2 (`fp`, `nt`), or format 1 (`storage`, `m`) from an outbox written before the upgrade. */
type AcceptedEntry = { id: string; doc: string; fp: string; nt: string } | { id: string; doc: string; storage: string; m: Measurement };
export type AcceptRecord = { op: 'accept'; at: number; entries: AcceptedEntry[] };
export type SettleRecord = { op: 'settle'; at: number; state: SettledState; ids: string[]; status?: number; reason?: string };
export type KnownTuple = [string, SettledState, string, number, number, string, number | null, string | null];
export type KnownRecord = { op: 'known'; entries: KnownTuple[] };
export type LogRecord = AcceptRecord | SettleRecord | KnownRecord;

/** What makes two readings with the same id the same reading: every value the mapping writes. */
export function fingerprintOf(m: Measurement): string {
  return createHash('sha256').update(JSON.stringify(m)).digest('base64url').slice(0, 16);
}

/**
 * A reading's triples as the outbox keeps them: N-Triples, one triple a line,
 * the very lines the N3 Patch carries (apps/shared/n3-patch.ts writes the same).
 */
export function entryTriples(quads: readonly Quad[]): string {
  return new Writer({ format: 'N-Triples' }).quadsToString([...quads]);
}

/** The quads an entry's triples stand for. */
export function entryQuads(entry: Pick<OutboxEntry, 'triples'>): Quad[] {
  return new Parser({ format: 'N-Triples' }).parse(entry.triples);
}

/** An accept record (format 2) for entries. */
export function acceptRecord(at: number, entries: readonly OutboxEntry[]): AcceptRecord {
  return { op: 'accept', at, entries: entries.map((e) => ({ id: e.id, doc: e.document, fp: e.fingerprint, nt: e.triples })) };
}

function entryOf(e: AcceptedEntry, acceptedAt: number): OutboxEntry {
  if ('nt' in e) return { id: e.id, document: e.doc, triples: e.nt, fingerprint: e.fp, acceptedAt };
  // Format 1: mapped here, once, exactly as that version's delivery would have.
  return { id: e.id, document: e.doc, triples: entryTriples(measurementToQuads(e.m, e.storage)), fingerprint: fingerprintOf(e.m), acceptedAt };
}

/** Applies one log record to the state being rebuilt; records it does not understand are ignored. */
export function replay(record: LogRecord, pending: Map<string, OutboxEntry>, settled: Map<string, SettledEntry>): void {
  if (typeof record !== 'object' || record === null) return;
  switch (record.op) {
    case 'accept':
      for (const e of record.entries ?? []) {
        settled.delete(e.id);
        pending.set(e.id, entryOf(e, record.at));
      }
      break;
    case 'settle':
      for (const id of record.ids ?? []) {
        const entry = pending.get(id);
        if (!entry) continue;
        pending.delete(id);
        settled.set(id, {
          id, state: record.state, document: entry.document, acceptedAt: entry.acceptedAt, settledAt: record.at,
          fingerprint: entry.fingerprint, status: record.status, reason: record.reason,
        });
      }
      break;
    case 'known':
      for (const [id, state, document, acceptedAt, settledAt, fingerprint, status, reason] of record.entries ?? []) {
        if (pending.has(id)) continue;
        settled.set(id, { id, state, document, acceptedAt, settledAt, fingerprint, status: status ?? undefined, reason: reason ?? undefined });
      }
      break;
  }
}
