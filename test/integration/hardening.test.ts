/**
 * Server hardening of our HTTP servers (gateway, clinician API + dashboard,
 * consent page), over real sockets but without a pod server: rate limits on
 * login-adjacent endpoints (429 problem+json with Retry-After, per client
 * IP), security headers on pages and API answers, no CORS anywhere, timeouts
 * and problem+json for requests Node refuses before Express (malformed HTTP,
 * headers too large, too slow), and no stack trace or internal path in a 500.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClinicianQueryEngine } from '../../apps/clinician/engine/engine.ts';
import { Sessions } from '../../apps/clinician/http/auth.ts';
import { createClinicianApp } from '../../apps/clinician/http/app.ts';
import { buildDashboardBundle } from '../../apps/clinician/dashboard/build.ts';
import { DASHBOARD_CSP } from '../../apps/clinician/dashboard/routes.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { startGateway, type Gateway } from '../../apps/gateway/gateway.ts';
import { createGatewayApp } from '../../apps/gateway/http/app.ts';
import { hardenServer } from '../../apps/shared/http-hardening.ts';
import { PodLoginError } from '../../apps/shared/pod-session.ts';
import { TokenBuckets } from '../../apps/shared/rate-limit.ts';
import { BASE, VENDOR, tempDir } from '../unit/gateway/fixtures.ts';

const SECRET_PATH = '/work/main/apps/secret/internal.ts:12:7';
let dir: Awaited<ReturnType<typeof tempDir>>;
let gateway: Gateway;
let gatewayUrl: string;
let clinicianUrl: string;
let consent: ConsentApp;
const servers: Server[] = [];

async function listen(app: express.Express, options: Parameters<typeof hardenServer>[1] = {}, checkEveryMs?: number): Promise<string> {
  const server = createServer(checkEveryMs ? { connectionsCheckingInterval: checkEveryMs } : {}, app);
  hardenServer(server, options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One request from a chosen local address (127.0.0.x: another client IP on loopback). */
function call(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {}) {
  const url = new URL(path, base);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers: init.headers, localAddress: init.from ?? '127.0.0.1' }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Writes raw bytes to the server and returns what it answers (until it closes). */
function raw(base: string, bytes: string, pauseMs = 0): Promise<string> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      if (pauseMs) setTimeout(() => socket.write(bytes), pauseMs);
      else socket.write(bytes);
    });
    let text = '';
    socket.setEncoding('utf8').on('data', (c: string) => { text += c; }).on('end', () => resolve(text)).on('error', reject);
    setTimeout(() => socket.destroy(), 10_000);
  });
}

beforeAll(async () => {
  dir = await tempDir();
  gateway = await startGateway({
    port: 0, dataDir: dir.path, demoPodBaseUrl: BASE,
    credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
    append: async () => ({ ok: true, status: 205 }),
  });
  // The gateway's app with a small pairing limit, a patient already logged in (no pod server here),
  // and a profile lookup that fails with internals in its message.
  gatewayUrl = await listen(createGatewayApp({
    outbox: gateway.outbox, delivery: gateway.delivery, store: gateway.store, startedAt: new Date(),
    vendor: { webId: VENDOR, name: 'Hjemmemåling AS' }, consentUrl: 'http://localhost:3002/', publicUrl: () => gatewayUrl,
    intake: { vendorWebId: VENDOR, allowedSources: new Set(), defaultSetting: 'home-municipality', maxReadings: 10 },
    pairingRateLimit: { capacity: 3, refillPerSecond: 0.001 },
    verifyPatient: async () => `${BASE}newcomer/profile/card#me`,
    podServers: [BASE],
    discoverStorage: async () => { throw new Error(`profile lookup failed at ${SECRET_PATH}`); },
  }));
  const sessions = new Sessions({
    oidcIssuer: 'http://127.0.0.1:9/',
    open: async ({ clientId }) => {
      if (clientId === 'crash') throw new TypeError(`Cannot read properties of undefined (reading 'x') at ${SECRET_PATH}`);
      throw new PodLoginError('invalid_client');
    },
  });
  clinicianUrl = await listen(createClinicianApp({
    engine: new ClinicianQueryEngine({ podServers: ['http://127.0.0.1:9/'] }),
    sessions,
    dashboard: buildDashboardBundle(),
    loginRateLimit: { capacity: 4, refillPerSecond: 0.001 },
  }), { headersTimeoutMs: 500, requestTimeoutMs: 800 }, 100);
  consent = await startConsentApp({ port: 0, podBaseUrl: 'http://pods.example:3000/' });
}, 60_000);

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
  await consent?.stop();
  await gateway?.stop();
  await dir?.remove();
});

const basic = (id: string) => `Basic ${Buffer.from(`${id}:secret`).toString('base64')}`;
const problemOf = (r: { headers: Record<string, unknown>; text: string }) => {
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  return JSON.parse(r.text) as { status: number; title: string; detail: string; retryAfterSeconds?: number };
};

describe('rate limits on login-adjacent endpoints', () => {
  it('a token bucket gives `capacity` at once, then refills at its rate', () => {
    let now = 0;
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 0.5 }, () => now);
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 2]);
    expect(buckets.take('b')).toBe(0); // another client has its own bucket
    now += 2_000;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBe(2);
  });

  it('clinician: POST /session, /login and /login/callback share one bucket per client IP; then 429 problem+json with Retry-After', async () => {
    const statuses = [];
    statuses.push((await call(clinicianUrl, '/session', { method: 'POST', headers: { authorization: basic('wrong') } })).status);
    statuses.push((await call(clinicianUrl, '/session', { method: 'POST', headers: { authorization: basic('wrong') } })).status);
    statuses.push((await call(clinicianUrl, '/login')).status);
    statuses.push((await call(clinicianUrl, '/login/callback')).status);
    expect(statuses).toEqual([401, 401, 501, 501]);
    for (const path of ['/session', '/login', '/login/callback']) {
      const limited = await call(clinicianUrl, path, { method: path === '/session' ? 'POST' : 'GET', headers: { authorization: basic('wrong') } });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      const p = problemOf(limited);
      expect(p).toMatchObject({ status: 429, title: 'Too many requests' });
      expect(p.detail).toMatch(/wait \d+ s/);
    }
    // Queries are not login attempts, and another address has its own bucket.
    expect((await call(clinicianUrl, '/teams', { headers: { authorization: 'Bearer x' } })).status).toBe(401);
    expect((await call(clinicianUrl, '/session', { method: 'POST', headers: { authorization: basic('wrong') }, from: '127.0.0.2' })).status).toBe(401);
  });

  it('clinician: HTTP Basic with new credentials on any endpoint counts as a login, per client IP', async () => {
    const from = '127.0.0.4';
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(clinicianUrl, `/teams?guess=${i}`, { headers: { authorization: basic(`guess-${i}`) }, from })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const limited = await call(clinicianUrl, '/sparql?team=x&query=ASK%7B%7D', { headers: { authorization: basic('guess-5') }, from });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(problemOf(limited).detail).toMatch(/logins with new client credentials/);
    expect((await call(clinicianUrl, '/teams', { headers: { authorization: basic('guess-6') }, from: '127.0.0.5' })).status).toBe(401);
  });

  it('gateway: POST /pairings is limited per client IP', async () => {
    const ask = (from?: string) => call(gatewayUrl, '/pairings', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: { id: 'x' }, kinds: [] }), ...(from ? { from } : {}),
    });
    expect([(await ask()).status, (await ask()).status, (await ask()).status]).toEqual([422, 422, 422]);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(problemOf(limited).status).toBe(429);
    expect((await ask('127.0.0.3')).status).toBe(422);
    // Readings are not limited by it (they need a credential).
    expect((await call(gatewayUrl, '/readings/000000000000000000000000')).status).toBe(401);
  });
});

describe('security headers and CORS', () => {
  it('the dashboard page and its bundle carry the page CSP, nosniff, no referrer and no framing', async () => {
    for (const path of ['/', '/app.js', '/app.css']) {
      const r = await call(clinicianUrl, path, { headers: { accept: 'text/html' } });
      expect(r.status).toBe(200);
      expect(r.headers['content-security-policy']).toBe(DASHBOARD_CSP);
      expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
      expect(DASHBOARD_CSP).not.toMatch(/unsafe-(inline|eval)/);
      expect(r.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    }
  });

  it('the consent page carries its CSP (self + the pod server), nosniff, no referrer and no framing', async () => {
    const r = await call(consent.url, '/');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-security-policy'])).toMatch(/default-src 'none'.*connect-src 'self' http:\/\/pods\.example:3000.*frame-ancestors 'none'/);
    expect(r.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
  });

  it('every API answer (JSON, problem, 404) is nosniff, unframeable and has a deny-all CSP', async () => {
    for (const [base, path] of [[gatewayUrl, '/health'], [gatewayUrl, '/nowhere'], [clinicianUrl, '/?format=json'], [clinicianUrl, '/teams'], [clinicianUrl, '/fhir/metadata']] as const) {
      const r = await call(base, path, { headers: { accept: 'application/json' } });
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
      expect(r.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('no server of ours answers CORS: no page of another origin needs our APIs (the consent page talks to the pod server only)', async () => {
    const origin = { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' };
    for (const [base, path, method] of [
      [gatewayUrl, '/readings', 'OPTIONS'], [gatewayUrl, '/health', 'GET'], [clinicianUrl, '/sparql', 'OPTIONS'], [clinicianUrl, '/session', 'OPTIONS'],
      [clinicianUrl, '/dashboard/api/team', 'GET'], [consent.url, '/config.json', 'GET'], [consent.url, '/', 'OPTIONS'],
    ] as const) {
      const r = await call(base, path, { method, headers: origin });
      expect(Object.keys(r.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('timeouts and requests Node refuses itself', () => {
  it('sets request, header and keep-alive timeouts on every server', async () => {
    const server = createServer();
    hardenServer(server);
    expect({ request: server.requestTimeout, headers: server.headersTimeout, keepAlive: server.keepAliveTimeout, maxHeaders: server.maxHeadersCount })
      .toEqual({ request: 30_000, headers: 15_000, keepAlive: 5_000, maxHeaders: 100 });
    hardenServer(server, { keepAliveTimeoutMs: 30_000 });
    expect(server.keepAliveTimeout).toBe(30_000);
  });

  it('malformed HTTP gets a 400 problem+json', async () => {
    const answer = await raw(clinicianUrl, 'GET / HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, title: 'The request is not valid HTTP' });
  });

  it('headers over 16 kB get a 431 problem+json', async () => {
    const r = await call(gatewayUrl, '/health', { headers: { 'x-filler': 'x'.repeat(20_000) } });
    expect(r.status).toBe(431);
    expect(problemOf(r)).toMatchObject({ status: 431 });
  });

  it('a client that sends its headers too slowly is cut off with a 408 problem+json', async () => {
    const started = performance.now();
    const answer = await raw(clinicianUrl, 'GET / HTTP/1.1\r\nHost: x\r\n', 0);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('application/problem+json');
  });
});

describe('no stack traces or internal paths in error bodies', () => {
  it('gateway: an unexpected error while pairing is a 500 that says nothing of its insides', async () => {
    const json = { 'content-type': 'application/json' };
    const asked = await call(gatewayUrl, '/pairings', { method: 'POST', headers: json, body: JSON.stringify({ device: { id: 'OX-1', model: 'PulseOx' }, kinds: ['oxygen-saturation'] }), from: '127.0.0.4' });
    expect(asked.status).toBe(200);
    const code = (JSON.parse(asked.text) as { user_code: string }).user_code;
    const r = await call(gatewayUrl, `/pairings/${code}`, { method: 'POST', headers: json, body: JSON.stringify({ decision: 'approve', kinds: ['oxygen-saturation'] }), from: '127.0.0.4' });
    expect(r.status).toBe(500);
    expect(problemOf(r).detail).toMatch(/nothing was acknowledged/);
    expect(r.text).not.toContain('/work/');
    expect(r.text).not.toMatch(/\.ts:\d+|\bat /);
  });

  it('clinician: an unexpected error while logging in is a 500 that says nothing of its insides', async () => {
    const r = await call(clinicianUrl, '/session', { method: 'POST', headers: { authorization: basic('crash') }, from: '127.0.0.5' });
    expect(r.status).toBe(500);
    expect(problemOf(r).title).toBe('Internal error');
    expect(r.text).not.toContain('/work/');
    expect(r.text).not.toMatch(/TypeError|\.ts:\d+/);
  });

  it('clinician: an unreadable body says what to fix, not what the parser said', async () => {
    const r = await call(clinicianUrl, '/dashboard/api/marks', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: '{"team":', from: '127.0.0.6' });
    expect(r.status).toBe(400);
    expect(problemOf(r).detail).toMatch(/check quotes, commas and brackets/);
    expect(r.text).not.toMatch(/Unexpected|position \d+/);
  });
});
