/**
 * A snapshot of every pod on disk: the SHA-256 of each file under the world's
 * `pods/` folder (CSS's file backend: documents, their .meta and .acl files),
 * for "nothing changed" checks. Left out: CSS's own state (`.internal/`:
 * accounts, sessions, tokens, locks — logins change it by design) and each
 * pod's `health/access-log/` (every read is logged there by design, by our
 * CSS extension; it refuses writes from anyone).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export type PodSnapshot = ReadonlyMap<string, string>;

const excluded = (path: string) => {
  const parts = path.split(sep);
  return parts[0] === '.internal' || parts.join('/').includes('/health/access-log/');
};

/** Relative path -> SHA-256 of every file under `{dataDir}/pods`, but CSS internals and access logs. */
export async function podSnapshot(dataDir: string): Promise<PodSnapshot> {
  const root = join(dataDir, 'pods');
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      const rel = relative(root, full);
      if (excluded(entry.isDirectory() ? `${rel}${sep}` : rel)) continue;
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) out.set(rel.split(sep).join('/'), createHash('sha256').update(await readFile(full)).digest('hex'));
    }
  };
  await walk(root);
  return out;
}

/** Files added, removed or changed between two snapshots (empty when identical). */
export function snapshotDiff(before: PodSnapshot, after: PodSnapshot): { added: string[]; removed: string[]; changed: string[] } {
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removed = [...before.keys()].filter((k) => !after.has(k)).sort();
  const changed = [...after.keys()].filter((k) => before.has(k) && before.get(k) !== after.get(k)).sort();
  return { added, removed, changed };
}

export const isUnchanged = (d: ReturnType<typeof snapshotDiff>) => d.added.length + d.removed.length + d.changed.length === 0;
