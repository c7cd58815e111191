/**
 * Reading and writing a patient's self-treatment plans in their pod, with
 * whatever session the caller has (the patient's on the consent page, a
 * clinician's in the dashboard's service): the pod's ACL decides. Reading
 * lists `health/plans/`, reads its documents and keeps what shownPlans
 * (plan-rdf.ts) may show; writing is one insert-only N3 Patch to a new
 * version's document (the one write path, append.ts), which the pod server
 * stamps with the writer. Never follows a redirect; never writes anywhere
 * but the patient's own plans/ under the storage the caller found.
 */
import { Parser, type Quad } from 'n3';
import { NS } from '../../../vocab/terms.ts';
import { appendQuads, type AppendOutcome } from '../append.ts';
import { noRedirects } from '../same-origin.ts';
import type { SelfTreatmentPlan } from './plan.ts';
import { planDocument, plansContainer, planToQuads, shownPlans, type PlansSeen } from './plan-rdf.ts';

/** At most this many versions are read (the newest by name: names start with the kind and the time). */
export const MAX_PLAN_DOCUMENTS = 50;

export type PlansRead =
  | ({ readonly status: 'read' } & PlansSeen)
  /** plans/ does not exist (a pod made before plans) or is not readable by this caller. */
  | { readonly status: 'none' | 'forbidden' | 'failed'; readonly httpStatus?: number };

async function turtleOf(fetchFn: typeof fetch, url: string): Promise<{ status: number; quads?: Quad[] }> {
  const response = await fetchFn(url, noRedirects({ headers: { accept: 'text/turtle' }, signal: AbortSignal.timeout(15_000) }));
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    return { status: response.status };
  }
  return { status: response.status, quads: new Parser({ baseIRI: url }).parse(await response.text()) };
}

/** The patient's plans as they may be shown: the current one per kind, and the documents set aside as not verified. */
export async function readPlans(fetchFn: typeof fetch, storage: string, patient: string): Promise<PlansRead> {
  const container = plansContainer(storage);
  let listing: Awaited<ReturnType<typeof turtleOf>>;
  try {
    listing = await turtleOf(fetchFn, container);
  } catch {
    return { status: 'failed' };
  }
  if (!listing.quads) {
    const status = listing.status === 404 ? 'none' : listing.status === 401 || listing.status === 403 ? 'forbidden' : 'failed';
    return { status, httpStatus: listing.status };
  }
  const documents = listing.quads
    .filter((q) => q.subject.value === container && q.predicate.value === `${NS.ldp}contains` && q.object.value.startsWith(container))
    .map((q) => q.object.value)
    .filter((url) => url.endsWith('.ttl') && !url.slice(container.length).includes('/'))
    .sort()
    .reverse();
  const kinds = new Map<string, string[]>();
  for (const url of documents) {
    const kind = url.slice(container.length).replace(/-\d{8}T\d{6}-[0-9a-f]+\.ttl$/, '');
    kinds.set(kind, [...(kinds.get(kind) ?? []), url]);
  }
  // The newest documents of each kind first, so one busy kind cannot push another's plan out.
  const chosen = [...kinds.values()].flatMap((urls) => urls.slice(0, Math.max(1, Math.floor(MAX_PLAN_DOCUMENTS / kinds.size))));
  const read = new Map<string, Quad[]>();
  try {
    for (const [url, result] of await Promise.all(chosen.map(async (url) => [url, await turtleOf(fetchFn, url)] as const))) {
      if (result.quads) read.set(url, result.quads);
    }
  } catch {
    return { status: 'failed' };
  }
  return { status: 'read', ...shownPlans(read, patient) };
}

/** Writes `plan` as a new version in the patient's plans/ (the pod server attests the writer). */
export async function writePlan(fetchFn: typeof fetch, storage: string, plan: SelfTreatmentPlan): Promise<{ document: string; outcome: AppendOutcome }> {
  const document = planDocument(storage, plan);
  return { document, outcome: await appendQuads(fetchFn, document, planToQuads(plan, document)) };
}
