/**
 * People's login: a browser signs in with Solid-OIDC (authorization code flow
 * with PKCE and DPoP, by @inrupt/solid-client-authn-node) at the pod server's
 * own login page, and comes back with an HttpOnly session cookie. Queries of
 * that browser then run with the person's own identity, exactly like a
 * system's client credentials (the session is PodSession-shaped).
 *
 *   GET /login[?return=/path]   redirects to the pod server's login page
 *   GET /login/callback         finishes the login, sets the cookie, redirects back
 *   GET|POST /logout            forgets the session
 *   GET /login/me               who the cookie says you are (JSON)
 *
 * The identity provider is the configured pod server, never one named by the
 * request. Sessions live in memory (a restart logs everyone out); the
 * library refreshes the access token with the refresh token while in use.
 * Cookies are SameSite=Lax: a cross-site page cannot POST with them, and
 * without CORS it cannot read a GET's answer.
 */
import { randomBytes } from 'node:crypto';
import { Session } from '@inrupt/solid-client-authn-node';
import type express from 'express';
import type { Request, Response } from 'express';
import type { PodSession } from '../../shared/pod-session.ts';
import { problem, PROBLEM_CONTENT_TYPE } from '../../shared/problem.ts';

export interface BrowserLogin {
  /** Adds /login, /login/callback, /login/me and /logout to the app. */
  mount(app: express.Express): void;
  /** The logged-in session the request's cookie names, if any. */
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

function setCookie(res: Response, name: string, value: string, maxAgeSeconds: number): void {
  res.append('set-cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}`);
}

/** Only same-site paths may be returned to (no open redirect). */
const safeReturn = (value: unknown) => (typeof value === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(value) ? value : '/login/me');

interface Active {
  readonly session: Session;
  readonly podSession: PodSession;
  lastUsed: number;
}

export function createBrowserLogin(options: BrowserLoginOptions): BrowserLogin {
  const pending = new Map<string, { session: Session; returnTo: string; started: number }>();
  const active = new Map<string, Active>();
  const idleMs = options.idleMs ?? 8 * 3600_000;

  const sweep = () => {
    const now = Date.now();
    for (const [id, p] of pending) if (now - p.started > 10 * 60_000) pending.delete(id);
    for (const [id, a] of active) {
      if (now - a.lastUsed > idleMs) {
        active.delete(id);
        void a.session.logout({ logoutType: 'app' }).catch(() => {});
      }
    }
  };

  return {
    mount(app) {
      app.get('/login', async (req, res) => {
        sweep();
        const session = new Session({ keepAlive: true });
        const id = randomBytes(24).toString('base64url');
        pending.set(id, { session, returnTo: safeReturn(req.query.return), started: Date.now() });
        setCookie(res, LOGIN_COOKIE, id, 600);
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
          res.status(400).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(400, 'login-expired', 'The login could not be finished',
            'this browser started no login here in the last 10 minutes (or cookies are blocked); start again at /login')));
          return;
        }
        pending.delete(id);
        const info = await started.session.handleIncomingRedirect(`${options.baseUrl()}${req.originalUrl}`).catch((e: Error) => {
          // The library's message can name internals (files, token endpoints): the log gets it, the browser does not.
          console.error(`clinician login: the callback failed: ${e.message}`);
          res.status(401).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(401, 'login-failed', 'The login failed', 'the pod server did not log you in (the answer it sent back could not be used); try again at /login')));
          return null;
        });
        if (info === null) return;
        if (!info?.isLoggedIn || !info.webId) {
          res.status(401).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(401, 'login-failed', 'The login failed', 'the pod server did not log you in; try again at /login')));
          return;
        }
        const session = started.session;
        const sid = randomBytes(32).toString('base64url');
        const webId = info.webId;
        active.set(sid, {
          session,
          lastUsed: Date.now(),
          podSession: {
            webId,
            fetch: ((input: RequestInfo | URL, init?: RequestInit) => session.fetch(input, init)) as typeof fetch,
            refresh: async () => {},
            close: () => session.logout({ logoutType: 'app' }),
          },
        });
        setCookie(res, LOGIN_COOKIE, '', 0);
        setCookie(res, SESSION_COOKIE, sid, Math.round(idleMs / 1000));
        res.redirect(303, started.returnTo);
      });

      app.get('/login/me', (req, res) => {
        const a = active.get(cookies(req)[SESSION_COOKIE] ?? '');
        if (!a) {
          res.status(401).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem(401, 'unauthenticated', 'Not logged in', 'log in at /login')));
          return;
        }
        res.json({ webId: a.podSession.webId });
      });

      const logout = async (req: Request, res: Response) => {
        const sid = cookies(req)[SESSION_COOKIE] ?? '';
        const a = active.get(sid);
        active.delete(sid);
        setCookie(res, SESSION_COOKIE, '', 0);
        await a?.session.logout({ logoutType: 'app' }).catch(() => {});
        res.status(204).end();
      };
      app.get('/logout', logout);
      app.post('/logout', logout);
    },

    sessionOf(req) {
      const a = active.get(cookies(req)[SESSION_COOKIE] ?? '');
      if (!a) return undefined;
      if (Date.now() - a.lastUsed > idleMs || !a.session.info.isLoggedIn) {
        active.delete(cookies(req)[SESSION_COOKIE]!);
        return undefined;
      }
      a.lastUsed = Date.now();
      return a.podSession;
    },

    async close() {
      const all = [...active.values()];
      active.clear();
      pending.clear();
      await Promise.all(all.map((a) => a.session.logout({ logoutType: 'app' }).catch(() => {})));
    },
  };
}
