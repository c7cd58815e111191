/**
 * The HTTP side of the access table: the request each cell sends (by method
 * and variant, see test/support/access-table.ts), a small ordered worker pool,
 * and a hash of the pod files to show what the table changed. No policy here.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DataFactory, type Quad } from 'n3';
import { insertDeletePatch, insertOnlyPatch, N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import type { Method, Variant } from './access-table.ts';

const { namedNode, literal, quad } = DataFactory;

/** The If-Match of a guarded write: no resource ever has this entity tag. */
export const NEVER = '"helsevev-never"';

/** The triple every probe inserts or deletes; seeded into the month and notes documents beforehand. */
export const probe = (documentUrl: string): Quad =>
  quad(namedNode(`${documentUrl}#access-table-probe`), namedNode('https://w3id.org/helsevev/test#probe'), literal('present'));

export function requestFor(method: Method, variant: Variant, target: string): RequestInit {
  const headers: Record<string, string> = {};
  if (variant === 'guarded') headers['if-match'] = NEVER;
  if (variant === 'create' && method === 'PUT') headers['if-none-match'] = '*';
  const turtle = `<#access-table> <https://w3id.org/helsevev/test#wrote> "${method}".\n`;
  switch (method) {
    case 'GET':
    case 'HEAD':
      return { method, headers: { ...headers, accept: 'text/turtle' } };
    case 'PUT':
    case 'POST':
      return { method, headers: { ...headers, 'content-type': 'text/turtle' }, body: turtle };
    case 'PATCH-insert':
      return { method: 'PATCH', headers: { ...headers, 'content-type': N3_PATCH_CONTENT_TYPE }, body: insertOnlyPatch([probe(target)]) };
    case 'PATCH-delete':
      return { method: 'PATCH', headers: { ...headers, 'content-type': N3_PATCH_CONTENT_TYPE }, body: insertDeletePatch([], [probe(target)]) };
    case 'DELETE':
      return { method, headers };
  }
}

/** Runs `task` over `items` in order, at most `limit` at a time. */
export async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await task(items[index]!, index);
      }
    }),
  );
}

/** SHA-256 of every pod file (`{dataDir}/pods/`) except CSS's internal store and the access logs (written by every read). */
export async function podTree(dataDir: string): Promise<Map<string, string>> {
  const root = join(dataDir, 'pods');
  const files = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (rel === '.internal' || /\/health\/access-log$/u.test(rel)) continue;
      if (entry.isDirectory()) await walk(path);
      else files.set(rel, createHash('sha256').update(await readFile(path)).digest('hex'));
    }
  };
  await walk(root);
  return files;
}

export function diff(before: Map<string, string>, after: Map<string, string>): string[] {
  const changes: string[] = [];
  for (const [file, hash] of before) if (after.get(file) !== hash) changes.push(`${after.has(file) ? 'changed' : 'deleted'} ${file}`);
  for (const file of after.keys()) if (!before.has(file)) changes.push(`added ${file}`);
  return changes.sort();
}
