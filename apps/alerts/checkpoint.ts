/**
 * The alert service's durable memory of what it has done, one file per team:
 * `{data dir}/alerts/{team}.json` (0600, in a 0700 folder).
 *
 *   { "version": 1, "team": "<group IRI>", "watchingSince": "<ISO>",
 *     "series":    { "<patient WebID> <kind>": { "episode": {...}, "lastReadingAt": "<ISO>" } },
 *     "documents": { "<month document URL>": { "etag": "...", "processed": ["<reading IRI>", ...] } } }
 *
 * The promise: a reading is in `processed` only after every worklist write
 * its decision asked for has succeeded, and the series state saved with it
 * is the state after that reading. The file is replaced whole, atomically
 * (temporary file, fsync, rename: private-files.ts), so a kill leaves the
 * previous checkpoint or the next, never half of one. A kill after the writes
 * and before the checkpoint means the readings are decided again from the
 * same state, giving the same actions, which the worklist writes make no-ops
 * (worklist.ts): nothing missed, nothing doubled.
 *
 * It never holds health values: reading IRIs, times and task ids only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkPrivate, makePrivateFolder, writePrivateFileAtomically } from '../shared/private-files.ts';
import type { SeriesState } from './decide.ts';

export interface DocumentMark {
  readonly etag?: string;
  readonly processed: readonly string[];
}

export interface Checkpoint {
  readonly version: 1;
  readonly team: string;
  /** Readings before this are not alerted on (the first start's look-back). */
  readonly watchingSince: string;
  readonly series: Readonly<Record<string, SeriesState>>;
  readonly documents: Readonly<Record<string, DocumentMark>>;
}

export const seriesKey = (patient: string, kind: string) => `${patient} ${kind}`;

export const checkpointPath = (dataDir: string, teamName: string) => join(dataDir, 'alerts', `${teamName}.json`);

/** The team's checkpoint, or a new one watching from `since` when there is none yet. */
export async function readCheckpoint(dataDir: string, teamName: string, team: string, since: Date): Promise<Checkpoint> {
  await makePrivateFolder(join(dataDir, 'alerts'));
  const path = checkpointPath(dataDir, teamName);
  await checkPrivate([path]);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return { version: 1, team, watchingSince: since.toISOString(), series: {}, documents: {} };
  }
  const parsed = JSON.parse(text) as Partial<Checkpoint>;
  if (parsed.version !== 1 || parsed.team !== team || typeof parsed.watchingSince !== 'string' || !parsed.series || !parsed.documents) {
    throw new Error(`${path} is not this service's checkpoint for ${team}; move it away to start watching afresh (alerts since then may be missed)`);
  }
  return parsed as Checkpoint;
}

/** Replaces the checkpoint whole (atomic). Callers serialise their writes. */
export async function writeCheckpoint(dataDir: string, teamName: string, checkpoint: Checkpoint): Promise<void> {
  await writePrivateFileAtomically(checkpointPath(dataDir, teamName), `${JSON.stringify(checkpoint)}\n`);
}

/** Forgets documents of months before `keepFrom` (YYYY-MM): a late reading there is not alerted on. */
export function pruneDocuments(checkpoint: Checkpoint, keepFrom: string): Checkpoint {
  const documents = Object.fromEntries(Object.entries(checkpoint.documents).filter(([url]) => {
    const month = /(\d{4}-\d{2})\.ttl$/.exec(url)?.[1];
    return month === undefined || month >= keepFrom;
  }));
  return { ...checkpoint, documents };
}
