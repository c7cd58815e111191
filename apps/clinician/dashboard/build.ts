/** The clinician dashboard's browser bundle (apps/clinician/web/ with uPlot), built at start-up by the shared esbuild step. */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { buildWebBundle, type WebBundle } from '../../shared/web-bundle.ts';

export const DASHBOARD_WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

export type DashboardBundle = WebBundle;

export function buildDashboardBundle(options: { minify?: boolean } = {}): Promise<DashboardBundle> {
  const uplotCss = createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css');
  return buildWebBundle(DASHBOARD_WEB_DIR, { ...options, extraCssFiles: [uplotCss] });
}
