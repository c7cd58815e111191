/**
 * Solid-OIDC login in the browser (@inrupt/solid-client-authn-browser): the
 * patient is sent to the pod server's own login page and comes back with a
 * DPoP-bound token that lives only in this page's memory. The client is
 * registered dynamically with the pod server on first login (redirect URL =
 * this page), so the page works on any host and port. Nothing here talks to
 * a server of ours.
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

export async function logIn(oidcIssuer: string, clientName: string): Promise<void> {
  const redirectUrl = new URL(window.location.pathname, window.location.origin).href;
  await login({ oidcIssuer, redirectUrl, clientName });
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
