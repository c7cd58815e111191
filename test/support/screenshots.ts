/**
 * The consent page's screenshots for docs/screenshots/ (its end-to-end
 * tests): each view in both languages, at a desktop and a phone width, via
 * the page's own language buttons.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function setLanguage(page: Page, lang: 'nb' | 'en'): Promise<void> {
  await page.getByRole('button', { name: lang === 'nb' ? 'Norsk' : 'English', exact: true }).click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
}

/** `{name}-{nb|en}-{desktop|phone}.png`; leaves the page in English at desktop width. */
export async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  for (const lang of ['nb', 'en'] as const) {
    await setLanguage(page, lang);
    for (const [width, size] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      await page.setViewportSize(size);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${lang}-${width}.png`), fullPage: true });
    }
  }
  await page.setViewportSize(DESKTOP);
}
