/**
 * The clinician HTTP API (docs/clinician-queries.md):
 *
 *   GET|POST /sparql            SPARQL 1.1 Protocol; results as JSON, XML, CSV, TSV
 *   GET      /measurements      "kind K for team T (or patient P) between A and B", as JSON
 *   GET      /fhir/Observation  FHIR R4 searchset Bundle, paged; POST /fhir/Observation/_search; GET /fhir/metadata (fhir-routes.ts)
 *   GET      /fhir/Task, /fhir/Communication  the team's tasks and their threads (fhir-tasks.ts)
 *   GET      /teams             the teams of the caller's organisations
 *   GET      /reports/{id}      what a partial answer could not read
 *   POST     /session           client credentials -> bearer token; DELETE to log out (callers.ts)
 *   GET      / (text/html)      the clinician dashboard (../dashboard/routes.ts); the team's tasks (../dashboard/teamwork-routes.ts)
 *
 * Every query runs with the caller's identity (auth.ts, callers.ts), at most
 * `queriesPerCaller` at once per account (caller-limits.ts). Errors are RFC 9457
 * problem+json (OperationOutcome under /fhir). Partial access is always said:
 * `Helsevev-Access: partial`, a Link to the report, `head.link` in SPARQL
 * JSON/XML, `access` in JSON, an OperationOutcome entry in FHIR.
 */
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { KindId } from '../../../vocab/catalogue.ts';
import { apiSecurityHeaders } from '../../shared/http-hardening.ts';
import { sendOperationOutcome } from '../../shared/fhir/outcome.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { LOGIN_RATE_LIMIT, type RateLimit } from '../../shared/rate-limit.ts';
import type { AccessReport, ClinicianQueryEngine, Gathered, QueryAnswer } from '../engine/engine.ts';
import { ParameterError, parseKindList, parsePatient, parseTime } from '../engine/params.ts';
import type { DeclaredScope } from '../engine/plan.ts';
import { MEDIA_TYPE_OF, RESULTS_MEDIA_TYPES, writeBoolean, writeSolutions, type ResultsFormat } from '../engine/results.ts';
import { AUTHENTICATE_HEADER, type Sessions } from './auth.ts';
import { DEFAULT_CALLER_LIMITS, LiveStreams, QuerySlots, type CallerLimits } from './caller-limits.ts';
import { mountCallers } from './callers.ts';
import { methodNotAllowed, one, problemFor, refuseBracketedParameters, send, values } from './edge.ts';
import type { PageTokens } from './fhir-page.ts';
import { mountFhirRoutes } from './fhir-routes.ts';
import { mountFhirTaskRoutes } from './fhir-tasks.ts';
import type { BrowserLogin } from './browser-login.ts';
import type { DashboardBundle } from '../dashboard/build.ts';
import { mountDashboard } from '../dashboard/routes.ts';
import { mountPlanRoutes } from '../dashboard/plan-routes.ts';
import { mountTeamwork } from '../dashboard/teamwork-routes.ts';

export interface ClinicianAppDeps {
  readonly engine: ClinicianQueryEngine;
  readonly sessions: Sessions;
  /** People's login (Solid-OIDC in the browser); absent: /login answers 501. */
  readonly browserLogin?: BrowserLogin;
  /** The dashboard page's bundle (apps/clinician/dashboard); absent: no page, `GET /` is JSON only. */
  readonly dashboard?: Promise<DashboardBundle>;
  /** Reports of partial answers are kept this long; default 15 minutes. */
  readonly reportTtlMs?: number;
  /** Logins per client IP (POST /session, /login, /login/callback share it); default LOGIN_RATE_LIMIT. */
  readonly loginRateLimit?: RateLimit;
  /** What one caller may hold at once; default DEFAULT_CALLER_LIMITS. */
  readonly limits?: CallerLimits;
  /** The open live streams, shared with whoever ends sessions (service.ts); default: the app's own. */
  readonly liveStreams?: LiveStreams;
  /** Sealer of FHIR page tokens (tests: a second app sharing none of the key); default: the app's own. */
  readonly pageTokens?: PageTokens;
}

const GRAPH_MEDIA_TYPES = ['text/turtle', 'application/n-triples', 'application/n-quads', 'application/ld+json', 'application/trig'];
const SPARQL_QUERY = 'application/sparql-query';
const SPARQL_UPDATE = 'application/sparql-update';
const FORM = 'application/x-www-form-urlencoded';

interface Report {
  readonly webId: string;
  readonly expires: number;
  readonly body: Record<string, unknown>;
}

export function createClinicianApp(deps: ClinicianAppDeps): express.Express {
  const { engine, sessions } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  app.use(apiSecurityHeaders);
  app.use(refuseBracketedParameters);
  const limits = deps.limits ?? DEFAULT_CALLER_LIMITS;
  const querySlots = new QuerySlots(limits.queriesPerCaller);
  const identify = mountCallers(app, {
    sessions, querySlots, loginRateLimit: deps.loginRateLimit ?? LOGIN_RATE_LIMIT, ...(deps.browserLogin ? { browserLogin: deps.browserLogin } : {}),
  });
  const reports = new Map<string, Report>();
  const reportTtl = deps.reportTtlMs ?? 15 * 60_000;

  const base = (req: Request) => `${req.protocol}://${req.get('host')}`;

  const scopeHeaders = (res: Response, req: Request, g: Gathered, webId: string) => {
    const s = g.scope;
    res.set('helsevev-scope', `team=${g.team.name}; kinds=${s.kinds.join(',')}; from=${s.from.toISOString()}; to=${s.to.toISOString()}; basis=kinds:${s.basis.kinds},time:${s.basis.time}`);
    res.set('helsevev-access', g.access.complete ? 'complete' : 'partial');
    res.set('helsevev-requests', String(g.stats.requests));
    if (g.access.complete) return [];
    const id = randomBytes(12).toString('base64url');
    const now = Date.now();
    for (const [k, r] of reports) if (r.expires < now) reports.delete(k);
    reports.set(id, { webId, expires: now + reportTtl, body: reportBody(g) });
    const url = `${base(req)}/reports/${id}`;
    res.set('helsevev-unreadable', String(g.access.unreadable.length));
    res.append('link', `<${url}>; rel="describedby"; type="application/json"`);
    return [url];
  };

  const reportBody = (g: Gathered) => ({ team: g.team.name, scope: scopeJson(g), access: g.access });

  // ------------------------------------------------------------------ dashboard (docs/dashboard.md)
  if (deps.dashboard) {
    const dashboardDeps = {
      engine, identify, bundle: deps.dashboard,
      liveStreams: deps.liveStreams ?? new LiveStreams(limits.liveStreamsPerSession), queryDone: (req: Request) => querySlots.release(req),
    };
    mountDashboard(app, dashboardDeps);
    mountTeamwork(app, dashboardDeps);
    mountPlanRoutes(app, { engine, identify });
  }

  // ------------------------------------------------------------------ index
  app.get('/', (req, res) => {
    res.json({
      service: 'Helsevev clinician queries',
      docs: 'docs/clinician-queries.md',
      endpoints: {
        sparql: `${base(req)}/sparql?team={team}&query={SPARQL}`,
        measurements: `${base(req)}/measurements?team={team}&kind={kind}&from={from}&to={to}`,
        fhir: `${base(req)}/fhir/Observation?subject={WebID}&code={code}&date=ge{date}`,
        teams: `${base(req)}/teams`,
        session: `${base(req)}/session`,
        login: `${base(req)}/login`,
      },
      authentication: 'Authorization: Basic base64(clientId:clientSecret), or Bearer <token from POST /session>, or a browser login at /login',
    });
  });

  // ------------------------------------------------------------------ teams
  app.get('/teams', async (req, res) => {
    const session = await identify(req);
    const teams = await engine.teams(session);
    res.json({ webId: session.webId, teams: teams.map(({ patients, identifiers: _ids, ...t }) => ({ ...t, ...(patients ? { patients: patients.length } : {}) })) });
  });

  app.get('/reports/:id', async (req, res) => {
    const session = await identify(req);
    const report = reports.get(req.params.id!);
    // Someone else's report is as unknown as an expired one.
    if (!report || report.expires < Date.now() || report.webId !== session.webId) return send(res, problem(404, 'unknown-report', 'No such report', 'reports of partial answers are kept 15 minutes; run the query again'));
    res.json(report.body);
  });

  // ------------------------------------------------------------------ SPARQL
  const sparql = async (req: Request, res: Response) => {
    const type = req.method === 'POST' ? (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() : '';
    if (type === SPARQL_UPDATE || values(req.body, 'update').length > 0 || values(req.query, 'update').length > 0) {
      return send(res, problem(403, 'update-refused', 'SPARQL UPDATE is not allowed',
        'the clinician API only reads; a patient\'s data is changed only by the patient and their devices'));
    }
    if (req.method === 'POST' && type !== SPARQL_QUERY && type !== FORM) {
      return send(res, problem(415, 'unsupported-media-type', 'Unsupported content type',
        `send the query as ${SPARQL_QUERY}, or as ${FORM} with query=...; got ${type || 'no Content-Type'}`));
    }
    const params = type === FORM ? { ...req.query, ...(req.body as object) } : req.query;
    if (values(params, 'default-graph-uri').length + values(params, 'named-graph-uri').length > 0) {
      return send(res, problem(400, 'operation-refused', 'default-graph-uri and named-graph-uri are not allowed',
        'the dataset is always the team\'s pods (each month document is a named graph: use GRAPH ?g)'));
    }
    const text = type === SPARQL_QUERY ? String(req.body ?? '') : one(params, 'query');
    const session = await identify(req);
    const parsed = await engine.parse(text ?? '');
    const formats = parsed.form === 'select' ? Object.keys(RESULTS_MEDIA_TYPES)
      : parsed.form === 'ask' ? ['application/sparql-results+json', 'application/sparql-results+xml']
        : GRAPH_MEDIA_TYPES;
    const wanted = req.accepts([...formats, 'application/json']);
    if (!wanted) {
      return send(res, problem(406, 'not-acceptable', 'No acceptable result format',
        `a ${parsed.form.toUpperCase()} answer can be ${formats.join(', ')}; got Accept: ${req.get('accept')}`));
    }
    const team = one(params, 'team');
    if (!team) throw new ParameterError('team', 'team: say which team\'s patients to query (team=oppfolgingsteam-a); see GET /teams');
    const patient = one(params, 'patient');
    const answer = await engine.query(session, {
      team,
      ...(patient ? { patient: parsePatient('patient', patient) } : {}),
      query: parsed,
      declared: declaredScope(params),
    });
    const links = scopeHeaders(res, req, answer, session.webId);
    res.set('cache-control', 'no-store');
    if (parsed.form === 'select' || parsed.form === 'ask') {
      const format: ResultsFormat = wanted === 'application/json' ? 'json' : RESULTS_MEDIA_TYPES[wanted]!;
      if (parsed.form === 'ask') {
        return res.type(MEDIA_TYPE_OF[format]).send(writeBoolean(await engine.boolean(answer), format as 'json' | 'xml', links));
      }
      const { vars, rows } = await engine.solutions(answer);
      return res.type(MEDIA_TYPE_OF[format]).send(writeSolutions(vars, rows, format, links));
    }
    const mediaType = wanted === 'application/json' ? 'application/ld+json' : wanted;
    res.type(mediaType).send(await engine.graph(answer as QueryAnswer, mediaType));
  };
  app.get('/sparql', sparql);
  app.post('/sparql', express.text({ type: [SPARQL_QUERY, SPARQL_UPDATE], limit: '200kb' }), express.urlencoded({ extended: false, limit: '200kb' }), sparql);
  app.all('/sparql', methodNotAllowed(['GET', 'POST']));

  // ------------------------------------------------------------------ JSON measurements
  app.get('/measurements', async (req, res) => {
    const session = await identify(req);
    const team = one(req.query, 'team');
    if (!team) throw new ParameterError('team', 'team: say which team (team=oppfolgingsteam-a); see GET /teams');
    const patient = one(req.query, 'patient');
    const declared = declaredScope(req.query);
    const answer = await engine.measurements(session, {
      team, ...(patient ? { patient: parsePatient('patient', patient) } : {}), ...declared,
    });
    scopeHeaders(res, req, answer, session.webId);
    // author: the writer the pod server attested, null when not verified; claimedAuthor: dct:creator when it differs.
    const marksOf = (iri: string) => answer.marks.filter((m) => m.measurement === iri)
      .map(({ reason, author, claimedAuthor, created }) => ({ reason, author: author ?? null, ...(claimedAuthor ? { claimedAuthor } : {}), created }));
    res.set('cache-control', 'no-store').json({
      team: answer.team.name,
      scope: scopeJson(answer),
      access: answer.access,
      count: answer.measurements.length,
      measurements: answer.measurements.map((m) => ({ ...m, unreliable: marksOf(m.iri) })),
      ...(answer.problems.length > 0 ? { problems: answer.problems } : {}),
      stats: answer.stats,
    });
  });

  // ------------------------------------------------------------------ FHIR (fhir-routes.ts)
  mountFhirRoutes(app, { engine, identify, scopeHeaders, ...(deps.pageTokens ? { pageTokens: deps.pageTokens } : {}) });
  mountFhirTaskRoutes(app, { engine, identify });

  app.use((req: Request, res: Response) => {
    if (req.path.startsWith('/fhir/')) {
      return sendOperationOutcome(res, problem(404, 'not-found', 'Not found',
        `nothing at ${req.method} ${req.path.slice(0, 100)}; this server supports GET /fhir/Observation?subject=..., POST /fhir/Observation/_search, GET /fhir/Task, GET /fhir/Communication?based-on=Task/{id} and GET /fhir/metadata`, { fhirIssueCode: 'not-supported' }));
    }
    send(res, problem(404, 'not-found', 'Not found', `nothing at ${req.method} ${req.path.slice(0, 200)}; see GET / for the endpoints`));
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const p = problemFor(error);
    // FHIR routes answer OperationOutcome for every domain error; an unexpected one stays problem+json.
    if (req.path.startsWith('/fhir/') && error instanceof ProblemError) {
      if (p.status === 401) res.set('www-authenticate', AUTHENTICATE_HEADER);
      return sendOperationOutcome(res, p);
    }
    send(res, p);
  });
  return app;
}

/** from, to, kind parameters (declared scope). */
function declaredScope(params: unknown): DeclaredScope & { kinds?: KindId[] } {
  const now = new Date();
  const from = one(params, 'from');
  const to = one(params, 'to');
  const kinds = parseKindList('kind', values(params, 'kind'));
  return {
    ...(from ? { from: parseTime('from', from, now, 'start') } : {}),
    ...(to ? { to: parseTime('to', to, now, 'end') } : {}),
    ...(kinds.length > 0 ? { kinds } : {}),
  };
}

function scopeJson(g: Gathered) {
  return { kinds: g.scope.kinds, from: g.scope.from.toISOString(), to: g.scope.to.toISOString(), notes: g.scope.notes, basis: g.scope.basis };
}

export function accessSummary(access: AccessReport): string {
  return access.unreadable.map((u) => `${u.patient}${u.category ? ` ${u.category}` : ''}: ${u.reason}`).join('; ');
}

