/**
 * The clinician API's FHIR R4 routes (docs/clinician-queries.md "FHIR search"):
 *
 *   GET  /fhir/metadata              CapabilityStatement
 *   GET  /fhir/Observation?...       searchset Bundle, one page
 *   POST /fhir/Observation/_search   the same search, parameters in a form body (and the URL)
 *
 * A search runs with the caller's identity over the team's pods like every
 * other answer (engine.measurements), then is ordered by effective time and
 * id and cut into pages (fhir-page.ts). The parameters are read by fhir.ts,
 * the patient found by fhir-patients.ts. Errors are OperationOutcome (app.ts's
 * error handler). These routes never write and never look a patient
 * identifier up outside the caller's own team lists.
 */
import express, { type Request, type Response } from 'express';
import { fhirIdOf } from '../../shared/fhir/export.ts';
import { FHIR_JSON, sendOperationOutcome } from '../../shared/fhir/outcome.ts';
import { problem } from '../../shared/problem.ts';
import type { StoredMeasurement } from '../../shared/measurement/index.ts';
import type { ClinicianQueryEngine, Gathered } from '../engine/engine.ts';
import type { Identify } from './callers.ts';
import { capabilityStatement, observationBundle, parseObservationSearch, wantsStrictHandling, type ObservationSearch } from './fhir.ts';
import { compareKeys, pageOf, PageTokens, type PageCursor, type PageKey } from './fhir-page.ts';
import { searchTarget, type SearchTarget } from './fhir-patients.ts';

export interface FhirRoutesDeps {
  readonly engine: ClinicianQueryEngine;
  readonly identify: Identify;
  /** Sets the Helsevev-Scope/-Access headers (and files a report of a partial answer). */
  readonly scopeHeaders: (res: Response, req: Request, g: Gathered, webId: string) => unknown;
  /** Page tokens; default: this app's own (a new key per process). */
  readonly pageTokens?: PageTokens;
}

const FORM = 'application/x-www-form-urlencoded';

const keyOf = (m: StoredMeasurement): PageKey => ({ time: Date.parse(m.effectiveTime), id: fhirIdOf(m.iri) });

export function mountFhirRoutes(app: express.Express, deps: FhirRoutesDeps): void {
  const { engine, identify } = deps;
  const tokens = deps.pageTokens ?? new PageTokens();
  const fhirBase = (req: Request) => `${req.protocol}://${req.get('host')}/fhir`;

  app.get('/fhir/metadata', (req, res) => {
    res.type(FHIR_JSON).send(JSON.stringify(capabilityStatement(fhirBase(req))));
  });

  const search = async (req: Request, res: Response, params: URLSearchParams) => {
    const session = await identify(req);
    const parsed = parseObservationSearch(params, { strict: wantsStrictHandling(req.get('prefer')) });
    const used = new URLSearchParams(parsed.used as [string, string][]).toString();
    // A page token opens only for this caller and this very search (fhir-page.ts).
    const binding = `${session.webId}\n${used}`;
    const cursor = parsed.page !== undefined ? tokens.open(binding, parsed.page) : undefined;
    const url = (extra: Record<string, string>) => {
      const q = new URLSearchParams(parsed.used as [string, string][]);
      for (const [k, v] of Object.entries(extra)) q.append(k, v);
      return `${fhirBase(req)}/Observation?${q.toString()}`;
    };
    const self = url({ ...(params.has('_count') ? { _count: String(parsed.count) } : {}), ...(parsed.page !== undefined ? { _page: parsed.page } : {}) });

    const needsTeams = parsed.identifier !== undefined || parsed.team === undefined;
    const target: SearchTarget = needsTeams ? searchTarget(parsed, await engine.teams(session)) : searchTarget(parsed, []);
    res.set('cache-control', 'no-store').type(FHIR_JSON);
    if (target === 'none') {
      const empty = observationBundle([], [], { complete: true, patients: { total: 0, read: 0, partly: 0, unreadable: 0 }, unreadable: [] }, self, { total: 0, ignored: parsed.ignored });
      return res.send(JSON.stringify(empty));
    }
    const answer = await engine.measurements(session, windowed(parsed, target, cursor));
    deps.scopeHeaders(res, req, answer, session.webId);
    const sorted = [...answer.measurements].sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
    const page = pageOf(sorted, keyOf, parsed.count, cursor);
    // Later pages keep the first page's window, so "the last 30 days" does not move while someone pages.
    const pinned = { from: cursor?.from ?? answer.scope.from, to: cursor?.to ?? answer.scope.to };
    const link = (direction: PageCursor['direction'], item: StoredMeasurement) =>
      url({ _count: String(parsed.count), _page: tokens.seal(binding, { direction, key: keyOf(item), ...pinned }) });
    const bundle = observationBundle(page.items, answer.marks, answer.access, {
      self,
      ...(page.hasNext ? { next: link('after', page.items.at(-1)!) } : {}),
      ...(page.hasPrevious ? { previous: link('before', page.items[0]!) } : {}),
    }, { total: sorted.length, ignored: parsed.ignored });
    res.send(JSON.stringify(bundle));
  };

  const queryOf = (req: Request) => new URLSearchParams(req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '');

  app.get('/fhir/Observation', (req, res) => search(req, res, queryOf(req)));
  app.post('/fhir/Observation/_search', express.text({ type: FORM, limit: '20kb' }), (req, res) => {
    const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const hasBody = typeof req.body === 'string' && req.body.length > 0;
    if (type !== FORM && (type !== '' || Number(req.get('content-length') ?? 0) > 0)) {
      return sendOperationOutcome(res, problem(415, 'unsupported-media-type', 'Unsupported content type',
        `send the search parameters as ${FORM}; got ${type || 'a body with no Content-Type'}`, { fhirIssueCode: 'not-supported' }));
    }
    // FHIR: the parameters may be in the URL and in the body; both count.
    const params = queryOf(req);
    if (hasBody) for (const [k, v] of new URLSearchParams(req.body as string)) params.append(k, v);
    return search(req, res, params);
  });
}

/** The engine target of a search: the team, the patient, the kinds, and the window (a later page's pinned one). */
function windowed(search: ObservationSearch, target: Exclude<SearchTarget, 'none'>, cursor?: PageCursor) {
  const from = cursor?.from ?? search.from;
  const to = cursor?.to ?? search.to;
  return {
    team: target.team, ...(target.patient ? { patient: target.patient } : {}),
    ...(search.kinds ? { kinds: search.kinds } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
  };
}
