/**
 * The gateway's edge (apps/gateway/http/edge.ts): the Host allow-list
 * against DNS rebinding (421 before any route runs), the refusal to listen
 * beyond loopback without TLS or a proxy, and CORS for the consent page's
 * origin only. Requests go over real sockets with the Host header as an
 * attacker's browser would send it.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { rateLimit } from '../../../apps/shared/rate-limit.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../../../apps/gateway/gateway.ts';
import { allowedHosts, checkListenSafety, gatewayEdge, isLoopback, parseOrigin, parsePublicHost } from '../../../apps/gateway/http/edge.ts';
import { BASE, VENDOR, tempDir } from './fixtures.ts';

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function call(port: number, path: string, headers: Record<string, string>, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

let port: number;
let ran = 0;
let close: () => void;
const CONSENT = 'http://localhost:3002';

beforeAll(async () => {
  const app = express();
  app.set('trust proxy', 'loopback');
  app.use(gatewayEdge({
    allowedHosts: () => allowedHosts(port, '127.0.0.1', ['gateway.example.no']), behindTlsProxy: true, consentOrigins: [CONSENT],
  }));
  app.all('/probe', (req, res) => {
    ran++;
    res.json({ ran: true, protocol: req.protocol });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  close = () => server.close();
});
afterAll(() => close());

describe('Host allow-list', () => {
  it('answers to localhost, 127.0.0.1 and [::1] with its port, and to the configured public names', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'gateway.example.no', 'gateway.example.no:443', 'GATEWAY.example.no']) {
      expect((await call(port, '/probe', { host })).status, host).toBe(200);
    }
  });

  it('DNS rebinding: Host evil.example gets 421 problem+json and no route runs', async () => {
    const before = ran;
    for (const host of ['evil.example', `evil.example:${port}`, 'localhost', `localhost:${port + 1}`, 'gateway.example.no.evil.example', `127.0.0.1:${port}@evil`]) {
      const r = await call(port, '/probe', { host }, 'POST');
      expect(r.status, host).toBe(421);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(r.body)).toMatchObject({ status: 421, title: 'Misdirected request', detail: expect.stringMatching(/does not answer to the host name/) });
    }
    expect(ran).toBe(before);
  });

  it('a request without Host is refused (Node answers 400 itself for HTTP/1.1) and no route runs', async () => {
    const before = ran;
    expect([400, 421]).toContain((await call(port, '/probe', {})).status);
    expect(ran).toBe(before);
  });

  it('behind a proxy, an X-Forwarded-Host naming another host is refused too; the proxy\'s X-Forwarded-Proto is believed from loopback', async () => {
    expect((await call(port, '/probe', { host: `localhost:${port}`, 'x-forwarded-host': 'evil.example' })).status).toBe(421);
    const r = await call(port, '/probe', { host: 'gateway.example.no', 'x-forwarded-host': 'gateway.example.no', 'x-forwarded-proto': 'https' });
    expect(JSON.parse(r.body)).toEqual({ ran: true, protocol: 'https' });
  });

  it('lists the names it listens as', () => {
    expect([...allowedHosts(3001, '127.0.0.1')]).toEqual(['localhost:3001', '127.0.0.1:3001', '[::1]:3001']);
    expect(allowedHosts(3001, '0.0.0.0').has('0.0.0.0:3001')).toBe(false);
    expect(allowedHosts(3001, '192.168.1.20').has('192.168.1.20:3001')).toBe(true);
    expect(allowedHosts(3001, '::').has('[::]:3001')).toBe(false);
    expect([...allowedHosts(8443, '0.0.0.0', ['gw.example.no'])]).toEqual(expect.arrayContaining(['gw.example.no', 'gw.example.no:443', 'gw.example.no:8443']));
    expect(() => parsePublicHost('evil.example/path')).toThrow(/must be a host name/);
    expect(parsePublicHost('GW.example.no:8443')).toBe('gw.example.no:8443');
  });
});

describe('client addresses behind a proxy', () => {
  it('limits and lockouts count the client the proxy vouches for, not the proxy; without --behind-tls-proxy X-Forwarded-For is ignored', async () => {
    const statuses = async (trust: boolean) => {
      const app = express();
      if (trust) app.set('trust proxy', 'loopback');
      app.use(rateLimit({ capacity: 1, refillPerSecond: 0.001 }, 'probes'));
      app.get('/', (_req, res) => void res.send('ok'));
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const p = (server.address() as AddressInfo).port;
      const result = [];
      for (const client of ['203.0.113.1', '203.0.113.2']) result.push((await call(p, '/', { host: 'x', 'x-forwarded-for': client })).status);
      server.close();
      return result;
    };
    expect(await statuses(true)).toEqual([200, 200]);
    expect(await statuses(false)).toEqual([200, 429]);
  });
});

describe('listen safety', () => {
  it('loopback is always allowed; 0.0.0.0, :: or a LAN address without flags is refused, naming the flags to add', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(() => checkListenSafety(host, {})).not.toThrow();
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'gateway.example.no']) {
      expect(() => checkListenSafety(host, {})).toThrow(/will not listen on .* without TLS.*Add --behind-tls-proxy .*--tls-cert FILE --tls-key FILE/);
    }
    expect(() => checkListenSafety('0.0.0.0', { behindTlsProxy: true })).not.toThrow();
    expect(() => checkListenSafety('0.0.0.0', { tls: true })).not.toThrow();
    expect(isLoopback('[::1]')).toBe(true);
    expect(isLoopback('127.evil.example')).toBe(false);
  });

  it('startGateway refuses 0.0.0.0 without flags before it opens anything, and starts with --behind-tls-proxy', async () => {
    const dir = await tempDir();
    const options = {
      port: 0, dataDir: dir.path, credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
      append: async () => ({ ok: true as const, status: 205 }),
    };
    try {
      await expect(startGateway({ ...options, host: '0.0.0.0' })).rejects.toThrow(/will not listen on 0\.0\.0\.0 without TLS.*--behind-tls-proxy/);
      const gateway = await startGateway({ ...options, host: '0.0.0.0', edge: { behindTlsProxy: true } });
      try {
        expect((await call(gateway.port, '/health', { host: `localhost:${gateway.port}` })).status).toBe(200);
        expect((await call(gateway.port, '/health', { host: 'evil.example' })).status).toBe(421);
      } finally {
        await gateway.stop();
      }
    } finally {
      await dir.remove();
    }
  });
});

describe('CORS', () => {
  const preflight = (origin: string) => call(port, '/probe', {
    host: `localhost:${port}`, origin, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization, dpop, content-type',
  }, 'OPTIONS');
  const cors = (r: Answer) => Object.fromEntries(Object.entries(r.headers).filter(([h]) => h.startsWith('access-control-')));

  it('a preflight from the consent page allows GET, POST, DELETE with Authorization, DPoP, Content-Type, and no credentials', async () => {
    const r = await preflight(CONSENT);
    expect(r.status).toBe(204);
    expect(cors(r)).toEqual({
      'access-control-allow-origin': CONSENT,
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': 'Authorization, DPoP, Content-Type',
      'access-control-max-age': '600',
    });
    expect(r.headers.vary).toMatch(/Origin/);
  });

  it('a preflight from any other origin gets 403 and no CORS header', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:3003', 'https://localhost:3002', 'null']) {
      const r = await preflight(origin);
      expect(r.status, origin).toBe(403);
      expect(cors(r), origin).toEqual({});
    }
  });

  it('an answer is readable by the consent page only', async () => {
    const own = await call(port, '/probe', { host: `localhost:${port}`, origin: CONSENT });
    expect(cors(own)).toMatchObject({ 'access-control-allow-origin': CONSENT });
    expect(own.headers['access-control-allow-credentials']).toBeUndefined();
    expect(cors(await call(port, '/probe', { host: `localhost:${port}`, origin: 'http://evil.example' }))).toEqual({});
  });

  it('--consent-origin takes origins only', () => {
    expect(parseOrigin('https://consent.example.no/')).toBe('https://consent.example.no');
    expect(() => parseOrigin('https://consent.example.no/page')).toThrow(/must be an origin/);
    expect(() => parseOrigin('file:///x')).toThrow(/must be an origin/);
  });
});
