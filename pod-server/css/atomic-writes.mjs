// Crash-safe document writes for CSS's file backend.
//
// CSS 7's FileDataAccessor writes a document in place: createWriteStream(path)
// truncates the file, then the new content streams in. Every PATCH rewrites
// the whole month document that way, so a pod server that dies in between
// (SIGKILL, out of memory, power loss) leaves a truncated document: every
// reading appended to it before is gone, and what is left no longer parses.
// The fault run found it (issue #9): a SIGKILL while a 2 MB month document of
// 2000 acknowledged readings was being rewritten left 16 KB of broken Turtle,
// served as 200 after the restart.
//
// Here a document is written to a temporary file in a folder next to the pod
// root (same file system, never visible over HTTP), fsync'd, renamed over the
// document, and the document's folder fsync'd: a crash leaves the old
// document or the new one, and a 2xx means the bytes are on disk. Leftover
// temporary files of a crash are removed on start. The temporary file is
// created 0600 and the rename keeps its mode, so a document is never readable
// by other users of the host, not even for a moment (run.mjs also sets the
// umask to 077 for everything else CSS writes).
//
// Plain JS, like run.mjs: it patches the FileDataAccessor class of the CSS
// instance run.mjs loads (writeDataFile is its one write path for documents
// and their .meta descriptions).

import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** fsync of a file or folder by path (the data a closed stream wrote is still flushed: fsync is per inode). */
async function syncFile(path) {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes FileDataAccessor write documents atomically, with temporary files in `tempFolder`. */
export async function makeDocumentWritesAtomic(FileDataAccessor, tempFolder) {
  await rm(tempFolder, { recursive: true, force: true });
  await mkdir(tempFolder, { recursive: true, mode: 0o700 });
  FileDataAccessor.prototype.writeDataFile = async function writeDataFile(path, data) {
    const temporary = join(tempFolder, `${randomBytes(12).toString('hex')}.tmp`);
    try {
      await pipeline(data, createWriteStream(temporary, { mode: 0o600 }));
      await syncFile(temporary);
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncFile(dirname(path));
  };
}
