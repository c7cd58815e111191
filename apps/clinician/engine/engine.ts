/**
 * The clinician query engine: SPARQL over the pods of a team's patients, with
 * the clinician's own credentials.
 *
 *   parse and check the query -> gather the documents it needs (gather.ts)
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
import type * as RDF from '@rdfjs/types';
import type { AsyncIterator } from 'asynciterator';
import { Store, type Quad } from 'n3';
import type { KindId } from '../../../vocab/catalogue.ts';
import { quadsToMeasurements, quadsToShownMarks, type ShownMark, type StoredMeasurement } from '../../shared/measurement/index.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { DocumentCache, type FetchStats } from './documents.ts';
import { gather, type GatherContext } from './gather.ts';
import { DEFAULT_LIMITS, type DeclaredScope, type ScopeLimits } from './plan.ts';
import { PodServers, ProfileCache, podOf, readProfile, type ProfileReader } from './profiles.ts';
import { rowOf, type Row } from './results.ts';
import { queryNeeds, refusedOperation, type AlgebraNode, type QueryNeeds } from './scope.ts';
import { listTeams, type Clinician } from './team.ts';
import type { ClinicianEngineOptions, Gathered, ParsedQuery, QueryAnswer, Target } from './types.ts';

export type { Clinician } from './team.ts';
export type * from './types.ts';
export { withinWindow } from './gather.ts';

const refuseFetch = (async (input: RequestInfo | URL) => {
  throw new Error(`the clinician query engine fetches nothing a query names (${String(input).slice(0, 100)})`);
}) as typeof fetch;

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
  private readonly gatherContext: GatherContext;

  constructor(private readonly options: ClinicianEngineOptions) {
    this.servers = new PodServers(options.podServers);
    this.profiles = options.profileCache ?? new ProfileCache();
    this.cache = options.documentCache === false ? undefined : (options.documentCache ?? new DocumentCache());
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.now = options.now ?? (() => new Date());
    this.maxResultRows = options.maxResultRows ?? 100_000;
    this.queryTimeoutMs = options.queryTimeoutMs ?? 20_000;
    this.gatherContext = {
      cache: this.cache,
      limits: this.limits,
      concurrency: options.concurrency ?? 12,
      maxDocuments: options.maxDocuments ?? 5000,
      now: this.now,
      profileReader: (stats) => this.profileReader(stats),
    };
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

  /** The pod (pim:storage) a WebID's profile names, on a pod server this service reads. */
  async podOf(webId: string): Promise<string> {
    return (await podOf(webId, this.profileReader())).pod.storage;
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
  gather(clinician: Clinician, target: Target, needs: Pick<QueryNeeds, 'kinds' | 'time' | 'notes'>, declared: DeclaredScope = {}, now = this.now()): Promise<Gathered> {
    return gather(this.gatherContext, clinician, target, needs, declared, now);
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
