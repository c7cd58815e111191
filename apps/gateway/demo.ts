/**
 * The gateway in the demo (`npm start`): writes as the demo vendor's WebID,
 * with the demo patients enrolled, on http://localhost:3001/ (or the port
 * apps/start.ts read: HELSEVEV_GATEWAY_PORT, config.ts).
 */
import { credentialsPath, readCredentials } from '../shared/credentials.ts';
import { DEVICE_VENDOR } from '../../pod-server/world/demo-world.ts';
import { DEFAULT_GATEWAY_PORT, startGateway } from './gateway.ts';

export async function startDemoGateway(world: { podBaseUrl: string; dataDir: string; port?: number }) {
  const credentials = (await readCredentials(world.dataDir))[DEVICE_VENDOR];
  if (!credentials) throw new Error(`No client credentials for the vendor in ${credentialsPath(world.dataDir)}`);
  const gateway = await startGateway({
    port: world.port ?? DEFAULT_GATEWAY_PORT,
    dataDir: world.dataDir,
    credentials,
    demoPodBaseUrl: world.podBaseUrl,
    log: (line) => console.log(line),
  });
  return { name: 'gateway', url: gateway.url, stop: gateway.stop };
}
