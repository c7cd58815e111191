/**
 * The patient's page against users of the same pod server, in chromium:
 *
 * - "Who has looked" shows who a reader verifiably is. A stranger registers
 *   an account, names themself "Ingrid Lunde" of Oslo universitetssykehus in
 *   their own profile and tries to read hans's data. Hans's page must not
 *   show that claim: it shows the stranger's WebID as not in any
 *   organisation's directory, while the real Ingrid Lunde's read shows her
 *   name and organisation as the organisation publishes them.
 * - The login step shows the app's origin: on the page's login button, and
 *   on the pod server's own consent screen (the app's client_id is its
 *   Client Identifier Document, {origin}/id). A look-alike page on another
 *   origin that calls itself "Helsevev" too shows its own origin there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { accessLogDocument, parseAccessLog, type AccessLogEntry } from '../../apps/shared/access-log.ts';
import { categoryContainer } from '../../apps/shared/measurement/identity.ts';
import { openPodSession, type PodSession } from '../../apps/shared/pod-session.ts';
import { ensureAccount } from '../../pod-server/world/accounts.ts';
import { describeProfile } from '../../pod-server/world/profiles.ts';
import { seriousViolations } from '../support/axe.ts';
import { DEMO_PASSWORD, demoEmail } from '../../pod-server/world/demo-world.ts';
import { launchChromium } from '../support/chromium.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let app: ConsentApp;
let lookalike: ConsentApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let stranger: PodSession;
const pageErrors: string[] = [];

beforeAll(async () => {
  world = await startTestWorld({ podServer: { accessLog: { flushMs: 200 } } });
  app = await startConsentApp({ port: 0, podBaseUrl: world.baseUrl });
  lookalike = await startConsentApp({ port: 0, podBaseUrl: world.baseUrl });
  stranger = await openPodSession((await ensureAccount(world.baseUrl, 'stranger', undefined)).credentials);
  browser = await launchChromium();
  context = await browser.newContext({ locale: 'nb-NO', timezoneId: 'Europe/Oslo', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 240_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stranger?.close();
  await app?.stop();
  await lookalike?.stop();
  await world?.stop();
});

const hansOxygen = () => categoryContainer(world.accounts.hans!.podUrl, 'oxygen-saturation');

async function read(fetchFn: typeof fetch, url: string): Promise<number> {
  const response = await fetchFn(url);
  await response.body?.cancel();
  return response.status;
}

/** Hans's log entries of today, once `done` says they are all there (the server writes them about once a second). */
async function hansLogWhen(done: (entries: AccessLogEntry[]) => boolean): Promise<AccessLogEntry[]> {
  const hans = await world.fetchAs('hans');
  let entries: AccessLogEntry[] = [];
  for (let attempt = 0; attempt < 60 && !done(entries); attempt++) {
    const day = await hans(accessLogDocument(world.accounts.hans!.podUrl, new Date()));
    entries = day.ok ? parseAccessLog(await day.text(), day.url) : [];
    if (!done(entries)) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return entries;
}

/** From a page's login button through the pod server's login form to its consent screen; returns what that screen says of the app. */
async function consentScreenOf(on: Page, appUrl: string, name: string): Promise<string> {
  await on.goto(appUrl);
  await on.locator('#login:not([disabled])').click();
  await on.waitForURL((url) => url.href.startsWith(world.baseUrl), { timeout: 30_000 });
  await on.locator('#email').fill(demoEmail(name));
  await on.locator('#password').fill(DEMO_PASSWORD);
  await on.locator('button[type=submit]:not([disabled])').first().click();
  await on.locator('#authorize:not([disabled])').waitFor({ timeout: 30_000 });
  await on.locator('#client dd').nth(1).waitFor({ timeout: 30_000 });
  return (await on.locator('#client').textContent()) ?? '';
}

describe('the login step shows the app\'s origin', () => {
  const origin = () => new URL(app.url).origin;

  it('the page\'s login button names the origin the patient logs in to, and serves its Client Identifier Document', async () => {
    await page.goto(app.url);
    await page.locator('#login:not([disabled])').waitFor({ timeout: 30_000 });
    expect(await page.locator('#login').textContent()).toBe(`Logg inn i Helsevev på ${origin()}`);
    expect(await page.locator('#login-check').textContent()).toContain(`${origin()}/id`);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'English', exact: true }).click();
    expect(await page.locator('#login').textContent()).toBe(`Log in to Helsevev at ${origin()}`);
    await page.getByRole('button', { name: 'Norsk', exact: true }).click();

    const document = await (await fetch(`${origin()}/id`)).json();
    expect(document).toMatchObject({ client_id: `${origin()}/id`, client_name: 'Helsevev', redirect_uris: [`${origin()}/`] });
  });

  it('the pod server\'s consent screen shows the app by its origin, and the login comes back to it', async () => {
    const screen = await consentScreenOf(page, app.url, 'hans');
    expect(screen).toContain('Helsevev');
    expect(screen).toContain(`${origin()}/id`);
    await page.locator('#authorize').click();
    await page.waitForURL((url) => url.href.startsWith(app.url), { timeout: 30_000 });
    await page.locator('#logout').waitFor({ timeout: 30_000 });
  });

  it('a look-alike page on another origin, also called "Helsevev", shows its own origin there', async () => {
    const other = await browser.newContext({ locale: 'nb-NO' });
    try {
      const screen = await consentScreenOf(await other.newPage(), lookalike.url, 'hans');
      expect(screen).toContain('Helsevev');
      expect(screen).toContain(`${new URL(lookalike.url).origin}/id`);
      expect(screen).not.toContain(origin());
    } finally {
      await other.close();
    }
  });
});

/** A look-alike that registers itself with the pod server, as any web page can, and sends a logged-in person to its login. */
async function lookalikeRegistersItself(clientName: string, redirectUri: string): Promise<string> {
  const configuration = await (await fetch(`${world.baseUrl}.well-known/openid-configuration`)).json() as Record<string, string>;
  const registration = await fetch(configuration.registration_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: clientName, redirect_uris: [redirectUri], application_type: 'web', token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'], response_types: ['code'],
    }),
  });
  expect(registration.status).toBe(201);
  const { client_id: clientId } = await registration.json() as { client_id: string };
  const authorize = new URL(configuration.authorization_endpoint!);
  const params = {
    client_id: clientId, redirect_uri: redirectUri, response_type: 'code', scope: 'openid webid', state: 'x', nonce: 'y',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(params)) authorize.searchParams.set(name, value);
  return authorize.href;
}

describe('the pod server\'s consent screen names a self-registered look-alike by its origin', () => {
  it('a look-alike registered as "Helsevev" shows where the login goes, and its name is text, not markup', async () => {
    const redirect = 'http://localhost:4999/';
    const name = 'Helsevev<img src=x onerror="document.title=\'pwned\'">';
    const other = await browser.newContext({ locale: 'nb-NO' });
    try {
      const on = await other.newPage();
      await on.goto(await lookalikeRegistersItself(name, redirect));
      await on.locator('#email').fill(demoEmail('hans'));
      await on.locator('#password').fill(DEMO_PASSWORD);
      await on.locator('button[type=submit]:not([disabled])').first().click();
      await on.locator('#authorize:not([disabled])').waitFor({ timeout: 30_000 });
      await on.locator('#client dd').nth(1).waitFor({ timeout: 30_000 });
      expect(await on.locator('#client img').count()).toBe(0); // the name was not made into an element
      expect(await on.locator('#client').textContent()).toContain(name); // shown as the text it is
      const screen = (await on.locator('main').textContent()) ?? '';
      expect(screen).toContain('This login will be sent to http://localhost:4999');
      expect(screen).not.toContain(new URL(app.url).origin);
      expect(await on.title()).not.toBe('pwned');
    } finally {
      await other.close();
    }
  });
});

describe('"who has looked" shows who a reader verifiably is', () => {
  const strangerWebId = () => `${world.baseUrl}stranger/profile/card#me`;
  const lundeWebId = () => world.accounts.lunde!.webId;

  it('a stranger who calls themself "Ingrid Lunde, Oslo universitetssykehus" is shown as an unverified WebID', async () => {
    // The stranger's own profile claims to be the demo's lung doctor, of OUS.
    await describeProfile(stranger.fetch, world.baseUrl, {
      name: 'stranger', role: 'clinician', displayName: 'Ingrid Lunde', description: 'Lung doctor, OUS lung team', organisation: 'ous',
    });
    const profile = await (await fetch(strangerWebId())).text();
    expect(profile).toContain('Ingrid Lunde');

    expect(await read(stranger.fetch, hansOxygen())).toBe(403);
    expect(await read(await world.fetchAs('lunde'), hansOxygen())).toBe(200);
    const entries = await hansLogWhen((list) =>
      list.some((e) => e.agent === strangerWebId()) && list.some((e) => e.agent === lundeWebId() && e.outcome === 'allowed'));
    expect(entries.some((e) => e.agent === strangerWebId() && e.outcome === 'denied')).toBe(true);

    // hans logged in above
    await page.locator('#logout').waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Hvem har sett' }).click();
    await page.locator('#access-log').waitFor({ timeout: 30_000 });

    // Lunde herself was never refused: a refused read under her name is the stranger's claim, shown as hers.
    expect(await page.locator('#access-log li.denied').filter({ hasText: 'Ingrid Lunde' }).allTextContents()).toEqual([]);
    const strangerEntry = page.locator('#access-log li').filter({ hasText: strangerWebId() }).first();
    const nb = (await strangerEntry.textContent()) ?? '';
    expect(nb).not.toContain('Ingrid Lunde');
    expect(nb).not.toContain('Oslo universitetssykehus');
    expect(nb).toContain('Ikke i katalogen til noen organisasjon');
    expect(nb).not.toContain('Bekreftet');

    const lundeEntry = page.locator('#access-log li.allowed').filter({ hasText: lundeWebId() }).first();
    const lundeNb = (await lundeEntry.textContent()) ?? '';
    expect(lundeNb).toContain('OUS lungeteam – Ingrid Lunde leste');
    expect(lundeNb).toContain('Bekreftet av Oslo universitetssykehus');
    expect(await seriousViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'English', exact: true }).click();
    const en = (await strangerEntry.textContent()) ?? '';
    expect(en).toContain('Not in any organisation\'s directory');
    expect(en).not.toContain('Ingrid Lunde');
    const lundeEn = (await lundeEntry.textContent()) ?? '';
    expect(lundeEn).toContain('OUS lung team – Ingrid Lunde read');
    expect(lundeEn).toContain('Verified by Oslo University Hospital');
    expect(await seriousViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
