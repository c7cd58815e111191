/**
 * Who is asking, and the routes that start and end a caller's session
 * (docs/clinician-queries.md "Who is asking"):
 *
 *   POST   /session           client credentials -> bearer token
 *   DELETE /session           ends that token
 *   GET    /login, /login/callback, POST /logout, GET /login/me   people (browser-login.ts)
 *
 * `identify` resolves a request to the caller's own session: a Bearer token
 * or Basic client credentials when the request has an Authorization header,
 * else the browser's login cookie (which only the service's own page may
 * use: browser-login.ts). Each identified request holds one of its
 * account's query slots until it is answered (caller-limits.ts).
 */
import type express from 'express';
import type { Request } from 'express';
import type { PodSession } from '../../shared/pod-session.ts';
import { problem } from '../../shared/problem.ts';
import { rateLimit, rateLimiter, type RateLimit } from '../../shared/rate-limit.ts';
import type { Sessions } from './auth.ts';
import type { BrowserLogin } from './browser-login.ts';
import type { QuerySlots } from './caller-limits.ts';
import { methodNotAllowed, send } from './edge.ts';

export interface CallerDeps {
  readonly sessions: Sessions;
  readonly browserLogin?: BrowserLogin;
  readonly querySlots: QuerySlots;
  /** Logins per client IP (POST /session, /login, /login/callback, new Basic credentials). */
  readonly loginRateLimit: RateLimit;
}

export type Identify = (req: Request) => Promise<PodSession>;

/** Mounts the session routes; answers `identify` for the other routes. */
export function mountCallers(app: express.Express, deps: CallerDeps): Identify {
  const { sessions } = deps;
  const loginLimit = rateLimit(deps.loginRateLimit, 'login attempts');
  // HTTP Basic on any endpoint logs in at the identity provider for credentials not seen before: a guess costs
  // a token request there, so new credentials are limited like logins (known ones are not: they are cached).
  const basicLogins = rateLimiter(deps.loginRateLimit, 'logins with new client credentials');

  app.post('/session', loginLimit, async (req, res) => {
    const session = await sessions.fromAuthorization(req.get('authorization'));
    const { token, expiresInSeconds } = sessions.issueToken(session);
    res.status(201).set('cache-control', 'no-store').json({ token_type: 'Bearer', access_token: token, expires_in: expiresInSeconds, webId: session.webId });
  });
  app.delete('/session', (req, res) => {
    const [scheme, token] = (req.get('authorization') ?? '').split(/\s+/, 2);
    if (!/^bearer$/i.test(scheme ?? '') || !token || !sessions.revokeToken(token)) {
      return send(res, problem(404, 'unknown-token', 'No such session', 'send the bearer token to end as Authorization: Bearer <token>'));
    }
    res.status(204).end();
  });
  app.all('/session', methodNotAllowed(['POST', 'DELETE']));

  app.get(['/login', '/login/callback'], loginLimit);
  deps.browserLogin?.mount(app);
  if (!deps.browserLogin) {
    app.all(['/login', '/login/callback', '/logout'], (_req, res) =>
      send(res, problem(501, 'browser-login-unavailable', 'Browser login is not enabled', 'use client credentials (HTTP Basic) or POST /session')));
  }

  return async (req) => {
    const authorization = req.get('authorization');
    // An Authorization header is the caller's own doing (no other page can add one): the cookie is not looked at.
    const session = (!authorization && deps.browserLogin?.sessionOf(req))
      || await sessions.fromAuthorization(authorization, () => basicLogins.take(req));
    deps.querySlots.hold(req, session.webId);
    return session;
  };
}
