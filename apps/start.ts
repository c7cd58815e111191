/**
 * `npm start`: the whole Helsevev demo on one machine. Starts the pod server,
 * provisions the demo world on the first start of the data folder, then the
 * apps, pairs the demo patients' devices with the gateway as the patients
 * (apps/demo-pairing.ts, once per data folder), and prints where everything
 * is and how to log in.
 *
 *   npm start -- [--port 3000] [--data-dir .data] [--registration open|closed]
 *   (or HELSEVEV_POD_PORT / HELSEVEV_DATA_DIR / HELSEVEV_REGISTRATION; `npm start -- --help`
 *   lists every option, docs/configuration.md too)
 *
 * Registration of new accounts is open here (a visitor may register a
 * stranger to try things), and the banner says so; a real deployment keeps
 * the pod server's default, closed (pod-server/registration.ts).
 *
 * Ctrl-C stops everything, apps first, pod server last.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { POD_SERVER_OPTIONS } from '../pod-server/config.ts';
import { startPodServer } from '../pod-server/start.ts';
import { registrationKeyPath } from '../pod-server/registration.ts';
import { GATEWAY_OPTIONS } from './gateway/config.ts';
import { startDemoGateway } from './gateway/demo.ts';
import { startDemoClinicianApi } from './clinician/service.ts';
import { startDemoConsent } from './consent/server.ts';
import { startDemoAlerts } from './alerts/demo.ts';
import { CONSENT_OPTIONS } from './consent/config.ts';
import { CLINICIAN_API_OPTIONS } from './clinician/config.ts';
import { envOnly, loadConfig, type Config } from './shared/config.ts';
import { credentialsPath } from './shared/credentials.ts';
import { reconcileDeviceAccess } from './shared/device-access.ts';
import type { PairingRequestView } from './shared/pairing.ts';
import type { PodSession } from './shared/pod-session.ts';
import { pairedDevicesPath } from './shared/paired-devices.ts';
import { pairDemoDevices } from './demo-pairing.ts';
import { seedDemoMeasurements } from '../pod-server/world/demo-measurements.ts';
import { DEMO_PASSWORD } from '../pod-server/world/demo-world.ts';
import { provisionWorld, type WorldContext } from '../pod-server/world/world.ts';

interface Running {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** An app started after the pod server and the demo world: one entry per app. */
type AppStarter = (world: { podBaseUrl: string; dataDir: string }, config: Config<typeof START_OPTIONS>) => Promise<Running>;

// One line per app.
const APPS: AppStarter[] = [
  (w, c) => startDemoGateway({ ...w, port: c.gatewayPort }),
  (w, c) => startDemoConsent({ ...w, port: c.consentPort, gatewayUrl: c.consentGatewayUrl ?? `http://localhost:${c.gatewayPort}/` }),
  (w, c) => startDemoClinicianApi({ ...w, port: c.clinicianPort }),
  (w) => startDemoAlerts(w),
];

/**
 * Months of demo measurements, written as the device vendor through the
 * gateway's write path. Ends at the world's first start, so a seed resumed
 * after a crash writes the same readings.
 */
async function seedMeasurements(ctx: WorldContext): Promise<void> {
  const vendor = await ctx.sessionFor('vendor');
  const { measurements, documents } = await seedDemoMeasurements(vendor.fetch, {
    baseUrl: ctx.baseUrl,
    end: new Date(ctx.startedAt),
  });
  ctx.log(`measurements: ${measurements} readings in ${documents} month documents`);
}

/** The pod's side of an approval, as the consent page does it: the vendor's Append on the kinds asked for, before the approval. */
const grantDeviceAccess = (gatewayUrl: string) => async (session: PodSession, asked: PairingRequestView): Promise<void> => {
  await reconcileDeviceAccess(gatewayUrl, { fetch: session.fetch, webId: session.webId, storage: new URL('../', session.webId).href }, { asked, kinds: asked.kinds });
};

const USAGE = `npm start -- [--port 3000] [--data-dir .data] [--registration open|closed]
The whole Helsevev demo: the pod server, then the gateway, the consent page and the clinician API.`;

/** Everything npm start reads: the pod server's options, and each app's demo port from that app's table (environment only). */
export const START_OPTIONS = {
  ...POD_SERVER_OPTIONS,
  gatewayPort: envOnly(GATEWAY_OPTIONS.port),
  consentPort: envOnly(CONSENT_OPTIONS.port),
  consentGatewayUrl: envOnly(CONSENT_OPTIONS.gatewayUrl),
  clinicianPort: envOnly(CLINICIAN_API_OPTIONS.port),
};

function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const config = loadConfig(USAGE, START_OPTIONS);
  const { port, dataDir, registration } = config;
  const log = (line: string) => console.log(line);
  const running: Running[] = [];

  let stopping = false;
  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping...');
    for (const service of running.reverse()) {
      await service.stop().catch((error) => console.error(`Could not stop ${service.name}: ${(error as Error).message}`));
    }
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    console.log(`Starting the pod server on port ${port}, data in ${dataDir} ...`);
    const pods = await startPodServer({
      port,
      dataDir,
      registration,
      // CSS warns about things provisioning does on purpose (logging in to learn
      // whether an account exists); show errors only, unless asked.
      loggingLevel: config.logLevel,
      log: (line) => {
        if (!line.startsWith('pod server')) log(line);
      },
    });
    running.push({ name: 'pod server', url: pods.baseUrl, stop: pods.stop });
    console.log(`pod server ready in ${(pods.startMs / 1000).toFixed(1)} s`);

    const world = await provisionWorld({ baseUrl: pods.baseUrl, dataDir, log, seedMeasurements });
    for (const start of APPS) running.push(await start({ podBaseUrl: pods.baseUrl, dataDir }, config));
    const gateway = running.find((service) => service.name === 'gateway')!;
    await pairDemoDevices({ gatewayUrl: gateway.url, podBaseUrl: pods.baseUrl, dataDir, log, grantDeviceAccess: grantDeviceAccess(gateway.url) });

    console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD})`);
    console.log(table(Object.values(world.accounts).map((a) => [a.name, a.role, a.displayName, a.email, a.webId])));
    console.log(`Client credentials: ${credentialsPath(dataDir)}`);
    console.log(`Paired demo devices: ${pairedDevicesPath(dataDir)} (npm run simulate sends with them)`);
    console.log(
      registration === 'open'
        ? `Registration is OPEN: anyone can create an account at ${pods.baseUrl}.account/ (demo only; --registration closed for real use)`
        : `Registration is closed: accounts only with the operator's key (${registrationKeyPath(dataDir)})`,
    );
    for (const service of running) console.log(`${service.name.padEnd(12)} ${service.url}`);
    console.log(
      `\nReady in ${seconds()} s (${world.provisioned ? 'first start: demo world provisioned' : 'restart'}). Ctrl-C to stop.`,
    );
  } catch (error) {
    console.error(`\n${(error as Error).message}`);
    await stopAll(1);
  }
}

// Only when run (npm start), not when docs/configuration.md's generator reads START_OPTIONS.
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) void main();
