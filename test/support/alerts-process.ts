/**
 * The alert service as a real child process (apps/alerts/main.ts under tsx),
 * for integration tests: it can be SIGKILLed and started again on the same
 * data folder. Also reads a team's worklist back (as the organisation).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Parser } from 'n3';
import { parseTask, type Task } from '../../apps/shared/team-tasks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LDP_CONTAINS = 'http://www.w3.org/ns/ldp#contains';

export interface AlertsProcess {
  readonly pid: number;
  readonly output: string[];
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function startAlertsProcess(options: { dataDir: string; args?: string[]; verbose?: boolean }): Promise<AlertsProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/alerts/main.ts', '--data-dir', options.dataDir, ...(options.args ?? [])], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env,
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      output.push(line);
      if (options.verbose) console.log(`[alerts] ${line}`);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the alert service did not start within 60 s:\n${output.join('\n')}`)), 60_000);
    child.on('message', (m: { type?: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the alert service exited (code ${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  return {
    pid: child.pid!,
    output,
    exited,
    async kill(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** Every task in the worklist, read with `fetch` (throws on a document that is not one well-formed task). */
export async function readWorklist(fetch: typeof globalThis.fetch, worklist: string): Promise<Task[]> {
  const listing = await fetch(worklist, { headers: { accept: 'text/turtle' } });
  if (!listing.ok) throw new Error(`${worklist}: ${listing.status}`);
  const documents = new Parser({ baseIRI: worklist }).parse(await listing.text())
    .filter((q) => q.subject.value === worklist && q.predicate.value === LDP_CONTAINS).map((q) => q.object.value);
  return Promise.all(documents.sort().map(async (url) => {
    const response = await fetch(url, { headers: { accept: 'text/turtle' } });
    const task = parseTask(url, new Parser({ baseIRI: url }).parse(await response.text()));
    if (!task) throw new Error(`${url} is not one well-formed task`);
    return task;
  }));
}
