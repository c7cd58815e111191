/**
 * Bundles the consent page's browser code (apps/consent/web/main.ts and the
 * shared mapping it imports) with esbuild's JS API, in memory, when the
 * consent app starts: one npm package with its platform binary from the
 * registry, nothing downloaded at run time, ~1 s on two cores.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

export interface ConsentBundle {
  readonly js: string;
  readonly map: string;
  readonly css: string;
  readonly html: string;
}

export async function buildConsentBundle(options: { minify?: boolean } = {}): Promise<ConsentBundle> {
  const result = await build({
    entryPoints: [`${WEB_DIR}main.ts`],
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
  const [css, html] = await Promise.all([readFile(`${WEB_DIR}app.css`, 'utf8'), readFile(`${WEB_DIR}index.html`, 'utf8')]);
  return { js: js.text, map: map.text, css, html };
}
