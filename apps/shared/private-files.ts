/**
 * Data folders and secret files private to the service's user: folders 0700,
 * files 0600 (DESIGN.md, "Hostile users"). Patients' pods, CSS's signing keys
 * and client secrets, the gateway's outbox (national identity numbers) and the
 * access-log journal must never be readable by another account on the host.
 *
 * Every service checks its folders and secrets when it starts, and **refuses
 * to start** when one is open to the group or to others, naming the path and
 * the chmod to run. It does not repair them: a folder found open may already
 * have been read, or opened on purpose (a backup group); an operator has to
 * look, and one command fixes it. What a service creates itself it creates
 * private (`makePrivateFolder`, file modes 0600), so a fresh start never
 * trips the check.
 *
 * A folder that is 0700 keeps everything below it from other users whatever
 * their own modes, so the check looks at the folders and secret files named,
 * not at every file under them (a pod server's data may hold millions).
 */
import { mkdir, open, rename, stat } from 'node:fs/promises';

export const PRIVATE_FOLDER_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** A folder or secret file that others on the host may read, write or enter. */
export class ExposedPathError extends Error {
  constructor(readonly path: string, readonly mode: number, readonly kind: 'folder' | 'file') {
    super(
      `${path} is open to other users of this machine (mode ${mode.toString(8).padStart(4, '0')}); ` +
        `it holds patients' data or secrets, so this service will not start. ` +
        `Check who may have read it, then make it private and start again: chmod ${kind === 'folder' ? '-R go-rwx' : '600'} '${path}'`,
    );
    this.name = 'ExposedPathError';
  }
}

/** The permission bits (of a stat mode) that let the group or others in; 0 when private. */
export function exposedBits(mode: number): number {
  return mode & 0o077;
}

/**
 * Throws ExposedPathError for the first of `paths` that exists and is open to
 * the group or others; a missing path is fine (it will be created private).
 */
export async function checkPrivate(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const mode = info.mode & 0o7777;
    if (exposedBits(mode) !== 0) throw new ExposedPathError(path, mode, info.isDirectory() ? 'folder' : 'file');
  }
}

/** Creates `path` (and missing parents) as 0700, then checks it, whether new or found. */
export async function makePrivateFolder(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  await checkPrivate([path]);
}

/**
 * Replaces a small private file whole: a temporary file (0600), fsync, rename,
 * so a crash leaves either the old content or the new, never half of one.
 * Callers serialise their own writes (one temporary name per file).
 */
export async function writePrivateFileAtomically(path: string, content: string): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}
