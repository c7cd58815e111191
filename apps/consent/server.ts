/**
 * The consent app's own server: static files and config only. It hands out
 * the page, its bundle and `config.json` (where the pod server and the
 * gateway are), with a Content-Security-Policy that lets the page talk to
 * itself, the pod server and the gateway (pairing, "My devices") and nothing else, and no inline script. It never sees a token: the
 * page logs in and talks to the pod directly from the browser. Errors are
 * RFC 9457 problem+json.
 *
 * It also serves the page's Solid-OIDC Client Identifier Document at `/id`
 * (clientIdDocument): the page logs in with that URL as its client_id, so the
 * pod server's consent screen names the app by an address on the page's own
 * origin, which a look-alike app on another origin cannot claim (the pod
 * server fetches the document from that URL and sends the login only to the
 * redirect_uris it lists).
 *
 *   startConsentApp({ port: 3002, podBaseUrl: 'http://localhost:3000/' })
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import { hardenServer } from '../shared/http-hardening.ts';
import { problemHandler, sendProblem } from '../shared/http-errors.ts';
import { withSlash } from '../shared/pod-urls.ts';
import { problem } from '../shared/problem.ts';
import { buildConsentBundle, type ConsentBundle } from './build.ts';

export const DEFAULT_CONSENT_PORT = 3002;
/** Where `npm start` runs the gateway (apps/gateway/gateway.ts DEFAULT_GATEWAY_PORT; an app does not import another). */
export const DEFAULT_GATEWAY_URL = 'http://localhost:3001/';

export interface ConsentAppOptions {
  /** TCP port; 0 for any free one. Default 3002. */
  port?: number;
  host?: string;
  /** The pod server's base URL (also its Solid-OIDC issuer). */
  podBaseUrl: string;
  /** The public directory of organisations; default the demo world's. */
  directoryUrl?: string;
  /** The gateway that pairs devices (apps/consent/config.ts `--gateway-url`); default http://localhost:3001/. */
  gatewayUrl?: string;
  /** The page's URL as browsers reach it (behind a proxy, its https address); default http://localhost:{port}/. */
  appUrl?: string;
}

export interface ConsentApp {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** The demo world's directory (pod-server/world/directory.ts). */
export const demoDirectoryUrl = (podBaseUrl: string) => `${podBaseUrl}oslo/directory/organisations`;

export function securityHeaders(podBaseUrl: string, gatewayUrl: string): Record<string, string> {
  const pod = new URL(podBaseUrl).origin;
  const gateway = new URL(gatewayUrl).origin;
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      `connect-src 'self' ${pod}${gateway === pod ? '' : ` ${gateway}`}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
}

/** The app's name on the pod server's consent screen (the page also says its origin, which is what to check). */
export const CLIENT_NAME = 'Helsevev';

/**
 * The Solid-OIDC Client Identifier Document of the page served at `appUrl`
 * (https://solidproject.org/TR/oidc#clientids-document): its client_id is its
 * own URL, and the pod server redirects a login only back to `appUrl`.
 */
export function clientIdDocument(appUrl: string) {
  const root = new URL('/', appUrl).href;
  return {
    '@context': ['https://www.w3.org/ns/solid/oidc-context.jsonld'],
    client_id: new URL('/id', appUrl).href,
    client_name: CLIENT_NAME,
    client_uri: root,
    redirect_uris: [root],
    post_logout_redirect_uris: [root],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: 'openid webid offline_access',
    token_endpoint_auth_method: 'none',
    application_type: 'web',
  };
}

export interface ConsentAppConfig {
  podBaseUrl: string;
  directoryUrl: string;
  /** The gateway that pairs devices; the page calls it with the patient's session. */
  gatewayUrl: string;
  /** Where the page is served, as browsers reach it; with it the page logs in with its Client Identifier Document (`/id`). */
  appUrl?: string;
}

export function createConsentApp(bundle: ConsentBundle, config: ConsentAppConfig): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const headers = securityHeaders(config.podBaseUrl, config.gatewayUrl);
  const configJson = JSON.stringify({
    podBaseUrl: config.podBaseUrl, oidcIssuer: config.podBaseUrl, directoryUrl: config.directoryUrl, gatewayUrl: config.gatewayUrl,
    ...(config.appUrl ? { clientId: clientIdDocument(config.appUrl).client_id } : {}),
  });
  app.use((req, res, next) => {
    res.set(headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.set('allow', 'GET, HEAD');
      sendProblem(res, problem(405, 'method-not-allowed', 'Method not allowed', `the consent page only serves files; ${req.method} is not allowed`));
      return;
    }
    next();
  });
  const file = (type: string, body: string, cache = 'no-cache') => (_req: Request, res: Response) => {
    res.type(type).set('cache-control', cache).send(body);
  };
  app.get('/', file('html', bundle.html));
  app.get('/index.html', file('html', bundle.html));
  app.get('/app.js', file('text/javascript', bundle.js));
  app.get('/app.js.map', file('application/json', bundle.map));
  app.get('/app.css', file('text/css', bundle.css));
  app.get('/config.json', file('application/json', configJson, 'no-store'));
  if (config.appUrl) app.get('/id', file('application/ld+json', JSON.stringify(clientIdDocument(config.appUrl), null, 2)));
  app.use((req, res) => {
    sendProblem(res, problem(404, 'not-found', 'Not found', `there is no ${req.path} here; the consent page is at /`));
  });
  app.use(problemHandler({ service: 'consent page', internalDetail: 'something went wrong in the consent page\'s server; load the page again' }));
  return app;
}

export async function startConsentApp(options: ConsentAppOptions): Promise<ConsentApp> {
  const bundle = await buildConsentBundle();
  // The app needs its own URL (for /id), known once the port is: requests wait for it.
  let app: express.Express | undefined;
  const server: Server = createServer((req, res) => app!(req, res));
  hardenServer(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_CONSENT_PORT, options.host ?? 'localhost', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = options.appUrl ?? `http://localhost:${port}/`;
  app = createConsentApp(bundle, {
    podBaseUrl: options.podBaseUrl,
    directoryUrl: options.directoryUrl ?? demoDirectoryUrl(options.podBaseUrl),
    gatewayUrl: withSlash(options.gatewayUrl ?? DEFAULT_GATEWAY_URL),
    appUrl: url,
  });
  return {
    url,
    port,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** `npm start`: the consent page on :3002 (or the port apps/start.ts read, config.ts) for the demo's pod server. */
export async function startDemoConsent(world: { podBaseUrl: string; port?: number; gatewayUrl?: string }) {
  const app = await startConsentApp({
    port: world.port ?? DEFAULT_CONSENT_PORT, podBaseUrl: world.podBaseUrl, ...(world.gatewayUrl ? { gatewayUrl: world.gatewayUrl } : {}),
  });
  return { name: 'consent', url: app.url, stop: app.stop };
}
