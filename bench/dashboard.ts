/**
 * Dashboard first paint for a 100-patient team: the query benchmark's panel
 * (bench/query-panel.ts: 100 patients, 4 kinds, two sources), the clinician
 * service with its page, and Debian's chromium logged in as the municipal
 * nurse (nilsen, in the panel team's group). Each run loads the team view
 * afresh and times, from the navigation's start (the page's own clock):
 *
 * - the first contentful paint (the page shell),
 * - the team table painted (every patient's latest value per kind, thresholds,
 *   what is not shared): what a nurse waits for.
 *
 * Cold: the service's document cache emptied before the run; warm: kept (every
 * document still revalidated with the pod server). Results: bench/results/dashboard.json.
 *
 *   npx tsx bench/dashboard.ts [--patients 100] [--days 14] [--runs 5]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startClinicianApi } from '../apps/clinician/service.ts';
import { launchChromium, logInThroughPodServer } from '../test/support/chromium.ts';
import { freePort, startTestWorld } from '../test/support/test-world.ts';
import { buildPanel, PANEL_TEAM } from './query-panel.ts';

const RESULTS = new URL('./results/', import.meta.url);
const log = (line: string) => process.stderr.write(`${line}\n`);

export interface DashboardBenchResult {
  date: string;
  machine: { cpus: number; node: string; loadAtStart: string };
  panel: { patients: number; days: number; documents: number; measurements: number };
  runs: number;
  cold: { firstContentfulPaintMs: number[]; teamTableMs: number[]; p50TeamTableMs: number };
  warm: { firstContentfulPaintMs: number[]; teamTableMs: number[]; p50TeamTableMs: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

export async function runDashboardBenchmark(options: { patients?: number; days?: number; runs?: number } = {}): Promise<DashboardBenchResult> {
  const patients = options.patients ?? 100;
  const days = options.days ?? 14;
  const n = options.runs ?? 5;
  const load = loadavg().map((l) => l.toFixed(2)).join('/');
  const world = await startTestWorld();
  const port = await freePort();
  const api = await startClinicianApi({ port, podBaseUrl: world.baseUrl, publicUrl: `http://localhost:${port}` });
  const browser = await launchChromium();
  try {
    const panel = await buildPanel({ baseUrl: world.baseUrl, osloFetch: await world.fetchAs('oslo'), patients, days, end: new Date(), progress: () => {} });
    log(`dashboard bench: panel of ${panel.patients.length} patients, ${panel.documents} month documents (${panel.seconds.total.toFixed(0)} s)`);
    const appUrl = `http://localhost:${port}/`;
    const page = await (await browser.newContext({ viewport: { width: 1024, height: 900 } })).newPage();
    await logInThroughPodServer(page, { appUrl, podBaseUrl: world.baseUrl, name: 'nilsen' });
    const url = `${appUrl}#team=${PANEL_TEAM}`;
    const one = async () => {
      await page.goto('about:blank');
      await page.goto(url);
      await page.locator('#team-table tbody tr').nth(patients - 1).waitFor({ timeout: 120_000 });
      return page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        table: performance.now(),
      }));
    };
    await one(); // the bundle and the browser's first start out of the way
    const cold = { firstContentfulPaintMs: [] as number[], teamTableMs: [] as number[] };
    const warm = { firstContentfulPaintMs: [] as number[], teamTableMs: [] as number[] };
    for (let i = 0; i < n; i++) {
      api.engine.clearCaches();
      const c = await one();
      cold.firstContentfulPaintMs.push(Math.round(c.fcp));
      cold.teamTableMs.push(Math.round(c.table));
      const w = await one();
      warm.firstContentfulPaintMs.push(Math.round(w.fcp));
      warm.teamTableMs.push(Math.round(w.table));
      log(`run ${i + 1}/${n}: cold table ${Math.round(c.table)} ms, warm table ${Math.round(w.table)} ms (first paint ${Math.round(c.fcp)} / ${Math.round(w.fcp)} ms)`);
    }
    const out: DashboardBenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAtStart: load },
      panel: { patients: panel.patients.length, days, documents: panel.documents, measurements: panel.measurements },
      runs: n,
      cold: { ...cold, p50TeamTableMs: median(cold.teamTableMs) },
      warm: { ...warm, p50TeamTableMs: median(warm.teamTableMs) },
    };
    await mkdir(RESULTS, { recursive: true });
    const official = patients === 100 && days === 14 && n >= 5;
    await writeFile(new URL(official ? 'dashboard.json' : 'dashboard-trial.json', RESULTS), `${JSON.stringify(out, null, 2)}\n`);
    log(`dashboard first paint, ${patients} patients: team table p50 cold ${out.cold.p50TeamTableMs} ms, warm ${out.warm.p50TeamTableMs} ms`);
    return out;
  } finally {
    await browser.close();
    await api.stop();
    await world.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { patients: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' } } });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  runDashboardBenchmark({ patients: num(values.patients), days: num(values.days), runs: num(values.runs) }).catch((error: Error) => {
    console.error(error.stack);
    process.exit(1);
  });
}
