/**
 * The device gateway, wired: pairings + durable outbox + delivery loop + HTTP
 * API, writing into patients' pods as the vendor's WebID with Append only,
 * for the devices and kinds each patient paired. `startGateway` is used by `npm start` (apps/start.ts), by the
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
import { labelLinkQuads } from '../../vocab/labels.ts';
import { hardenServer } from '../shared/http-hardening.ts';
import { measurementToQuads, parseMeasurementInput, validateShapes, type Setting } from '../shared/measurement/index.ts';
import { openPodSession, type ClientCredentials, type PodSession } from '../shared/pod-session.ts';
import { makePrivateFolder } from '../shared/private-files.ts';
import type { BackoffPolicy } from './backoff.ts';
import { Delivery, type AppendFn } from './delivery.ts';
import { PlatformClients, platformsPath } from './auth/platforms.ts';
import { allowedHosts, checkListenSafety, type EdgeOptions } from './http/edge.ts';
import type { Authenticator } from './auth/authenticate.ts';
import { createGatewayApp, type GatewayAppDeps } from './http/app.ts';
import { lockOutbox } from './outbox/lock.ts';
import { Outbox } from './outbox/outbox.ts';
import { PairingStore } from './pairing/store.ts';

export const DEFAULT_GATEWAY_PORT = 3001;
export const DEFAULT_VENDOR_NAME = 'Hjemmemåling AS';
export const DEFAULT_CONSENT_URL = 'http://localhost:3002/';

export interface GatewayOptions {
  /** TCP port; default 3001, 0 for any free port. */
  port?: number;
  /** Interface to listen on; default 127.0.0.1. Any other needs `edge.behindTlsProxy` or `tls` (http/edge.ts). */
  host?: string;
  /** Host allow-list, CORS and proxy trust (http/edge.ts). */
  edge?: EdgeOptions;
  /** PEM files: the gateway serves HTTPS itself. */
  tls?: { certFile: string; keyFile: string };
  /** Helsevev data folder; the gateway keeps its outbox and pairings in `{dataDir}/gateway/`. */
  dataDir: string;
  /** The vendor's client credentials (CSS account API). */
  credentials: ClientCredentials;
  /** The pod server of the demo world (`npm start`): the default of podServers. */
  demoPodBaseUrl?: string;
  /** Pod servers whose patients may pair; default [demoPodBaseUrl] when given, else any. */
  podServers?: readonly string[];
  /** The name patients see when a device asks to pair (who writes into their pod); default DEFAULT_VENDOR_NAME. */
  vendorName?: string;
  /** The consent page, where patients enter pairing codes; default http://localhost:3002/. */
  consentUrl?: string;
  /** The gateway's public base URL when it is not the address it listens on (behind a proxy). */
  publicUrl?: string;
  /** Replaces device authentication (the benchmark's allow-all baseline, in-process only). */
  authenticate?: Authenticator;
  /** Replaces the patients' Solid-OIDC verification (unit tests without a pod server, in-process only). */
  verifyPatient?: GatewayAppDeps['verifyPatient'];
  /** Replaces reading a patient's pod from their public profile (unit tests without a pod server). */
  discoverStorage?: GatewayAppDeps['discoverStorage'];
  /** Platform authentication (auth/platforms.ts), when platforms are registered. */
  platforms?: Pick<GatewayAppDeps, 'verifyPlatformToken' | 'clientCredentials'>;
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
  readonly store: PairingStore;
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
  // Outbox and pairings hold patients' WebIDs and keyed identifiers: 0700, files 0600; refuses to start if others can read it.
  await makePrivateFolder(dir);
  const vendorWebId = options.credentials.webId;

  await warmUpValidation();
  const unlock = await lockOutbox(join(dir, 'outbox.lock'));
  let store: PairingStore;
  let opened: Awaited<ReturnType<typeof Outbox.open>>;
  try {
    store = await PairingStore.open(dir);
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
    // The document's one link to the labels of its terms (vocab/labels.ts), constant so retries stay no-ops.
    return appendQuads(s.fetch, document, [...quads, ...labelLinkQuads(document)]);
  });
  const delivery = new Delivery({ ...options.delivery, append, settle: (ids, outcome) => outbox.settle(ids, outcome), log });
  outbox.onAccepted((entries) => delivery.enqueue(entries));
  const recovered = outbox.pendingEntries();
  if (recovered.length > 0) log(`gateway: ${recovered.length} reading(s) in the outbox from before; delivering them`);
  delivery.enqueue(recovered, { immediately: true });

  // Platforms (auth/platforms.ts) and the edge (http/edge.ts); the consent page's origin is the one CORS allows by default.
  const platforms = new PlatformClients(platformsPath(options.dataDir));
  const platformAuth = { verifyPlatformToken: platforms.verifyPlatformToken, clientCredentials: platforms.clientCredentials, ...options.platforms };
  const findPatient = (clientId: string, id: { system: string; value: string }) =>
    store.findByIdentifier({ type: 'platform', clientId, name: '' }, id.system, id.value)?.patient;
  const consentUrl = options.consentUrl ?? DEFAULT_CONSENT_URL;
  const publicHosts = [...(options.edge?.publicHosts ?? []), ...(options.publicUrl ? [new URL(options.publicUrl).host] : [])];
  let hosts: ReadonlySet<string> = new Set();
  let publicUrl = options.publicUrl;
  const app = createGatewayApp({
    edge: { consentOrigins: [new URL(consentUrl).origin], ...options.edge, allowedHosts: () => hosts },
    platformLookup: { verifyPlatformToken: platformAuth.verifyPlatformToken!, findPatient },
    outbox,
    delivery,
    store,
    startedAt: new Date(),
    vendor: { webId: vendorWebId, name: options.vendorName ?? DEFAULT_VENDOR_NAME },
    consentUrl,
    publicUrl: () => publicUrl!,
    ...(options.authenticate ? { authenticate: options.authenticate } : {}),
    ...(options.verifyPatient ? { verifyPatient: options.verifyPatient } : {}),
    ...(options.discoverStorage ? { discoverStorage: options.discoverStorage } : {}),
    ...platformAuth,
    ...(options.podServers ?? options.demoPodBaseUrl ? { podServers: options.podServers ?? [options.demoPodBaseUrl!] } : {}),
    intake: {
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
    await store.close();
    await unlock();
    throw new Error(`The gateway could not listen on ${host}:${options.port ?? DEFAULT_GATEWAY_PORT}: ${(error as Error).message}`);
  }
  // Devices send many small requests over few connections: keep them open a while.
  hardenServer(server, { keepAliveTimeoutMs: 30_000 });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(port, host, publicHosts);
  const url = `${tls ? 'https' : 'http'}://${host === '127.0.0.1' || host === '::1' || host === 'localhost' ? 'localhost' : host}:${port}/`;
  publicUrl ??= url;
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
    store,
    platforms,
    stop: () => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
        await closed;
        await delivery.stop();
        await outbox.close();
        await store.close();
        await unlock();
        await session.close();
      })();
      return stopping;
    },
  };
}
