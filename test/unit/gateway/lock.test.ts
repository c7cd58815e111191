import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockOutbox } from '../../../apps/gateway/outbox/lock.ts';
import { tempDir } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

describe('lockOutbox', () => {
  it('lets one gateway use an outbox at a time', async () => {
    const path = join(dir.path, 'outbox.lock');
    const release = await lockOutbox(path);
    expect((await readFile(path, 'utf8')).trim()).toBe(String(process.pid));
    await expect(lockOutbox(path)).rejects.toThrow(/Another gateway \(pid \d+\) is using this outbox/);
    await release();
    const again = await lockOutbox(path);
    await again();
  });

  it('takes over a lock left by a process that no longer runs (after SIGKILL)', async () => {
    const path = join(dir.path, 'outbox.lock');
    await writeFile(path, '4194303\n');
    const release = await lockOutbox(path);
    expect((await readFile(path, 'utf8')).trim()).toBe(String(process.pid));
    await release();
  });
});
