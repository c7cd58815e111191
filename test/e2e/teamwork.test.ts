/**
 * The team's work end to end (issue 21), in Debian's chromium against a real
 * CSS with the demo world, the clinician service and the consent page, each
 * person in their own browser context with their own login: nilsen (the
 * municipal nurse) opens hans and asks the cross-level team for advice with
 * a deadline; lunde (the hospital's lung doctor, in another context, on
 * another page) is told within 5 s (the unread count and the page title),
 * finds it in "My tasks", opens hans's measurements, takes the task and
 * answers with a recommendation; nilsen sees the answer on the thread; hans
 * sees the thread, with who wrote what, on his own page. Screenshots:
 * docs/screenshots/tasks-{nb,en}.png and thread-{nb,en}.png.
 *
 * The whole story starts with an alert task from the alert service:
 * that step goes before "nilsen asks" when the service is merged (the rest
 * does not depend on how the first task came).
 */
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import type { WorldContext } from '../../pod-server/world/world.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium, logInThroughPodServer } from '../support/chromium.ts';
import { SCREENSHOTS, setLanguage } from '../support/screenshots.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

const TABLET = { width: 1024, height: 900 };

let world: TestWorld;
let api: ClinicianApi;
let consent: ConsentApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
let nilsen: Page;
let lunde: Page;
let hans: Page;
const problems: string[] = [];
let sentAt = 0;

async function seedMeasurements(ctx: WorldContext): Promise<void> {
  await seedDemoMeasurements((await ctx.sessionFor('vendor')).fetch, { baseUrl: ctx.baseUrl, end: new Date(ctx.startedAt), days: 14 });
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: TABLET, locale: 'en-GB', timezoneId: 'Europe/Oslo' });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

beforeAll(async () => {
  world = await startTestWorld({ seedMeasurements });
  const port = await freePort();
  api = await startClinicianApi({ port, host: '127.0.0.1', podBaseUrl: world.baseUrl, publicUrl: `http://localhost:${port}` });
  consent = await startConsentApp({ port: 0, podBaseUrl: world.baseUrl });
  browser = await launchChromium();
  [nilsen, lunde, hans] = [await newPage(), await newPage(), await newPage()];
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await consent?.stop();
  await api?.stop();
  await world?.stop();
});

const appUrl = () => `http://localhost:${api.port}/`;
const webId = (name: string) => world.accounts[name]!.webId;

async function logIn(page: Page, name: string): Promise<void> {
  await logInThroughPodServer(page, { appUrl: appUrl(), podBaseUrl: world.baseUrl, name });
  await page.locator('#team-table').waitFor({ timeout: 60_000 });
  await setLanguage(page, 'en');
}

describe('a request for advice to the cross-level team', () => {
  it('lunde is logged in, on her lung team\'s page, with no new tasks', async () => {
    await logIn(lunde, 'lunde');
    await expect.poll(() => lunde.evaluate(() => window.hvTasks?.ready ?? false), { timeout: 30_000 }).toBe(true);
    expect(await lunde.locator('#unread').isHidden()).toBe(true);
  });

  it('nilsen opens hans and asks the team, with a deadline', async () => {
    await logIn(nilsen, 'nilsen');
    await nilsen.locator(`#team-table tr[data-patient="${webId('hans')}"] th a`).click();
    await nilsen.locator('#kind-oxygen-saturation canvas').first().waitFor({ timeout: 60_000 });
    await nilsen.locator('#ask-advice').click();
    await nilsen.locator('#request-text').fill('Hans reports more breathlessness and his SpO2 is falling. Should he start his self-treatment plan?');
    await nilsen.locator('#request-priority').selectOption('red');
    expect(await seriousViolations(nilsen)).toEqual([]);
    sentAt = Date.now();
    await nilsen.locator('#request-send').click();
    await expect.poll(() => nilsen.locator('#status').textContent(), { timeout: 15_000 }).toContain('The request is sent to');
  });

  it('lunde is told within 5 s, without reloading: the unread count and the page title', async () => {
    await lunde.locator('#unread:not([hidden])').waitFor({ timeout: 5_000 });
    const ms = Date.now() - sentAt;
    expect(ms).toBeLessThanOrEqual(5_000);
    expect(await lunde.locator('#unread').textContent()).toBe('1 new');
    expect(await lunde.title()).toMatch(/^\(1\) /);
    console.log(`teamwork: lunde told of the new task ${ms} ms after nilsen sent it`);
  });

  it('lunde finds it in My tasks (patient, deadline, priority, status) and the count is cleared', async () => {
    await lunde.locator('#my-tasks').click();
    const row = lunde.locator('#tasks tbody tr[data-status="new"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('th').textContent()).toBe('Hans Hansen');
    expect(await row.getAttribute('data-priority')).toBe('red');
    expect(await row.textContent()).toContain('Request for advice');
    await expect.poll(() => lunde.locator('#unread').isHidden()).toBe(true);
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'tasks-en.png'), fullPage: true });
    await setLanguage(lunde, 'nb');
    await expect.poll(() => lunde.locator('#tasks-heading').textContent()).toBe('Mine oppgaver');
    await lunde.locator('#tasks tbody tr').first().waitFor();
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'tasks-nb.png'), fullPage: true });
    await setLanguage(lunde, 'en');
    await expect.poll(() => lunde.locator('#tasks-heading').textContent()).toBe('My tasks');
  });

  it('lunde opens hans\'s measurements from the task, takes it and answers with a recommendation', async () => {
    await lunde.locator('#tasks tbody tr td a').first().click();
    await lunde.locator('#thread li.message').first().waitFor({ timeout: 15_000 });
    await lunde.locator('#open-patient').click();
    await lunde.locator('#kind-oxygen-saturation canvas').first().waitFor({ timeout: 60_000 });
    await lunde.goBack();
    await lunde.locator('#take').click();
    await expect.poll(() => lunde.locator('#task-summary').textContent(), { timeout: 15_000 }).toContain('Taken by Ingrid Lunde');
    // Keyboard only: type the answer, choose the action, send.
    await lunde.locator('#answer-text').focus();
    await lunde.keyboard.type('Start the self-treatment plan today and measure SpO2 three times a day. Call me if it is below 88 %.');
    await lunde.locator('#answer-action').selectOption('start-self-treatment');
    await lunde.locator('#answer-send').focus();
    await lunde.keyboard.press('Enter');
    const messages = lunde.locator('#thread li.message');
    await expect.poll(() => messages.count(), { timeout: 15_000 }).toBe(2);
    expect(await messages.nth(1).getAttribute('data-author')).toBe(webId('lunde'));
    expect(await messages.nth(0).getAttribute('data-author')).toBe(webId('nilsen'));
    expect(await lunde.locator('#task-summary').textContent()).toContain('Answered');
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'thread-en.png'), fullPage: true });
    await setLanguage(lunde, 'nb');
    await expect.poll(() => lunde.locator('#thread li.message.recommendation .meta').textContent()).toContain('Anbefaling');
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.screenshot({ path: join(SCREENSHOTS, 'thread-nb.png'), fullPage: true });
    await setLanguage(lunde, 'en');
  });

  it('nilsen sees the answer on the same thread', async () => {
    await nilsen.locator('#my-tasks').click();
    await nilsen.locator('#tasks tbody tr[data-status="answered"] td a').first().click({ timeout: 15_000 });
    const answer = nilsen.locator('#thread li.message.recommendation');
    await answer.waitFor({ timeout: 15_000 });
    expect(await answer.textContent()).toContain('Ingrid Lunde');
    expect(await answer.textContent()).toContain('Start the self-treatment plan');
  });

  it('hans sees the thread on his own page, with who wrote what', async () => {
    await logInThroughPodServer(hans, { appUrl: consent.url, podBaseUrl: world.baseUrl, name: 'hans' });
    await expect.poll(() => hans.locator('.who').textContent(), { timeout: 30_000 }).toContain('Hans Hansen');
    await setLanguage(hans, 'en');
    await hans.locator('a[href="#messages"]').click();
    const messages = hans.locator('#threads li.message');
    await expect.poll(async () => (await messages.count()) || (await hans.locator('main').textContent())?.slice(0, 300), { timeout: 30_000 }).toBe(2);
    expect(await messages.nth(0).textContent()).toContain('Mari Nilsen');
    expect(await messages.nth(1).textContent()).toContain('Ingrid Lunde');
    expect(await messages.nth(1).textContent()).toContain('Recommended action: Start the self-treatment plan');
    expect(await seriousViolations(hans)).toEqual([]);
    await setLanguage(hans, 'nb');
    expect(await hans.locator('#view-heading').textContent()).toBe('Meldinger om meg');
    expect(problems).toEqual([]);
  });
});
