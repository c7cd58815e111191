/** The consent page's browser bundle (apps/consent/web/), built at start-up by the shared esbuild step. */
import { fileURLToPath } from 'node:url';
import { buildWebBundle, type WebBundle } from '../shared/web-bundle.ts';

export const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

export type ConsentBundle = WebBundle;

export function buildConsentBundle(options: { minify?: boolean } = {}): Promise<ConsentBundle> {
  return buildWebBundle(WEB_DIR, options);
}
