/**
 * The clinician API as its own process:
 *
 *   tsx apps/clinician/main.ts [--port 3003] [--host 127.0.0.1] [--pod-base-url http://localhost:3000/]
 *
 * Prints `clinician API ready at <url>` (and sends {type:'ready', url} over
 * IPC when it has a parent). It needs no credentials of its own: every
 * request brings the caller's.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_POD_PORT } from '../shared/defaults.ts';
import { DEFAULT_CLINICIAN_PORT, startClinicianApi } from './service.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, 'pod-base-url': { type: 'string' }, 'public-url': { type: 'string' } },
  });
  const port = Number(values.port ?? process.env.HELSEVEV_CLINICIAN_PORT ?? DEFAULT_CLINICIAN_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`--port must be a port number, not "${values.port}"`);
  const podBaseUrl = values['pod-base-url'] ?? process.env.HELSEVEV_POD_BASE_URL ?? `http://localhost:${DEFAULT_POD_PORT}/`;
  const api = await startClinicianApi({
    port, podBaseUrl, ...(values.host ? { host: values.host } : {}), ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
  });
  console.log(`clinician API ready at ${api.url} (pod server ${podBaseUrl})`);
  process.send?.({ type: 'ready', url: api.url, pid: process.pid });
  const stop = async () => {
    await api.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: Error) => {
  console.error(`clinician API: ${error.message}`);
  process.exit(1);
});
