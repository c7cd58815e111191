/**
 * An authenticated `fetch` for a server-side app acting as one WebID, from
 * client credentials created with CSS's account API (see credentials.json).
 *
 * CSS issues access tokens for 600 s and offers no refresh for client
 * credentials; after expiry @inrupt/solid-client-authn-node silently sends
 * requests *unauthenticated*. So we log in again before the token expires,
 * and once more if a request still comes back 401 (CSS answers bursts of 401
 * when its WebID/issuer cache expires). This module never decides what to
 * fetch; it only keeps the identity valid.
 */
import { Session } from '@inrupt/solid-client-authn-node';

export interface ClientCredentials {
  readonly webId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly oidcIssuer: string;
}

/**
 * Client credentials whose WebID is not known beforehand (a system presenting
 * only its client id and secret, e.g. to the clinician API): the session takes
 * the WebID the identity provider's token names.
 */
export type ClientCredentialsWithoutWebId = Omit<ClientCredentials, 'webId'> & { readonly webId?: string };

export interface PodSession {
  readonly webId: string;
  /** Like the global fetch, but authenticated as `webId` (DPoP-bound token). */
  readonly fetch: typeof fetch;
  /** Logs in again now (normally automatic). */
  refresh(): Promise<void>;
  /** Forgets the token and clears the library's timers; the session cannot be used afterwards. */
  close(): Promise<void>;
}

export interface PodSessionOptions {
  /** Log in again when the token has less than this left; default 60 s. */
  refreshMarginSeconds?: number;
}

export class PodLoginError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PodLoginError';
  }
}

async function logIn(credentials: ClientCredentialsWithoutWebId): Promise<Session> {
  // keepAlive: false: no refresh timers of the library's own; we refresh here.
  const session = new Session({ keepAlive: false });
  try {
    await session.login({
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      oidcIssuer: credentials.oidcIssuer,
      tokenType: 'DPoP',
    });
  } catch (error) {
    throw new PodLoginError(
      `Could not log in as ${credentials.webId ?? `client ${credentials.clientId}`} at ${credentials.oidcIssuer}: ${(error as Error).message}. ` +
        'Are the client credentials still valid (see credentials.json) and is the pod server running?',
    );
  }
  if (!session.info.isLoggedIn || !session.info.webId || (credentials.webId !== undefined && session.info.webId !== credentials.webId)) {
    throw new PodLoginError(
      `Logging in with client id ${credentials.clientId} at ${credentials.oidcIssuer} gave ` +
        `${session.info.webId ?? 'no WebID'}${credentials.webId ? `, expected ${credentials.webId}` : ''}`,
    );
  }
  return session;
}

/** A body we can send twice (so a request can be retried after logging in again). */
function isReplayable(init?: RequestInit): boolean {
  const body = init?.body;
  return body === undefined || body === null || typeof body === 'string' || body instanceof URLSearchParams;
}

/**
 * Logs in with client credentials and returns a session that stays logged in.
 * Without `credentials.webId`, the WebID is the one the first login yields,
 * and every later login must yield the same.
 */
export async function openPodSession(
  credentials: ClientCredentials | ClientCredentialsWithoutWebId,
  options: PodSessionOptions = {},
): Promise<PodSession> {
  const marginMs = (options.refreshMarginSeconds ?? 60) * 1000;
  let session = await logIn(credentials);
  const webId = session.info.webId!;
  credentials = { ...credentials, webId };
  let relogin: Promise<void> | undefined;
  let closed = false;

  const refresh = (): Promise<void> => {
    relogin ??= (async () => {
      try {
        const next = await logIn(credentials);
        const previous = session;
        session = next;
        await previous.logout({ logoutType: 'app' }).catch(() => {});
      } finally {
        relogin = undefined;
      }
    })();
    return relogin;
  };

  const expiresSoon = () => {
    const expiration = session.info.expirationDate;
    return !session.info.isLoggedIn || (expiration !== undefined && expiration - Date.now() < marginMs);
  };

  const authenticatedFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (closed) throw new Error(`The pod session for ${webId} is closed`);
    if (expiresSoon()) await refresh();
    const response = await session.fetch(input, init);
    if (response.status !== 401 || !isReplayable(init) || input instanceof Request) return response;
    await response.body?.cancel();
    await refresh();
    return session.fetch(input, init);
  }) as typeof fetch;

  return {
    webId,
    fetch: authenticatedFetch,
    refresh,
    close: async () => {
      closed = true;
      await relogin?.catch(() => {});
      await session.logout({ logoutType: 'app' }).catch(() => {});
    },
  };
}
