/**
 * The pod read benchmark's two halves of one window: preparing a month
 * document readable through a rule, and timing authenticated GETs of it with
 * the pod server's CPU counted. bench/pod-reads.ts runs the rounds and
 * reports; the access log's entries are counted here because they are read
 * back the same way.
 */
import { DataFactory } from 'n3';
import { parseAccessLog } from '../apps/shared/access-log.ts';
import { appendQuads } from '../apps/shared/append.ts';
import { healthAclTurtle, type Grantee } from '../apps/shared/health-acl.ts';
import { categoryContainer } from '../apps/shared/measurement/identity.ts';
import { aclUrlOf, putTurtle } from '../pod-server/world/pod-writes.ts';
import type { KindId } from '../vocab/catalogue.ts';
import { NS, RDF, SOSA, XSD, snomedIri } from '../vocab/terms.ts';
import type { TestWorld } from '../test/support/test-world.ts';
import { cpuSeconds } from './process-stats.ts';

const { namedNode, literal, quad } = DataFactory;
/** GETs in flight per window. */
export const CONCURRENCY = 8;
/** Readings in each prepared month document. */
export const READINGS = 60;
const MONTH = '2026-01';

export interface Window {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50ms: number;
  p90ms: number;
  podCpuMsPerGet: number;
  /** 1000 / podCpuMsPerGet: GETs/s one core of pod server could answer. */
  capacity: number;
}

export const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** As hans: the category readable by exactly `grantee` (plus hans and the vendor), with a month document of READINGS readings. */
export async function prepare(world: TestWorld, category: KindId, grantee: Grantee): Promise<string> {
  const hans = await world.fetchAs('hans');
  const pod = world.accounts.hans!.podUrl;
  const container = categoryContainer(pod, category);
  const acl = await aclUrlOf(hans, container);
  const access = { owner: world.accounts.hans!.webId, appenders: { [category]: [world.accounts.vendor!.webId] }, readers: { [category]: [grantee] } };
  await putTurtle(hans, acl, await healthAclTurtle({ kind: 'category', url: container, category }, access, acl));
  const document = `${container}${MONTH}.ttl`;
  const quads = Array.from({ length: READINGS }, (_, i) => {
    const s = namedNode(`${document}#bench-${i}`);
    return [
      quad(s, namedNode(RDF.type), namedNode(SOSA.Observation)),
      quad(s, namedNode(SOSA.observedProperty), namedNode(snomedIri('431314004'))),
      quad(s, namedNode(SOSA.resultTime), literal(new Date(Date.UTC(2026, 0, 1 + (i >> 1), i % 2 ? 18 : 7)).toISOString(), namedNode(XSD.dateTime))),
      quad(s, namedNode(`${NS.sosa}hasSimpleResult`), literal(String(90 + (i % 8)), namedNode(XSD.decimal))),
    ];
  }).flat();
  const outcome = await appendQuads(await world.fetchAs('vendor'), document, quads);
  if (!outcome.ok) throw new Error(`Could not write the bench document ${document}: ${outcome.reason}`);
  return document;
}

/** GETs `url` as `fetchFn` for `seconds` with CONCURRENCY in flight; pod CPU counted until `drainMs` after. */
export async function measure(fetchFn: typeof fetch, url: string, seconds: number, pid: number, drainMs: number, onTick: () => void): Promise<Window> {
  const latencies: number[] = [];
  let errors = 0;
  const cpuStart = await cpuSeconds(pid);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const ticker = setInterval(onTick, 250);
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetchFn(url, { headers: { accept: 'text/turtle' } });
        await response.arrayBuffer();
        if (response.status !== 200) errors += 1;
        else latencies.push(performance.now() - t0);
      } catch {
        errors += 1;
      }
    }
  }));
  clearInterval(ticker);
  const elapsed = (performance.now() - started) / 1000;
  await sleep(drainMs);
  const cpu = (await cpuSeconds(pid)) - cpuStart;
  const requests = latencies.length;
  return {
    requests,
    errors,
    seconds: Number(elapsed.toFixed(2)),
    rps: Number((requests / elapsed).toFixed(1)),
    p50ms: Number(percentile(latencies, 50).toFixed(1)),
    p90ms: Number(percentile(latencies, 90).toFixed(1)),
    podCpuMsPerGet: requests > 0 ? Number(((cpu * 1000) / requests).toFixed(2)) : 0,
    capacity: cpu > 0 ? Number((requests / cpu).toFixed(1)) : 0,
  };
}

export async function countLogEntries(world: TestWorld): Promise<number> {
  const hans = await world.fetchAs('hans');
  const container = `${world.accounts.hans!.podUrl}health/access-log/`;
  const listing = await (await hans(container, { headers: { accept: 'text/turtle' } })).text();
  // The listing names each document several times (ldp:contains, and its size, type and dates).
  const documents = new Set([...listing.matchAll(/<([^>]*\d{4}-\d\d-\d\d\.ttl)>/g)].map(([, name]) => new URL(name!, container).href));
  let count = 0;
  for (const document of documents) {
    const text = await (await hans(document, { headers: { accept: 'text/turtle' } })).text();
    count += parseAccessLog(text, document).length;
  }
  return count;
}
