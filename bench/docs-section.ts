/**
 * docs/benchmarks.md holds one section per benchmark, between
 * `<!-- bench:{name}:start -->` and `<!-- bench:{name}:end -->`; each run
 * rewrites its own section and leaves the others alone.
 */
import { readFile, writeFile } from 'node:fs/promises';

const DOCS = new URL('../docs/benchmarks.md', import.meta.url);
const HEADER = '# Benchmarks\n\nMeasured with `npm run bench` (bench/run.ts); each section is rewritten by its benchmark.\n';

export async function writeDocsSection(name: string, markdown: string): Promise<void> {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const text = await readFile(DOCS, 'utf8').catch(() => HEADER);
  const block = `${start}\n${markdown.trimEnd()}\n${end}`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  await writeFile(DOCS, i >= 0 && j > i ? `${text.slice(0, i)}${block}${text.slice(j + end.length)}` : `${text.trimEnd()}\n\n${block}\n`);
}
