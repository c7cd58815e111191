/**
 * The gateway's HTTP API (described in apps/gateway/openapi.json). Readings
 * are validated in full, then stored in the durable outbox, and only then
 * acknowledged with 202 Accepted: delivery to the pods happens afterwards and
 * its progress can be asked for by id. Every error is RFC 9457 problem+json.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express, { type NextFunction, type Request, type Response } from 'express';
import { apiSecurityHeaders } from '../../shared/http-hardening.ts';
import { problemHandler, sendProblem } from '../../shared/http-errors.ts';
import { invalidInput, problem } from '../../shared/problem.ts';
import { ENROLMENT_RATE_LIMIT, rateLimit, type RateLimit } from '../../shared/rate-limit.ts';
import { isWithin } from '../../shared/same-origin.ts';
import type { Delivery } from '../delivery.ts';
import { gatewayEdge, type EdgeOptions } from './edge.ts';
import { platformRoutes, type PlatformRoutesDeps } from './platform-routes.ts';
import { LatencyWindow } from '../metrics.ts';
import { acceptReadings, readingsFromFhir, readingsFromJson, type IntakeContext } from '../intake.ts';
import type { EntryStatus, Outbox, SettledState } from '../outbox/outbox.ts';
import { discoverStorage, EnrolmentError, parseEnrolmentRequest, type EnrolmentRegistry } from '../registry.ts';

export interface GatewayAppDeps {
  /** Host allow-list, CORS, proxy trust (edge.ts); startGateway always gives it. */
  readonly edge?: EdgeOptions & { allowedHosts: () => ReadonlySet<string> };
  /** POST /patients/lookup for platforms (platform-routes.ts). */
  readonly platformLookup?: PlatformRoutesDeps;
  readonly outbox: Outbox;
  readonly delivery: Delivery;
  readonly registry: EnrolmentRegistry;
  readonly intake: IntakeContext;
  /** Largest request body; default 2 MB. */
  readonly bodyLimit?: string;
  /** Finds a WebID's pod at enrolment (the public profile's pim:storage). */
  readonly discoverStorage?: (webId: string) => Promise<string>;
  readonly startedAt: Date;
  /** POST /enrolments per client IP (each makes the gateway fetch a profile); default ENROLMENT_RATE_LIMIT. */
  readonly enrolmentRateLimit?: RateLimit;
  /**
   * Pod servers (base URLs) whose patients may be enrolled: the gateway fetches
   * a WebID's profile only there, and delivers only to pods there. Absent: any.
   */
  readonly podServers?: readonly string[];
}

export const OPENAPI_PATH = new URL('../openapi.json', import.meta.url);

const READING_ID = /^[0-9a-f]{24}$/;
const STATES = ['pending', 'delivered', 'refused', 'failed'] as const;

/** Answers 415 unless the body is one of `types` (before the body is parsed). */
function requireContentType(types: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.is(types)) return next();
    sendProblem(res, problem(415, 'unsupported-media-type', 'Unsupported content type',
      `send the body as ${types.join(' or ')} (got ${req.get('content-type') ?? 'no Content-Type'})`));
  };
}

function methodNotAllowed(allowed: string[]) {
  return (req: Request, res: Response) => {
    res.set('allow', allowed.join(', '));
    sendProblem(res, problem(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not allowed on ${req.path}; use ${allowed.join(' or ')}`));
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The event loop's delay since the last call (p50, p99, max ms): how busy the gateway's one thread is. */
function eventLoopMonitor(): () => { p50: number; p99: number; max: number } {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return () => {
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    const summary = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) };
    histogram.reset();
    return summary;
  };
}

export function createGatewayApp(deps: GatewayAppDeps): express.Express {
  const loopDelay = eventLoopMonitor();
  const { outbox, delivery, registry } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(apiSecurityHeaders);
  if (deps.edge?.behindTlsProxy) app.set('trust proxy', 'loopback');
  if (deps.edge) app.use(gatewayEdge(deps.edge));
  if (deps.platformLookup) app.use(platformRoutes(deps.platformLookup));
  const openapi = readFileSync(OPENAPI_PATH, 'utf8');
  const jsonBody = (types: string[]) => [
    requireContentType(types),
    express.json({ type: types, limit: deps.bodyLimit ?? '2mb', strict: true }),
  ];

  /** The state a client sees: pending readings whose document is backing off are `retrying`. */
  const describe = (s: EntryStatus) => {
    const doc = s.state === 'pending' ? delivery.documentState(s.document) : undefined;
    const retrying = doc !== undefined && doc.failures > 0;
    return {
      id: s.id,
      state: retrying ? 'retrying' : s.state,
      document: s.document,
      acceptedAt: iso(s.acceptedAt),
      ...(s.settledAt ? { settledAt: iso(s.settledAt) } : {}),
      ...(s.status && s.state !== 'delivered' ? { httpStatus: s.status } : {}),
      ...(s.reason ? { reason: s.reason } : {}),
      ...(retrying ? { attempts: doc.failures, lastError: doc.lastError, nextAttemptAt: iso(doc.nextAttemptAt) } : {}),
    };
  };

  // From the parsed body to the 202: validation and the outbox flush only.
  const processing = new LatencyWindow();
  const intakeDeps = { outbox, intake: deps.intake, processing };

  // Acknowledgement time as the gateway sees it: from the request's headers to the last byte of the 202.
  const acknowledgements = new LatencyWindow();
  app.use((_req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.once('finish', () => {
      if (res.statusCode === 202) acknowledgements.record(performance.now() - started);
    });
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', vendor: deps.intake.vendorWebId, startedAt: deps.startedAt.toISOString() });
  });
  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });

  app.post('/readings', ...jsonBody(['application/json']), acceptReadings(readingsFromJson, intakeDeps));
  app.get('/readings', (req, res) => {
    const state = String(req.query.state ?? 'refused');
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 100) || 100));
    if (!(STATES as readonly string[]).includes(state)) {
      return sendProblem(res, invalidInput([{ field: 'state', message: `must be one of ${STATES.join(', ')}` }], 'unknown state'));
    }
    const list = state === 'pending'
      ? outbox.pendingEntries().slice(0, limit).map((e) => outbox.status(e.id)!)
      : outbox.settledEntries(state as SettledState, limit);
    res.json({ state, readings: list.map(describe) });
  });
  app.all('/readings', methodNotAllowed(['GET', 'POST']));
  app.get('/readings/:id', (req, res) => {
    const id = String(req.params.id);
    const status = READING_ID.test(id) ? outbox.status(id) : undefined;
    if (!status) {
      return sendProblem(res, problem(404, 'unknown-reading', 'No such reading',
        `the gateway knows no reading ${id}: ids are the 24 hex digits POST /readings answered with, and settled readings are remembered only for a while`));
    }
    res.json(describe(status));
  });

  app.post('/fhir', ...jsonBody(['application/fhir+json', 'application/json']), acceptReadings(readingsFromFhir, intakeDeps));
  app.all('/fhir', methodNotAllowed(['POST']));

  app.get('/status', (_req, res) => {
    const counts = outbox.counts();
    const troubled = delivery.troubledDocuments();
    const retrying = troubled.reduce((n, d) => n + d.queued, 0);
    res.json({
      readings: { ...counts, pending: counts.pending - retrying, retrying },
      delivery: {
        ...delivery.totals,
        queued: delivery.queued,
        troubledDocuments: troubled.map((d) => ({ ...d, nextAttemptAt: iso(d.nextAttemptAt) })),
      },
      outbox: { logBytes: outbox.logBytes, ...outbox.flushStats() },
      acknowledgementMs: acknowledgements.summary(),
      processingMs: processing.summary(),
      eventLoopDelayMs: loopDelay(),
      vendor: deps.intake.vendorWebId,
      startedAt: deps.startedAt.toISOString(),
    });
  });

  app.get('/enrolments', (_req, res) => {
    res.json({ enrolments: registry.list() });
  });
  app.post('/enrolments', rateLimit(deps.enrolmentRateLimit ?? ENROLMENT_RATE_LIMIT, 'enrolments'), ...jsonBody(['application/json']), async (req, res) => {
    const request = parseEnrolmentRequest(req.body);
    const served = (iri: string) => !deps.podServers || isWithin(iri, deps.podServers);
    if (!served(request.webId)) {
      throw new EnrolmentError('webId', `this gateway delivers to pods on ${deps.podServers!.join(', ')}; it does not fetch a profile or write anywhere else`);
    }
    const existing = registry.byWebId(request.webId);
    const storage = existing?.storage ?? (await (deps.discoverStorage ?? discoverStorage)(request.webId));
    if (!served(storage)) {
      throw new EnrolmentError('webId', `the profile names a pod at ${storage}, which is not on a pod server this gateway delivers to (${deps.podServers!.join(', ')})`);
    }
    const enrolment = await registry.enrol({ ...request, storage, enrolledAt: new Date().toISOString() });
    res.status(existing ? 200 : 201).json(enrolment);
  });
  app.all('/enrolments', methodNotAllowed(['GET', 'POST']));

  app.use((req: Request, res: Response) => {
    sendProblem(res, problem(404, 'not-found', 'Not found', `there is nothing at ${req.method} ${req.path}; see /openapi.json`));
  });

  app.use(problemHandler({ service: 'gateway', internalDetail: 'something went wrong in the gateway; nothing was acknowledged by this request', tooLargeHint: 'split the batch' }));
  return app;
}
