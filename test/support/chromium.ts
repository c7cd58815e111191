/**
 * Debian's chromium driven by playwright-core (no browser download), and a
 * person's login through the pod server's own login form, for the
 * dashboard's end-to-end test and its benchmark.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD, demoEmail } from '../../pod-server/world/demo-world.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * From the app's page (its `#login` link) through CSS's login form, WebID
 * choice and consent, back to the app. `name` is a demo account; `startUrl`
 * a page of the app other than its root to start from.
 */
export async function logInThroughPodServer(page: Page, options: { appUrl: string; podBaseUrl: string; name: string; startUrl?: string }): Promise<void> {
  await page.goto(options.startUrl ?? options.appUrl);
  await page.locator('#login').click();
  await page.waitForURL((url) => url.href.startsWith(options.podBaseUrl), { timeout: 30_000 });
  await page.locator('#email').fill(demoEmail(options.name));
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('button[type=submit]:not([disabled])').first().click();
  // CSS asks which WebID to use and whether to trust this client.
  await page.locator('#authorize:not([disabled])').click({ timeout: 30_000 });
  await page.waitForURL((url) => url.href.startsWith(options.appUrl), { timeout: 30_000 });
}
