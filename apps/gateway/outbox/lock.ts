/**
 * One gateway per outbox: two processes appending to the same log would
 * interleave their writes and break it. A lock file holds the owner's pid;
 * a lock left by a process that no longer runs (SIGKILL, power loss) is
 * taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock at `path`; resolves with a function that releases it. */
export async function lockOutbox(path: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, 'wx', 0o600);
      await file.writeFile(`${process.pid}\n`);
      await file.close();
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new Error(`Another gateway (pid ${owner}) is using this outbox (${path}); stop it first, or give this one another data folder`);
    }
    await rm(path, { force: true });
  }
  throw new Error(`Could not take the outbox lock ${path}`);
}
