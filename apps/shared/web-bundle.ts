/**
 * Bundles a page's browser code (`{webDir}main.ts` and the shared modules it
 * imports) with esbuild's JS API, in memory, when its service starts: one npm
 * package with its platform binary from the registry, nothing downloaded at
 * run time, ~1 s on two cores. Used by the consent page and the dashboard.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

export interface WebBundle {
  readonly js: string;
  readonly map: string;
  readonly css: string;
  readonly html: string;
}

export async function buildWebBundle(
  webDir: string,
  options: { minify?: boolean; extraCssFiles?: readonly string[] } = {},
): Promise<WebBundle> {
  const result = await build({
    entryPoints: [`${webDir}main.ts`],
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
  if (!js || !map) throw new Error(`esbuild produced no app.js for ${webDir}`);
  const [html, ...css] = await Promise.all(
    [`${webDir}index.html`, ...(options.extraCssFiles ?? []), `${webDir}app.css`].map((f) => readFile(f, 'utf8')),
  );
  return { js: js.text, map: map.text, css: css.join('\n'), html: html! };
}
