/**
 * The gateway as its own process:
 *
 *   tsx apps/gateway/main.ts [--port 3001] [--data-dir .data] [--pod-base-url http://localhost:3000/]
 *       [--account vendor] [--consent-url http://localhost:3002/] [--coalesce-ms 1000] [--max-per-patch 100] [--max-in-flight 4]
 *       [--backoff-max-ms 15000] [--outbox-compact-at-bytes 8388608]
 *       [--host 127.0.0.1] [--public-host gateway.example.no ...] [--behind-tls-proxy | --tls-cert FILE --tls-key FILE]
 *       [--consent-origin http://localhost:3002 ...]
 *   (every option, with its environment variable and default: --help, apps/gateway/config.ts)
 *
 * Logs in with the client credentials of `--account` from
 * `{data-dir}/credentials.json` (written by the demo world provisioning).
 * Prints `gateway ready at <url>` (and sends {type:'ready', url} over IPC when
 * it has a parent) once it takes requests. SIGTERM/SIGINT stop it gently;
 * SIGKILL loses nothing acknowledged.
 *
 * `runGatewayProcess` runs only when this file is the entry script; its one
 * override (`authenticate`) is for in-process callers and is never read from
 * a flag, the environment or a file: the benchmark's allow-all baseline
 * (bench/baseline-gateway.ts) is its only user.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../shared/config.ts';
import { credentialsPath, readCredentials } from '../shared/credentials.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { GATEWAY_OPTIONS } from './config.ts';
import { startGateway, type GatewayOptions } from './gateway.ts';

const USAGE = 'tsx apps/gateway/main.ts [options]: the device gateway as its own process';

/** What an in-process caller may change beyond the command line: nothing a production start can reach. */
export type GatewayProcessOverrides = Pick<GatewayOptions, 'authenticate'>;

/** Reads the command line, starts the gateway, and stops it on SIGTERM/SIGINT; exits 1 (with the reason) when it cannot start. */
export function runGatewayProcess(overrides: GatewayProcessOverrides = {}): void {
  start(overrides).catch((error: Error) => {
    console.error(`gateway: ${error.message}`);
    process.exit(1);
  });
}

async function start(overrides: GatewayProcessOverrides): Promise<void> {
  const config = loadConfig(USAGE, GATEWAY_OPTIONS);
  const { dataDir, account } = config;
  if ((config.tlsCert === undefined) !== (config.tlsKey === undefined)) {
    throw new Error('--tls-cert and --tls-key go together: give both to serve HTTPS, or neither');
  }
  const credentials = (await readCredentials(dataDir))[account];
  if (!credentials) {
    throw new Error(`No client credentials for "${account}" in ${credentialsPath(dataDir)}; start the pod server once (npm start) to provision the demo world`);
  }
  const podBaseUrl = config.podBaseUrl ?? new URL('/', credentials.oidcIssuer).href;
  const log = config.quiet ? () => {} : (line: string) => console.log(line);

  const gateway = await startGateway({
    port: config.port,
    host: config.host,
    edge: {
      behindTlsProxy: config.behindTlsProxy,
      ...(config.publicHost ? { publicHosts: config.publicHost } : {}),
      ...(config.consentOrigin ? { consentOrigins: config.consentOrigin } : {}),
    },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
    ...(config.tlsCert && config.tlsKey ? { tls: { certFile: config.tlsCert, keyFile: config.tlsKey } } : {}),
    dataDir,
    credentials,
    demoPodBaseUrl: podBaseUrl,
    consentUrl: config.consentUrl,
    vendorName: config.vendorName,
    defaultSetting: config.defaultSetting,
    delivery: {
      coalesceMs: config.coalesceMs,
      maxPerPatch: config.maxPerPatch,
      maxInFlight: config.maxInFlight,
      backoff: { ...DEFAULT_BACKOFF, maxMs: config.backoffMaxMs },
    },
    ...(config.outboxCompactAtBytes !== undefined ? { outbox: { compactAtBytes: config.outboxCompactAtBytes } } : {}),
    log,
    ...(overrides.authenticate ? { authenticate: overrides.authenticate } : {}),
  });
  console.log(`gateway ready at ${gateway.url} (writing as ${credentials.webId})`);
  process.send?.({ type: 'ready', url: gateway.url, pid: process.pid });

  const stop = async () => {
    await gateway.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) runGatewayProcess();
