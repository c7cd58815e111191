/**
 * A real pod server with the demo world, for integration tests: CSS on a free
 * port in a temporary data folder, provisioned through the same code as
 * `npm start`. One world per test file (start it in beforeAll). Under vitest
 * the folder starts as a copy of the run's provisioned template
 * (world-template.ts), so provisioning finds the world done and only the
 * file's measurement seed runs.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPodSession, type PodSession } from '../../apps/shared/pod-session.ts';
import { startPodServer, type PodServer, type PodServerOptions } from '../../pod-server/start.ts';
import type { CredentialsFile } from '../../apps/shared/credentials.ts';
import { provisionWorld, type ProvisionResult, type SeedMeasurements, type WorldAccount } from '../../pod-server/world/world.ts';
import { freePort } from './free-port.ts';
import { copyWorld, worldTemplate } from './world-template.ts';

export interface TestWorld {
  readonly baseUrl: string;
  readonly dataDir: string;
  /** The running server (replaced by restart()). */
  readonly server: PodServer;
  readonly accounts: Readonly<Record<string, WorldAccount>>;
  readonly credentials: CredentialsFile;
  /** What the last provisioning run did (and how long it took). */
  readonly provisioning: ProvisionResult;
  /** An authenticated fetch as the demo account `name` (real client-credentials login, cached). */
  fetchAs(name: string): Promise<typeof fetch>;
  /**
   * Stops the server (or kills it with `signal`) and starts it again on the same port and data folder,
   * provisioning again; `podServer` replaces the extension options from then on.
   */
  restart(options?: { signal?: NodeJS.Signals; podServer?: TestWorldOptions['podServer'] }): Promise<void>;
  /** Closes the sessions, stops the server and deletes the data folder. */
  stop(): Promise<void>;
}

export interface TestWorldOptions {
  seedMeasurements?: SeedMeasurements;
  /** Print CSS's and provisioning's log lines. */
  verbose?: boolean;
  /**
   * Options for our CSS extensions (access log, group cache) and registration; their defaults otherwise,
   * except that registration is open, as in the demo (`npm start`): tests and benchmarks add patients.
   */
  podServer?: Pick<PodServerOptions, 'accessLog' | 'groupCache' | 'registration'>;
}

export { freePort };

/** Number of accounts in CSS's file-based account store (one JSON document per account). */
export async function countAccounts(dataDir: string): Promise<number> {
  return (await readdir(join(dataDir, 'pods', '.internal', 'accounts', 'data'))).length;
}

/** Number of pods registered in CSS's account store (indexed by base URL). */
export async function countPods(dataDir: string): Promise<number> {
  return (await readdir(join(dataDir, 'pods', '.internal', 'accounts', 'index', 'pod', 'baseUrl'))).length;
}

export async function startTestWorld(options: TestWorldOptions = {}): Promise<TestWorld> {
  const log = options.verbose ? (line: string) => console.log(line) : undefined;
  const template = await worldTemplate(log);
  const dataDir = await mkdtemp(join(tmpdir(), 'helsevev-test-'));
  const port = await freePort();
  const sessions = new Map<string, Promise<PodSession>>();
  let podServerOptions = options.podServer;

  const start = async () => {
    const server = await startPodServer({
      port, dataDir, log, loggingLevel: options.verbose ? 'warn' : 'error', registration: 'open', ...podServerOptions,
    });
    try {
      const provisioning = await provisionWorld({ baseUrl: server.baseUrl, dataDir, log, seedMeasurements: options.seedMeasurements });
      return { server, provisioning };
    } catch (error) {
      await server.stop();
      throw error;
    }
  };

  let current: Awaited<ReturnType<typeof start>>;
  try {
    if (template) await copyWorld(template, dataDir, `http://localhost:${port}/`);
    current = await start();
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const closeSessions = async () => {
    const open = [...sessions.values()];
    sessions.clear();
    await Promise.all(open.map(async (s) => (await s.catch(() => undefined))?.close()));
  };

  return {
    baseUrl: current.server.baseUrl,
    dataDir,
    get server() {
      return current.server;
    },
    get provisioning() {
      return current.provisioning;
    },
    get accounts() {
      return current.provisioning.accounts;
    },
    get credentials() {
      return current.provisioning.credentials;
    },
    async fetchAs(name) {
      let session = sessions.get(name);
      if (!session) {
        const credentials = current.provisioning.credentials[name];
        if (!credentials) throw new Error(`No demo account named "${name}"`);
        session = openPodSession(credentials);
        sessions.set(name, session);
      }
      return (await session).fetch;
    },
    async restart({ signal, podServer } = {}) {
      await closeSessions();
      if (podServer) podServerOptions = podServer;
      if (signal) {
        current.server.kill(signal);
        await current.server.exited;
      } else {
        await current.server.stop();
      }
      current = await start();
    },
    async stop() {
      await closeSessions();
      await current.server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
