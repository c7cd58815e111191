/**
 * The clinician query engine: SPARQL over the pods of a team's patients, with
 * the clinician's own credentials.
 *
 *   team list -> patients' profiles (pim:storage) -> plan (kinds x months)
 *   -> fetch exactly those documents (bounded, ETag-revalidated)
 *   -> one in-memory dataset (a named graph per document) -> Comunica
 *
 * Comunica evaluates over that dataset only: its `fetch` refuses every
 * request, and SERVICE / FROM / UPDATE are refused before planning, so a query
 * can never make the server fetch anything outside the team's pods. What
 * could not be read (403, unreachable, invalid) is reported per patient and
 * category in `access`, never silently dropped and never failing the whole
 * query.
 */
import { QueryEngine } from '@comunica/query-sparql';
import type { QueryType } from '@comunica/types';
import type * as RDF from '@rdfjs/types';
import type { AsyncIterator } from 'asynciterator';
import { Store, type Quad } from 'n3';
import { DataFactory } from 'n3';
import type { KindId } from '../../../vocab/catalogue.ts';
import { SOSA } from '../../../vocab/terms.ts';
import { quadsToMeasurements, quadsToShownMarks, type ShownMark, type StoredMeasurement } from '../../shared/measurement/index.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { DocumentCache, DocumentFetcher, type DocumentStatus, type FetchedDocument, type FetchStats } from './documents.ts';
import { checkPlanSize, DEFAULT_LIMITS, planDocuments, resolveScope, type DeclaredScope, type PlannedDocument, type Scope, type ScopeLimits } from './plan.ts';
import { aboutItself, ownFacts } from './own-facts.ts';
import { podOf, PodServers, ProfileCache, ProfileError, readProfile, type ProfileReader } from './profiles.ts';
import { rowOf, type Row } from './results.ts';
import { queryNeeds, refusedOperation, type AlgebraNode, type QueryForm, type QueryNeeds } from './scope.ts';
import { listTeams, resolveTeam, type Clinician, type Team } from './team.ts';
import type { AccessReport, ClinicianEngineOptions, Gathered, ParsedQuery, Progress, QueryAnswer, QueryStats, Target, Unreadable } from './types.ts';

export type { Clinician } from './team.ts';
export type * from './types.ts';

const refuseFetch = (async (input: RequestInfo | URL) => {
  throw new Error(`the clinician query engine fetches nothing a query names (${String(input).slice(0, 100)})`);
}) as typeof fetch;

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

/** Trims Chevrotain's long "expecting one of ..." lists to what a person needs: where, and what was found. */
function syntaxMessage(message: string): string {
  const lines = message.split('\n');
  const cut = lines.findIndex((l) => l.startsWith('Expecting'));
  const head = (cut > 0 ? lines.slice(0, cut) : lines.slice(0, 4)).join('\n').trim();
  const found = lines.find((l) => l.startsWith('but found'));
  return found ? `${head}\n${found}` : head;
}

export class ClinicianQueryEngine {
  private readonly comunica = new QueryEngine();
  private readonly servers: PodServers;
  private readonly profiles: ProfileCache;
  private readonly cache: DocumentCache | undefined;
  private readonly limits: ScopeLimits;
  private readonly now: () => Date;
  private readonly maxResultRows: number;
  private readonly queryTimeoutMs: number;

  constructor(private readonly options: ClinicianEngineOptions) {
    this.servers = new PodServers(options.podServers);
    this.profiles = options.profileCache ?? new ProfileCache();
    this.cache = options.documentCache === false ? undefined : (options.documentCache ?? new DocumentCache());
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? (() => new Date());
    this.maxResultRows = options.maxResultRows ?? 100_000;
    this.queryTimeoutMs = options.queryTimeoutMs ?? 20_000;
  }

  /** Forgets every cached document and profile (the next query is cold). */
  clearCaches(): void {
    this.cache?.clear();
    this.profiles.clear();
  }

  /** Parses and checks a query: problem details for malformed SPARQL, UPDATE, SERVICE and FROM. */
  async parse(text: string, now = this.now()): Promise<ParsedQuery> {
    if (typeof text !== 'string' || text.trim() === '') {
      throw new ProblemError(problem(400, 'missing-query', 'No query', 'send a SPARQL query (parameter "query", or the body as application/sparql-query)'));
    }
    if (text.length > 100_000) {
      throw new ProblemError(problem(413, 'query-too-long', 'The query is too long', `a query may have at most 100,000 characters, not ${text.length}`));
    }
    let algebra: AlgebraNode;
    try {
      const explained = await this.comunica.explain(text, { sources: [new Store()], fetch: refuseFetch }, 'parsed');
      algebra = explained.data as unknown as AlgebraNode;
    } catch (error) {
      throw new ProblemError(problem(400, 'malformed-query', 'The SPARQL query is not valid', syntaxMessage((error as Error).message)));
    }
    const refused = refusedOperation(algebra);
    if (refused) {
      throw new ProblemError(problem(refused.operation === 'update' ? 403 : 400, refused.operation === 'update' ? 'update-refused' : 'operation-refused',
        `${refused.operation} is not allowed`, refused.why));
    }
    const needs = queryNeeds(algebra, now);
    return { text, algebra, form: needs.form, needs };
  }

  /** The teams of the clinician's organisations (and whether they may read each). */
  teams(clinician: Clinician) {
    return listTeams(clinician, { profiles: this.profileReader() });
  }

  /** A public profile (cached like the patients' ones; only on the configured pod servers). */
  publicProfile(webId: string): Promise<readonly Quad[]> {
    return readProfile(webId, this.profileReader());
  }

  private profileReader(stats?: FetchStats): ProfileReader {
    return {
      servers: this.servers,
      cache: this.profiles,
      countRequest: stats ? (notModified) => { stats.requests += 1; if (notModified) stats.notModified += 1; } : undefined,
    };
  }

  /** Fetches what `needs` (+ `declared`) cover for the target: team, pods, planned documents. */
  async gather(clinician: Clinician, target: Target, needs: Pick<QueryNeeds, 'kinds' | 'time' | 'notes'>, declared: DeclaredScope = {}, now = this.now()): Promise<Gathered> {
    const started = performance.now();
    const scope = resolveScope(needs, declared, now, this.limits);
    const fetchStats: FetchStats = { requests: 0, notModified: 0, bytes: 0, ms: 0 };
    target.onProgress?.({ phase: 'team' });
    const team = await resolveTeam(clinician, target.team, { profiles: this.profileReader(fetchStats), cache: this.cache, stats: fetchStats });

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
    // Every document speaks only about itself (own-facts.ts): the list, the profiles, the planned documents.
    store.addQuads(aboutItself(team.quads, team.url).map((q) => DataFactory.quad(q.subject, q.predicate, q.object, graph(team.url))));

    // Patients' pods from their public profiles. One pool of `concurrency`
    // workers does both: a patient's documents are fetched as soon as their
    // pod is known (documents first), so finding pods overlaps fetching.
    const unreadable: Unreadable[] = [];
    const concurrency = this.options.concurrency ?? 12;
    const perPod = planDocuments([{ webId: 'urn:example:patient', storage: 'http://example.org/' }], scope, now).length;
    checkPlanSize(perPod * patients.length, patients.length, scope, this.options.maxDocuments ?? 5000);
    const fetcher = new DocumentFetcher<PlannedDocument>({
      fetch: clinician.fetch,
      cache: this.cache,
      groupOf: (d) => ({ category: `${d.patient} ${d.role === 'notes' ? 'notes' : d.kind}`, pod: d.patient }),
    });
    const queue: PlannedDocument[] = [];
    const fetched: { doc: PlannedDocument; result: FetchedDocument }[] = [];
    const waiting: (() => void)[] = [];
    const wake = () => waiting.splice(0).forEach((w) => w());
    let nextPatient = 0;
    let profilesInFlight = 0;
    let profilesDone = 0;
    let discoveryMs = 0;
    const worker = async () => {
      for (;;) {
        const doc = queue.shift();
        if (doc) {
          fetched.push({ doc, result: await fetcher.fetch(doc) });
          target.onProgress?.({ phase: 'documents', done: fetched.length, total: Math.max(fetched.length + queue.length, perPod * patients.length) });
          continue;
        }
        if (nextPatient < patients.length) {
          const webId = patients[nextPatient++]!;
          profilesInFlight += 1;
          try {
            const { pod, profile } = await podOf(webId, this.profileReader(fetchStats));
            const document = webId.replace(/#.*$/, '');
            store.addQuads(aboutItself(profile, document).map((q) => DataFactory.quad(q.subject, q.predicate, q.object, graph(document))));
            queue.push(...planDocuments([pod], scope, now));
          } catch (error) {
            if (!(error instanceof ProfileError)) throw error;
            unreadable.push({ patient: webId, reason: error.reason, ...(error.httpStatus ? { httpStatus: error.httpStatus } : {}), detail: error.message });
          } finally {
            profilesInFlight -= 1;
            if (++profilesDone === patients.length) discoveryMs = Math.round(performance.now() - started);
            target.onProgress?.({ phase: 'profiles', done: profilesDone, total: patients.length });
            wake();
          }
          continue;
        }
        if (profilesInFlight === 0) return;
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
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

  /** Runs a SPARQL query over the target's pods. */
  async query(clinician: Clinician, target: Target & { readonly query: string | ParsedQuery; readonly declared?: DeclaredScope }): Promise<QueryAnswer> {
    const started = performance.now();
    const now = this.now();
    const parsed = typeof target.query === 'string' ? await this.parse(target.query, now) : target.query;
    const gathered = await this.gather(clinician, target, parsed.needs, target.declared, now);
    target.onProgress?.({ phase: 'query' });
    const queryStarted = performance.now();
    const result = await this.comunica.query(parsed.algebra as never, {
      sources: [gathered.store],
      unionDefaultGraph: true,
      fetch: refuseFetch,
      queryTimestamp: now,
    } as never);
    gathered.stats.queryMs = Math.round(performance.now() - queryStarted);
    gathered.stats.totalMs = Math.round(performance.now() - started);
    return { ...gathered, form: parsed.form, result };
  }

  /** The solutions of a SELECT answer: variables in order, and rows (at most maxResultRows, within queryTimeoutMs). */
  async solutions(answer: QueryAnswer): Promise<{ vars: string[]; rows: Row[] }> {
    if (answer.result.resultType !== 'bindings') throw new Error(`not a SELECT answer (${answer.result.resultType})`);
    const metadata = await answer.result.metadata();
    // RDF/JS says Variable[]; Comunica's internal metadata wraps them as { variable, canBeUndef }.
    const vars = (metadata.variables as unknown as (RDF.Variable | { variable: RDF.Variable })[]).map((v) => ('variable' in v ? v.variable.value : v.value));
    const rows: Row[] = [];
    await this.bounded((await answer.result.execute()) as unknown as AsyncIterator<RDF.Bindings>, (b) => {
      rows.push(rowOf(b as unknown as Iterable<[RDF.Variable, RDF.Term]>));
      return rows.length <= this.maxResultRows;
    }, `more than ${this.maxResultRows.toLocaleString('en')} rows`);
    return { vars, rows };
  }

  /** The value of an ASK answer (within queryTimeoutMs). */
  async boolean(answer: QueryAnswer): Promise<boolean> {
    if (answer.result.resultType !== 'boolean') throw new Error(`not an ASK answer (${answer.result.resultType})`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.tooExpensive(`no answer within ${this.queryTimeoutMs / 1000} s`)), this.queryTimeoutMs);
    });
    try {
      return await Promise.race([answer.result.execute(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A CONSTRUCT or DESCRIBE answer as RDF text in `mediaType` (text/turtle, application/n-triples, ...), written by Comunica. */
  async graph(answer: QueryAnswer, mediaType: string): Promise<string> {
    if (answer.result.resultType !== 'quads') throw new Error(`not a graph answer (${answer.result.resultType})`);
    const quads = await answer.result.execute();
    let count = 0;
    const capped = quads.filter(() => ++count <= this.maxResultRows + 1);
    const { data } = await this.comunica.resultToString({ ...answer.result, execute: async () => capped } as never, mediaType);
    const chunks: string[] = [];
    await this.bounded(data as unknown as AsyncIterator<Buffer | string>, (chunk) => {
      chunks.push(chunk.toString());
      return count <= this.maxResultRows;
    }, `more than ${this.maxResultRows.toLocaleString('en')} triples`, () => quads.destroy());
    return chunks.join('');
  }

  private tooExpensive(why: string): ProblemError {
    return new ProblemError(problem(422, 'query-too-expensive', 'The query is too expensive',
      `the query gave ${why}; add a LIMIT, join the patterns on shared variables, or narrow the time range`,
      { maxResultRows: this.maxResultRows, queryTimeoutSeconds: this.queryTimeoutMs / 1000 }));
  }

  /**
   * Consumes `stream` until it ends, `take` returns false (too many results) or
   * queryTimeoutMs passes; then destroys it (which stops Comunica's joins) and
   * throws a 422 problem. One query must not take the service's memory or its
   * one thread.
   */
  private bounded<T>(stream: AsyncIterator<T> | NodeJS.ReadableStream, take: (item: T) => boolean, tooMany: string, cleanup?: () => void): Promise<void> {
    const s = stream as unknown as { on(e: string, f: (x: never) => void): void; destroy(e?: Error): void };
    return new Promise<void>((resolve, reject) => {
      let done = false;
      const finish = (error?: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (error) {
          s.destroy();
          cleanup?.();
          reject(error);
        } else {
          resolve();
        }
      };
      const timer = setTimeout(() => finish(this.tooExpensive(`no complete answer within ${this.queryTimeoutMs / 1000} s`)), this.queryTimeoutMs);
      s.on('data', (item: never) => {
        if (!done && !take(item)) finish(this.tooExpensive(tooMany));
      });
      s.on('end', () => finish());
      s.on('error', (error: Error) => finish(error));
      // An empty answer can be done before we listen (Comunica 5.4): it never says 'end' then.
      if ((stream as { done?: boolean }).done) finish();
    });
  }

  /** The measurements (typed, through the one mapping) of `kinds` between from and to, with unreliable marks. */
  async measurements(
    clinician: Clinician,
    target: Target & { readonly kinds?: readonly KindId[]; readonly from?: Date; readonly to?: Date },
  ): Promise<Gathered & { measurements: StoredMeasurement[]; marks: ShownMark[]; problems: { iri: string; problem: string }[] }> {
    const gathered = await this.gather(clinician, target, { notes: true }, { kinds: target.kinds, from: target.from, to: target.to });
    const measurements: StoredMeasurement[] = [];
    const problems: { iri: string; problem: string }[] = [];
    const marks: ShownMark[] = [];
    for (const { doc, quads } of gathered.documents) {
      if (quads.length === 0) continue;
      if (doc.role === 'notes') {
        marks.push(...quadsToShownMarks(quads));
        continue;
      }
      const parsed = quadsToMeasurements(quads);
      problems.push(...parsed.problems);
      for (const m of parsed.measurements) {
        if (m.patient !== doc.patient) problems.push({ iri: m.iri, problem: `is about ${m.patient}, but stored in the pod of ${doc.patient}` });
        else measurements.push(m);
      }
    }
    measurements.sort((a, b) => a.patient.localeCompare(b.patient) || Date.parse(a.effectiveTime) - Date.parse(b.effectiveTime) || a.iri.localeCompare(b.iri));
    const ids = new Set(measurements.map((m) => m.iri));
    return { ...gathered, measurements, marks: marks.filter((m) => ids.has(m.measurement)), problems };
  }
}
