/**
 * The demo world provisioned once per test run, as a template data folder
 * that every test file's world starts from a copy of (startTestWorld). The
 * provisioning is the same code as `npm start` (provisionWorld against a real
 * CSS); it took ~16 s of every integration file's set-up, the copy takes
 * well under one.
 *
 * Each file still gets its own CSS process, port and data folder: only the
 * files are shared, never a running server. The world's data holds its base
 * URL (WebIDs, ACLs, CSS's account index, world.json), so the copy rewrites
 * `localhost:{template port}` to the file's port, in contents and in file
 * names (CSS's index names are percent-encoded); a template that holds the
 * base URL in any other form is refused rather than copied half-rewritten.
 * CSS's signing keys and its replay cache are not copied: each server makes
 * its own, as a fresh one would.
 *
 * The template is built lazily by the first file that starts a world (a run
 * of unit tests pays nothing), in the folder test/support/global-setup.ts
 * made for this run; a lock folder keeps two workers from building it twice.
 * Outside vitest (benchmarks via tsx) there is no template and the world is
 * provisioned in place, as before.
 *
 * Never copy a template that a server is still running on, and never write
 * to the template after it is marked ready.
 */
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../../apps/shared/private-files.ts';
import { startPodServer } from '../../pod-server/start.ts';
import { provisionWorld } from '../../pod-server/world/world.ts';
import { freePort } from './free-port.ts';

/** The key under which global-setup.ts provides this run's template folder. */
export const TEMPLATE_ROOT_KEY = 'helsevevWorldTemplateRoot';

declare module 'vitest' {
  interface ProvidedContext {
    [TEMPLATE_ROOT_KEY]: string;
  }
}

export interface WorldTemplate {
  /** A provisioned data folder; read only. */
  readonly dataDir: string;
  /** The base URL the template was provisioned on: `http://localhost:{port}/`. */
  readonly baseUrl: string;
}

/** Not copied: CSS's signing keys, cookie secret and DPoP replay cache (idp/), and its locks. */
const NOT_COPIED = ['pods/.internal/idp', 'pods/.internal/locks'];
const BUILD_TIMEOUT_MS = 300_000;

/** This run's template folder from global-setup.ts, or undefined outside vitest or without it. */
async function templateRoot(): Promise<string | undefined> {
  if (!process.env.VITEST) return undefined;
  const { inject } = await import('vitest');
  return inject(TEMPLATE_ROOT_KEY);
}

/** The run's provisioned template, built now if no file has built it yet; undefined when there is none. */
export async function worldTemplate(log?: (line: string) => void): Promise<WorldTemplate | undefined> {
  const root = await templateRoot();
  if (!root) return undefined;
  const readyFile = join(root, 'ready.json');
  const lock = join(root, 'building');
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    const ready = await readReady(readyFile);
    if (ready) return ready;
    try {
      await mkdir(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`The test world template in ${root} was not built within ${BUILD_TIMEOUT_MS / 1000} s`);
      // A worker that died while building (a timed-out hook) leaves its lock: take it over.
      if (await builderDied(lock)) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      await writeFile(join(lock, 'pid'), String(process.pid));
      const built = await buildTemplate(join(root, 'data'), log);
      // Written whole, then renamed: a worker polling for it never reads half of it.
      await writeFile(`${readyFile}.tmp`, JSON.stringify(built), { mode: PRIVATE_FILE_MODE });
      await rename(`${readyFile}.tmp`, readyFile);
      return built;
    } catch (error) {
      await rm(join(root, 'data'), { recursive: true, force: true });
      throw error;
    } finally {
      await rm(lock, { recursive: true, force: true });
    }
  }
}

/** True when the process that holds the build lock is gone. */
async function builderDied(lock: string): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(await readFile(join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // just taken, the pid not written yet
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function readReady(file: string): Promise<WorldTemplate | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as WorldTemplate;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function buildTemplate(dataDir: string, log?: (line: string) => void): Promise<WorldTemplate> {
  await rm(dataDir, { recursive: true, force: true });
  const server = await startPodServer({ port: await freePort(), dataDir, log, loggingLevel: 'error', registration: 'open' });
  try {
    await provisionWorld({ baseUrl: server.baseUrl, dataDir, log });
  } finally {
    await server.stop();
  }
  for (const path of NOT_COPIED) await rm(join(dataDir, path), { recursive: true, force: true });
  const template = { dataDir, baseUrl: server.baseUrl };
  await checkRewritable(template);
  return template;
}

/** The pattern of the template's host and port as CSS writes them: plain, or percent-encoded in names and keys. */
function hostPattern(baseUrl: string): RegExp {
  const { port } = new URL(baseUrl);
  return new RegExp(`localhost(:|%3A|%3a)${port}(?![0-9])`, 'g');
}

/** Throws unless every `localhost` in the template is one copyWorld rewrites. */
async function checkRewritable(template: WorldTemplate): Promise<void> {
  const pattern = hostPattern(template.baseUrl);
  const stray = (text: string) => (text.match(/localhost/g)?.length ?? 0) !== (text.match(pattern)?.length ?? 0);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const found = stray(entry.name) ? path : entry.isFile() && stray(await readFile(path, 'utf8')) ? `the contents of ${path}` : undefined;
      if (found) {
        throw new Error(`The test world template holds its base URL ${template.baseUrl} in a form the copy would not rewrite, in ${found}`);
      }
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(template.dataDir);
}

/**
 * Copies the template into the empty or missing folder `dataDir` for a world on `baseUrl`
 * (`http://localhost:{port}/`). Every folder and file keeps the mode CSS and the provisioning gave it
 * in the template, so a test of the data folder's privacy (file-permissions.test.ts) still sees theirs.
 */
export async function copyWorld(template: WorldTemplate, dataDir: string, baseUrl: string): Promise<void> {
  const pattern = hostPattern(template.baseUrl);
  const { hostname, port } = new URL(baseUrl);
  if (hostname !== 'localhost' || !port) throw new Error(`A world copy needs a base URL http://localhost:{port}/, not ${baseUrl}`);
  const rewrite = (text: string) => text.replace(pattern, `localhost$1${port}`);
  const copy = async (from: string, to: string): Promise<void> => {
    await mkdir(to, { recursive: true });
    await chmod(to, (await stat(from)).mode & 0o7777);
    await Promise.all(
      (await readdir(from, { withFileTypes: true })).map(async (entry) => {
        const source = join(from, entry.name);
        const target = join(to, rewrite(entry.name));
        if (entry.isDirectory()) return copy(source, target);
        const bytes = await readFile(source);
        if (!bytes.includes('localhost')) return copyFile(source, target);
        await writeFile(target, rewrite(bytes.toString('utf8')), { mode: PRIVATE_FILE_MODE });
        await chmod(target, (await stat(source)).mode & 0o7777);
      }),
    );
  };
  await copy(template.dataDir, dataDir);
}
