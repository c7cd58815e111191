/**
 * `npm start`: the whole Helsevev demo on one machine. Starts the pod server,
 * provisions the demo world on the first start of the data folder, then the
 * apps, and prints where everything is and how to log in.
 *
 *   npm start -- [--port 3000] [--data-dir .data] [--registration open|closed]
 *   (or HELSEVEV_POD_PORT / HELSEVEV_DATA_DIR / HELSEVEV_REGISTRATION)
 *
 * Registration of new accounts is open here (a visitor may register a
 * stranger to try things), and the banner says so; a real deployment keeps
 * the pod server's default, closed (pod-server/registration.ts).
 *
 * Ctrl-C stops everything, apps first, pod server last.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startPodServer } from '../pod-server/start.ts';
import { registrationKeyPath, type Registration } from '../pod-server/registration.ts';
import { startDemoGateway } from './gateway/demo.ts';
import { startDemoClinicianApi } from './clinician/service.ts';
import { startDemoConsent } from './consent/server.ts';
import { credentialsPath } from './shared/credentials.ts';
import { DEFAULT_POD_PORT } from './shared/defaults.ts';
import { seedDemoMeasurements } from '../pod-server/world/demo-measurements.ts';
import { DEMO_PASSWORD } from '../pod-server/world/demo-world.ts';
import { provisionWorld, type WorldContext } from '../pod-server/world/world.ts';

interface Running {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** An app started after the pod server and the demo world: one entry per app. */
type AppStarter = (world: { podBaseUrl: string; dataDir: string }) => Promise<Running>;

// One line per app.
const APPS: AppStarter[] = [
  (w) => startDemoGateway(w),
  (w) => startDemoConsent(w),
  (w) => startDemoClinicianApi(w),
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

function options() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'data-dir': { type: 'string' }, registration: { type: 'string' } },
  });
  const registration = values.registration ?? process.env.HELSEVEV_REGISTRATION ?? 'open';
  if (registration !== 'open' && registration !== 'closed') {
    throw new Error(`Registration must be "open" or "closed", not "${registration}"`);
  }
  const portText = values.port ?? process.env.HELSEVEV_POD_PORT ?? String(DEFAULT_POD_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new Error(`The pod server port must be a number between 1 and 65535, not "${portText}"`);
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.HELSEVEV_DATA_DIR ?? '.data');
  return { port, dataDir, registration: registration as Registration };
}

function table(rows: string[][]): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => `  ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()).join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
  const { port, dataDir, registration } = options();
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
      loggingLevel: process.env.HELSEVEV_POD_LOG_LEVEL ?? 'error',
      log: (line) => {
        if (!line.startsWith('pod server')) log(line);
      },
    });
    running.push({ name: 'pod server', url: pods.baseUrl, stop: pods.stop });
    console.log(`pod server ready in ${(pods.startMs / 1000).toFixed(1)} s`);

    const world = await provisionWorld({ baseUrl: pods.baseUrl, dataDir, log, seedMeasurements });
    for (const start of APPS) running.push(await start({ podBaseUrl: pods.baseUrl, dataDir }));

    console.log(`\nDemo logins (password for all: ${DEMO_PASSWORD})`);
    console.log(table(Object.values(world.accounts).map((a) => [a.name, a.role, a.displayName, a.email, a.webId])));
    console.log(`Client credentials: ${credentialsPath(dataDir)}`);
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

void main();
