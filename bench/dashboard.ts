/**
 * Dashboard first paint for a 100-patient team: the query benchmark's panel
 * (bench/query-panel.ts: 100 patients, 4 kinds, two sources), the clinician
 * service with its page, and Debian's chromium logged in as the municipal
 * nurse (nilsen, in the panel team's group). Each run loads the team view
 * afresh and times, from the navigation's start (the page's own clock):
 *
 * - the first contentful paint (the page shell),
 * - the list painted (every patient's name, rows still empty),
 * - the first row filled (a patient's latest values),
 * - the whole table filled (every patient's latest value per kind, thresholds,
 *   what is not shared): what a nurse waits for to see every flag.
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
  cold: Timings & { p50ListMs: number; p50FirstRowMs: number; p50TeamTableMs: number };
  warm: Timings & { p50ListMs: number; p50FirstRowMs: number; p50TeamTableMs: number };
}

// In-page scripts as text: tsx's transform would add helpers the page does not have.
/** Timestamps taken in the page as each state appears (a MutationObserver). */
const WATCH = `(() => {
  const marks = window.__marks = {};
  if (location.href === 'about:blank') return;
  const check = () => {
    if (!marks.list && document.querySelector('#team-table')) marks.list = performance.now();
    if (!marks.row && document.querySelector('#team-table tr[data-loaded]')) marks.row = performance.now();
    if (!marks.table && document.querySelector('#team-table[aria-busy="false"]')) marks.table = performance.now();
  };
  check();
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
})()`;
const READ = `(() => {
  const m = window.__marks || {};
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return { fcp: fcp ? fcp.startTime : NaN, list: m.list ?? NaN, row: m.row ?? NaN, table: m.table ?? performance.now() };
})()`;

interface Timings { firstContentfulPaintMs: number[]; listMs: number[]; firstRowMs: number[]; teamTableMs: number[] }

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
    // Timestamps taken in the page as each state appears, from before the page's own script runs.
    await page.addInitScript(WATCH);
    const one = async () => {
      await page.goto('about:blank');
      await page.goto(url);
      await page.locator('#team-table[aria-busy="false"]').waitFor({ timeout: 120_000 });
      const filled = await page.locator('#team-table tr[data-loaded]').count();
      if (filled !== patients) throw new Error(`only ${filled} of ${patients} rows were filled`);
      return (await page.evaluate(READ)) as { fcp: number; list: number; row: number; table: number };
    };
    await one(); // the bundle and the browser's first start out of the way
    const cold: Timings = { firstContentfulPaintMs: [], listMs: [], firstRowMs: [], teamTableMs: [] };
    const warm: Timings = { firstContentfulPaintMs: [], listMs: [], firstRowMs: [], teamTableMs: [] };
    const add = (t: Timings, r: Awaited<ReturnType<typeof one>>) => {
      t.firstContentfulPaintMs.push(Math.round(r.fcp));
      t.listMs.push(Math.round(r.list));
      t.firstRowMs.push(Math.round(r.row));
      t.teamTableMs.push(Math.round(r.table));
    };
    for (let i = 0; i < n; i++) {
      api.engine.clearCaches();
      const c = await one();
      add(cold, c);
      const w = await one();
      add(warm, w);
      log(`run ${i + 1}/${n}: cold list ${Math.round(c.list)} ms, first row ${Math.round(c.row)} ms, table ${Math.round(c.table)} ms; warm ${Math.round(w.list)} / ${Math.round(w.row)} / ${Math.round(w.table)} ms`);
    }
    const out: DashboardBenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAtStart: load },
      panel: { patients: panel.patients.length, days, documents: panel.documents, measurements: panel.measurements },
      runs: n,
      cold: { ...cold, p50ListMs: median(cold.listMs), p50FirstRowMs: median(cold.firstRowMs), p50TeamTableMs: median(cold.teamTableMs) },
      warm: { ...warm, p50ListMs: median(warm.listMs), p50FirstRowMs: median(warm.firstRowMs), p50TeamTableMs: median(warm.teamTableMs) },
    };
    await mkdir(RESULTS, { recursive: true });
    const official = patients === 100 && days === 14 && n >= 5;
    await writeFile(new URL(official ? 'dashboard.json' : 'dashboard-trial.json', RESULTS), `${JSON.stringify(out, null, 2)}\n`);
    log(`dashboard, ${patients} patients, p50 cold: list ${out.cold.p50ListMs} ms, first row ${out.cold.p50FirstRowMs} ms, table ${out.cold.p50TeamTableMs} ms; warm: ${out.warm.p50ListMs} / ${out.warm.p50FirstRowMs} / ${out.warm.p50TeamTableMs} ms`);
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
