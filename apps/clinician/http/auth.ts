/**
 * Who is asking: every query runs with the caller's own Solid identity, so
 * the pod server's ACLs decide what they see. The API never holds a
 * privileged identity of its own.
 *
 * - Systems: client credentials of a pod server account (CSS's account API
 *   makes them), sent as `Authorization: Basic base64(clientId:clientSecret)`
 *   on each request, or exchanged once at `POST /session` for an opaque
 *   bearer token (`Authorization: Bearer ...`). Either way the service logs in
 *   at the configured identity provider (never one named by the request) and
 *   keeps the resulting PodSession, which stays logged in (pod-session.ts).
 * - People: a browser login (Solid-OIDC authorization code flow at the pod
 *   server's login page) ends in the same kind of session behind an HttpOnly
 *   cookie; see browser-login.ts.
 *
 * Secrets are never stored: sessions are found by a SHA-256 of the
 * credentials, tokens are random and only kept in memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { openPodSession, PodLoginError, type PodSession } from '../../shared/pod-session.ts';
import { problem, ProblemError } from '../../shared/problem.ts';

export interface SessionsOptions {
  /** The identity provider client credentials are valid at (the pod server's base URL). */
  readonly oidcIssuer: string;
  /** Forget a session unused for this long; default 30 minutes. */
  readonly idleMs?: number;
  /** Most sessions kept; the least recently used is closed first. Default 500. */
  readonly maxSessions?: number;
  /** Logs in (replaced in unit tests). */
  readonly open?: (credentials: { clientId: string; clientSecret: string; oidcIssuer: string }) => Promise<PodSession>;
}

interface Entry {
  readonly session: Promise<PodSession>;
  lastUsed: number;
}

export const AUTHENTICATE_HEADER = 'Basic realm="helsevev-clinician", Bearer realm="helsevev-clinician"';

const unauthenticated = (detail: string) =>
  new ProblemError(problem(401, 'unauthenticated', 'Log in first', detail));

export class Sessions {
  private readonly byCredentials = new Map<string, Entry>();
  private readonly byToken = new Map<string, Entry>();
  /** Sessions some token refers to: not closed when their credentials entry is evicted. */
  private readonly tokenSessions = new WeakSet<PodSession>();
  private readonly idleMs: number;
  private readonly max: number;
  private readonly open: NonNullable<SessionsOptions['open']>;

  constructor(private readonly options: SessionsOptions) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.max = options.maxSessions ?? 500;
    this.open = options.open ?? ((c) => openPodSession(c));
  }

  /**
   * The session for client credentials (logging in on first use). `beforeLogin`
   * runs only when a login at the identity provider is needed, and may throw
   * (a rate limit on guesses): known credentials never reach it.
   */
  async fromClientCredentials(clientId: string, clientSecret: string, beforeLogin?: () => void): Promise<PodSession> {
    if (!clientId || !clientSecret || clientId.length > 512 || clientSecret.length > 512) {
      throw unauthenticated('send your client id and secret as HTTP Basic credentials (Authorization: Basic base64(id:secret))');
    }
    const key = createHash('sha256').update(`${clientId}\u0000${clientSecret}`).digest('hex');
    let entry = this.byCredentials.get(key);
    if (!entry) {
      beforeLogin?.();
      const session = this.open({ clientId, clientSecret, oidcIssuer: this.options.oidcIssuer });
      entry = { session, lastUsed: Date.now() };
      this.byCredentials.set(key, entry);
      session.catch(() => this.byCredentials.delete(key));
      this.evict();
    }
    entry.lastUsed = Date.now();
    try {
      return await entry.session;
    } catch (error) {
      if (error instanceof PodLoginError) {
        throw unauthenticated(`the pod server (${this.options.oidcIssuer}) did not accept these client credentials; check the id and secret, or make new ones in your account`);
      }
      throw error;
    }
  }

  /** A new opaque bearer token for `session` (valid while used at least every idle period). */
  issueToken(session: PodSession): { token: string; expiresInSeconds: number } {
    const token = randomBytes(32).toString('base64url');
    this.tokenSessions.add(session);
    this.byToken.set(token, { session: Promise.resolve(session), lastUsed: Date.now() });
    this.evict();
    return { token, expiresInSeconds: Math.round(this.idleMs / 1000) };
  }

  async fromToken(token: string): Promise<PodSession> {
    const entry = this.byToken.get(token);
    if (!entry || Date.now() - entry.lastUsed > this.idleMs) {
      if (entry) this.byToken.delete(token);
      throw unauthenticated('the bearer token is unknown or has expired; get a new one with POST /session');
    }
    entry.lastUsed = Date.now();
    return entry.session;
  }

  revokeToken(token: string): boolean {
    return this.byToken.delete(token);
  }

  /** Resolves an Authorization header (Basic or Bearer) to a session; problem details when it cannot. */
  async fromAuthorization(header: string | undefined, beforeLogin?: () => void): Promise<PodSession> {
    if (!header) throw unauthenticated('this API answers with your own access: send client credentials (HTTP Basic) or a bearer token from POST /session, or log in at /login in a browser');
    const [scheme, value = ''] = header.trim().split(/\s+/, 2);
    if (/^basic$/i.test(scheme ?? '')) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw unauthenticated('HTTP Basic credentials must be base64(clientId:clientSecret)');
      return this.fromClientCredentials(decoded.slice(0, colon), decoded.slice(colon + 1), beforeLogin);
    }
    if (/^bearer$/i.test(scheme ?? '')) return this.fromToken(value);
    throw unauthenticated(`the ${String(scheme).slice(0, 20)} scheme is not supported; use Basic (client credentials) or Bearer (a token from POST /session)`);
  }

  private evict(): void {
    const now = Date.now();
    for (const map of [this.byCredentials, this.byToken]) {
      for (const [key, entry] of map) {
        if (now - entry.lastUsed > this.idleMs || map.size > this.max) {
          map.delete(key);
          if (map === this.byCredentials) void entry.session.then((s) => (this.tokenSessions.has(s) ? undefined : s.close()), () => {});
        }
      }
    }
  }

  /** Logs every session out. */
  async close(): Promise<void> {
    const all = [...this.byCredentials.values(), ...this.byToken.values()];
    this.byCredentials.clear();
    this.byToken.clear();
    await Promise.all(all.map((e) => e.session.then((s) => s.close(), () => {})));
  }
}
