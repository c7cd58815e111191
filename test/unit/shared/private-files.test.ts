/**
 * apps/shared/private-files.ts: folders and secrets open to the group or to
 * others are refused with the path and the chmod to run; what it creates is
 * private; a missing path is fine.
 */
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkPrivate, exposedBits, ExposedPathError, makePrivateFolder } from '../../../apps/shared/private-files.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'helsevev-private-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('private files', () => {
  it('calls a mode exposed when any group or other bit is set', () => {
    expect([0o700, 0o600, 0o400, 0o710, 0o701, 0o640, 0o604, 0o755].map(exposedBits)).toEqual([0, 0, 0, 0o10, 0o01, 0o40, 0o04, 0o55]);
  });

  it('creates missing folders 0700, parents included, whatever the umask', async () => {
    const previous = process.umask(0);
    try {
      await makePrivateFolder(join(root, 'a', 'b'));
    } finally {
      process.umask(previous);
    }
    expect((await stat(join(root, 'a'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'a', 'b'))).mode & 0o777).toBe(0o700);
  });

  it('refuses a folder others can enter, naming it and the chmod to run', async () => {
    const folder = join(root, 'data');
    await makePrivateFolder(folder);
    await chmod(folder, 0o755);
    const refused = await makePrivateFolder(folder).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ExposedPathError);
    expect((refused as Error).message).toContain(`${folder} is open to other users of this machine (mode 0755)`);
    expect((refused as Error).message).toContain(`chmod -R go-rwx '${folder}'`);
    // It does not repair: the operator decides.
    expect((await stat(folder)).mode & 0o777).toBe(0o755);
  });

  it('refuses a secret file the group may read, and accepts it at 0600 or missing', async () => {
    const secret = join(root, 'credentials.json');
    await checkPrivate([secret]);
    await writeFile(secret, '{}', { mode: 0o600 });
    await checkPrivate([secret, root]);
    await chmod(secret, 0o640);
    await expect(checkPrivate([root, secret])).rejects.toThrow(`chmod 600 '${secret}'`);
  });
});
