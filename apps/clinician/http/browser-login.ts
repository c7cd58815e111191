/**
 * People's login: a browser signs in with Solid-OIDC (authorization code flow
 * with PKCE and DPoP, by @inrupt/solid-client-authn-node) at the pod server's
 * own login page, and comes back with an HttpOnly session cookie. Queries of
 * that browser then run with the person's own identity, exactly like a
 * system's client credentials (the session is PodSession-shaped).
 *
 *   GET /login[?return=/path]   redirects to the pod server's login page
 *   GET /login/callback         finishes the login, sets the cookie, redirects back
 *   POST /logout                forgets the session and ends its live streams (GET: 405)
 *   GET /login/me               who the cookie says you are (JSON)
 *
 * The identity provider is the configured pod server, never one named by the
 * request. Sessions live in memory (a restart logs everyone out); the
 * library refreshes the access token with the refresh token while in use;
 * at most `sessionsPerAccount` per person, least recently used out
 * (fair-lru.ts).
 *
 * The cookie is used only by this service's own page (pageRequestRefusal):
 * a request that carries it must say it comes from the page, by the
 * browser's `Sec-Fetch-Site: same-origin`, or, from a browser that sends no
 * fetch metadata, by `X-Helsevev-Request: 1` (a header another origin cannot
 * send without a CORS preflight, which this service never grants); an
 * `Origin` of another origin is refused either way. SameSite alone would not
 * do: a page of the pod server (localhost:3000, or pods.example beside
 * clinician.example) is the *same site* as this service. The session cookie
 * is SameSite=Strict too, so old browsers do not send it from other sites;
 * the login cookie stays Lax, as the pod server's redirect back is a
 * navigation from another site.
 */
import { randomBytes } from 'node:crypto';
import { Session } from '@inrupt/solid-client-authn-node';
import type express from 'express';
import type { Request, Response } from 'express';
import type { PodSession } from '../../shared/pod-session.ts';
import { sendProblem } from '../../shared/http-errors.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { DEFAULT_CALLER_LIMITS } from './caller-limits.ts';
import { FairLru } from './fair-lru.ts';

export interface BrowserLogin {
  /** Adds /login, /login/callback, /login/me and /logout to the app. */
  mount(app: express.Express): void;
  /** The logged-in session the request's cookie names, if any; a 403 ProblemError when the request is not the page's own. */
  sessionOf(req: Request): PodSession | undefined;
  close(): Promise<void>;
}

export interface BrowserLoginOptions {
  readonly oidcIssuer: string;
  /** The API's own base URL (no trailing slash), for the redirect URL. */
  readonly baseUrl: () => string;
  readonly clientName?: string;
  /** Forget sessions unused this long; default 8 hours. */
  readonly idleMs?: number;
  /** Most browser sessions of one person, and in all; the least recently used goes first (defaults: DEFAULT_CALLER_LIMITS). */
  readonly sessionsPerAccount?: number;
  readonly maxSessions?: number;
  /** Told when a session ends (logout, idle, evicted): its live streams end. */
  readonly onSessionEnd?: (session: PodSession) => void;
}

/** The header the page sends on its own requests (for browsers without fetch metadata). */
export const PAGE_REQUEST_HEADER = 'x-helsevev-request';

/**
 * Why a request carrying the login cookie is not taken as the page's own,
 * or undefined when it is (see the module's header).
 */
export function pageRequestRefusal(req: Request): string | undefined {
  const origin = req.get('origin');
  if (origin && origin !== `${req.protocol}://${req.get('host')}`) return `it comes from a page of ${origin.slice(0, 100)}`;
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' ? undefined : `the browser says it is ${site === 'none' ? 'typed or bookmarked, not made by the page' : `from a ${site.slice(0, 20)} page`}`;
  return req.get(PAGE_REQUEST_HEADER) === '1' ? undefined : `it carries neither Sec-Fetch-Site: same-origin nor ${PAGE_REQUEST_HEADER}: 1`;
}

const LOGIN_COOKIE = 'hv_login';
const SESSION_COOKIE = 'hv_session';

function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function setCookie(res: Response, name: string, value: string, maxAgeSeconds: number, sameSite: 'Strict' | 'Lax', secure: boolean): void {
  res.append('set-cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=${sameSite}; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`);
}

/** Only same-site paths may be returned to (no open redirect). */
const safeReturn = (value: unknown) => (typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/login/me');

const crossOrigin = (why: string) => new ProblemError(problem(403, 'cross-origin-request', 'Not a request of the dashboard page',
  `the login cookie is used only by this service's own page, and ${why}; open the dashboard at /, or call the API with a bearer token (POST /session)`));

interface Active {
  readonly session: Session;
  readonly podSession: PodSession;
}

export function createBrowserLogin(options: BrowserLoginOptions): BrowserLogin {
  const pending = new Map<string, { session: Session; returnTo: string; started: number }>();
  const idleMs = options.idleMs ?? 8 * 3600_000;
  const end = (a: Active) => {
    options.onSessionEnd?.(a.podSession);
    void a.session.logout({ logoutType: 'app' }).catch(() => {});
  };
  const active = new FairLru<Active>({
    max: options.maxSessions ?? DEFAULT_CALLER_LIMITS.maxSessions,
    maxPerAccount: options.sessionsPerAccount ?? DEFAULT_CALLER_LIMITS.sessionsPerAccount,
    idleMs,
    onEvict: end,
  });
  const secure = () => options.baseUrl().startsWith('https:');
  const loginCookie = (res: Response, value: string, maxAge: number) => setCookie(res, LOGIN_COOKIE, value, maxAge, 'Lax', secure());
  const sessionCookie = (res: Response, value: string, maxAge: number) => setCookie(res, SESSION_COOKIE, value, maxAge, 'Strict', secure());

  const sweep = () => {
    const now = Date.now();
    for (const [id, p] of pending) if (now - p.started > 10 * 60_000) pending.delete(id);
    active.sweep();
  };

  return {
    mount(app) {
      app.get('/login', async (req, res) => {
        sweep();
        const session = new Session({ keepAlive: true });
        const id = randomBytes(24).toString('base64url');
        pending.set(id, { session, returnTo: safeReturn(req.query.return), started: Date.now() });
        loginCookie(res, id, 600);
        await session.login({
          oidcIssuer: options.oidcIssuer,
          redirectUrl: `${options.baseUrl()}/login/callback`,
          clientName: options.clientName ?? 'Helsevev clinician',
          tokenType: 'DPoP',
          handleRedirect: (url: string) => res.redirect(303, url),
        });
      });

      app.get('/login/callback', async (req, res) => {
        const id = cookies(req)[LOGIN_COOKIE];
        const started = id ? pending.get(id) : undefined;
        if (!id || !started) {
          sendProblem(res, problem(400, 'login-expired', 'The login could not be finished',
            'this browser started no login here in the last 10 minutes (or cookies are blocked); start again at /login'));
          return;
        }
        pending.delete(id);
        const info = await started.session.handleIncomingRedirect(`${options.baseUrl()}${req.originalUrl}`).catch((e: Error) => {
          // The library's message can name internals (files, token endpoints): the log gets it, the browser does not.
          console.error(`clinician login: the callback failed: ${e.message}`);
          sendProblem(res, problem(401, 'login-failed', 'The login failed', 'the pod server did not log you in (the answer it sent back could not be used); try again at /login'));
          return null;
        });
        if (info === null) return;
        if (!info?.isLoggedIn || !info.webId) {
          sendProblem(res, problem(401, 'login-failed', 'The login failed', 'the pod server did not log you in; try again at /login'));
          return;
        }
        const session = started.session;
        const sid = randomBytes(32).toString('base64url');
        const webId = info.webId;
        active.set(sid, webId, {
          session,
          podSession: {
            webId,
            fetch: ((input: RequestInfo | URL, init?: RequestInit) => session.fetch(input, init)) as typeof fetch,
            refresh: async () => {},
            close: () => session.logout({ logoutType: 'app' }),
          },
        });
        loginCookie(res, '', 0);
        sessionCookie(res, sid, Math.round(idleMs / 1000));
        res.redirect(303, started.returnTo);
      });

      // Not guarded like the data: it says only who you are, and no other origin can read it (no CORS).
      app.get('/login/me', (req, res) => {
        const a = active.get(cookies(req)[SESSION_COOKIE] ?? '');
        if (!a || !a.session.info.isLoggedIn) {
          sendProblem(res, problem(401, 'unauthenticated', 'Not logged in', 'log in at /login'));
          return;
        }
        res.json({ webId: a.podSession.webId });
      });

      // POST only: a GET can be made by any page (an <img>), and must not end anyone's session.
      app.post('/logout', async (req, res) => {
        const sid = cookies(req)[SESSION_COOKIE] ?? '';
        const a = active.peek(sid);
        if (a) {
          const refusal = pageRequestRefusal(req);
          if (refusal) throw crossOrigin(refusal);
          active.delete(sid);
          end(a);
        }
        sessionCookie(res, '', 0);
        res.status(204).end();
      });
      app.all('/logout', (req, res) => {
        res.set('allow', 'POST');
        sendProblem(res, problem(405, 'method-not-allowed', 'Method not allowed',
          `${req.method} does not log out; log out with POST /logout (the page's "Log out" button)`));
      });
    },

    sessionOf(req) {
      const a = active.get(cookies(req)[SESSION_COOKIE] ?? '');
      if (!a) return undefined;
      if (!a.session.info.isLoggedIn) {
        active.delete(cookies(req)[SESSION_COOKIE]!);
        end(a);
        return undefined;
      }
      const refusal = pageRequestRefusal(req);
      if (refusal) throw crossOrigin(refusal);
      return a.podSession;
    },

    async close() {
      const all = active.clear();
      pending.clear();
      for (const a of all) options.onSessionEnd?.(a.podSession);
      await Promise.all(all.map((a) => a.session.logout({ logoutType: 'app' }).catch(() => {})));
    },
  };
}
