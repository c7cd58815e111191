/**
 * Sessions of the clinician service against hostile users of the same
 * system (issue #17 point 6), with a real CSS, real Solid-OIDC browser logins
 * and the real clinician service (its caps made small here):
 *
 * - logout is POST only: a GET /logout (an <img> on another page) logs nobody out;
 * - the login cookie is used only by the service's own page: a cross-site or
 *   same-site (another origin on the same host, like a pod server page) form
 *   POST to /sparql, or a top-level navigation to the data, is refused;
 *   bearer and Basic callers are not affected;
 * - live streams are capped per session and closed on logout;
 * - bearer tokens and browser sessions are evicted least recently used, at
 *   most N per account: one account filling the cache evicts only its own;
 * - a caller has at most N queries in flight; the next is 429 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import { DEMO_PASSWORD, demoEmail, webIdOf } from '../../pod-server/world/demo-world.ts';
import { browserLogin } from '../support/oidc-browser.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let api: ClinicianApi;
let app: string;

const LIMITS = { queriesPerCaller: 2, liveStreamsPerSession: 2, sessionsPerAccount: 3, maxSessions: 6 };

beforeAll(async () => {
  world = await startTestWorld({
    seedMeasurements: async (ctx) => {
      await seedDemoMeasurements((await ctx.sessionFor('vendor')).fetch, { baseUrl: ctx.baseUrl, end: new Date(ctx.startedAt) });
    },
  });
  api = await startClinicianApi({ port: 0, podBaseUrl: world.baseUrl, limits: LIMITS, loginRateLimit: { capacity: 200, refillPerSecond: 10 } });
  app = `http://localhost:${api.port}`;
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await world?.stop();
});

const webId = (name: string) => webIdOf(world.baseUrl, name);
const logIn = async (name: string) =>
  (await browserLogin({ appUrl: app, podBaseUrl: world.baseUrl, email: demoEmail(name), password: DEMO_PASSWORD, webId: webId(name) })).cookie;
const basic = (name: string) => {
  const c = world.credentials[name]!;
  return `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
};
/** What Chromium sends with a request of the service's own page. */
const OWN_PAGE = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' };
const me = async (cookie: string) => (await fetch(`${app}/login/me`, { headers: { cookie } })).status;
const SELECT = 'PREFIX sosa: <http://www.w3.org/ns/sosa/> SELECT ?o WHERE { ?o sosa:resultTime ?t } LIMIT 1';
const MEASUREMENTS = '/measurements?team=oppfolgingsteam-a&kind=heart-rate&from=P1D';

async function expectProblem(response: Response, status: number): Promise<{ type: string; detail: string }> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return (await response.json()) as { type: string; detail: string };
}

async function bearer(name: string): Promise<string> {
  const created = await fetch(`${app}/session`, { method: 'POST', headers: { authorization: basic(name) } });
  expect(created.status).toBe(201);
  return ((await created.json()) as { access_token: string }).access_token;
}
const teamsWith = async (token: string) => (await fetch(`${app}/teams`, { headers: { authorization: `Bearer ${token}` } })).status;

describe('logout is POST only', () => {
  it('GET /logout (an <img> on another site) logs nobody out: 405 problem+json, the session still works', async () => {
    const cookie = await logIn('nilsen');
    const answer = await fetch(`${app}/logout`, { headers: { cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'image', 'sec-fetch-mode': 'no-cors' } });
    await expectProblem(answer, 405);
    expect(answer.headers.get('allow')).toBe('POST');
    expect(await me(cookie)).toBe(200);
    expect((await fetch(`${app}/logout`, { method: 'POST', headers: { cookie, ...OWN_PAGE } })).status).toBe(204);
    expect(await me(cookie)).toBe(401);
  });
});

describe('the login cookie works only for the service\'s own page', () => {
  let cookie = '';
  beforeAll(async () => { cookie = await logIn('nilsen'); }, 60_000);

  const formPost = (headers: Record<string, string>) => fetch(`${app}/sparql`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json', ...headers },
    body: new URLSearchParams({ team: 'oppfolgingsteam-a', query: SELECT }).toString(),
  });

  it('a form POST to /sparql from another site, another origin on the same host, or a browser without fetch metadata: 403 problem+json', async () => {
    const crossSite = await expectProblem(await formPost({ origin: 'http://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }), 403);
    expect(crossSite.type).toBe('https://w3id.org/helsevev/problems#cross-origin-request');
    // A page of the pod server (same host, another port) is the same site: SameSite cookies alone would not stop it.
    await expectProblem(await formPost({ origin: new URL(world.baseUrl).origin, 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' }), 403);
    await expectProblem(await formPost({ origin: 'http://evil.example' }), 403);
    await expectProblem(await formPost({}), 403);
  });

  it('a top-level navigation to the measurements JSON from another site: 403 problem+json', async () => {
    const answer = await fetch(`${app}${MEASUREMENTS}`, { headers: { cookie, 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
    const p = await expectProblem(answer, 403);
    expect(JSON.stringify(p)).not.toContain('heart-rate"');
    // Even with the page's header: a browser that says "cross-site" is believed.
    const withHeader = await fetch(`${app}${MEASUREMENTS}`, { headers: { cookie, 'x-helsevev-request': '1', 'sec-fetch-site': 'cross-site' } });
    await expectProblem(withHeader, 403);
  });

  it('the page\'s own requests pass: Sec-Fetch-Site: same-origin, or X-Helsevev-Request: 1 from a browser without fetch metadata', async () => {
    const ownPage = await fetch(`${app}${MEASUREMENTS}`, { headers: { cookie, ...OWN_PAGE } });
    expect(ownPage.status).toBe(200);
    expect(((await ownPage.json()) as { count: number }).count).toBeGreaterThan(0);
    expect((await fetch(`${app}${MEASUREMENTS}`, { headers: { cookie, 'x-helsevev-request': '1' } })).status).toBe(200);
    expect((await formPost({ 'x-helsevev-request': '1', origin: app })).status).toBe(200);
  });

  it('bearer and Basic callers are not affected', async () => {
    const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/sparql-results+json', 'sec-fetch-site': 'cross-site' };
    const body = new URLSearchParams({ team: 'oppfolgingsteam-a', query: SELECT }).toString();
    expect((await fetch(`${app}/sparql`, { method: 'POST', headers: { ...headers, authorization: basic('nilsen') }, body })).status).toBe(200);
    const token = await bearer('nilsen');
    expect((await fetch(`${app}/sparql`, { method: 'POST', headers: { ...headers, authorization: `Bearer ${token}` }, body })).status).toBe(200);
  });
});

/** Opens the live stream and reads it until `ready`; answers the reader, or the refusal. */
async function openLive(cookie: string, controller = new AbortController()) {
  const response = await fetch(`${app}/dashboard/api/live?team=lungeteam&patient=${encodeURIComponent(webId('hans'))}`,
    { headers: { cookie, ...OWN_PAGE, accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200) return { response };
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes('event: ready')) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended before ready: ${text}`);
    text += new TextDecoder().decode(value);
  }
  return { response, reader, controller };
}

/** True when the stream ends within `ms`. */
async function ends(reader: ReadableStreamDefaultReader<Uint8Array>, ms: number): Promise<boolean> {
  const timer = new Promise<'open'>((resolve) => setTimeout(() => resolve('open'), ms));
  const read = (async () => {
    for (;;) if ((await reader.read()).done) return 'ended' as const;
  })().catch(() => 'ended' as const);
  return (await Promise.race([read, timer])) === 'ended';
}

describe('live streams', () => {
  let cookie = '';
  const open: Awaited<ReturnType<typeof openLive>>[] = [];
  beforeAll(async () => { cookie = await logIn('lunde'); }, 60_000);

  it('a session has at most 2 (configured) open; the next is 429 problem+json; a closed one frees its place', async () => {
    open.push(await openLive(cookie), await openLive(cookie));
    expect(open.map((s) => s.response.status)).toEqual([200, 200]);
    const third = await openLive(cookie);
    const p = await expectProblem(third.response, 429);
    expect(p.detail).toMatch(/live/);
    open[1]!.controller!.abort();
    await expect.poll(async () => {
      const again = await openLive(cookie);
      if (again.response.status === 200) open[1] = again;
      return again.response.status;
    }, { timeout: 5_000, interval: 200 }).toBe(200);
  });

  it('logging out closes the session\'s live streams', async () => {
    expect((await fetch(`${app}/logout`, { method: 'POST', headers: { cookie, ...OWN_PAGE } })).status).toBe(204);
    const ended = await Promise.all(open.map((s) => ends(s.reader!, 5_000)));
    expect(ended).toEqual([true, true]);
  });
});

describe('bearer tokens and browser sessions: least recently used out, at most 3 (configured) per account', () => {
  it('one account making many tokens evicts only its own oldest; another account\'s token still works', async () => {
    const dahl = await bearer('dahl');
    const nilsen: string[] = [];
    for (let i = 0; i < LIMITS.maxSessions + 2; i++) nilsen.push(await bearer('nilsen'));
    expect(await teamsWith(dahl)).toBe(200);
    const statuses = [];
    for (const t of nilsen) statuses.push(await teamsWith(t)); // one at a time: at most 2 queries of an account run at once
    expect(statuses).toEqual([...nilsen.slice(0, -3).map(() => 401), 200, 200, 200]);
    // Least recently used, not oldest made: the one just used stays, the next oldest goes.
    const [first, second, third] = nilsen.slice(-3) as [string, string, string];
    expect(await teamsWith(first)).toBe(200);
    const newest = await bearer('nilsen');
    expect([await teamsWith(second), await teamsWith(first), await teamsWith(third), await teamsWith(newest)]).toEqual([401, 200, 200, 200]);
    expect(await teamsWith(dahl)).toBe(200);
  });

  it('one person logging in many times ends only their own oldest browser session', async () => {
    const lunde = await logIn('lunde');
    const nilsen: string[] = [];
    for (let i = 0; i < LIMITS.sessionsPerAccount + 1; i++) nilsen.push(await logIn('nilsen'));
    expect(await me(lunde)).toBe(200);
    expect(await Promise.all(nilsen.map(me))).toEqual([401, 200, 200, 200]);
  }, 120_000);
});

describe('queries in flight per caller', () => {
  it('a caller gets at most 2 (configured) at once; the next is 429 problem+json with Retry-After; another caller is served meanwhile', async () => {
    const nilsen = await bearer('nilsen');
    const dahl = await bearer('dahl');
    const query = (token: string, team: string) => fetch(`${app}/measurements?team=${team}&from=P90D`, { headers: { authorization: `Bearer ${token}` } });
    const answers = await Promise.all([...Array.from({ length: 5 }, () => query(nilsen, 'oppfolgingsteam-a')), query(dahl, 'fastleger')]);
    const statuses = answers.map((a) => a.status);
    expect(statuses[5]).toBe(200);
    expect(statuses.slice(0, 5).filter((s) => s === 200).length).toBeLessThanOrEqual(2);
    const refused = answers.slice(0, 5).filter((a) => a.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const a of refused) {
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await expectProblem(a, 429)).detail).toMatch(/at once/);
    }
    // Once they are done, the caller is served again.
    expect((await query(nilsen, 'oppfolgingsteam-a')).status).toBe(200);
  });
});
