/**
 * The clinician dashboard end to end, in Debian's chromium (playwright-core)
 * against a real CSS with the demo world, the clinician service and the
 * gateway: a hospital lung doctor of the lung team only (holm, in the page
 * variable `lunde`) logs in through CSS's own login
 * form, opens hans, sees the SpO2 chart with points from two sources and the
 * worsening week, marks a point unreliable; the municipal nurse (nilsen, a
 * second browser context) sees the mark; a reading sent to the gateway
 * appears on the open page within 5 s (through the pod server's Solid
 * Notifications relayed as Server-Sent Events; polling is then 15 s, so it
 * could not otherwise); body weight, not shared
 * with the lung team, shows as "not shared by the patient". Screenshots of
 * the team and patient views go to docs/screenshots/dashboard-*.png.
 */
import { createRequire } from 'node:module';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Parser } from 'n3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quadsToUnreliableMarks } from '../../apps/shared/measurement/notes.ts';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import type { WorldContext } from '../../pod-server/world/world.ts';
import { launchChromium, logInThroughPodServer } from '../support/chromium.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { postJson, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const TABLET = { width: 1024, height: 1000 };

let world: TestWorld;
let api: ClinicianApi;
let gateway: GatewayProcess;
let browser: Browser;
let lundeContext: BrowserContext;
let nilsenContext: BrowserContext;
let lunde: Page;
let nilsen: Page;
const problems: string[] = [];

async function seedMeasurements(ctx: WorldContext): Promise<void> {
  const vendor = await ctx.sessionFor('vendor');
  await seedDemoMeasurements(vendor.fetch, { baseUrl: ctx.baseUrl, end: new Date(ctx.startedAt), days: 28 });
}

async function newPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

beforeAll(async () => {
  world = await startTestWorld({ seedMeasurements });
  const port = await freePort();
  api = await startClinicianApi({ port, host: '127.0.0.1', podBaseUrl: world.baseUrl, publicUrl: `http://localhost:${port}` });
  gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet'] });
  browser = await launchChromium();
  const options = { viewport: TABLET, locale: 'en-GB', timezoneId: 'Europe/Oslo' };
  lundeContext = await browser.newContext(options);
  nilsenContext = await browser.newContext(options);
  lunde = await newPage(lundeContext);
  nilsen = await newPage(nilsenContext);
  await mkdir(SCREENSHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.kill();
  await api?.stop();
  await world?.stop();
});

const appUrl = () => `http://localhost:${api.port}/`;
const hans = () => world.accounts.hans!.webId;

/** Through the pod server's own login form, like a person. */
async function logIn(page: Page, name: string): Promise<void> {
  await logInThroughPodServer(page, { appUrl: appUrl(), podBaseUrl: world.baseUrl, name });
  await page.locator('#team-table').waitFor({ timeout: 60_000 });
}

async function setEnglish(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'English', exact: true }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
}

async function seriousViolations(page: Page): Promise<string[]> {
  const require = createRequire(import.meta.url);
  await page.evaluate(await readFile(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function openHans(page: Page): Promise<void> {
  await page.locator(`#team-table tr[data-patient="${hans()}"] th a`).click({ timeout: 15_000 });
  await page.waitForURL((url) => url.hash.includes('patient='), { timeout: 15_000 });
  await page.locator('#kind-oxygen-saturation canvas').first().waitFor({ timeout: 30_000 });
}

describe('the clinician dashboard', () => {
  it('serves the page with a CSP without inline scripts, and JSON to API clients', async () => {
    const page = await fetch(appUrl(), { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const index = await fetch(appUrl(), { headers: { accept: 'application/json' } });
    expect((await index.json()).service).toBe('Helsevev clinician queries');
    const mark = await fetch(`${appUrl()}dashboard/api/marks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(mark.status).toBe(401);
    expect(mark.headers.get('content-type')).toContain('application/problem+json');
  });

  it('the lung doctor logs in and sees the team view with hans\'s latest values', async () => {
    // holm: the lung team's doctor who is in no other team (lunde is in the cross-level team A too, which reads all of hans).
    await logIn(lunde, 'holm');
    await setEnglish(lunde);
    // The list is painted at once; each row fills when its patient's values are in.
    const row = lunde.locator(`#team-table tr[data-patient="${hans()}"][data-loaded]`);
    await row.waitFor({ timeout: 30_000 });
    await lunde.locator('#team-table[aria-busy="false"]').waitFor();
    const spo2 = row.locator('td[data-kind="oxygen-saturation"]');
    expect(await spo2.textContent()).toMatch(/\d+ %/);
    // hans's SpO2 threshold (< 90 %) is the lung team's, kept in OUS's pod, and his latest value crosses it.
    expect(await spo2.getAttribute('class')).toContain('flagged');
    expect(await lunde.locator('#thresholds').textContent()).toContain('below 90 %');
    expect(await lunde.locator('#thresholds a').getAttribute('href')).toBe(`${world.baseUrl}ous/thresholds/lungeteam`);
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'dashboard-team-en.png'), fullPage: true });
    await lunde.getByRole('button', { name: 'Norsk', exact: true }).click();
    await lunde.locator('#team-table[aria-busy="false"]').waitFor({ timeout: 30_000 });
    await lunde.screenshot({ path: join(SCREENSHOTS, 'dashboard-team-nb.png'), fullPage: true });
    await setEnglish(lunde);
    await lunde.locator('#team-table[aria-busy="false"]').waitFor({ timeout: 30_000 });
  });

  it('opens hans: SpO2 from two sources, the worsening week, and body weight not shared', async () => {
    await lunde.locator(`#team-table tr[data-patient="${hans()}"] th a`).click();
    await lunde.locator('#kind-oxygen-saturation canvas').first().waitFor({ timeout: 60_000 });
    const rows = lunde.locator('#kind-oxygen-saturation table.values tbody tr');
    const points = await rows.evaluateAll((trs) => trs.map((tr) => ({
      setting: tr.getAttribute('data-setting')!, value: Number(tr.getAttribute('data-value')), time: Date.parse(tr.getAttribute('data-time')!),
    })));
    const settings = new Set(points.map((p) => p.setting));
    expect(settings.has('home-municipality') && settings.has('home-hospital')).toBe(true);
    const lastDays = points.filter((p) => p.time > Date.now() - 3 * 86_400_000);
    const before = points.filter((p) => p.time < Date.now() - 10 * 86_400_000);
    expect(lastDays.some((p) => p.value < 90)).toBe(true);
    expect(before.every((p) => p.value >= 89)).toBe(true);
    expect(await lunde.locator('#not-shared li[data-kind="body-weight"]').textContent()).toContain('not shared by the patient');
    expect(await lunde.locator('#kind-body-weight').count()).toBe(0);
    expect(await lunde.locator('#kind-oxygen-saturation .threshold').textContent()).toContain('below 90 %');

    // While nothing changes, a repeated poll is answered 304 Not Modified: cheap for the page and the pods.
    const statuses = await lunde.evaluate(async (patient) => {
      const url = `/dashboard/api/patient?team=lungeteam&patient=${encodeURIComponent(patient)}&weeks=4`;
      const first = await fetch(url, { credentials: 'same-origin' });
      const etag = first.headers.get('etag') ?? '';
      const second = await fetch(url, { credentials: 'same-origin', headers: { 'if-none-match': etag }, cache: 'no-store' });
      return [first.status, etag.length > 0, second.status];
    }, hans());
    expect(statuses).toEqual([200, true, 304]);

    // The legend filters by source, from the keyboard.
    await lunde.locator('#legend-home-hospital').focus();
    await lunde.keyboard.press('Enter');
    await expect.poll(() => lunde.locator('#kind-oxygen-saturation table.values tbody tr[data-setting="home-hospital"]').count()).toBe(0);
    await lunde.locator('#legend-home-hospital').press('Enter');
    await expect.poll(() => lunde.locator('#kind-oxygen-saturation table.values tbody tr[data-setting="home-hospital"]').count()).toBeGreaterThan(0);

    // 1 week has fewer points than 4.
    const four = Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count'));
    await lunde.locator('#weeks-1').click();
    await expect.poll(async () => Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count')), { timeout: 30_000 }).toBeLessThan(four);
    await lunde.locator('#weeks-4').click();
    await expect.poll(async () => Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count')), { timeout: 30_000 }).toBe(four);
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'dashboard-patient-en.png'), fullPage: true });
    await lunde.getByRole('button', { name: 'Norsk', exact: true }).click();
    await lunde.locator('#kind-oxygen-saturation canvas').first().waitFor({ timeout: 30_000 });
    await lunde.screenshot({ path: join(SCREENSHOTS, 'dashboard-patient-nb.png'), fullPage: true });
    await setEnglish(lunde);
    await lunde.locator('#kind-oxygen-saturation canvas').first().waitFor({ timeout: 30_000 });
  });

  let marked = '';
  it('marks a point unreliable; the note goes to hans\'s health/notes/, the measurement is unchanged', async () => {
    await lunde.locator('#values-oxygen-saturation summary').click();
    const row = lunde.locator('#kind-oxygen-saturation table.values tbody tr').first();
    marked = (await row.getAttribute('data-iri'))!;
    await row.getByRole('button', { name: 'Mark as unreliable' }).click();
    await lunde.locator('#mark-reason').fill('Cold fingers, poor signal');
    await lunde.locator('#mark-save').click();
    await expect.poll(() => lunde.locator('#status').textContent(), { timeout: 30_000 }).toContain('marked as unreliable');
    const again = lunde.locator(`#kind-oxygen-saturation tr[data-iri="${marked}"]`);
    expect(await again.locator('.mark-text').textContent()).toContain('Cold fingers, poor signal');

    const asHans = await world.fetchAs('hans');
    const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit' }).format(new Date());
    const notes = await asHans(`${world.accounts.hans!.podUrl}health/notes/${month}.ttl`);
    expect(notes.status).toBe(200);
    const marks = quadsToUnreliableMarks(new Parser({ baseIRI: notes.url }).parse(await notes.text()));
    expect(marks).toEqual([expect.objectContaining({ measurement: marked, reason: 'Cold fingers, poor signal', author: world.accounts.holm!.webId })]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'dashboard-patient-marked-en.png'), fullPage: true });
  });

  it('refuses a bad mark with problem+json', async () => {
    const answer = await lunde.evaluate(async (body) => {
      const r = await fetch('/dashboard/api/marks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: r.status, type: r.headers.get('content-type'), body: await r.json() };
    }, { team: 'lungeteam', patient: hans(), measurement: marked, reason: '' });
    expect(answer.status).toBe(422);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body.errors[0].field).toBe('reason');
  });

  it('the municipal nurse, in another browser, sees the mark', async () => {
    await logIn(nilsen, 'nilsen');
    await setEnglish(nilsen);
    expect(await nilsen.locator('#team-heading').textContent({ timeout: 15_000 })).toContain('Oppfølgingsteam A');
    await openHans(nilsen);
    const row = nilsen.locator(`#kind-oxygen-saturation tr[data-iri="${marked}"]`);
    expect(await row.locator('.mark-text').textContent({ timeout: 15_000 })).toContain('Cold fingers, poor signal');
    expect(await row.locator('.mark-text').textContent({ timeout: 15_000 })).toContain(world.accounts.holm!.webId);
  });

  it('a reading sent to the gateway appears on the open page within 5 s', async () => {
    // The live stream is open: the service has subscribed (WebSocketChannel2023) to hans's readable categories.
    await expect.poll(() => lunde.evaluate(() => window.hvLive?.ready ?? false), { timeout: 30_000, interval: 200 }).toBe(true);
    expect(await lunde.locator('#main').getAttribute('data-live')).toBe('open');
    // hans's oxygen meter, paired by him (#18): the gateway takes readings only with a paired device's credential.
    const oximeter = await pairDevice({ gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('hans'), webId: hans() }, kinds: ['oxygen-saturation'] });
    const changesBefore = await lunde.evaluate(() => window.hvLive!.changes);
    const before = Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count'));
    const sent = Date.now();
    const answer = await postJson(gateway.url, '/readings', { readings: [
      { patient: hans(), kind: 'oxygen-saturation', value: 85, unit: '%', effectiveTime: new Date().toISOString(), device: 'oxi-kommune-1187', setting: 'home-municipality' },
    ] }, 'application/json', bearer(oximeter));
    expect(answer.status).toBe(202);
    await expect.poll(async () => Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count')), { timeout: 5_000, interval: 100 }).toBe(before + 1);
    expect(Date.now() - sent).toBeLessThan(5_000);
    // It came through a notification (an SSE `change` event), not the 15 s poll.
    await expect.poll(() => lunde.evaluate(() => window.hvLive!.changes), { timeout: Math.max(100, 5_000 - (Date.now() - sent)), interval: 100 }).toBeGreaterThan(changesBefore);
    expect(problems).toEqual([]);
  });

  it('a record system\'s reading (no device) shows its performer as stated by the sender, never as its author', async () => {
    const epj = await pairDevice({ gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('hans'), webId: hans() }, kinds: ['oxygen-saturation'], device: { id: 'epj-bridge', model: 'EPJ bridge' } });
    const before = Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count'));
    const answer = await postJson(gateway.url, '/fhir', {
      resourceType: 'Observation', status: 'final', identifier: [{ system: 'urn:oid:2.16.578.1.12.4.1.9999', value: 'spo2-e2e-1' }],
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '59408-5' }] }, subject: { reference: hans() },
      effectiveDateTime: new Date().toISOString(), valueQuantity: { value: 91, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
      performer: [{ display: 'Kari Nordmann', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144900' } }],
    }, 'application/fhir+json', bearer(epj));
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    await expect.poll(async () => Number(await lunde.locator('#kind-oxygen-saturation').getAttribute('data-count')), { timeout: 20_000, interval: 200 }).toBe(before + 1);
    const row = lunde.locator('#kind-oxygen-saturation tr[data-value="91"]').filter({ hasText: 'As stated by' });
    expect(await row.count()).toBe(1);
    expect(await row.locator('.stated').textContent()).toBe('As stated by the sender (not verified): Kari Nordmann (HPR 9144900)');
    expect(problems).toEqual([]);
  });
});
