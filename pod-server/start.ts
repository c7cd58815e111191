/**
 * Starts Helsevev's pod server (Community Solid Server 7, our config) as a
 * child process, waits until it answers HTTP, and hands back a handle to stop
 * or kill it. Tests use the handle to restart a server on the same data folder
 * or to crash it on purpose; `npm start` uses it through apps/start.ts.
 *
 * CSS runs from its own npm package (pod-server/css, own node_modules) so that
 * its Components.js loader never sees the root project's dependencies.
 * CSS's files (pods and its internal account store) live in `{dataDir}/pods/`.
 * The data folder and what is in it are private to this user (0700, files
 * 0600): CSS runs with umask 077, and a data folder found open to others is
 * refused before CSS starts (apps/shared/private-files.ts).
 *
 * Our CSS extensions (pod-server/css/extensions, docs/access-log.md and
 * docs/pod-server.md) are on by default: the access log (journal in
 * `{dataDir}/access-log-journal/`) and cached, allow-listed group checks.
 * Their knobs are options here, or the environment variables declared in
 * config.ts (EXTENSION_OPTIONS: HELSEVEV_GROUP_*, HELSEVEV_ACCESS_LOG_FLUSH_MS;
 * docs/configuration.md). This is the one place the pod server reads them, so
 * a server started by `npm start`, a test or a benchmark honours them alike.
 * Registration of new accounts is closed unless `registration: 'open'`
 * (pod-server/registration.ts: the operator's key in `{dataDir}/registration-key`).
 *
 * This module never provisions accounts or data: see pod-server/world/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_POD_PORT } from '../apps/shared/defaults.ts';
import { checkPrivate, makePrivateFolder } from '../apps/shared/private-files.ts';
import { configOrThrow } from '../apps/shared/config.ts';
import { EXTENSION_OPTIONS } from './config.ts';
import { ensureRegistrationKey, type Registration } from './registration.ts';

const here = dirname(fileURLToPath(import.meta.url));
const CSS_PACKAGE_DIR = join(here, 'css');
const RUNNER = join(CSS_PACKAGE_DIR, 'run.mjs');

export interface PodServerOptions {
  /** TCP port; default 3000. */
  port?: number;
  /** Helsevev data folder; CSS stores its files in `{dataDir}/pods/`. */
  dataDir: string;
  /** Public base URL; default `http://localhost:{port}/`. Must end with a slash. */
  baseUrl?: string;
  /** Receives CSS's log lines and our own status lines. Default: silent. */
  log?: (line: string) => void;
  /** CSS logging level (error, warn, info, verbose, debug); default `warn`. */
  loggingLevel?: string;
  /** How long to wait for the server to answer; default 60 s. */
  startTimeoutMs?: number;
  /** The access log (default on). `false` only for benchmarks: patients are promised it. */
  accessLog?: boolean | AccessLogOptions;
  /** Cached, allow-listed acl:agentGroup checks (default on); `false` runs CSS's own checker. */
  groupCache?: boolean | GroupCacheOptions;
  /** Who may create accounts: `closed` (default) only with the operator's key, `open` anyone (the demo). */
  registration?: Registration;
}

export interface AccessLogOptions {
  /** Milliseconds between journal fsyncs and writes to the pods (the crash-loss bound); default 1000. */
  flushMs?: number;
}

export interface GroupCacheOptions {
  /** How long a fetched group document is used; default 30 (HELSEVEV_GROUP_CACHE_SECONDS). */
  seconds?: number;
  /** Most group documents cached; default 1000 (HELSEVEV_GROUP_CACHE_MAX_ENTRIES). */
  maxEntries?: number;
  /** Origins or base URLs group documents may come from besides this server (HELSEVEV_GROUP_ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** A group document fetch gives up after this long; default 3000. */
  fetchTimeoutMs?: number;
  /** Largest group document accepted; default 512 KiB. */
  maxBytes?: number;
}

export interface PodServer {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly port: number;
  readonly pid: number;
  /** Milliseconds from spawn to the first HTTP answer. */
  readonly startMs: number;
  /** Resolves with the exit code (or null when killed by a signal) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Asks CSS to shut down (SIGTERM), waits for the process to exit; SIGKILL after 10 s. */
  stop(): Promise<void>;
  /** Sends a signal without waiting, e.g. `kill('SIGKILL')` to simulate a crash. */
  kill(signal?: NodeJS.Signals): void;
}

/** Starts CSS in a child process; resolves once it answers HTTP on its base URL. */
export async function startPodServer(options: PodServerOptions): Promise<PodServer> {
  const port = options.port ?? DEFAULT_POD_PORT;
  const baseUrl = options.baseUrl ?? `http://localhost:${port}/`;
  if (!baseUrl.endsWith('/')) throw new Error(`The pod server's base URL must end with a slash: ${baseUrl}`);
  if (!existsSync(join(CSS_PACKAGE_DIR, 'node_modules', '@solid', 'community-server'))) {
    throw new Error(
      `Community Solid Server is not installed in ${CSS_PACKAGE_DIR}. ` +
        'Run `npm ci` at the repository root (its postinstall installs pod-server/css).',
    );
  }
  const dataDir = resolve(options.dataDir);
  const rootFilePath = join(dataDir, 'pods');
  // Pods, CSS's keys and secrets, the journal: private to this user, or no start (apps/shared/private-files.ts).
  await makePrivateFolder(dataDir);
  await makePrivateFolder(rootFilePath);
  await checkPrivate(['access-log-journal', 'pod-writes', 'credentials.json', 'world.json'].map((name) => join(dataDir, name)));
  const log = options.log ?? (() => {});

  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      RUNNER,
      '--port', String(port),
      '--baseUrl', baseUrl,
      '--rootFilePath', rootFilePath,
      '--loggingLevel', options.loggingLevel ?? 'warn',
      ...extensionArguments(options, dataDir, process.env),
      '--registration', options.registration ?? 'closed',
      '--registrationKeyFile', await ensureRegistrationKey(dataDir),
    ],
    { cwd: CSS_PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: process.env },
  );
  if (child.pid === undefined) throw new Error('Could not spawn the pod server process');
  const pid = child.pid;

  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      log(`[css] ${line}`);
    });
  }

  const exited = new Promise<number | null>((resolveExit) => {
    child.once('exit', (code) => resolveExit(code));
  });

  try {
    await waitUntilReady(child, exited, baseUrl, options.startTimeoutMs ?? 60_000);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    const tail = recent.length > 0 ? `\nLast lines from CSS:\n${recent.join('\n')}` : '';
    throw new Error(`${(error as Error).message}${tail}`);
  }
  const startMs = Math.round(performance.now() - started);
  log(`pod server ready at ${baseUrl} (pid ${pid}, data in ${rootFilePath}) in ${startMs} ms`);

  let stopping: Promise<void> | undefined;
  return {
    baseUrl,
    dataDir,
    port,
    pid,
    startMs,
    exited,
    kill: (signal = 'SIGTERM') => {
      child.kill(signal);
    },
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        log(`pod server on ${baseUrl} stopped`);
      })();
      return stopping;
    },
  };
}

/**
 * run.mjs's options for our CSS extensions, from the options, else the environment (`env`, read with
 * EXTENSION_OPTIONS of config.ts), else run.mjs's defaults. Both are checked by the same parse functions.
 */
export function extensionArguments(options: PodServerOptions, dataDir: string, env: Readonly<Record<string, string | undefined>>): string[] {
  const fromEnv = configOrThrow(EXTENSION_OPTIONS, [], env);
  const checked = (key: keyof typeof EXTENSION_OPTIONS, value: number | readonly string[] | undefined) => {
    if (value === undefined) return fromEnv[key];
    try {
      return EXTENSION_OPTIONS[key].parse(Array.isArray(value) ? value.join(',') : String(value)) as number | string[];
    } catch (error) {
      throw new Error(`The pod server option ${key} ${(error as Error).message}`);
    }
  };
  const flag = (name: string, value: number | string[] | undefined) => (value === undefined ? [] : [`--${name}`, String(value)]);

  const args: string[] = [];
  const accessLog = options.accessLog ?? true;
  args.push('--accessLog', accessLog === false ? 'off' : 'on');
  if (accessLog !== false) {
    const log = accessLog === true ? {} : accessLog;
    args.push('--accessLogJournal', join(dataDir, 'access-log-journal'));
    args.push(...flag('accessLogFlushMs', checked('accessLogFlushMs', log.flushMs)));
  }
  const groupCache = options.groupCache ?? true;
  args.push('--groupCache', groupCache === false ? 'off' : 'on');
  if (groupCache !== false) {
    const groups = groupCache === true ? {} : groupCache;
    args.push(...flag('groupCacheSeconds', checked('groupCacheSeconds', groups.seconds)));
    args.push(...flag('groupCacheMaxEntries', checked('groupCacheMaxEntries', groups.maxEntries)));
    args.push(...flag('groupFetchTimeoutMs', checked('groupFetchTimeoutMs', groups.fetchTimeoutMs)));
    args.push(...flag('groupMaxBytes', checked('groupMaxBytes', groups.maxBytes)));
    const hosts = (checked('groupAllowedHosts', groups.allowedHosts) ?? []) as string[];
    if (hosts.length > 0) args.push('--groupAllowedHosts', hosts.join(','));
  }
  return args;
}

/** Waits for run.mjs's 'ready' message, then for a real HTTP answer. */
async function waitUntilReady(
  child: ChildProcess,
  exited: Promise<number | null>,
  baseUrl: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = new Promise<void>((resolveReady, reject) => {
    child.on('message', (message: { type?: string; message?: string }) => {
      if (message.type === 'ready') resolveReady();
      if (message.type === 'failed') reject(new Error(`The pod server failed to start: ${message.message}`));
    });
  });
  const died = exited.then((code) => {
    throw new Error(`The pod server exited (code ${code}) before it was ready on ${baseUrl}`);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`The pod server did not become ready on ${baseUrl} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready, died, timeout]);
    // 'ready' means CSS is listening; make sure it actually answers before we hand it out.
    for (;;) {
      try {
        const response = await fetch(new URL('.account/', baseUrl), { signal: AbortSignal.timeout(5_000) });
        await response.body?.cancel();
        if (response.ok) return;
      } catch {
        // not answering yet
      }
      if (Date.now() > deadline) throw new Error(`The pod server on ${baseUrl} did not answer HTTP in time`);
      await Promise.race([new Promise((r) => setTimeout(r, 100)), died]);
    }
  } finally {
    clearTimeout(timer);
    died.catch(() => {});
  }
}
