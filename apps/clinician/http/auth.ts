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
 * credentials, tokens are random and only kept in memory. Cached logins and
 * tokens are each kept least recently used first, at most
 * `sessionsPerAccount` per account (fair-lru.ts): one account making token
 * after token pushes out only its own oldest, never another's. A login is
 * closed when neither its credentials' cache entry nor a token refers to it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { openPodSession, PodLoginError, type PodSession } from '../../shared/pod-session.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { DEFAULT_CALLER_LIMITS } from './caller-limits.ts';
import { FairLru } from './fair-lru.ts';

export interface SessionsOptions {
  /** The identity provider client credentials are valid at (the pod server's base URL). */
  readonly oidcIssuer: string;
  /** Forget a session unused for this long; default 30 minutes. */
  readonly idleMs?: number;
  /** Most cached logins, and most tokens, in all; the least recently used of the account holding the most goes first. Default 2,000. */
  readonly maxSessions?: number;
  /** Most cached logins, and most tokens, of one account; its least recently used goes first. Default 20. */
  readonly sessionsPerAccount?: number;
  /** Told when a login is closed (its live streams end). */
  readonly onSessionEnd?: (session: PodSession) => void;
  /** Logs in (replaced in unit tests). */
  readonly open?: (credentials: { clientId: string; clientSecret: string; oidcIssuer: string }) => Promise<PodSession>;
}

export const AUTHENTICATE_HEADER = 'Basic realm="helsevev-clinician", Bearer realm="helsevev-clinician"';

const unauthenticated = (detail: string) =>
  new ProblemError(problem(401, 'unauthenticated', 'Log in first', detail));

export class Sessions {
  /** Logins by a SHA-256 of their client credentials. */
  private readonly logins: FairLru<PodSession>;
  /** Logins under way (one per credential pair, however many requests wait for it). */
  private readonly pending = new Map<string, Promise<PodSession>>();
  private readonly tokens: FairLru<PodSession>;
  private readonly idleMs: number;
  private readonly open: NonNullable<SessionsOptions['open']>;

  constructor(private readonly options: SessionsOptions) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.open = options.open ?? ((c) => openPodSession(c));
    const caps = {
      max: options.maxSessions ?? DEFAULT_CALLER_LIMITS.maxSessions,
      maxPerAccount: options.sessionsPerAccount ?? DEFAULT_CALLER_LIMITS.sessionsPerAccount,
      idleMs: this.idleMs,
      onEvict: (session: PodSession) => this.release(session),
    };
    this.logins = new FairLru(caps);
    this.tokens = new FairLru(caps);
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
    const cached = this.logins.get(key);
    if (cached) return cached;
    let login = this.pending.get(key);
    if (!login) {
      beforeLogin?.();
      const started = this.open({ clientId, clientSecret, oidcIssuer: this.options.oidcIssuer });
      login = started;
      this.pending.set(key, started);
      started.then((session) => {
        if (this.pending.get(key) !== started) return;
        this.pending.delete(key);
        this.logins.set(key, session.webId, session);
      }, () => this.pending.delete(key));
    }
    try {
      return await login;
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
    this.tokens.set(token, session.webId, session);
    return { token, expiresInSeconds: Math.round(this.idleMs / 1000) };
  }

  async fromToken(token: string): Promise<PodSession> {
    const session = this.tokens.get(token);
    if (!session) throw unauthenticated('the bearer token is unknown or has expired (or your account made newer ones); get a new one with POST /session');
    return session;
  }

  revokeToken(token: string): boolean {
    const session = this.tokens.peek(token);
    if (!session || !this.tokens.delete(token)) return false;
    this.release(session);
    return true;
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

  /** Closes a login no cache entry or token refers to any more. */
  private release(session: PodSession): void {
    if (this.logins.values().includes(session) || this.tokens.values().includes(session)) return;
    this.options.onSessionEnd?.(session);
    void session.close().catch(() => {});
  }

  /** Logs every session out. */
  async close(): Promise<void> {
    const all = new Set([...this.logins.clear(), ...this.tokens.clear()]);
    for (const s of all) this.options.onSessionEnd?.(s);
    await Promise.all([...all].map((s) => s.close().catch(() => {})));
  }
}
