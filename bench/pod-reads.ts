/**
 * Pod read benchmark: authenticated GETs/s of one month document through an
 * acl:agentGroup rule vs. an acl:agent rule, on three pod servers in the same
 * run: stock CSS group checks (each request fetches the group document), our
 * cached group checker, and our cached checker with the access log on.
 *
 *   npm run bench -- pod-reads        (or: tsx bench/pod-reads.ts [--seconds 4] [--rounds 3])
 *
 * Each server gets a fresh demo world; as hans, body-temperature is granted
 * to lunde's WebID (acl:agent) and oxygen-saturation to the lung team
 * (acl:agentGroup, lunde a member), with same-sized month documents (60
 * readings). lunde then GETs one or the other with 8 requests in flight
 * (real client-credentials session, DPoP proof per request). Rounds
 * interleave the servers and rules, so a busy machine affects all alike;
 * reported: the median of the rounds. Pod CPU per GET (from /proc) is counted
 * until 1.5 s after each window so the access log's writes are included;
 * 1000 / (CPU ms per GET) is the pod server's capacity in GETs/s on one core,
 * a figure other processes on a shared machine disturb far less than GETs/s.
 *
 * Writes bench/results/pod-reads.json and the "Pod reads" section of
 * docs/benchmarks.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { progressBar } from '../apps/simulator/progress.ts';
import type { PodServerOptions } from '../pod-server/start.ts';
import { demoGroup, groupIriOf } from '../pod-server/world/demo-world.ts';
import type { KindId } from '../vocab/catalogue.ts';
import { startTestWorld, type TestWorld } from '../test/support/test-world.ts';
import { writeDocsSection } from './docs-section.ts';
import { CONCURRENCY, countLogEntries, measure, median, prepare, READINGS, type Window } from './pod-reads-measure.ts';

const RESULTS = new URL('./results/', import.meta.url);

type VariantName = 'stock' | 'cached' | 'cached+log';
type RuleName = 'agent' | 'group';

const VARIANTS: { name: VariantName; label: string; options: Pick<PodServerOptions, 'accessLog' | 'groupCache'> }[] = [
  { name: 'stock', label: 'stock CSS group check, no access log', options: { groupCache: false, accessLog: false } },
  { name: 'cached', label: 'cached group check, no access log', options: { groupCache: true, accessLog: false } },
  { name: 'cached+log', label: 'cached group check, access log on', options: { groupCache: true, accessLog: true } },
];
const RULES: { name: RuleName; category: KindId }[] = [
  { name: 'agent', category: 'body-temperature' },
  { name: 'group', category: 'oxygen-saturation' },
];

export interface PodReadsResult {
  benchmark: 'pod-reads';
  date: string;
  machine: { cpus: number; model: string; loadAtStart: number[]; loadAtEnd: number[] };
  setup: { concurrency: number; secondsPerWindow: number; rounds: number; readingsPerDocument: number };
  /** variant -> rule -> median over rounds. */
  results: Record<VariantName, Record<RuleName, Window & { roundsRps: number[] }>>;
  ratios: {
    /** Group-rule GETs/s over direct-agent GETs/s, per variant (measured, and from pod CPU). */
    groupVsAgent: Record<VariantName, number>;
    groupVsAgentCapacity: Record<VariantName, number>;
    /** Group-rule GETs/s with the cache over stock CSS. */
    cacheSpeedup: number;
    /** Throughput lost to the access log (1 - with/without), per rule (measured, and from pod CPU). */
    accessLogCost: Record<RuleName, number>;
    accessLogCostCapacity: Record<RuleName, number>;
  };
  /** Entries in hans' log on the access-log server after the run, and the reads that should have made them. */
  accessLog: { entries: number; reads: number };
}

function markdown(r: PodReadsResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const goal = (ok: boolean) => (ok ? 'met' : '**not met**');
  const row = (v: (typeof VARIANTS)[number]) => {
    const a = r.results[v.name].agent;
    const g = r.results[v.name].group;
    const range = (w: { roundsRps: number[] }) => `${Math.min(...w.roundsRps)}-${Math.max(...w.roundsRps)}`;
    return `| ${v.label} | ${a.rps} / ${g.rps} | ${range(a)} / ${range(g)} | ${pct(r.ratios.groupVsAgent[v.name])} | ${a.p50ms} / ${g.p50ms} | ` +
      `${a.podCpuMsPerGet} / ${g.podCpuMsPerGet} | ${a.capacity} / ${g.capacity} | ${pct(r.ratios.groupVsAgentCapacity[v.name])} |`;
  };
  const groupGap = 1 - r.ratios.groupVsAgentCapacity.cached;
  const logCost = Math.max(r.ratios.accessLogCostCapacity.agent, r.ratios.accessLogCostCapacity.group);
  return [
    '## Pod reads: group rules and the access log',
    '',
    `\`npm run bench -- pod-reads\` (bench/pod-reads.ts), ${r.date.slice(0, 16).replace('T', ' ')} UTC, ${r.machine.cpus} cores ` +
      `(${r.machine.model}), load average ${r.machine.loadAtStart[0]} at start and ${r.machine.loadAtEnd[0]} at the end. ` +
      `lunde GETs one month document of hans' (${r.setup.readingsPerDocument} readings) with ${r.setup.concurrency} in flight, ` +
      'through an `acl:agent` rule (body-temperature) or an `acl:agentGroup` rule (oxygen-saturation, the lung team). ' +
      `Three pod servers in one run, ${r.setup.rounds} interleaved rounds of ${r.setup.secondsPerWindow} s per server and rule; ` +
      'medians of the rounds. Capacity = 1000 / pod CPU ms per GET: what one core of pod server answers, less disturbed than ' +
      'GETs/s by other processes on a shared machine. Raw figures: bench/results/pod-reads.json.',
    '',
    '| pod server | GETs/s (agent / group) | rounds\' GETs/s, min-max | group / agent | p50 ms (agent / group) | pod CPU ms per GET (agent / group) | capacity GETs/s (agent / group) | group / agent, capacity |',
    '|---|---|---|---|---|---|---|---|',
    ...VARIANTS.map(row),
    '',
    `- Group-rule reads with our cache: ${pct(r.ratios.groupVsAgentCapacity.cached)} of direct-agent capacity ` +
      `(${pct(r.ratios.groupVsAgent.cached)} measured); stock CSS: ${pct(r.ratios.groupVsAgentCapacity.stock)} ` +
      `(${pct(r.ratios.groupVsAgent.stock)} measured). Goal, within 10 %: ${goal(groupGap <= 0.1)}. ` +
      `Group reads are ${r.ratios.cacheSpeedup.toFixed(2)}x as fast as with stock CSS.`,
    `- The access log costs ${pct(r.ratios.accessLogCostCapacity.agent)} (agent rule) and ${pct(r.ratios.accessLogCostCapacity.group)} ` +
      `(group rule) of capacity; measured GETs/s: ${pct(r.ratios.accessLogCost.agent)} and ${pct(r.ratios.accessLogCost.group)}. ` +
      `Goal, under 10 %: ${goal(logCost < 0.1)}.` +
      ` ${r.accessLog.entries} entries in hans' log for ${r.accessLog.reads} reads by lunde on that server.`,
    '',
  ].join('\n');
}

export async function runPodReadsBenchmark(options: { seconds?: number; rounds?: number; writeDocs?: boolean } = {}): Promise<PodReadsResult> {
  const seconds = options.seconds ?? 3;
  const rounds = options.rounds ?? 7;
  const log = (line: string) => console.error(line);
  const loadAtStart = loadavg().map((x) => Number(x.toFixed(2)));

  const worlds = new Map<VariantName, { world: TestWorld; urls: Record<RuleName, string> }>();
  try {
    for (const variant of VARIANTS) {
      const started = performance.now();
      const world = await startTestWorld({ podServer: variant.options });
      const lungeteam = groupIriOf(world.baseUrl, demoGroup('lungeteam'));
      const urls = {
        agent: await prepare(world, 'body-temperature', { agent: world.accounts.lunde!.webId }),
        group: await prepare(world, 'oxygen-saturation', { group: lungeteam }),
      };
      worlds.set(variant.name, { world, urls });
      log(`pod server "${variant.name}" (${variant.label}) ready on ${world.baseUrl} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }

    // Warm-up: logins, token checks, caches, JIT.
    const reads = new Map<VariantName, number>();
    const count = (variant: VariantName, window: Window) => reads.set(variant, (reads.get(variant) ?? 0) + window.requests + window.errors);
    for (const variant of VARIANTS) {
      const { world, urls } = worlds.get(variant.name)!;
      const lunde = await world.fetchAs('lunde');
      for (const rule of RULES) {
        const response = await lunde(urls[rule.name]);
        if (response.status !== 200) throw new Error(`lunde cannot read ${urls[rule.name]} on "${variant.name}": HTTP ${response.status}`);
        await response.arrayBuffer();
        reads.set(variant.name, (reads.get(variant.name) ?? 0) + 1);
        count(variant.name, await measure(lunde, urls[rule.name], 2, world.server.pid, 0, () => {}));
      }
    }

    const windows = new Map<string, Window[]>();
    const total = rounds * VARIANTS.length * RULES.length;
    const bar = progressBar('pod reads');
    let done = 0;
    for (let round = 0; round < rounds; round++) {
      for (const variant of round % 2 ? [...VARIANTS].reverse() : VARIANTS) {
        const { world, urls } = worlds.get(variant.name)!;
        const lunde = await world.fetchAs('lunde');
        for (const rule of round % 2 ? [...RULES].reverse() : RULES) {
          const text = `round ${round + 1}: ${variant.name}, ${rule.name} rule`;
          const startedAt = performance.now();
          const window = await measure(lunde, urls[rule.name], seconds, world.server.pid, 1_500, () =>
            bar.update(done, total, `${text} (${((performance.now() - startedAt) / 1000).toFixed(0)}/${seconds} s)`));
          if (window.errors > 0) log(`\n${text}: ${window.errors} requests failed`);
          count(variant.name, window);
          const key = `${variant.name}/${rule.name}`;
          windows.set(key, [...(windows.get(key) ?? []), window]);
          done += 1;
          bar.update(done, total, `${text}: ${window.rps} GETs/s`);
        }
      }
    }
    bar.finish('done');

    const results = {} as PodReadsResult['results'];
    for (const variant of VARIANTS) {
      results[variant.name] = {} as Record<RuleName, Window & { roundsRps: number[] }>;
      for (const rule of RULES) {
        const list = windows.get(`${variant.name}/${rule.name}`)!;
        const pick = (f: (w: Window) => number) => Number(median(list.map(f)).toFixed(2));
        results[variant.name][rule.name] = {
          requests: list.reduce((n, w) => n + w.requests, 0),
          errors: list.reduce((n, w) => n + w.errors, 0),
          seconds: pick((w) => w.seconds),
          rps: pick((w) => w.rps),
          p50ms: pick((w) => w.p50ms),
          p90ms: pick((w) => w.p90ms),
          podCpuMsPerGet: pick((w) => w.podCpuMsPerGet),
          capacity: pick((w) => w.capacity),
          roundsRps: list.map((w) => w.rps),
        };
      }
    }
    const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
    const perVariant = (f: (v: VariantName) => number) => Object.fromEntries(VARIANTS.map((v) => [v.name, f(v.name)])) as Record<VariantName, number>;
    const perRule = (f: (r: RuleName) => number) => Object.fromEntries(RULES.map((r) => [r.name, f(r.name)])) as Record<RuleName, number>;
    const result: PodReadsResult = {
      benchmark: 'pod-reads',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAtStart, loadAtEnd: loadavg().map((x) => Number(x.toFixed(2))) },
      setup: { concurrency: CONCURRENCY, secondsPerWindow: seconds, rounds, readingsPerDocument: READINGS },
      results,
      ratios: {
        groupVsAgent: perVariant((v) => ratio(results[v].group.rps, results[v].agent.rps)),
        groupVsAgentCapacity: perVariant((v) => ratio(results[v].group.capacity, results[v].agent.capacity)),
        cacheSpeedup: ratio(results.cached.group.rps, results.stock.group.rps),
        accessLogCost: perRule((rule) => Number((1 - results['cached+log'][rule].rps / results.cached[rule].rps).toFixed(3))),
        accessLogCostCapacity: perRule((rule) => Number((1 - results['cached+log'][rule].capacity / results.cached[rule].capacity).toFixed(3))),
      },
      accessLog: { entries: await countLogEntries(worlds.get('cached+log')!.world), reads: reads.get('cached+log') ?? 0 },
    };

    await mkdir(RESULTS, { recursive: true });
    await writeFile(new URL('pod-reads.json', RESULTS), `${JSON.stringify(result, null, 2)}\n`);
    const section = markdown(result);
    if (options.writeDocs !== false) await writeDocsSection('pod-reads', section);
    log(`\n${section}`);
    return result;
  } finally {
    for (const { world } of worlds.values()) await world.stop().catch(() => {});
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, rounds: { type: 'string' }, 'no-docs': { type: 'boolean' } } });
  runPodReadsBenchmark({
    seconds: values.seconds ? Number(values.seconds) : undefined,
    rounds: values.rounds ? Number(values.rounds) : undefined,
    writeDocs: !values['no-docs'],
  }).catch((error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  });
}
