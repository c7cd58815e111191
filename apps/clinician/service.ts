/**
 * The clinician API, wired: one query engine (with its ETag document cache),
 * the sessions of the callers, the HTTP app. Used by `npm start`
 * (apps/start.ts), by its own process (main.ts) and by the tests.
 *
 * The service holds no identity of its own: it reads pods only with the
 * credentials each caller brings.
 */
import type { AddressInfo } from 'node:net';
import { hardenServer } from '../shared/http-hardening.ts';
import type { PodSession } from '../shared/pod-session.ts';
import { ClinicianQueryEngine, type ClinicianEngineOptions } from './engine/engine.ts';
import { Sessions } from './http/auth.ts';
import { createClinicianApp } from './http/app.ts';
import { createBrowserLogin, type BrowserLogin } from './http/browser-login.ts';
import { callerLimits, LiveStreams, type CallerLimits } from './http/caller-limits.ts';
import type { RateLimit } from '../shared/rate-limit.ts';
import { buildDashboardBundle } from './dashboard/build.ts';

export const DEFAULT_CLINICIAN_PORT = 3003;

export interface ClinicianApiOptions {
  /** TCP port; default 3003, 0 for any free port. */
  readonly port?: number;
  /** Interface to listen on; default 127.0.0.1. */
  readonly host?: string;
  /** The pod server (its base URL is also the identity provider of client credentials). */
  readonly podBaseUrl: string;
  /** Other pod servers whose pods may be on team lists; default: only podBaseUrl. */
  readonly otherPodServers?: readonly string[];
  readonly engine?: Omit<ClinicianEngineOptions, 'podServers'>;
  /** Adds people's browser login (Solid-OIDC at the pod server); default on. */
  readonly browserLogin?: boolean;
  /** The URL browsers reach the API at (the login's redirect URL); default http://localhost:{port}. */
  readonly publicUrl?: string;
  /** Serves the dashboard page at / (built with esbuild at start); default on. */
  readonly dashboard?: boolean;
  /**
   * What one caller may hold at once (docs/clinician-queries.md "Limits per caller"): queries in flight per
   * account (4), live streams per session (4), sessions per account (20) and in all (2,000).
   */
  readonly limits?: Partial<CallerLimits>;
  /** Logins per client IP; default LOGIN_RATE_LIMIT (30 at once, then one every 2 s). */
  readonly loginRateLimit?: RateLimit;
  readonly log?: (line: string) => void;
}

export interface ClinicianApi {
  readonly url: string;
  readonly port: number;
  readonly engine: ClinicianQueryEngine;
  stop(): Promise<void>;
}

export async function startClinicianApi(options: ClinicianApiOptions): Promise<ClinicianApi> {
  const engine = new ClinicianQueryEngine({ ...options.engine, podServers: [options.podBaseUrl, ...(options.otherPodServers ?? [])] });
  const limits = callerLimits(options.limits);
  // A session that ends (logout, evicted, idle) ends its live streams.
  const liveStreams = new LiveStreams(limits.liveStreamsPerSession);
  const caps = { sessionsPerAccount: limits.sessionsPerAccount, maxSessions: limits.maxSessions, onSessionEnd: (s: PodSession) => liveStreams.endAll(s) };
  const sessions = new Sessions({ oidcIssuer: options.podBaseUrl, ...caps });
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_CLINICIAN_PORT;
  let browserLogin: BrowserLogin | undefined;
  let url: string;
  let publicUrl = options.publicUrl?.replace(/\/$/, '');
  if (options.browserLogin !== false) browserLogin = createBrowserLogin({ oidcIssuer: options.podBaseUrl, baseUrl: () => publicUrl!, ...caps });
  const dashboard = options.dashboard !== false ? buildDashboardBundle() : undefined;
  const app = createClinicianApp({
    engine, sessions, limits, liveStreams, ...(browserLogin ? { browserLogin } : {}), ...(dashboard ? { dashboard } : {}),
    ...(options.loginRateLimit ? { loginRateLimit: options.loginRateLimit } : {}),
  });
  const server = app.listen(port, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    throw new Error(`The clinician API could not listen on ${host}:${port}: ${(error as Error).message}`);
  }
  hardenServer(server);
  const actual = (server.address() as AddressInfo).port;
  url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actual}`;
  publicUrl ??= `http://localhost:${actual}`;
  options.log?.(`clinician API ready at ${url}/ (pod server ${options.podBaseUrl})`);
  return {
    url: `${url}/`,
    port: actual,
    engine,
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 2_000).unref();
      await closed;
      await browserLogin?.close();
      await sessions.close();
    },
  };
}

/** The clinician API in the demo (`npm start`): http://localhost:3003/ (or the port apps/start.ts read, config.ts), reading the demo pod server. */
export async function startDemoClinicianApi(world: { podBaseUrl: string; port?: number }) {
  const api = await startClinicianApi({
    port: world.port ?? DEFAULT_CLINICIAN_PORT,
    podBaseUrl: world.podBaseUrl,
  });
  return { name: 'clinician', url: `http://localhost:${api.port}/`, stop: api.stop };
}
