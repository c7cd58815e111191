/**
 * Where a gateway's one thread spends its time, from a V8 CPU profile
 * (`node --cpu-prof`, e.g. BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"
 * with bench/ingest.ts): every sample charged to one part of the work by
 * the frames on its stack, and the busy stretches (samples without idle
 * between them) a request arriving would have to wait behind.
 *
 *   tsx bench/cpu-profile-split.ts FILE.cpuprofile [--from US --to US] [--readings N]
 *
 * --from/--to (CLOCK_MONOTONIC µs, the ingest result's runs[i].paced.monotonicUs)
 * cut the profile to a phase; --readings divides by the readings in it.
 * A diagnostic: reads the profile, writes nothing.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { percentile } from '../apps/simulator/stats.ts';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

/**
 * The parts, by the innermost frame of a sample's stack (its url and function) that one of them matches
 * (in this order when several match that frame): the body parser runs inside the credential middleware's
 * next(), SHACL inside intake, so the innermost known frame is what the thread was doing.
 */
const PARTS: [string, RegExp][] = [
  ['SHACL validation', /shacl-engine|shapes\/validate|grapoi|@rdfjs\/(term-set|term-map)/],
  ['credential check + scope', /apps\/gateway\/auth\/|apps\/gateway\/pairing\/(store|secrets)/],
  ['delivery (patch, n3, HTTP to pod, DPoP)', /apps\/gateway\/delivery|apps\/shared\/(append|n3-patch|pod-session)|solid-client-authn|node_modules\/jose|undici|vocab\/labels/],
  ['outbox (records, write, fdatasync call)', /apps\/gateway\/outbox\//],
  ['mapping + intake (parse, IRIs, quads)', /apps\/shared\/measurement|apps\/gateway\/(intake|accept)\.ts|vocab\/|apps\/shared\/fhir/],
  ['express + body parsing + response', /node_modules\/(express|body-parser|raw-body|router|finalhandler|on-finished|send|content-type|type-is|qs|iconv-lite)|apps\/gateway\/http\/|apps\/shared\/(http|problem)/],
  ['node http/net (sockets, parser)', /^node:(_http|http|net|stream|internal\/(http|streams|stream_base))|_http_/],
];

export interface Split {
  seconds: number;
  busySeconds: number;
  /** ms of the thread per part (and per reading when `readings` is given). */
  parts: { part: string; ms: number; msPerReading?: number; share: number }[];
  stretches: { count: number; p50Ms: number; p99Ms: number; maxMs: number; over20Ms: number; over40Ms: number; longest: { ms: number; parts: Record<string, number> }[] };
}

export function splitProfile(profile: Profile, window: { from?: number; to?: number } = {}, readings?: number): Split {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const partOf = new Map<number, string>();
  const classify = (id: number): string => {
    const known = partOf.get(id);
    if (known) return known;
    const leaf = byId.get(id)!.callFrame.functionName;
    let part: string | undefined;
    if (leaf === '(garbage collector)') part = 'garbage collection';
    else if (leaf === '(idle)') part = 'idle';
    else if (leaf === '(program)') part = 'V8/native, unattributed';
    else {
      for (let at: number | undefined = id; at !== undefined && part === undefined; at = parent.get(at)) {
        const f = byId.get(at)!.callFrame;
        part = PARTS.find(([, pattern]) => pattern.test(`${f.url} ${f.functionName}`))?.[0];
      }
      part ??= 'other JavaScript';
    }
    partOf.set(id, part);
    return part;
  };
  const ms = new Map<string, number>();
  const stretches: { ms: number; parts: Map<string, number> }[] = [];
  let current: { ms: number; parts: Map<string, number> } | undefined;
  let time = profile.startTime;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i]!;
    const duration = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if ((window.from !== undefined && time < window.from) || (window.to !== undefined && time > window.to)) continue;
    total += duration;
    const part = classify(profile.samples[i]!);
    ms.set(part, (ms.get(part) ?? 0) + duration);
    if (part === 'idle') {
      if (current) stretches.push(current);
      current = undefined;
      continue;
    }
    current ??= { ms: 0, parts: new Map() };
    current.ms += duration;
    current.parts.set(part, (current.parts.get(part) ?? 0) + duration);
  }
  if (current) stretches.push(current);
  const busy = total - (ms.get('idle') ?? 0);
  const lengths = stretches.map((s) => s.ms);
  const r = (x: number, d = 1) => Number(x.toFixed(d));
  return {
    seconds: r(total / 1000, 2),
    busySeconds: r(busy / 1000, 2),
    parts: [...ms].filter(([part]) => part !== 'idle').sort((a, b) => b[1] - a[1]).map(([part, t]) => ({
      part, ms: r(t), ...(readings ? { msPerReading: r(t / readings, 3) } : {}), share: r(t / busy, 3),
    })),
    stretches: {
      count: stretches.length, p50Ms: r(percentile(lengths, 50)), p99Ms: r(percentile(lengths, 99)), maxMs: r(Math.max(0, ...lengths)),
      over20Ms: lengths.filter((l) => l > 20).length, over40Ms: lengths.filter((l) => l > 40).length,
      longest: [...stretches].sort((a, b) => b.ms - a.ms).slice(0, 5).map((s) => ({
        ms: r(s.ms), parts: Object.fromEntries([...s.parts].sort((a, b) => b[1] - a[1]).map(([p, t]) => [p, r(t)])),
      })),
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, readings: { type: 'string' } } });
  if (positionals.length !== 1) throw new Error('usage: tsx bench/cpu-profile-split.ts FILE.cpuprofile [--from US --to US] [--readings N]');
  const profile = JSON.parse(await readFile(positionals[0]!, 'utf8')) as Profile;
  const split = splitProfile(profile, { from: values.from ? Number(values.from) : undefined, to: values.to ? Number(values.to) : undefined }, values.readings ? Number(values.readings) : undefined);
  console.log(JSON.stringify(split, null, 2));
}
