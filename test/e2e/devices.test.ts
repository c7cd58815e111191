/**
 * Pairing end to end, in a real browser (Debian's chromium driven by
 * playwright-core) against a real CSS with the demo world, the real gateway
 * and the real consent page (issue #18, "Done when"): a simulated device asks
 * to pair (requestPairing) for three kinds; kari logs in on her page through
 * the code's link, sees who asks, approves two kinds with the keyboard; the
 * device's poll gets its credential; its readings of those kinds land in her
 * pod, one of the third kind is refused (403); she unpairs it on the page,
 * the next reading is refused (401), and every reading acknowledged before is
 * in the pod. Her ACLs say it at each step: the vendor may append to exactly
 * the two approved kinds, and once the pending readings are delivered, to
 * none, each change with its consent record. Along the way: no CSP violation,
 * no page error, axe-core finds nothing serious, and screenshots (nb + en,
 * 1280 and 390 px wide) go to docs/screenshots/.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KindId } from '../../vocab/catalogue.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { startGateway, type Gateway } from '../../apps/gateway/gateway.ts';
import { readCategoryAccess } from '../../apps/shared/device-access.ts';
import { parseMeasurementsTurtle } from '../../apps/shared/measurement/index.ts';
import { quadsToConsentRecords } from '../../apps/shared/measurement/consent.ts';
import { awaitPairing, requestPairing, type DeviceAuthorization, type DeviceToken } from '../../apps/shared/pairing.ts';
import { seriousViolations } from '../support/axe.ts';
import { CHROMIUM, CHROMIUM_ARGS, logInThroughPodServer } from '../support/chromium.ts';
import { DESKTOP, setLanguage as setPageLanguage, shoot as shootViews } from '../support/screenshots.ts';
import { postJson, waitForDelivery } from '../support/gateway-process.ts';
import { bearer } from '../support/pairing.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';
import { Parser } from 'n3';

const DEVICE = { id: 'NX-220931', model: 'PulseOx 2', manufacturer: 'Nonin', name: 'Oksymeter på kjøkkenet' };
const APPROVED: KindId[] = ['oxygen-saturation', 'heart-rate'];

let world: TestWorld;
let gateway: Gateway;
let app: ConsentApp;
let context: BrowserContext;
let page: Page;
let userDataDir: string;
let kari: typeof fetch;
let authorization: DeviceAuthorization;
let token: Promise<DeviceToken>;
const cspViolations: string[] = [];
const pageErrors: string[] = [];
/** Every reading the gateway acknowledged (202), by pod document: all must be in the pod in the end. */
const acknowledged = new Map<string, number[]>();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  world = await startTestWorld();
  kari = await world.fetchAs('kari');
  // The page and the gateway name each other: the page's port first.
  const consentPort = await freePort();
  const consentUrl = `http://localhost:${consentPort}/`;
  gateway = await startGateway({
    port: 0, dataDir: world.dataDir, credentials: world.credentials.vendor!, demoPodBaseUrl: world.baseUrl, consentUrl,
    delivery: { coalesceMs: 50 },
  });
  app = await startConsentApp({ port: consentPort, podBaseUrl: world.baseUrl, gatewayUrl: gateway.url, appUrl: consentUrl });
  userDataDir = await mkdtemp(join(tmpdir(), 'helsevev-chromium-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: DESKTOP, locale: 'nb-NO', timezoneId: 'Europe/Oslo',
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await gatewayAllowsThePage(consentUrl);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await app?.stop();
  await gateway?.stop();
  await world?.stop();
  if (userDataDir) await rm(userDataDir, { recursive: true, force: true });
});

/** The page calls the gateway from another origin: the gateway's edge (http/edge.ts) must allow exactly the page's. */
async function gatewayAllowsThePage(consentUrl: string): Promise<void> {
  const preflight = await fetch(new URL('devices', gateway.url), {
    method: 'OPTIONS',
    headers: { origin: new URL(consentUrl).origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,dpop' },
  });
  await preflight.body?.cancel();
  expect(preflight.headers.get('access-control-allow-origin')).toBe(new URL(consentUrl).origin);
}

const setLanguage = (lang: 'nb' | 'en') => setPageLanguage(page, lang);
const shoot = (name: string) => shootViews(page, name);

const status = () => page.locator('#status').textContent();

/** Which vendors may append to which kinds in kari's pod, as her ACLs say. */
async function kariAppenders(): Promise<Record<string, readonly string[]>> {
  const access = await readCategoryAccess(kari, world.accounts.kari!.podUrl, world.accounts.kari!.webId);
  return Object.fromEntries([...access].filter(([, a]) => a.appenders.length > 0).map(([kind, a]) => [kind, a.appenders]));
}

const month = (kind: KindId) => `${world.accounts.kari!.podUrl}health/measurements/${kind}/2026-03.ttl`;
const UNITS: Partial<Record<KindId, string>> = { 'oxygen-saturation': '%', 'heart-rate': '/min', 'body-temperature': 'Cel' };

async function send(kind: KindId, value: number, minute: number) {
  const reading = { kind, value, unit: UNITS[kind], effectiveTime: `2026-03-02T08:${String(minute).padStart(2, '0')}:00+01:00`, device: DEVICE.id };
  const sent = await postJson(gateway.url, '/readings', reading, 'application/json', bearer(await token));
  if (sent.status === 202) acknowledged.set(month(kind), [...(acknowledged.get(month(kind)) ?? []), value]);
  return sent;
}

async function inPod(document: string): Promise<number[]> {
  const response = await kari(document, { headers: { accept: 'text/turtle' } });
  if (response.status === 404) return [];
  expect(response.status).toBe(200);
  return parseMeasurementsTurtle(await response.text(), document).measurements.map((m) => (m as { value?: number }).value ?? NaN).sort();
}

describe('pairing a device on the consent page', () => {
  it('a device asks to pair for three kinds and gets a code that links to kari\'s page', async () => {
    authorization = await requestPairing(gateway.url, { device: DEVICE, kinds: [...APPROVED, 'body-temperature'] });
    expect(authorization.verification_uri_complete.startsWith(app.url)).toBe(true);
    expect(authorization.verification_uri_complete).toContain(authorization.user_code);
    token = awaitPairing(gateway.url, authorization);
    token.catch(() => {}); // awaited below
  });

  it('kari follows the link, logs in through the pod server\'s form, and lands on "My devices" with the code filled in', async () => {
    await logInThroughPodServer(page, { appUrl: app.url, podBaseUrl: world.baseUrl, name: 'kari', startUrl: authorization.verification_uri_complete });
    await page.locator('#pairing-code').waitFor({ timeout: 30_000 });
    expect(await page.locator('#pairing-code').inputValue()).toBe(authorization.user_code);
    expect(new URL(page.url()).searchParams.has('code')).toBe(false); // used once, not left in the address bar
    // Loading the view made her ACLs follow her pairings: none yet, so the vendor may append nowhere.
    await expect.poll(kariAppenders, { timeout: 30_000 }).toEqual({});
  });

  it('shows who asks and for what; she approves two of the three kinds with the keyboard', async () => {
    await setLanguage('en');
    const field = page.locator('#pairing-code');
    // Mistakes first, each said in words she can act on: a code that cannot be one, and one nobody asked with.
    await field.fill('BCDF');
    await field.press('Enter');
    expect(await page.locator('#code-error').textContent()).toContain('A code has eight letters');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await field.fill(authorization.user_code === 'BCDF-GHJK' ? 'BCDF-GHJL' : 'bcdf ghjk');
    await field.press('Enter');
    await expect.poll(() => page.locator('.error[role=alert]').textContent(), { timeout: 30_000 }).toContain('No request has that code');
    await page.getByRole('button', { name: 'Close', exact: true }).click();

    await field.fill(authorization.user_code);
    await field.focus();
    await page.keyboard.press('Enter');
    const request = page.locator('section.request');
    await request.waitFor({ timeout: 30_000 });
    const text = (await request.textContent()) ?? '';
    expect(await page.locator('#request-h').textContent()).toBe(`Request with the code ${authorization.user_code}`);
    for (const shown of ['Hjemmemåling AS', world.accounts.vendor!.webId, 'Nonin PulseOx 2', DEVICE.name, DEVICE.id]) expect(text).toContain(shown);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('devices-request');

    const temperature = page.getByRole('checkbox', { name: 'Body temperature' });
    expect(await temperature.isChecked()).toBe(true);
    await temperature.focus();
    await page.keyboard.press('Space');
    expect(await temperature.isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Approve' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(status, { timeout: 30_000 }).toContain('is paired and may now add: oxygen saturation (spo2), pulse / heart rate');

    const credential = await token;
    expect(credential).toMatchObject({ patient: world.accounts.kari!.webId, kinds: APPROVED });
    const vendor = [world.accounts.vendor!.webId];
    expect(await kariAppenders()).toEqual({ 'oxygen-saturation': vendor, 'heart-rate': vendor });
  });

  it('the device\'s readings of the approved kinds land in her pod; one of the third kind is refused with 403', async () => {
    expect((await send('oxygen-saturation', 95, 0)).status).toBe(202);
    expect((await send('heart-rate', 64, 0)).status).toBe(202);
    const refused = await send('body-temperature', 37, 1);
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
    await waitForDelivery(gateway.url, 30_000);
    expect(await inPod(month('oxygen-saturation'))).toEqual([95]);
    expect(await inPod(month('heart-rate'))).toEqual([64]);
    expect(await inPod(month('body-temperature'))).toEqual([]);
  });

  it('she unpairs it on the page: the next reading is refused with 401, and all acknowledged before is in the pod', async () => {
    expect((await send('oxygen-saturation', 93, 2)).status).toBe(202);
    expect((await send('heart-rate', 66, 2)).status).toBe(202);
    await page.goto(`${app.url}#devices`);
    const unpair = page.getByRole('button', { name: `Unpair ${DEVICE.name}` });
    await unpair.click({ timeout: 30_000 });
    await expect.poll(status, { timeout: 30_000 }).toContain(`${DEVICE.name} is unpaired`);
    const after = await send('heart-rate', 70, 3);
    expect(after.status).toBe(401);
    expect(after.type).toContain('application/problem+json');

    await waitForDelivery(gateway.url, 30_000);
    for (const [document, values] of acknowledged) expect(await inPod(document)).toEqual([...values].sort());
  });

  it('once what was pending is delivered, her page takes the vendor\'s Append away; each change has its consent record', async () => {
    await page.goto(`${app.url}#sharing`);
    await page.goto(`${app.url}#devices`);
    await page.locator('#paired-devices li.revoked').waitFor({ timeout: 30_000 });
    await expect.poll(kariAppenders, { timeout: 30_000 }).toEqual({});

    const consent = `${world.accounts.kari!.podUrl}health/consent/`;
    const listing = new Parser({ baseIRI: consent }).parse(await (await kari(consent, { headers: { accept: 'text/turtle' } })).text());
    const documents = listing.filter((q) => q.predicate.value.endsWith('#contains')).map((q) => q.object.value);
    const quads = (await Promise.all(documents.map(async (d) => new Parser({ baseIRI: d }).parse(await (await kari(d, { headers: { accept: 'text/turtle' } })).text())))).flat();
    const vendorRecords = quadsToConsentRecords(quads)
      .filter((r) => r.recipient === world.accounts.vendor!.webId && APPROVED.some((k) => r.data.endsWith(`/${k}/`)))
      .filter((r) => Date.parse(r.created) > Date.now() - 15 * 60_000)
      .map((r) => `${r.status} ${r.data.replace(/^.*measurements\//, '')}`);
    expect(vendorRecords.sort()).toEqual(['given heart-rate/', 'given oxygen-saturation/', 'withdrawn heart-rate/', 'withdrawn oxygen-saturation/']);

    const item = (await page.locator('#paired-devices li.revoked').textContent()) ?? '';
    expect(item).toContain('Unpaired');
    expect(item).toContain('Oxygen saturation (SpO2), Pulse / heart rate');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot('devices');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
