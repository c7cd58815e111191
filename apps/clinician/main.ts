/**
 * The clinician API as its own process:
 *
 *   tsx apps/clinician/main.ts [--port 3003] [--host 127.0.0.1] [--pod-base-url http://localhost:3000/]
 *   (every option, with its environment variable and default: --help, config.ts)
 *
 * Prints `clinician API ready at <url>` (and sends {type:'ready', url} over
 * IPC when it has a parent). It needs no credentials of its own: every
 * request brings the caller's.
 */
import { loadConfig } from '../shared/config.ts';
import { CLINICIAN_API_OPTIONS } from './config.ts';
import { startClinicianApi } from './service.ts';

async function main(): Promise<void> {
  const { port, host, podBaseUrl, publicUrl } = loadConfig('tsx apps/clinician/main.ts [options]: the clinician API as its own process', CLINICIAN_API_OPTIONS);
  const api = await startClinicianApi({ port, podBaseUrl, ...(host ? { host } : {}), ...(publicUrl ? { publicUrl } : {}) });
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
