/**
 * The patient's own entries end to end, in Debian's chromium (playwright-core)
 * against a real CSS with the demo world: kari logs in to her page through
 * the pod server's login form and enters a blood glucose of 16,2 mmol/L by
 * hand; it is in her pod, once (saved twice), as "entered by the patient"
 * with her as its source. An entry out of the plausible range and one in the
 * future are refused on the page with the reason, and nothing is written.
 * She shares blood glucose with her GP office, and the GP (dahl) sees the
 * entry on the dashboard as its own source, "Entered by the patient".
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { categoryContainer, toOsloIso } from '../../apps/shared/measurement/identity.ts';
import { parseMeasurementsTurtle } from '../../apps/shared/measurement/rdf.ts';
import type { StoredMeasurement } from '../../apps/shared/measurement/types.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium, logInThroughPodServer } from '../support/chromium.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

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
  await mkdir(SCREENSHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await consent?.stop();
  await world?.stop();
});

/** Every blood glucose reading in kari's pod, read with her own login. */
async function karisGlucose(): Promise<StoredMeasurement[]> {
  const fetchAsKari = await world.fetchAs('kari');
  const container = categoryContainer(world.accounts.kari!.podUrl, 'blood-glucose');
  const listing = await fetchAsKari(container, { headers: { accept: 'text/turtle' } });
  const documents = [...(await listing.text()).matchAll(/<([^>]*\d{4}-\d{2}\.ttl)>/g)].map((m) => new URL(m[1]!, container).href);
  const all: StoredMeasurement[] = [];
  for (const document of new Set(documents)) {
    const response = await fetchAsKari(document, { headers: { accept: 'text/turtle' } });
    all.push(...parseMeasurementsTurtle(await response.text(), document).measurements);
  }
  return all;
}

/** `YYYY-MM-DDTHH:mm` in Oslo, as <input type=datetime-local> takes it. */
const osloLocal = (date: Date) => toOsloIso(date).slice(0, 16);
const ENTERED_AT = new Date(Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000);

async function enter(value: string, time: Date): Promise<void> {
  await kari.locator('#entry-kind').selectOption('blood-glucose');
  await kari.locator('#entry-value').fill(value);
  await kari.locator('#entry-time').fill(osloLocal(time));
  await kari.locator('#entry-value').press('Enter'); // the keyboard submits the form
}

describe('a measurement the patient enters by hand', () => {
  it('kari logs in and finds "Registrer måling", axe-clean, labelled in Norwegian', async () => {
    await logInThroughPodServer(kari, { appUrl: consent.url, podBaseUrl: world.baseUrl, name: 'kari' });
    await expect.poll(() => kari.locator('.who').textContent(), { timeout: 30_000 }).toContain('Kari Nordmann');
    await kari.getByRole('link', { name: 'Registrer måling' }).click();
    await kari.locator('#entry-form').waitFor({ timeout: 30_000 });
    expect(await kari.getByLabel('Verdi (mmol/L)').count()).toBe(1);
    expect(await kari.getByLabel('Tidspunkt').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    expect(await seriousViolations(kari)).toEqual([]);
  });

  it('refuses a glucose of 162 and one in the future, with the reason beside the field, and writes nothing', async () => {
    await enter('162', ENTERED_AT);
    await kari.locator('#entry-errors').waitFor({ timeout: 10_000 });
    expect(await kari.locator('#entry-value-error').textContent()).toBe('162 er ikke en mulig verdi. Den må være mellom 0,5 og 50 mmol/L.');
    expect(await kari.locator('#entry-value').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(kari)).toEqual([]);

    await enter('7,1', new Date(Date.now() + 86_400_000));
    await expect.poll(() => kari.locator('#entry-time-error').textContent()).toBe('Tidspunktet er i fremtiden. Velg når du faktisk målte.');
    expect(await karisGlucose()).toEqual([]);
  });

  it('enters 16,2 mmol/L: confirmed on the page, in her pod once (saved twice) as entered by the patient', async () => {
    await enter('16,2', ENTERED_AT);
    await expect.poll(() => kari.locator('#status').textContent(), { timeout: 30_000 }).toContain('Blodsukker 16,2 mmol/L');
    expect(await kari.locator('#status').textContent()).toContain('Registrert av deg');
    expect(await kari.locator('#entry-errors').count()).toBe(0);
    await kari.screenshot({ path: join(SCREENSHOTS, 'own-entry-nb.png'), fullPage: true });
    await enter('16.2', ENTERED_AT); // a double submit
    // The form empties its value only once the pod has taken the entry.
    await expect.poll(() => kari.locator('#entry-value').inputValue(), { timeout: 30_000 }).toBe('');
    expect(await kari.locator('#status').textContent()).toContain('Blodsukker 16,2 mmol/L');

    const glucose = await karisGlucose();
    expect(glucose).toHaveLength(1);
    expect(glucose[0]).toMatchObject({
      kind: 'blood-glucose', value: 16.2, unit: 'mmol/L', setting: 'patient-entered',
      patient: world.accounts.kari!.webId, source: world.accounts.kari!.webId,
      effectiveTime: toOsloIso(ENTERED_AT),
    });

    await kari.getByRole('link', { name: 'Mine data' }).click();
    await kari.locator('#measurements').waitFor({ timeout: 30_000 });
    expect(await kari.locator('#measurements tbody tr').first().textContent()).toContain('Registrert av deg');
  });

  it('is in English too', async () => {
    await kari.getByRole('link', { name: 'Registrer måling' }).click();
    await kari.getByRole('button', { name: 'English', exact: true }).click();
    await kari.getByLabel('Value (mmol/L)').waitFor();
    await kari.locator('#entry-kind').selectOption('blood-pressure');
    expect(await kari.getByLabel('Upper pressure, systolic (mm[Hg])').count()).toBe(1);
    await kari.screenshot({ path: join(SCREENSHOTS, 'own-entry-en.png'), fullPage: true });
    await kari.locator('#entry-kind').selectOption('blood-glucose');
  });

  it('shows on the GP\'s chart as "Entered by the patient" once kari shares blood glucose with the GP office', async () => {
    await kari.getByRole('link', { name: 'Sharing' }).click();
    const cell = kari.getByRole('checkbox', { name: 'Let GPs at Storgata GP office read Blood glucose' });
    await cell.waitFor({ timeout: 30_000 });
    await cell.focus();
    await kari.keyboard.press('Space');
    await expect.poll(() => kari.locator('#status').textContent(), { timeout: 30_000 }).toContain('GPs at Storgata GP office can now read blood glucose');

    const appUrl = `http://localhost:${api.port}/`;
    await logInThroughPodServer(dahl, { appUrl, podBaseUrl: world.baseUrl, name: 'dahl' });
    await dahl.locator('#team-table').waitFor({ timeout: 60_000 });
    await dahl.getByRole('button', { name: 'English', exact: true }).click();
    await dahl.locator(`#team-table tr[data-patient="${world.accounts.kari!.webId}"] th a`).click({ timeout: 30_000 });
    await dahl.locator('#kind-blood-glucose').waitFor({ timeout: 60_000 });
    expect(await dahl.locator('#legend-patient-entered').textContent()).toBe('Entered by the patient');
    const row = dahl.locator('#kind-blood-glucose table.values tbody tr[data-setting="patient-entered"]');
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-value')).toBe('16.2');
    expect(await row.textContent()).toContain('Entered by the patient');
    expect(await seriousViolations(dahl)).toEqual([]);
    await dahl.getByRole('button', { name: 'Norsk', exact: true }).click();
    await expect.poll(() => dahl.locator('#legend-patient-entered').textContent(), { timeout: 30_000 }).toBe('Registrert av pasienten');
    expect(problems).toEqual([]);
  });
});
