/**
 * Solid-OIDC login in the browser (@inrupt/solid-client-authn-browser): the
 * patient is sent to the pod server's own login page and comes back with a
 * DPoP-bound token that lives only in this page's memory. The page names
 * itself with its Client Identifier Document (`{origin}/id`, served by the
 * consent app), so the pod server's consent screen shows an address on this
 * page's origin and sends the login back only to this origin. Where the page
 * is served from another origin than its document names (a proxy not
 * configured with its public URL), it falls back to registering dynamically,
 * and the consent screen then shows no address. Nothing here talks to a
 * server of ours.
 */
import { EVENTS, getDefaultSession, handleIncomingRedirect, login, logout } from '@inrupt/solid-client-authn-browser';

export interface SessionState {
  readonly loggedIn: boolean;
  readonly webId?: string;
}

/** Finishes a login redirect (code in the URL) or silently restores an earlier session. */
export async function startSession(onExpired: () => void): Promise<SessionState> {
  const session = getDefaultSession();
  session.events.on(EVENTS.SESSION_EXPIRED, onExpired);
  const info = await handleIncomingRedirect({ restorePreviousSession: true });
  return { loggedIn: Boolean(info?.isLoggedIn), ...(info?.webId ? { webId: info.webId } : {}) };
}

/** The Client Identifier Document to log in with: only one on this page's own origin. */
export function usableClientId(clientId: string | undefined, origin: string): string | undefined {
  if (!clientId) return undefined;
  try {
    return new URL(clientId).origin === origin ? clientId : undefined;
  } catch {
    return undefined;
  }
}

export async function logIn(oidcIssuer: string, clientName: string, clientId: string | undefined): Promise<void> {
  const usable = usableClientId(clientId, window.location.origin);
  // The document lists the page's root as its one redirect URL.
  const redirectUrl = new URL(usable ? '/' : window.location.pathname, window.location.origin).href;
  await login({ oidcIssuer, redirectUrl, clientName, ...(usable ? { clientId: usable } : {}) });
}

/** Ends the session in this page (the pod server may still remember the login, as its login page says). */
export async function logOut(): Promise<void> {
  await logout({ logoutType: 'app' });
}

/**
 * The session's authenticated fetch. Always revalidated: pod resources carry
 * Last-Modified and no Cache-Control, so the browser would otherwise serve a
 * heuristically fresh copy of an ACL just rewritten (and its stale ETag).
 */
export const podFetch: typeof fetch = (input, init) => getDefaultSession().fetch(input, { cache: 'no-cache', ...init });
