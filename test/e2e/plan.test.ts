/**
 * "My plan" end to end, in Debian's chromium (playwright-core) against a real
 * CSS with the demo world, the real consent page and the clinician
 * dashboard: kari's GP, Erik Dahl, wrote her blood glucose plan when the
 * world was made (pod-server/world/plans.ts), attested by the pod server.
 *
 * - kari's page shows it, "Plan fra Erik Dahl, Storgata legekontor, …", at
 *   a desktop and a phone width, axe-clean;
 * - she enters 16,2 mmol/L by hand: the page shows the plan's >15 step;
 *   11 shows the >10 step; 7 shows none;
 * - dahl, on the dashboard, sees the plan with its author; bad input (a red
 *   step below the yellow one, an empty text, an unknown kind) gets a clear
 *   error beside the field and nothing changes in her pod; a good plan
 *   replaces hers, and her page shows it.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { toOsloIso } from '../../apps/shared/measurement/identity.ts';
import { readPlans } from '../../apps/shared/plan/plan-pod.ts';
import { plansContainer } from '../../apps/shared/plan/plan-rdf.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium, logInThroughPodServer } from '../support/chromium.ts';
import { PHONE, SCREENSHOTS, setLanguage } from '../support/screenshots.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let consent: ConsentApp;
let api: ClinicianApi;
let browser: Browser;
let kari: Page;
let dahl: Page;
const problems: string[] = [];

async function newPage(locale: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 1000 }, locale, timezoneId: 'Europe/Oslo' });
  const page = await context.newPage();
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  return page;
}

beforeAll(async () => {
  world = await startTestWorld();
  consent = await startConsentApp({ port: 0, podBaseUrl: world.baseUrl });
  const port = await freePort();
  api = await startClinicianApi({ port, host: '127.0.0.1', podBaseUrl: world.baseUrl, publicUrl: `http://localhost:${port}` });
  browser = await launchChromium();
  kari = await newPage('nb-NO');
  dahl = await newPage('en-GB');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await consent?.stop();
  await world?.stop();
});

/** kari's current plans and the documents in her plans/, read with her own login. */
async function karisPlans() {
  const fetchAsKari = await world.fetchAs('kari');
  const read = await readPlans(fetchAsKari, world.accounts.kari!.podUrl, world.accounts.kari!.webId);
  if (read.status !== 'read') throw new Error(`kari cannot read her plans: ${read.status}`);
  const listing = await (await fetchAsKari(plansContainer(world.accounts.kari!.podUrl), { headers: { accept: 'text/turtle' } })).text();
  return { current: read.current, listing };
}

const osloLocal = (date: Date) => toOsloIso(date).slice(0, 16);
const minutesAgo = (n: number) => new Date(Math.floor((Date.now() - n * 60_000) / 60_000) * 60_000);
const today = () => new Intl.DateTimeFormat('nb-NO', { day: 'numeric', month: 'short', timeZone: 'Europe/Oslo' }).format(new Date());

async function enter(value: string, time: Date): Promise<void> {
  await kari.getByRole('link', { name: 'Registrer måling' }).click();
  await kari.locator('#entry-form').waitFor({ timeout: 30_000 });
  await kari.locator('#entry-kind').selectOption('blood-glucose');
  await kari.locator('#entry-value').fill(value);
  await kari.locator('#entry-time').fill(osloLocal(time));
  await kari.locator('#entry-value').press('Enter');
  await expect.poll(() => kari.locator('#entry-value').inputValue(), { timeout: 30_000 }).toBe('');
}

describe('kari\'s plan on her own page', () => {
  it('shows the plan from her GP with the writer the pod server attested, axe-clean, at desktop and phone width', async () => {
    await logInThroughPodServer(kari, { appUrl: consent.url, podBaseUrl: world.baseUrl, name: 'kari' });
    await expect.poll(() => kari.locator('.who').textContent(), { timeout: 30_000 }).toContain('Kari Nordmann');
    await kari.getByRole('link', { name: 'Min plan' }).click();
    const plan = kari.locator('#plan-blood-glucose');
    await plan.waitFor({ timeout: 30_000 });
    expect(await plan.locator('h3').textContent()).toBe('Blodsukker');
    expect(await plan.locator('.plan-author').textContent()).toBe(`Plan fra Erik Dahl, Storgata legekontor, ${today()}`);
    expect(await plan.locator('.plan-step .plan-threshold strong').allTextContents()).toEqual(['Trinn 1: Over 10 mmol/L', 'Trinn 2: Over 15 mmol/L']);
    expect(await plan.locator('.plan-step').nth(1).textContent()).toContain('Ta 2 enheter ekstra hurtigvirkende insulin');
    expect(await kari.locator('#plan-not-verified').count()).toBe(0);
    expect(await seriousViolations(kari)).toEqual([]);
    await kari.setViewportSize(PHONE);
    expect(await kari.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await seriousViolations(kari)).toEqual([]);
    await kari.setViewportSize({ width: 1024, height: 1000 });
  });

  it('kari enters 16,2 by hand: the page shows the plan\'s >15 step, and "My plan" marks it', async () => {
    await enter('16,2', minutesAgo(180));
    const advice = kari.locator('#plan-advice');
    await advice.waitFor({ timeout: 30_000 });
    expect(await advice.getAttribute('data-level')).toBe('2');
    expect(await advice.textContent()).toContain('Målingen din, 16,2 mmol/L, er over 15 mmol/L. Gjør dette:');
    expect(await kari.locator('#plan-advice-instruction').textContent()).toMatch(/^Ta 2 enheter ekstra hurtigvirkende insulin/);
    expect(await advice.textContent()).toContain('Plan fra Erik Dahl, Storgata legekontor');
    expect(await kari.evaluate(() => document.activeElement?.id)).toBe('plan-advice');
    expect(await seriousViolations(kari)).toEqual([]);

    await kari.getByRole('link', { name: 'Min plan' }).click();
    const now = kari.locator('#plan-blood-glucose .plan-step[aria-current="step"]');
    await now.waitFor({ timeout: 30_000 });
    expect(await now.getAttribute('data-level')).toBe('2');
    expect(await kari.locator('#plan-blood-glucose .plan-latest').textContent()).toContain('Siste måling: 16,2 mmol/L');
    await kari.setViewportSize(PHONE);
    await kari.screenshot({ path: join(SCREENSHOTS, 'plan-nb.png'), fullPage: true });
    await kari.setViewportSize({ width: 1024, height: 1000 });
  });

  it('11 shows the >10 step; 7 shows none', async () => {
    await enter('11', minutesAgo(240));
    await kari.locator('#plan-advice').waitFor({ timeout: 30_000 });
    expect(await kari.locator('#plan-advice').getAttribute('data-level')).toBe('1');
    expect(await kari.locator('#plan-advice-instruction').textContent()).toMatch(/^Drikk et par glass vann/);
    await enter('7', minutesAgo(300));
    expect(await kari.locator('#status').textContent()).toContain('Blodsukker 7,0 mmol/L');
    expect(await kari.locator('#plan-advice').count()).toBe(0);
  });

  it('is in English too', async () => {
    await kari.getByRole('link', { name: 'Min plan' }).click();
    await kari.locator('#plan-blood-glucose').waitFor({ timeout: 30_000 });
    await setLanguage(kari, 'en');
    const plan = kari.locator('#plan-blood-glucose');
    expect(await plan.locator('.plan-author').textContent()).toMatch(/^Plan from Erik Dahl, Storgata GP office, \d+ \w+$/);
    expect(await plan.locator('.plan-step').nth(1).textContent()).toContain('Take 2 extra units of rapid-acting insulin');
    expect(await kari.getByRole('link', { name: 'My plan' }).getAttribute('aria-current')).toBe('page');
    expect(await seriousViolations(kari)).toEqual([]);
    await kari.screenshot({ path: join(SCREENSHOTS, 'plan-en.png'), fullPage: true });
    await setLanguage(kari, 'nb');
  });
});

describe('the GP writes the plan from the dashboard', () => {
  const stepField = (i: number, field: 'threshold' | 'nb' | 'en') => dahl.locator(`#plan-step-${i}-${field}`);

  async function saveAndExpectError(field: string, text: RegExp): Promise<void> {
    const before = await karisPlans();
    await dahl.locator('#plan-save').click();
    await dahl.locator('#plan-errors').waitFor({ timeout: 30_000 });
    expect(await dahl.locator(`#${field}`).getAttribute('aria-invalid')).toBe('true');
    expect(await dahl.locator(`#${field}-error`).textContent()).toMatch(text);
    expect(await dahl.evaluate(() => document.activeElement?.id)).toBe('plan-errors');
    const after = await karisPlans();
    expect(after.listing).toBe(before.listing);
  }

  it('dahl sees kari\'s plan on her patient view, with its attested author', async () => {
    const appUrl = `http://localhost:${api.port}/`;
    await logInThroughPodServer(dahl, { appUrl, podBaseUrl: world.baseUrl, name: 'dahl' });
    await dahl.locator('#team-table').waitFor({ timeout: 60_000 });
    await dahl.getByRole('button', { name: 'English', exact: true }).click();
    await dahl.locator(`#team-table tr[data-patient="${world.accounts.kari!.webId}"] th a`).click({ timeout: 30_000 });
    const plan = dahl.locator('#plan-blood-glucose');
    await plan.waitFor({ timeout: 60_000 });
    expect(await plan.locator('.plan-author').textContent()).toMatch(/^Plan from Erik Dahl, Storgata legekontor, \d+ \w+$/);
    expect(await plan.locator('li').count()).toBe(2);
    await dahl.locator('#plan-edit summary').click();
    expect(await stepField(0, 'threshold').inputValue()).toBe('10');
    expect(await stepField(1, 'threshold').inputValue()).toBe('15');
    expect(await seriousViolations(dahl)).toEqual([]);
  });

  it('a red step below the yellow one: the error is beside step 2\'s threshold, nothing written', async () => {
    await stepField(1, 'threshold').fill('8');
    await saveAndExpectError('plan-step-1-threshold', /step 2 is stronger than step 1, so it must start higher/);
    expect(await seriousViolations(dahl)).toEqual([]);
  });

  it('an empty instruction: the error is beside it, nothing written', async () => {
    await stepField(1, 'threshold').fill('15');
    await stepField(0, 'nb').fill('');
    await saveAndExpectError('plan-step-0-nb', /say what the patient should do/);
  });

  it('an unknown kind (a page out of date, or tampered with): the error is beside the kind, nothing written', async () => {
    await stepField(0, 'nb').fill('Drikk vann og mål igjen om to timer.');
    await dahl.locator('#plan-kind').evaluate((select: HTMLSelectElement) => {
      select.add(new Option('Cholesterol', 'cholesterol'));
      select.value = 'cholesterol';
      select.dispatchEvent(new Event('change'));
    });
    await saveAndExpectError('plan-kind', /"cholesterol" is not a kind a plan can be for/);
  });

  it('a good plan replaces kari\'s: saved as a new version attested as dahl, and her page shows it', async () => {
    await dahl.locator('#plan-kind').selectOption('blood-glucose');
    await stepField(0, 'threshold').fill('11');
    await stepField(0, 'nb').fill('Drikk vann og mål igjen om to timer.');
    await stepField(1, 'threshold').fill('16,5');
    await stepField(1, 'nb').fill('Ta ekstra insulin og ring legekontoret.');
    await stepField(1, 'en').fill('Take extra insulin and call the GP office.');
    await dahl.locator('#plan-save').click();
    await expect.poll(() => dahl.locator('#status').textContent(), { timeout: 30_000 }).toBe('The plan is saved in the patient\'s pod.');
    await expect.poll(() => dahl.locator('#plan-blood-glucose li strong').allTextContents(), { timeout: 30_000 }).toEqual(['Step 1: Above 11 mmol/L', 'Step 2: Above 16.5 mmol/L']);

    const { current } = await karisPlans();
    expect(current[0]).toMatchObject({ attestedAuthor: world.accounts.dahl!.webId });
    expect(current[0]!.steps.map((s) => s.threshold)).toEqual([11, 16.5]);

    await kari.getByRole('link', { name: 'Registrer måling' }).click();
    await kari.getByRole('link', { name: 'Min plan' }).click();
    await expect.poll(() => kari.locator('#plan-blood-glucose .plan-threshold strong').allTextContents(), { timeout: 30_000 })
      .toEqual(['Trinn 1: Over 11 mmol/L', 'Trinn 2: Over 16,5 mmol/L']);
    expect(problems).toEqual([]);
  });
});
