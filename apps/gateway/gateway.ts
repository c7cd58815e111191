/**
 * The device gateway, wired: enrolment registry + durable outbox + delivery
 * loop + HTTP API, writing into patients' pods as the vendor's WebID with
 * Append only. `startGateway` is used by `npm start` (apps/start.ts), by the
 * CLI (main.ts, which tests run as a child process so they can SIGKILL it)
 * and by the benchmark.
 *
 * The gateway never reads a patient's pod: it cannot (it has Append only),
 * and it needs not (deterministic IRIs make a redelivery a no-op).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { appendQuads } from '../shared/append.ts';
import { hardenServer } from '../shared/http-hardening.ts';
import { measurementToQuads, parseMeasurementInput, validateShapes, type Setting } from '../shared/measurement/index.ts';
import { openPodSession, type ClientCredentials, type PodSession } from '../shared/pod-session.ts';
import { makePrivateFolder } from '../shared/private-files.ts';
import type { BackoffPolicy } from './backoff.ts';
import { Delivery, type AppendFn } from './delivery.ts';
import { demoEnrolments } from './demo-enrolments.ts';
import { PlatformClients, platformsPath } from './auth/platforms.ts';
import { allowedHosts, checkListenSafety, type EdgeOptions } from './http/edge.ts';
import { createGatewayApp } from './http/app.ts';
import { lockOutbox } from './outbox/lock.ts';
import { Outbox } from './outbox/outbox.ts';
import { EnrolmentRegistry } from './registry.ts';

export const DEFAULT_GATEWAY_PORT = 3001;

export interface GatewayOptions {
  /** TCP port; default 3001, 0 for any free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. Any other needs `edge.behindTlsProxy` or `tls` (http/edge.ts). */
  host?: string;
  /** Host allow-list, CORS and proxy trust (http/edge.ts). */
  edge?: EdgeOptions;
  /** PEM files: the gateway serves HTTPS itself. */
  tls?: { certFile: string; keyFile: string };
  /** Helsevev data folder; the gateway keeps its outbox and registry in `{dataDir}/gateway/`. */
  dataDir: string;
  /** The vendor's client credentials (CSS account API). */
  credentials: ClientCredentials;
  /** When given, a new registry is seeded with the demo patients of the pod server at this URL. */
  demoPodBaseUrl?: string;
  /** Pod servers whose patients may be enrolled (POST /enrolments); default [demoPodBaseUrl] when given, else any. */
  podServers?: readonly string[];
  /** Setting of readings that name none; default home-municipality. */
  defaultSetting?: Setting;
  /** Other `source` WebIDs a JSON reading may name (the vendor's own is always allowed). */
  allowedSources?: readonly string[];
  /** Most readings per request; default 1000. */
  maxReadings?: number;
  delivery?: { coalesceMs?: number; maxPerPatch?: number; maxInFlight?: number; backoff?: BackoffPolicy };
  outbox?: { retainSettled?: number; compactAtBytes?: number };
  log?: (line: string) => void;
  /** Replaces the real write path (unit tests). */
  append?: AppendFn;
}

export interface Gateway {
  readonly url: string;
  readonly port: number;
  readonly outbox: Outbox;
  readonly delivery: Delivery;
  readonly registry: EnrolmentRegistry;
  /** Registered vendor platforms: their token grant and access tokens (auth/platforms.ts). */
  readonly platforms: PlatformClients;
  /** Stops taking requests, lets PATCHes in flight finish, closes the outbox. */
  stop(): Promise<void>;
}

/** Logs in lazily and again after a failed login, so the gateway takes readings even while the pod server is down. */
function vendorSession(credentials: ClientCredentials, log: (line: string) => void) {
  let session: Promise<PodSession> | undefined;
  return {
    get(): Promise<PodSession> {
      session ??= openPodSession(credentials).catch((error: Error) => {
        session = undefined;
        throw error;
      });
      return session;
    },
    async close(): Promise<void> {
      const s = await session?.catch(() => undefined);
      await s?.close();
    },
    warmUp(): void {
      this.get().then(
        (s) => log(`gateway: logged in to the pod server as ${s.webId}`),
        (error: Error) => log(`gateway: ${error.message} (will retry when delivering)`),
      );
    },
  };
}

/**
 * Loads the SHACL shapes and lets the JIT compile the validator before the
 * first request, so the first devices do not wait ~200 ms for their answer.
 */
async function warmUpValidation(): Promise<void> {
  const storage = 'http://localhost/warm-up/';
  for (const input of [
    { kind: 'oxygen-saturation', value: 95, unit: '%' },
    { kind: 'blood-pressure', components: { systolic: 130, diastolic: 80 }, unit: 'mm[Hg]' },
  ]) {
    const parsed = parseMeasurementInput({
      ...input, patient: `${storage}profile/card#me`, source: `${storage}profile/card#me`, device: 'warm-up',
      effectiveTime: '2026-01-01T00:00:00Z', setting: 'home-municipality',
    });
    if (!parsed.ok) continue;
    const quads = measurementToQuads(parsed.value, storage);
    for (let i = 0; i < 20; i++) await validateShapes(quads);
  }
}

/** The certificate and key, read before anything starts; an error names the file. */
async function readTls(tls: GatewayOptions['tls']): Promise<{ cert: Buffer; key: Buffer } | undefined> {
  if (!tls) return undefined;
  const read = (file: string, what: string) => readFile(file).catch((error: Error) => {
    throw new Error(`the gateway could not read its TLS ${what} ${file}: ${error.message}`);
  });
  return { cert: await read(tls.certFile, 'certificate'), key: await read(tls.keyFile, 'private key') };
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  checkListenSafety(host, { behindTlsProxy: options.edge?.behindTlsProxy, tls: options.tls !== undefined });
  const tls = await readTls(options.tls);
  const dir = join(options.dataDir, 'gateway');
  // Outbox and registry hold patients' identifiers: 0700, files 0600; refuses to start if others can read it.
  await makePrivateFolder(dir);
  const vendorWebId = options.credentials.webId;

  await warmUpValidation();
  const unlock = await lockOutbox(join(dir, 'outbox.lock'));
  let registry: EnrolmentRegistry;
  let opened: Awaited<ReturnType<typeof Outbox.open>>;
  try {
    registry = await EnrolmentRegistry.open(
      join(dir, 'enrolments.json'),
      options.demoPodBaseUrl ? () => demoEnrolments(options.demoPodBaseUrl!) : undefined,
    );
    opened = await Outbox.open(join(dir, 'outbox.log'), { ...options.outbox, log });
  } catch (error) {
    await unlock();
    throw error;
  }
  const { outbox, recovery } = opened;
  const session = vendorSession(options.credentials, log);
  const append: AppendFn = options.append ?? (async (document, quads) => {
    let s: PodSession;
    try {
      s = await session.get();
    } catch (error) {
      return { ok: false, retry: true, reason: (error as Error).message };
    }
    return appendQuads(s.fetch, document, quads);
  });
  const delivery = new Delivery({ ...options.delivery, append, settle: (ids, outcome) => outbox.settle(ids, outcome), log });
  outbox.onAccepted((entries) => delivery.enqueue(entries));
  const recovered = outbox.pendingEntries();
  if (recovered.length > 0) log(`gateway: ${recovered.length} reading(s) in the outbox from before; delivering them`);
  delivery.enqueue(recovered, { immediately: true });

  const platforms = new PlatformClients(platformsPath(options.dataDir));
  let hosts: ReadonlySet<string> = new Set();
  const app = createGatewayApp({
    edge: { ...options.edge, allowedHosts: () => hosts },
    outbox,
    delivery,
    registry,
    startedAt: new Date(),
    ...(options.podServers ?? options.demoPodBaseUrl ? { podServers: options.podServers ?? [options.demoPodBaseUrl!] } : {}),
    intake: {
      registry,
      vendorWebId,
      allowedSources: new Set(options.allowedSources ?? []),
      defaultSetting: options.defaultSetting ?? 'home-municipality',
      maxReadings: options.maxReadings ?? 1000,
    },
  });

  const server: Server = tls ? (createHttpsServer(tls, app) as unknown as Server) : createServer(app);
  server.listen(options.port ?? DEFAULT_GATEWAY_PORT, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await delivery.stop();
    await outbox.close();
    await unlock();
    throw new Error(`The gateway could not listen on ${host}:${options.port ?? DEFAULT_GATEWAY_PORT}: ${(error as Error).message}`);
  }
  // Devices send many small requests over few connections: keep them open a while.
  hardenServer(server, { keepAliveTimeoutMs: 30_000 });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(port, host, options.edge?.publicHosts);
  const url = `${tls ? 'https' : 'http'}://${host === '127.0.0.1' || host === '::1' || host === 'localhost' ? 'localhost' : host}:${port}/`;
  if (recovery.tornBytes > 0 || recovery.skippedLines > 0) {
    log(`gateway: outbox recovered ${recovery.records} record(s), cut ${recovery.tornBytes} torn byte(s), skipped ${recovery.skippedLines} line(s)`);
  }
  if (!options.append) session.warmUp();

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    outbox,
    delivery,
    registry,
    platforms,
    stop: () => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
        await closed;
        await delivery.stop();
        await outbox.close();
        await unlock();
        await session.close();
      })();
      return stopping;
    },
  };
}
