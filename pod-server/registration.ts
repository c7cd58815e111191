/**
 * Who may create accounts on the pod server.
 *
 * `open`: anyone (CSS's default; the demo, where a visitor may register a
 * stranger to try things). `closed` (the default of startPodServer): only
 * whoever holds the operator's registration key, `{dataDir}/registration-key`
 * (0600, made on first start), may: the demo world's provisioning and any
 * enrolment the operator runs send it as `registrationKey` in the account
 * creation body (pod-server/world/account-api.ts). Anyone else gets 403.
 *
 * The key never travels on a command line (run.mjs reads it from the file),
 * so other users of the host cannot see it in the process list.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Registration = 'open' | 'closed';

export const registrationKeyPath = (dataDir: string) => join(dataDir, 'registration-key');

/** The operator's registration key of `dataDir`, or undefined if the pod server never started there. */
export async function readRegistrationKey(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(registrationKeyPath(dataDir), 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Makes the key (32 random bytes, base64url) if there is none yet; returns the file's path. */
export async function ensureRegistrationKey(dataDir: string): Promise<string> {
  const path = registrationKeyPath(dataDir);
  if ((await readRegistrationKey(dataDir)) === undefined) {
    await writeFile(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'w' });
  }
  await chmod(path, 0o600);
  return path;
}
