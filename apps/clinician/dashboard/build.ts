/**
 * Bundles the clinician dashboard's browser code (apps/clinician/web/main.ts,
 * uPlot and the shared catalogue it imports) with esbuild, in memory, when
 * the clinician service starts: the same approach as apps/consent/build.ts.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const DASHBOARD_WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

export interface DashboardBundle {
  readonly js: string;
  readonly map: string;
  readonly css: string;
  readonly html: string;
}

export async function buildDashboardBundle(options: { minify?: boolean } = {}): Promise<DashboardBundle> {
  const result = await build({
    entryPoints: [`${DASHBOARD_WEB_DIR}main.ts`],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: 'external',
    outfile: 'app.js',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('app.js'));
  const map = result.outputFiles.find((f) => f.path.endsWith('app.js.map'));
  if (!js || !map) throw new Error('esbuild produced no app.js');
  const require = createRequire(import.meta.url);
  const [uplotCss, css, html] = await Promise.all([
    readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    readFile(`${DASHBOARD_WEB_DIR}app.css`, 'utf8'),
    readFile(`${DASHBOARD_WEB_DIR}index.html`, 'utf8'),
  ]);
  return { js: js.text, map: map.text, css: `${uplotCss}\n${css}`, html };
}
