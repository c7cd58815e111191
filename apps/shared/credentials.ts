/**
 * `{dataDir}/credentials.json`: the client credentials of every demo account,
 * `{ [name]: { webId, email, clientId, clientSecret, oidcIssuer } }`.
 * CSS shows a secret only once, at creation, so this file is the only copy:
 * written atomically, readable by the owner only (0600), never committed
 * (it lives under .data/ or a temporary folder). Written by the demo
 * world's provisioning (pod-server/world/world.ts), read by the services'
 * start (gateway, clinician CLI): so it lives here, not in the world.
 */
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClientCredentials } from './pod-session.ts';
import { checkPrivate } from './private-files.ts';

export interface AccountCredentials extends ClientCredentials {
  readonly email: string;
}

export type CredentialsFile = Record<string, AccountCredentials>;

export const credentialsPath = (dataDir: string) => join(dataDir, 'credentials.json');

/** The stored credentials; empty if the file does not exist yet. Throws ExposedPathError if others may read it. */
export async function readCredentials(dataDir: string): Promise<CredentialsFile> {
  await checkPrivate([credentialsPath(dataDir)]);
  let text: string;
  try {
    text = await readFile(credentialsPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${credentialsPath(dataDir)} is not a JSON object of credentials; delete it to have them recreated`);
  }
  const result: CredentialsFile = {};
  for (const [name, value] of Object.entries(parsed)) {
    const c = value as Partial<AccountCredentials>;
    if ([c.webId, c.email, c.clientId, c.clientSecret, c.oidcIssuer].every((v) => typeof v === 'string')) {
      result[name] = c as AccountCredentials;
    }
  }
  return result;
}

export async function writeCredentials(dataDir: string, credentials: CredentialsFile): Promise<void> {
  const path = credentialsPath(dataDir);
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}
