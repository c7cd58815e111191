/**
 * The consent page end to end, in a real browser (Debian's chromium driven by
 * playwright-core) against a real CSS with the demo world: kari logs in
 * through CSS's own login form, grants the GP office read of blood glucose,
 * and a GP (dahl, client credentials) can then read it (200) where he could
 * not before (403); she revokes and the next read is 403; the consent history
 * shows both decisions and "who has looked" shows the GP's read. Along the
 * way: no CSP violation, axe-core finds no serious or critical problem in
 * the main views, and screenshots of them (nb + en, 1280 and 390 px wide)
 * are written to docs/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessLogContainer, accessLogDocument, parseAccessLog, type AccessLogEntry } from '../../apps/shared/access-log.ts';
import { categoryContainer } from '../../apps/shared/measurement/identity.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import { DEMO_PASSWORD, demoEmail } from '../../pod-server/world/demo-world.ts';
import type { WorldContext } from '../../pod-server/world/world.ts';
import { seriousViolations } from '../support/axe.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.ts';
import { DESKTOP, setLanguage as setPageLanguage, shoot as shootViews } from '../support/screenshots.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';


let world: TestWorld;
let app: ConsentApp;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
const cspViolations: string[] = [];
const pageErrors: string[] = [];

async function seedMeasurements(ctx: WorldContext): Promise<void> {
  const vendor = await ctx.sessionFor('vendor');
  await seedDemoMeasurements(vendor.fetch, { baseUrl: ctx.baseUrl, end: new Date(ctx.startedAt), days: 21 });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  world = await startTestWorld({ seedMeasurements });
  app = await startConsentApp({ port: 0, podBaseUrl: world.baseUrl });
  userDataDir = await mkdtemp(join(tmpdir(), 'helsevev-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: DESKTOP,
    locale: 'nb-NO',
    timezoneId: 'Europe/Oslo',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 240_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await world?.stop();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

const glucose = () => categoryContainer(world.accounts.kari!.podUrl, 'blood-glucose');

async function gpReadsGlucose(): Promise<number> {
  const fetchAsGp = await world.fetchAs('dahl');
  const response = await fetchAsGp(glucose());
  await response.body?.cancel();
  return response.status;
}

const setLanguage = (lang: 'nb' | 'en') => setPageLanguage(page, lang);
const shoot = (name: string) => shootViews(page, name);

async function showView(hash: '#sharing' | '#data' | '#log', ready: string): Promise<void> {
  await page.goto(`${app.url}${hash}`);
  await page.locator(ready).first().waitFor({ timeout: 30_000 });
}

describe('the consent page', () => {
  it('serves the page with a CSP that allows only itself and the pod server, and problem+json errors', async () => {
    const response = await fetch(app.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${new URL(world.baseUrl).origin}`);
    expect(csp).not.toContain('unsafe-inline');
    const config = await (await fetch(`${app.url}config.json`)).json();
    expect(config).toMatchObject({ podBaseUrl: world.baseUrl, oidcIssuer: world.baseUrl });
    const missing = await fetch(`${app.url}nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await fetch(app.url, { method: 'POST' })).status).toBe(405);
  });

  it('shows the login page, then logs kari in through the pod server\'s own login form', async () => {
    await page.goto(app.url);
    await page.locator('#login:not([disabled])').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('login');

    await page.locator('#login').click();
    await page.waitForURL((url) => url.href.startsWith(world.baseUrl), { timeout: 30_000 });
    await page.locator('#email').fill(demoEmail('kari'));
    await page.locator('#password').fill(DEMO_PASSWORD);
    await page.locator('button[type=submit]:not([disabled])').first().click();
    // CSS asks which WebID to use and whether to trust this client.
    await page.locator('#authorize:not([disabled])').click({ timeout: 30_000 });
    await page.waitForURL((url) => url.href.startsWith(app.url), { timeout: 30_000 });
    await expect.poll(() => page.locator('.who').textContent(), { timeout: 30_000 }).toContain('Kari Nordmann');
  });

  it('grants the GP office blood glucose: the GP could not read it before (403) and can now (200)', async () => {
    expect(await gpReadsGlucose()).toBe(403);
    await setLanguage('en');
    const cell = page.getByRole('checkbox', { name: 'Let GPs at Storgata GP office read Blood glucose' });
    await cell.waitFor({ timeout: 30_000 });
    expect(await cell.isChecked()).toBe(false);
    // body weight is granted in the demo world
    expect(await page.getByRole('checkbox', { name: 'Let GPs at Storgata GP office read Body weight' }).isChecked()).toBe(true);
    await cell.focus();
    await page.keyboard.press('Space'); // keyboard, like a person without a mouse
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toContain('GPs at Storgata GP office can now read blood glucose');
    expect(await cell.isChecked()).toBe(true);
    expect(await gpReadsGlucose()).toBe(200);
  });

  it('revokes it again: the GP\'s next read is 403, and the history shows both decisions', async () => {
    const cell = page.getByRole('checkbox', { name: 'Let GPs at Storgata GP office read Blood glucose' });
    await cell.click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toContain('can no longer read blood glucose');
    expect(await gpReadsGlucose()).toBe(403);

    const rows = page.locator('#consent-history tbody tr').filter({ hasText: 'Blood glucose' }).filter({ hasText: 'GPs at Storgata GP office' });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).textContent()).toContain('Withdrawn');
    expect(await rows.nth(1).textContent()).toContain('Given');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('sharing');
  });

  it('a whole column and a whole row are granted and revoked in one go', async () => {
    await page.getByRole('button', { name: 'All health services may read Body temperature' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toContain('Saved 3 changes');
    await page.getByRole('button', { name: 'None of the health services may read Body temperature' }).click();
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 30_000 }).toContain('Saved 3 changes');
    await page.getByRole('button', { name: 'Share nothing with OUS lung team' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toContain('Nothing to change');
  });

  it('shows the GP\'s read in "who has looked", newest first, with the denied attempts marked', async () => {
    // The pod server writes the log off the request path (about once a second): wait for the GP's read to be in it.
    const kari = await world.fetchAs('kari');
    const log = accessLogContainer(world.accounts.kari!.podUrl);
    let entries: AccessLogEntry[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const listing = await kari(log);
      await listing.body?.cancel();
      if (listing.status === 404) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        continue;
      }
      const day = await kari(accessLogDocument(world.accounts.kari!.podUrl, new Date()));
      entries = day.ok ? parseAccessLog(await day.text(), day.url) : [];
      if (entries.some((e) => e.agent === world.accounts.dahl!.webId && e.outcome === 'allowed' && e.resource.startsWith(glucose()))) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // The pod server's access log extension is always on: the GP's read must be in the log.
    expect(entries.some((e) => e.agent === world.accounts.dahl!.webId && e.outcome === 'allowed')).toBe(true);
    await page.getByRole('link', { name: 'Who has looked' }).click();
    await page.locator('#access-log').waitFor({ timeout: 30_000 });
    const text = (await page.locator('#access-log').textContent()) ?? '';
    expect(text).toContain('GPs at Storgata GP office – Erik Dahl read your blood glucose');
    expect(text).toContain('GPs at Storgata GP office – Erik Dahl tried to read your blood glucose');
    expect(await page.locator('#access-log li.denied .badge').count()).toBeGreaterThan(0);
    // newest first: the last read (403 after the revocation) comes before the 200
    const items = await page.locator('#access-log li').allTextContents();
    const denied = items.findIndex((t) => t.includes('Erik Dahl tried to read your blood glucose'));
    const read = items.findIndex((t) => t.includes('Erik Dahl read your blood glucose'));
    expect(denied).toBeLessThan(read);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('access-log');
  });

  it('browses kari\'s measurements per category, with a chart and a table, and downloads Turtle and FHIR', async () => {
    await showView('#data', '#measurements');
    await setLanguage('en');
    expect(await page.locator('#measurements tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('svg.chart polyline').count()).toBe(1);
    await page.getByLabel('Kind of measurement').selectOption('body-weight');
    await page.locator('#data-caption:has-text("Body weight")').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('my-data');

    const [turtleDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-turtle').click()]);
    const turtle = await readFile((await turtleDownload.path())!, 'utf8');
    expect(turtle).toContain('sosa:Observation');
    expect(turtle).toContain('dpv:Consent');
    const [fhirDownload] = await Promise.all([page.waitForEvent('download'), page.locator('#download-fhir').click()]);
    const bundle = JSON.parse(await readFile((await fhirDownload.path())!, 'utf8'));
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'collection' });
    expect(bundle.entry.length).toBeGreaterThan(10);
    expect(bundle.entry.every((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation')).toBe(true);
  });

  it('logs out, back to the login page, with no CSP violation or script error on the way', async () => {
    await showView('#sharing', '#sharing-caption');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#login').waitFor();
    expect(await page.locator('.who').count()).toBe(0);
  });
});
