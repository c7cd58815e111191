/**
 * The dashboard's login cookie against other pages in the same browser, in
 * Debian's chromium (real SameSite, real Sec-Fetch-* headers): a clinician
 * logged in to the dashboard visits a page of another origin on the same
 * host (same site: like a page served by the pod server) and one of another
 * site. Neither can log them out with an <img src=/logout>, run a query with
 * a form POST to /sparql, or open the measurements JSON as a top-level
 * navigation; the dashboard itself still works and logs out with its button.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { launchChromium, logInThroughPodServer } from '../support/chromium.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let api: ClinicianApi;
let browser: Browser;
let page: Page;
let attacker: Server;
/** The attacker's pages: the same site as the dashboard (localhost, another port), and another site (127.0.0.1). */
let sameSite: string;
let crossSite: string;

const appUrl = () => `http://localhost:${api.port}/`;
const QUERY = 'PREFIX sosa: <http://www.w3.org/ns/sosa/> SELECT ?o WHERE { ?o sosa:resultTime ?t } LIMIT 1';

/** Pages that attack the dashboard at `target`: /img (GET /logout), /form (POST /sparql), /go (navigate to the JSON). */
function attackPage(path: string, target: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  if (path === '/img') return `<!doctype html><title>cat pictures</title><img src="${target}logout" alt="">`;
  if (path === '/form') {
    return `<!doctype html><title>win a prize</title><form method="post" action="${target}sparql" enctype="application/x-www-form-urlencoded">
      <input name="team" value="oppfolgingsteam-a"><input name="query" value="${esc(QUERY)}"></form>
      <script>document.forms[0].submit()</script>`;
  }
  return `<!doctype html><title>news</title><script>location.href = ${JSON.stringify(`${target}measurements?team=oppfolgingsteam-a&kind=heart-rate&from=P1D`)}</script>`;
}

beforeAll(async () => {
  world = await startTestWorld();
  const port = await freePort();
  api = await startClinicianApi({ port, host: '127.0.0.1', podBaseUrl: world.baseUrl, publicUrl: `http://localhost:${port}` });
  attacker = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(req.url ?? '/', appUrl())));
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const attackerPort = (attacker.address() as AddressInfo).port;
  sameSite = `http://localhost:${attackerPort}`;
  crossSite = `http://127.0.0.1:${attackerPort}`;
  browser = await launchChromium();
  page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  await logInThroughPodServer(page, { appUrl: appUrl(), podBaseUrl: world.baseUrl, name: 'nilsen' });
  await page.locator('#team-table').waitFor({ timeout: 60_000 });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  attacker?.close();
  await api?.stop();
  await world?.stop();
});

/** Opens an attacker page and answers the status of the dashboard request it makes. */
async function attack(origin: string, path: string, request: string): Promise<number> {
  const answer = page.waitForResponse((r) => r.url().startsWith(`${appUrl()}${request}`), { timeout: 15_000 });
  await page.goto(`${origin}${path}`);
  return (await answer).status();
}

/** The status of /login/me on the dashboard's page: 200 while the session lives. */
async function stillLoggedIn(): Promise<number> {
  await page.goto(appUrl());
  return page.evaluate(async () => (await fetch('/login/me')).status);
}

/** Opens an attacker page with an <img src=/logout>; answers when the browser has sent the request and the page is loaded. */
async function imageAttack(origin: string): Promise<void> {
  // Chromium blocks the JSON answer for an image (ORB), so only the request is seen here; its status: clinician-sessions.test.ts.
  const sent = page.waitForRequest((r) => r.url() === `${appUrl()}logout`, { timeout: 15_000 });
  await page.goto(`${origin}/img`, { waitUntil: 'load' });
  await sent;
}

describe('the dashboard\'s login cookie and other pages in the same browser', () => {
  it('an <img src=/logout> on a page of the same site or another site logs nobody out', async () => {
    await imageAttack(sameSite);
    expect(await stillLoggedIn()).toBe(200);
    await imageAttack(crossSite);
    expect(await stillLoggedIn()).toBe(200);
  });

  it('a form POST to /sparql from a page of the same site or another site is refused', async () => {
    expect(await attack(sameSite, '/form', 'sparql')).toBe(403);
    expect(await page.locator('body').textContent()).toContain('cross-origin-request');
    // From another site the SameSite cookie is not even sent.
    expect(await attack(crossSite, '/form', 'sparql')).toBe(401);
  });

  it('a top-level navigation to the measurements JSON from another page is refused', async () => {
    expect(await attack(sameSite, '/go', 'measurements')).toBe(403);
    expect(await attack(crossSite, '/go', 'measurements')).toBe(401);
  });

  it('the dashboard itself still works, and its button logs out', async () => {
    expect(await stillLoggedIn()).toBe(200);
    await page.locator('#team-table').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: /Log out|Logg ut/ }).click();
    await page.locator('#login').waitFor({ timeout: 15_000 });
    expect(await page.evaluate(async () => (await fetch('/login/me')).status)).toBe(401);
  });
});
