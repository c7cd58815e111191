/**
 * The consent app's own server serves files and config only, with a CSP that
 * lets the page talk to itself and the pod server and run no inline script;
 * and the page's pod errors are sorted into what a person can act on.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsentApp } from '../../../apps/consent/server.ts';
import { PodError, readQuads, toPodError } from '../../../apps/consent/pod.ts';

const POD = 'http://pods.example:3000/';
const GATEWAY = 'http://gateway.example:3001/';
const server = createServer(createConsentApp({ js: 'console.log(1)', map: '{}', css: 'body{}', html: '<!doctype html>' }, { podBaseUrl: POD, directoryUrl: `${POD}oslo/directory/organisations`, gatewayUrl: GATEWAY }));
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the consent app server', () => {
  it('serves the page with a CSP: self, the pod server and the gateway only, no inline script', async () => {
    const response = await fetch(base);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' http://pods.example:3000 http://gateway.example:3001;");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('tells the page where the pod server, the directory and the gateway are, and nothing else', async () => {
    const response = await fetch(`${base}config.json`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ podBaseUrl: POD, oidcIssuer: POD, directoryUrl: `${POD}oslo/directory/organisations`, gatewayUrl: GATEWAY });
  });

  it('serves its Client Identifier Document when it knows its own URL: the pod server sends logins back only there', async () => {
    const withId = createServer(createConsentApp({ js: '', map: '{}', css: '', html: '' }, { podBaseUrl: POD, directoryUrl: `${POD}dir`, gatewayUrl: GATEWAY, appUrl: 'https://consent.example/' }));
    await new Promise<void>((resolve) => withId.listen(0, '127.0.0.1', resolve));
    try {
      const at = `http://127.0.0.1:${(withId.address() as AddressInfo).port}/`;
      const response = await fetch(`${at}id`);
      expect(response.headers.get('content-type')).toContain('application/ld+json');
      expect(await response.json()).toMatchObject({
        '@context': ['https://www.w3.org/ns/solid/oidc-context.jsonld'],
        client_id: 'https://consent.example/id', client_name: 'Helsevev', redirect_uris: ['https://consent.example/'],
      });
      expect(await (await fetch(`${at}config.json`)).json()).toMatchObject({ clientId: 'https://consent.example/id' });
      expect((await fetch(`${base}id`)).status).toBe(404); // without its URL, no document (the page registers dynamically)
    } finally {
      await new Promise<void>((resolve) => withId.close(() => resolve()));
    }
  });

  it('answers anything else with problem+json', async () => {
    const missing = await fetch(`${base}token`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await missing.json()).detail).toContain('/token');
    const post = await fetch(base, { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('pod errors', () => {
  const url = `${POD}kari/health/consent/2026-05.ttl`;
  const answering = (status: number) => (async () => new Response('no', { status })) as typeof fetch;

  it.each([
    [401, 'expired'], [403, 'forbidden'], [404, 'not-found'], [412, 'conflict'], [500, 'server'], [503, 'server'],
  ] as const)('HTTP %i is %s', async (status, kind) => {
    await expect(readQuads(answering(status), url)).rejects.toMatchObject({ name: 'PodError', kind, status, url });
  });

  it('a network failure is "unreachable"; anything else is left as it is', async () => {
    const down = (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch;
    await expect(readQuads(down, url)).rejects.toMatchObject({ kind: 'unreachable' });
    const other = new Error('boom');
    expect(toPodError(other, url)).toBe(other);
    expect(toPodError(new PodError('expired', url, 401), url)).toMatchObject({ kind: 'expired' });
  });
});
