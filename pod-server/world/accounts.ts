/**
 * Makes sure one demo account exists with its password login, its pod and
 * working client credentials, creating only what is missing. Safe to run
 * again after a crash or on every start: it logs in with the password first,
 * so it never creates a second account for the same email.
 */
import {
  createAccountWithPassword,
  createClientCredentials,
  createPod,
  deleteAccountResource,
  listClientCredentials,
  listPods,
  listWebIds,
  logIn,
  logOut,
} from './account-api.ts';
import type { AccountCredentials } from '../../apps/shared/credentials.ts';
import { DEMO_PASSWORD, demoEmail, podUrlOf, webIdOf } from './demo-world.ts';

/** Name given to the client credentials we create; CSS makes ids `{name}_{uuid}`. */
const CREDENTIALS_NAME = 'helsevev-demo';

export interface EnsuredAccount {
  readonly credentials: AccountCredentials;
  /** What this run had to create. */
  readonly created: { account: boolean; pod: boolean; credentials: boolean };
}

export interface EnsureAccountOptions {
  /** Default: the demo password. */
  readonly password?: string;
  /** The operator's key, needed to create an account where registration is closed (pod-server/registration.ts). */
  readonly registrationKey?: string;
}

export async function ensureAccount(
  baseUrl: string,
  name: string,
  stored: AccountCredentials | undefined,
  { password = DEMO_PASSWORD, registrationKey }: EnsureAccountOptions = {},
): Promise<EnsuredAccount> {
  const email = demoEmail(name);
  const podUrl = podUrlOf(baseUrl, name);
  const webId = webIdOf(baseUrl, name);

  const existing = await logIn(baseUrl, email, password);
  const session = existing ?? (await createAccountWithPassword(baseUrl, email, password, registrationKey));
  try {
    const pods = await listPods(session);
    let podCreated = false;
    if (!(podUrl in pods)) {
      try {
        await createPod(session, name);
        podCreated = true;
      } catch (error) {
        throw new Error(
          `${(error as Error).message}\nThe pod ${podUrl} may belong to another account (an earlier run with a ` +
            'different password?). Start from an empty data folder to rebuild the demo world.',
        );
      }
    }
    const webIds = await listWebIds(session);
    if (!(webId in webIds)) {
      throw new Error(`The account ${email} owns ${podUrl} but is not linked to the WebID ${webId}`);
    }

    const listed = await listClientCredentials(session);
    const usable = stored && stored.clientId in listed && stored.webId === webId && stored.oidcIssuer === baseUrl;
    let credentials: AccountCredentials;
    if (usable) {
      credentials = stored;
    } else {
      const { id, secret } = await createClientCredentials(session, CREDENTIALS_NAME, webId);
      credentials = { webId, email, clientId: id, clientSecret: secret, oidcIssuer: baseUrl };
    }
    // Our earlier credentials whose secret we no longer have are useless: revoke them.
    for (const [id, resource] of Object.entries(listed)) {
      if (id.startsWith(`${CREDENTIALS_NAME}_`) && id !== credentials.clientId) {
        await deleteAccountResource(session, resource);
      }
    }
    return { credentials, created: { account: !existing, pod: podCreated, credentials: !usable } };
  } finally {
    await logOut(session).catch(() => {});
  }
}
