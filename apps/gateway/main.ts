/**
 * The gateway as its own process:
 *
 *   tsx apps/gateway/main.ts [--port 3001] [--data-dir .data] [--pod-base-url http://localhost:3000/]
 *       [--account vendor] [--coalesce-ms 1000] [--max-per-patch 100] [--max-in-flight 4]
 *       [--backoff-max-ms 15000] [--outbox-compact-at-bytes 8388608]
 *
 * Logs in with the client credentials of `--account` from
 * `{data-dir}/credentials.json` (written by the demo world provisioning).
 * Prints `gateway ready at <url>` (and sends {type:'ready', url} over IPC when
 * it has a parent) once it takes requests. SIGTERM/SIGINT stop it gently;
 * SIGKILL loses nothing acknowledged.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { credentialsPath, readCredentials } from '../shared/credentials.ts';
import { DEVICE_VENDOR } from '../shared/defaults.ts';
import { SETTINGS, type Setting } from '../shared/measurement/index.ts';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { DEFAULT_COALESCE_MS } from './delivery.ts';
import { DEFAULT_GATEWAY_PORT, startGateway } from './gateway.ts';

function numberOption(values: Record<string, unknown>, name: string, fallback: number): number {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, not "${String(text)}"`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'pod-base-url': { type: 'string' },
      account: { type: 'string' },
      'default-setting': { type: 'string' },
      'coalesce-ms': { type: 'string' },
      'max-per-patch': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'backoff-max-ms': { type: 'string' },
      'outbox-compact-at-bytes': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const dataDir = resolve(values['data-dir'] ?? process.env.HELSEVEV_DATA_DIR ?? '.data');
  const account = values.account ?? DEVICE_VENDOR;
  const credentials = (await readCredentials(dataDir))[account];
  if (!credentials) {
    throw new Error(`No client credentials for "${account}" in ${credentialsPath(dataDir)}; start the pod server once (npm start) to provision the demo world`);
  }
  const setting = values['default-setting'] ?? 'home-municipality';
  if (!Object.hasOwn(SETTINGS, setting)) throw new Error(`--default-setting must be one of ${Object.keys(SETTINGS).join(', ')}`);
  const podBaseUrl = values['pod-base-url'] ?? new URL('/', credentials.oidcIssuer).href;
  const log = values.quiet ? () => {} : (line: string) => console.log(line);

  const gateway = await startGateway({
    port: numberOption(values, 'port', Number(process.env.HELSEVEV_GATEWAY_PORT ?? DEFAULT_GATEWAY_PORT)),
    host: values.host,
    dataDir,
    credentials,
    demoPodBaseUrl: podBaseUrl,
    defaultSetting: setting as Setting,
    delivery: {
      coalesceMs: numberOption(values, 'coalesce-ms', DEFAULT_COALESCE_MS),
      maxPerPatch: numberOption(values, 'max-per-patch', 100),
      maxInFlight: numberOption(values, 'max-in-flight', 4),
      backoff: { ...DEFAULT_BACKOFF, maxMs: numberOption(values, 'backoff-max-ms', DEFAULT_BACKOFF.maxMs) },
    },
    ...(values['outbox-compact-at-bytes'] !== undefined ? { outbox: { compactAtBytes: numberOption(values, 'outbox-compact-at-bytes', 0) } } : {}),
    log,
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

main().catch((error: Error) => {
  console.error(`gateway: ${error.message}`);
  process.exit(1);
});
