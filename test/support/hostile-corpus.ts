/**
 * The hostile-input corpus (issue #9): malformed and hostile requests against
 * every HTTP endpoint of ours — the gateway (JSON, FHIR, enrolments, reading
 * status), the clinician API (SPARQL, FHIR, measurements, dashboard, reports,
 * sessions) — plus the consent page's writes to the pod (hostile decisions
 * through planDecisions/carryOut, and raw PUT/PATCH bodies to consent/ and
 * .acl documents as the patient and as others).
 *
 * Deterministic: hand-written templates expanded with a seeded PRNG
 * (apps/shared/prng.ts), so the same seed gives the same payloads, in the
 * same order, with the same ids. Every payload must be refused with a 4xx and
 * change nothing; the test (test/integration/hostile-input.test.ts) checks it.
 */
import { seededRandom } from '../../apps/shared/prng.ts';
import type { CorpusBuilder, CorpusContext, DecisionPayload, HostilePayload, HttpPayload } from './hostile-corpus-kit.ts';
import { clinicianPayloads } from './hostile-corpus-clinician.ts';
import { gatewayPayloads } from './hostile-corpus-gateway.ts';
import { consentPayloads, podWritePayloads } from './hostile-corpus-pod.ts';

export { INJECTIONS, type CorpusContext, type DecisionPayload, type HostilePayload, type HttpPayload, type PayloadKind, type Sender } from './hostile-corpus-kit.ts';

export const HOSTILE_SEED = 0x9e57;

/** The whole corpus: the sections in a fixed order, drawing from one PRNG, so ids and payloads depend on the seed only. */
export function hostileCorpus(ctx: CorpusContext, seed = HOSTILE_SEED): HostilePayload[] {
  const random = seededRandom(seed);
  const out: HostilePayload[] = [];
  const counters = new Map<string, number>();
  const add = (p: Omit<HttpPayload, 'id'> | Omit<DecisionPayload, 'id'>) => {
    const n = (counters.get(p.endpoint) ?? 0) + 1;
    counters.set(p.endpoint, n);
    const slug = p.endpoint.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
    out.push({ ...p, id: `${slug}-${String(n).padStart(3, '0')}` } as HostilePayload);
  };
  const builder: CorpusBuilder = { ctx, random, add };
  for (const section of [gatewayPayloads, clinicianPayloads, consentPayloads, podWritePayloads]) section(builder);
  return out;
}

/** Counts per key (for the report). */
export function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
