/**
 * Questionnaires end to end, in Debian's chromium (playwright-core) against a
 * real CSS with the demo world, the consent page and the clinician service:
 * lunde (OUS lungeteam) has asked hans for a weekly CAT (demo world, written
 * as lunde and attested by the pod server). hans logs in, sees who asks,
 * answers; a missing required item and an answer outside the allowed values
 * (a tampered option) are refused on the page and nothing is written; the
 * complete answers are written to his pod with the score 20, which he is
 * shown. lunde opens hans on the dashboard: the CAT score has its chart and
 * the answers behind the point are one click away. No CSP violations.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { startConsentApp, type ConsentApp } from '../../apps/consent/server.ts';
import { categoryContainer } from '../../apps/shared/measurement/identity.ts';
import { parseMeasurementsTurtle } from '../../apps/shared/measurement/rdf.ts';
import { quadsToResponses } from '../../apps/shared/questionnaire/rdf.ts';
import { Parser } from 'n3';
import { seriousViolations } from '../support/axe.ts';
import { launchChromium, logInThroughPodServer } from '../support/chromium.ts';
import { SCREENSHOTS } from '../support/screenshots.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let consent: ConsentApp;
let api: ClinicianApi;
let browser: Browser;
let hans: Page;
let lunde: Page;
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
  hans = await newPage('nb-NO');
  lunde = await newPage('en-GB');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
  await consent?.stop();
  await world?.stop();
});

/** Everything in hans's cat-score container, read with his own login. */
async function hansCat() {
  const fetchAsHans = await world.fetchAs('hans');
  const container = categoryContainer(world.accounts.hans!.podUrl, 'cat-score');
  const listing = await fetchAsHans(container, { headers: { accept: 'text/turtle' } });
  if (listing.status === 404) return { measurements: [], responses: [] };
  const documents = [...new Set([...(await listing.text()).matchAll(/<([^>]*\d{4}-\d{2}\.ttl)>/g)].map((m) => new URL(m[1]!, container).href))];
  const turtle = await Promise.all(documents.map(async (d) => [d, await (await fetchAsHans(d, { headers: { accept: 'text/turtle' } })).text()] as const));
  return {
    measurements: turtle.flatMap(([d, t]) => parseMeasurementsTurtle(t, d).measurements),
    responses: quadsToResponses(turtle.flatMap(([d, t]) => new Parser({ baseIRI: d }).parse(t))).responses,
  };
}

const CAT_ANSWERS = ['3', '2', '4', '5', '1', '0', '2', '3']; // 20 of 40

describe('hans answers the CAT his lung team asked for', () => {
  it('sees what is asked and by whom, in Norwegian, axe-clean', async () => {
    await logInThroughPodServer(hans, { appUrl: consent.url, podBaseUrl: world.baseUrl, name: 'hans' });
    await expect.poll(() => hans.locator('.who').textContent(), { timeout: 30_000 }).toContain('Hans Hansen');
    await hans.getByRole('link', { name: 'Spørreskjema' }).click();
    await hans.locator('#quest-requests').waitFor({ timeout: 30_000 });
    const request = await hans.locator('#quest-requests li').first().textContent();
    expect(request).toContain('Ingrid Lunde');
    expect(request).toContain('KOLS-vurderingstest (CAT) hver uke');
    expect(request).toContain('Ikke besvart ennå');
    expect(await seriousViolations(hans)).toEqual([]);
  });

  it('refuses a missing required item and a tampered answer outside 0-5, saying which, and writes nothing', async () => {
    await hans.getByRole('button', { name: 'Svar på KOLS-vurderingstest (CAT)' }).first().click();
    await hans.locator('#quest-form').waitFor();
    expect(await hans.locator('#quest-form fieldset').count()).toBe(8);
    for (const [n, value] of CAT_ANSWERS.entries()) if (n !== 3) await hans.locator(`#quest-cat-${n + 1}-${value}`).check();
    await hans.locator('#quest-send').click();
    await hans.locator('#quest-errors').waitFor({ timeout: 10_000 });
    expect(await hans.locator('#quest-errors').textContent()).toContain('«Andpustenhet i bakker og trapper» må besvares.');
    expect(await hans.locator('#quest-cat-4').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousViolations(hans)).toEqual([]);

    // A form changed in the browser (an option worth 6) is checked against the Questionnaire, not trusted.
    await hans.locator('#quest-cat-4-5').evaluate((el) => { (el as HTMLInputElement).value = '6'; });
    await hans.locator('#quest-cat-4-5').check();
    await hans.locator('#quest-send').click();
    await expect.poll(() => hans.locator('#quest-errors').textContent()).toContain('«Andpustenhet i bakker og trapper»: velg et av svarene.');
    expect(await hansCat()).toEqual({ measurements: [], responses: [] });
  });

  it('answers with the keyboard and is shown the score, 20 of 40; his pod has the answers and the score once', async () => {
    await hans.locator('#quest-cat-4-5').evaluate((el) => { (el as HTMLInputElement).value = '5'; }); // undo the tampering above
    await hans.locator('#quest-cat-4-3').check();
    await hans.keyboard.press('ArrowRight'); // in a radio group the arrows choose: 4, then 5
    await hans.keyboard.press('ArrowRight');
    expect(await hans.locator('#quest-cat-4-5').isChecked()).toBe(true);
    await hans.screenshot({ path: join(SCREENSHOTS, 'questionnaire-nb.png'), fullPage: true });
    await hans.locator('#quest-send').focus();
    await hans.keyboard.press('Enter');
    await expect.poll(() => hans.locator('#quest-score').textContent(), { timeout: 30_000 }).toBe('Din CAT-skår (KOLS-vurderingstest): 20 av 40.');
    expect(await hans.locator('#status').textContent()).toBe('Svarene er lagret.');
    await expect.poll(() => hans.locator('#quest-requests li').first().textContent(), { timeout: 30_000 }).toContain('Besvart');

    const { measurements, responses } = await hansCat();
    expect(measurements).toHaveLength(1);
    expect(measurements[0]).toMatchObject({ kind: 'cat-score', value: 20, unit: '{score}', setting: 'patient-entered', source: world.accounts.hans!.webId });
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ questionnaire: 'cat', patient: world.accounts.hans!.webId, score: { kind: 'cat-score', value: 20 }, scoreIri: measurements[0]!.iri });
    expect(responses[0]!.items.map((i) => (i.answer.type === 'coding' ? i.answer.code : ''))).toEqual(CAT_ANSWERS);
  });

  it('is in English too, and fits a phone', async () => {
    await hans.getByRole('button', { name: 'English', exact: true }).click();
    await hans.getByRole('button', { name: 'Answer COPD Assessment Test (CAT)' }).last().click();
    await hans.locator('#quest-form').waitFor();
    expect(await hans.locator('#quest-cat-1 legend').textContent()).toContain('Cough: from 0 ("I never cough") to 5 ("I cough all the time")');
    await hans.setViewportSize({ width: 390, height: 844 });
    expect(await hans.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(hans)).toEqual([]);
    await hans.screenshot({ path: join(SCREENSHOTS, 'questionnaire-en.png'), fullPage: true });
    await hans.getByRole('button', { name: 'Cancel' }).click();
  });
});

describe('lunde sees the score on the dashboard with the answers behind it', () => {
  it('opens hans, finds the CAT chart, and the answers one click from the point', async () => {
    const appUrl = `http://localhost:${api.port}/`;
    await logInThroughPodServer(lunde, { appUrl, podBaseUrl: world.baseUrl, name: 'lunde' });
    await lunde.locator('#team-table').waitFor({ timeout: 60_000 });
    await lunde.getByRole('button', { name: 'English', exact: true }).click();
    await lunde.locator(`#team-table tr[data-patient="${world.accounts.hans!.webId}"] th a`).click({ timeout: 30_000 });
    await lunde.locator('#kind-cat-score').waitFor({ timeout: 60_000 });
    expect(await lunde.locator('#kind-cat-score').getAttribute('data-count')).toBe('1');
    const point = lunde.locator('#answers-cat-score details').first();
    expect(await point.locator('summary').textContent()).toContain(': 20 (8 answers)');
    await point.locator('summary').click();
    expect(await point.locator('dd[data-link-id="cat-4"]').textContent()).toBe('5 – I am very breathless going up a hill or one flight of stairs');
    expect(await point.locator('dd[data-link-id="cat-6"]').textContent()).toBe('0 – I am confident leaving my home despite my lung condition');
    expect(await seriousViolations(lunde)).toEqual([]);
    await lunde.locator('#kind-cat-score').screenshot({ path: join(SCREENSHOTS, 'scores-chart.png') });
    expect(problems).toEqual([]);
  });
});
