/**
 * Gathering: everything a query may read, fetched with the clinician's own
 * credentials into one in-memory dataset (a named graph per document).
 *
 *   team list -> patients' profiles (pim:storage) -> plan (kinds x months)
 *   -> fetch exactly those documents (bounded, ETag-revalidated)
 *
 * What could not be read (403, unreachable, invalid) is reported per patient
 * and category in `access`, never silently dropped and never failing the
 * whole query. Every document speaks only about itself (ownFacts, plan.ts).
 */
import { DataFactory, Store, type Quad } from 'n3';
import { SOSA } from '../../../vocab/terms.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { runPool } from '../../shared/work-pool.ts';
import { DocumentFetcher, type DocumentCache, type FetchedDocument, type FetchStats } from './documents.ts';
import { aboutItself, checkPlanSize, ownFacts, planDocuments, resolveScope, type DeclaredScope, type PlannedDocument, type ScopeLimits } from './plan.ts';
import { podOf, ProfileError, type ProfileReader } from './profiles.ts';
import type { QueryNeeds } from './scope.ts';
import { resolveTeam, type Clinician } from './team.ts';
import type { Gathered, Target, Unreadable } from './types.ts';

/** What gathering uses of the engine: its caches, limits and clock. */
export interface GatherContext {
  readonly cache: DocumentCache | undefined;
  readonly limits: ScopeLimits;
  /** Requests in flight (profiles and documents together). */
  readonly concurrency: number;
  readonly maxDocuments: number;
  readonly now: () => Date;
  profileReader(stats?: FetchStats): ProfileReader;
}

/** Drops observations outside [from, to] (and their results): the window the answer states it covers. */
export function withinWindow(quads: readonly Quad[], from: Date, to: Date): readonly Quad[] {
  const drop = new Set<string>();
  const lo = from.getTime();
  const hi = to.getTime();
  for (const q of quads) {
    if (q.predicate.value !== SOSA.resultTime) continue;
    const t = Date.parse(q.object.value);
    if (!(t >= lo && t <= hi)) drop.add(q.subject.value);
  }
  if (drop.size === 0) return quads;
  for (const q of quads) {
    if (q.predicate.value === SOSA.hasResult && drop.has(q.subject.value)) drop.add(q.object.value);
  }
  return quads.filter((q) => !drop.has(q.subject.value));
}

/** Fetches what `needs` (+ `declared`) cover for the target: team, pods, planned documents. */
export async function gather(
  engine: GatherContext,
  clinician: Clinician,
  target: Target,
  needs: Pick<QueryNeeds, 'kinds' | 'time' | 'notes'>,
  declared: DeclaredScope = {},
  now = engine.now(),
): Promise<Gathered> {
  const started = performance.now();
  const scope = resolveScope(needs, declared, now, engine.limits);
  const fetchStats: FetchStats = { requests: 0, notModified: 0, bytes: 0, ms: 0 };
  target.onProgress?.({ phase: 'team' });
  const team = await resolveTeam(clinician, target.team, { profiles: engine.profileReader(fetchStats), cache: engine.cache, stats: fetchStats });

  let patients = team.patients;
  if (target.patient !== undefined) {
    if (!team.patients.includes(target.patient)) {
      throw new ProblemError(problem(404, 'unknown-patient', 'Not a patient of this team',
        `${target.patient.slice(0, 200)} is not on the patient list of ${team.name}; the list has ${team.patients.length} patients (GET /teams/${team.name})`));
    }
    patients = [target.patient];
  }

  const store = new Store();
  const graph = (url: string) => DataFactory.namedNode(url);
  // Every document speaks only about itself (ownFacts, plan.ts): the list, the profiles, the planned documents.
  store.addQuads(aboutItself(team.quads, team.url).map((q) => DataFactory.quad(q.subject, q.predicate, q.object, graph(team.url))));

  // Patients' pods from their public profiles. One pool of `concurrency`
  // workers does both: a patient's documents are fetched as soon as their
  // pod is known (documents first), so finding pods overlaps fetching.
  const unreadable: Unreadable[] = [];
    const perPod = planDocuments([{ webId: 'urn:example:patient', storage: 'http://example.org/' }], scope, now).length;
  checkPlanSize(perPod * patients.length, patients.length, scope, engine.maxDocuments);
  const fetcher = new DocumentFetcher<PlannedDocument>({
    fetch: clinician.fetch,
    cache: engine.cache,
    groupOf: (d) => ({ category: `${d.patient} ${d.role === 'notes' ? 'notes' : d.kind}`, pod: d.patient }),
  });
  const queue: PlannedDocument[] = [];
  const fetched: { doc: PlannedDocument; result: FetchedDocument }[] = [];
  let nextPatient = 0;
  let profilesDone = 0;
  let discoveryMs = 0;
  const readPod = async (webId: string) => {
    try {
      const { pod, profile } = await podOf(webId, engine.profileReader(fetchStats));
      const document = webId.replace(/#.*$/, '');
      store.addQuads(aboutItself(profile, document).map((q) => DataFactory.quad(q.subject, q.predicate, q.object, graph(document))));
      queue.push(...planDocuments([pod], scope, now));
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
      unreadable.push({ patient: webId, reason: error.reason, ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}), detail: error.message });
    } finally {
      if (++profilesDone === patients.length) discoveryMs = Math.round(performance.now() - started);
      target.onProgress?.({ phase: 'profiles', done: profilesDone, total: patients.length });
    }
  };
  const readDocument = async (doc: PlannedDocument) => {
    fetched.push({ doc, result: await fetcher.fetch(doc) });
    target.onProgress?.({ phase: 'documents', done: fetched.length, total: Math.max(fetched.length + queue.length, perPod * patients.length) });
  };
  // Documents first, then the next patient's profile; while profiles are being read the pool waits for what they queue.
  const next = (): { doc: PlannedDocument } | { webId: string } | undefined => {
    const doc = queue.shift();
    if (doc) return { doc };
    return nextPatient < patients.length ? { webId: patients[nextPatient++]! } : undefined;
  };
  await runPool(engine.concurrency, next, (item) => ('doc' in item ? readDocument(item.doc) : readPod(item.webId)));
  const fetchMs = Math.round(performance.now() - started);
  fetched.sort((a, b) => a.doc.url.localeCompare(b.doc.url));

  const documents = fetched.map(({ doc, result: r }) => {
    const quads = ownFacts(doc, r.status === 'read' && doc.role === 'measurements' ? withinWindow(r.quads, scope.from, scope.to) : r.quads);
    return { doc, status: r.status, quads, result: r };
  });
  let quadCount = 0;
  for (const { doc, quads } of documents) {
    if (quads.length === 0) continue;
    const g = graph(doc.url);
    for (const q of quads) store.addQuad(q.subject, q.predicate, q.object, g);
    quadCount += quads.length;
  }

  // One entry per (patient, category) that could not be read, with the first reason seen.
  const seen = new Set<string>();
  for (const { doc, result } of documents) {
    if (['read', 'not-found', 'skipped'].includes(result.status)) continue;
    const category = doc.role === 'notes' ? 'notes' : doc.kind;
    const key = `${doc.patient} ${category}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unreadable.push({
      patient: doc.patient,
      category,
      reason: result.status as Unreadable['reason'],
      ...(result.httpStatus ? { httpStatus: result.httpStatus } : {}),
      ...(result.detail ? { detail: result.detail } : {}),
    });
  }
  unreadable.sort((a, b) => a.patient.localeCompare(b.patient) || (a.category ?? '').localeCompare(b.category ?? ''));

  const categoriesPerPatient = scope.kinds.length + (scope.notes ? 1 : 0);
  const problemsOf = (p: string) => unreadable.filter((u) => u.patient === p);
  const wholly = patients.filter((p) => problemsOf(p).some((u) => u.category === undefined) || new Set(problemsOf(p).map((u) => u.category)).size >= categoriesPerPatient);
  const partly = patients.filter((p) => !wholly.includes(p) && problemsOf(p).length > 0);

  const read = documents.filter((d) => d.status === 'read').length;
  const stats = fetcher.stats;
  return {
    team: { name: team.name, url: team.url, organisation: team.organisation, patients, ...(team.displayName ? { displayName: team.displayName } : {}) },
    scope,
    access: {
      complete: unreadable.length === 0,
      patients: { total: patients.length, read: patients.length - wholly.length - partly.length, partly: partly.length, unreadable: wholly.length },
      unreadable,
    },
    stats: {
      requests: fetchStats.requests + stats.requests,
      notModified: fetchStats.notModified + stats.notModified,
      bytes: fetchStats.bytes + stats.bytes,
      planned: documents.length,
      read,
      quads: quadCount,
      discoveryMs,
      fetchMs,
      queryMs: 0,
      totalMs: Math.round(performance.now() - started),
    },
    store,
    documents: documents.map(({ doc, status, quads }) => ({ doc, status, quads })),
    now,
  };
}
