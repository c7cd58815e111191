/**
 * The gateway's edge (docs/gateway.md, "Running it behind a TLS-terminating
 * proxy"): what is checked before any route runs, and where it may listen.
 *
 * - Host allow-list: a request must name the gateway by a name it answers
 *   to (localhost, 127.0.0.1 or [::1] with its port, the address it listens
 *   on, and the public names the operator configured). Anything else is 421
 *   Misdirected Request: a web page that rebinds its own DNS name to
 *   127.0.0.1 (DNS rebinding) reaches the port, but its requests carry its
 *   own name in Host, so none of them runs.
 * - Listen safety: devices' credentials and patients' identifiers must not
 *   cross a network in clear, so the gateway refuses a non-loopback address
 *   unless it serves HTTPS itself (--tls-cert, --tls-key) or is told that a
 *   TLS-terminating proxy stands in front (--behind-tls-proxy). Behind one,
 *   X-Forwarded-Proto/-Host are believed from a loopback peer only.
 * - CORS for the consent page's origin(s) only: the patient's page calls
 *   the pairing API with `Authorization: DPoP` and a `DPoP` proof, never
 *   with cookies, so no credentials mode is allowed; every other origin gets
 *   no CORS header at all (and a preflight from it a 403).
 */
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from '../../shared/http-errors.ts';
import { problem } from '../../shared/problem.ts';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const CORS_METHODS = 'GET, POST, DELETE';
const CORS_HEADERS = 'Authorization, DPoP, Content-Type';
/** What the consent page may read of an answer besides the simple headers. */
const CORS_EXPOSED = 'WWW-Authenticate, Retry-After, Location';

export interface EdgeOptions {
  /** Public names (host or host:port) clients reach the gateway by, e.g. gateway.kommune.no. */
  readonly publicHosts?: readonly string[];
  /** Origins of the consent page (startGateway: that of its consentUrl); none: no CORS at all. */
  readonly consentOrigins?: readonly string[];
  /** A TLS-terminating proxy on this host stands in front: believe X-Forwarded-* from loopback peers. */
  readonly behindTlsProxy?: boolean;
}

/** True for addresses only this machine can reach. Names other than localhost might resolve anywhere, so they are not. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return h === 'localhost' || h === '::1' || /^(?:::ffff:)?127(?:\.\d{1,3}){3}$/.test(h);
}

/**
 * Throws unless listening on `host` is safe: loopback, or HTTPS served here,
 * or a TLS-terminating proxy in front. The message names the flag to add.
 */
export function checkListenSafety(host: string, options: { behindTlsProxy?: boolean; tls?: boolean }): void {
  if (isLoopback(host) || options.behindTlsProxy || options.tls) return;
  throw new Error(
    `the gateway will not listen on ${host} without TLS: devices' credentials and patients' identifiers would cross the network in clear. ` +
    'Add --behind-tls-proxy if a TLS-terminating proxy (nginx, Caddy) forwards to it, or --tls-cert FILE --tls-key FILE to serve HTTPS itself, ' +
    'or listen on 127.0.0.1 (docs/gateway.md, "Running it behind a TLS-terminating proxy")',
  );
}

/** The Host values the gateway answers to when it listens on `host`:`port`. */
export function allowedHosts(port: number, host: string, publicHosts: readonly string[] = []): Set<string> {
  const bare = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const names = [...LOOPBACK_NAMES, ...(['0.0.0.0', '[::]'].includes(bare) ? [] : [bare])];
  const allowed = new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
  for (const name of publicHosts.map((n) => n.toLowerCase())) {
    allowed.add(name);
    // A public name without a port is reached on the default ports, or on ours when the gateway serves TLS itself.
    if (!/:\d+$/.test(name)) for (const p of [80, 443, port]) allowed.add(`${name}:${p}`);
  }
  return allowed;
}

/** The name a request asked for is not one the gateway answers to: 421, before any route runs. */
function misdirected(res: Response, host: string | undefined): void {
  sendProblem(res, problem(421, 'misdirected-request', 'Misdirected request',
    `this gateway does not answer to the host name ${host === undefined ? '(none)' : `"${host.slice(0, 100)}"`}; ` +
    'use the name its operator published (they add more with --public-host)'));
}

/**
 * The Host allow-list as express middleware. `allowed` is read per request
 * (the port is known only once the server listens). Behind a proxy the
 * X-Forwarded-Host it sets is checked too: a page cannot pass the check by
 * naming an allowed host in that header.
 */
export function requireAllowedHost(allowed: () => ReadonlySet<string>, behindTlsProxy = false) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const names = allowed();
    const host = req.headers.host?.toLowerCase();
    if (host === undefined || !names.has(host)) return misdirected(res, req.headers.host);
    const forwarded = behindTlsProxy ? req.get('x-forwarded-host')?.toLowerCase() : undefined;
    if (forwarded !== undefined && !names.has(forwarded)) return misdirected(res, forwarded);
    next();
  };
}

/** CORS for the consent page's origins only; tokens, not cookies, so never Allow-Credentials. */
export function consentCors(origins: readonly string[]) {
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  return (req: Request, res: Response, next: NextFunction): void => {
    const origin = req.get('origin');
    if (origin === undefined) return next();
    res.vary('Origin');
    const preflight = req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined;
    if (!allowed.has(origin)) {
      if (!preflight) return next();
      return sendProblem(res, problem(403, 'origin-not-allowed', 'Origin not allowed',
        `pages of ${origin.slice(0, 100)} may not call this gateway; only the consent page may (--consent-origin)`));
    }
    res.set('access-control-allow-origin', origin);
    if (!preflight) {
      res.set('access-control-expose-headers', CORS_EXPOSED);
      return next();
    }
    res.set({ 'access-control-allow-methods': CORS_METHODS, 'access-control-allow-headers': CORS_HEADERS, 'access-control-max-age': '600' });
    res.status(204).end();
  };
}

/** Everything the edge puts before the routes, in order: Host check, then CORS. */
export function gatewayEdge(options: EdgeOptions & { allowedHosts: () => ReadonlySet<string> }) {
  return [requireAllowedHost(options.allowedHosts, options.behindTlsProxy), consentCors(options.consentOrigins ?? [])];
}

/** `--public-host`: a host name, or host:port, as clients put it in Host. */
export function parsePublicHost(value: string): string {
  if (!/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/i.test(value) && !/^\[[0-9a-f:.]+\](?::\d{1,5})?$/i.test(value)) {
    throw new Error(`must be a host name as clients send it in Host (gateway.example.no or gateway.example.no:8443), not "${value}"`);
  }
  return value.toLowerCase();
}

/** `--consent-origin`: scheme, host and port only, as a browser sends it in Origin. */
export function parseOrigin(value: string): string {
  let origin: string | undefined;
  try {
    origin = new URL(value).origin;
  } catch {
    origin = undefined;
  }
  if (origin === undefined || origin === 'null' || origin !== value.replace(/\/$/, '')) {
    throw new Error(`must be an origin such as http://localhost:3002 (scheme, host and port, no path), not "${value}"`);
  }
  return origin;
}
