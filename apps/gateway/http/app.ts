/**
 * The gateway's HTTP API (described in apps/gateway/openapi.json). Every
 * reading comes with a credential from a pairing the patient approved
 * (pairing-routes.ts, auth/); readings are validated in full, then stored in
 * the durable outbox, and only then acknowledged with 202 Accepted: delivery
 * to the pods happens afterwards and its progress can be asked for by id, by
 * the caller only. Every error is RFC 9457 problem+json, except under /fhir
 * (fhir-routes.ts: FHIR R4 REST), where it is an OperationOutcome.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import express, { type NextFunction, type Request, type Response } from 'express';
import { apiSecurityHeaders } from '../../shared/http-hardening.ts';
import { problemHandler, sendProblem } from '../../shared/http-errors.ts';
import { invalidInput, problem } from '../../shared/problem.ts';
import type { RateLimit } from '../../shared/rate-limit.ts';
import { acceptReadings } from '../accept.ts';
import { bearerAuthenticator, principalOf, requireCredential, type Authenticator } from '../auth/authenticate.ts';
import { solidPatientVerifier, type PatientVerifier } from '../auth/patient.ts';
import { scopeOf } from '../auth/scope.ts';
import type { Delivery } from '../delivery.ts';
import { gatewayEdge, type EdgeOptions } from './edge.ts';
import { platformRoutes, type PlatformRoutesDeps } from './platform-routes.ts';
import { LatencyWindow } from '../metrics.ts';
import { readingsFromJson, type IntakeContext } from '../intake.ts';
import { fhirRoutes } from './fhir-routes.ts';
import type { EntryStatus, Outbox, SettledState } from '../outbox/outbox.ts';
import type { PairingStore, Party, Platform } from '../pairing/store.ts';
import { methodNotAllowed, requireContentType } from './middleware.ts';
import { pairingRoutes, type PairingRoutesDeps } from './pairing-routes.ts';

export interface GatewayAppDeps {
  /** Host allow-list, CORS, proxy trust (edge.ts); startGateway always gives it. */
  readonly edge?: EdgeOptions & { allowedHosts: () => ReadonlySet<string> };
  /** POST /patients/lookup for platforms (platform-routes.ts). */
  readonly platformLookup?: PlatformRoutesDeps;
  readonly outbox: Outbox;
  readonly delivery: Delivery;
  readonly store: PairingStore;
  readonly intake: IntakeContext;
  /** The gateway's WebID and the name the patient sees when asked to pair. */
  readonly vendor: Party;
  /** The consent page's URL (where patients enter pairing codes). */
  readonly consentUrl: string;
  /** The gateway's public base URL, ending in a slash (patients' DPoP proofs are bound to it). */
  readonly publicUrl: () => string;
  /** Largest request body; default 2 MB. */
  readonly bodyLimit?: string;
  /** Finds a WebID's pod when its patient approves a pairing (the public profile's pim:storage). */
  readonly discoverStorage?: (webId: string) => Promise<string>;
  readonly startedAt: Date;
  /** POST /pairings per client IP; default PAIRING_RATE_LIMIT. */
  readonly pairingRateLimit?: RateLimit;
  /**
   * Pod servers (base URLs) whose patients may pair: the gateway fetches a
   * WebID's profile only there, and delivers only to pods there. Absent: any.
   */
  readonly podServers?: readonly string[];
  /** Who sent an intake request; default: device credentials (and platform tokens, with verifyPlatformToken). The benchmark injects allowAllForBenchmark. */
  readonly authenticate?: Authenticator;
  /** Who the patient is on their calls; default: their Solid-OIDC token, verified (auth/patient.ts). Unit tests inject one. */
  readonly verifyPatient?: PatientVerifier;
  /** A platform's access token -> the platform (auth/platforms.ts). */
  readonly verifyPlatformToken?: (token: string) => Platform | undefined;
  /** POST /token grant_type=client_credentials (auth/platforms.ts). */
  readonly clientCredentials?: PairingRoutesDeps['clientCredentials'];
}

export const OPENAPI_PATH = new URL('../openapi.json', import.meta.url);

const READING_ID = /^[0-9a-f]{24}$/;
const STATES = ['pending', 'delivered', 'refused', 'failed'] as const;

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
  const { outbox, delivery, store } = deps;
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
  const intakeDeps = { outbox, store, intake: deps.intake, processing };
  const authenticate = deps.authenticate ?? bearerAuthenticator({ store, ...(deps.verifyPlatformToken ? { verifyPlatformToken: deps.verifyPlatformToken } : {}) });
  const credential = requireCredential(authenticate);

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

  app.use(pairingRoutes({
    store, outbox, vendor: deps.vendor, consentUrl: deps.consentUrl, publicUrl: deps.publicUrl,
    verifyPatient: deps.verifyPatient ?? solidPatientVerifier({ publicUrl: deps.publicUrl, ...(deps.podServers ? { podServers: deps.podServers } : {}) }),
    ...(deps.podServers ? { podServers: deps.podServers } : {}),
    ...(deps.discoverStorage ? { discoverStorage: deps.discoverStorage } : {}),
    ...(deps.clientCredentials ? { clientCredentials: deps.clientCredentials } : {}),
    ...(deps.verifyPlatformToken ? { verifyPlatformToken: deps.verifyPlatformToken } : {}),
    ...(deps.pairingRateLimit ? { pairingRateLimit: deps.pairingRateLimit } : {}),
  }));

  app.post('/readings', credential, ...jsonBody(['application/json']), acceptReadings(readingsFromJson, intakeDeps));
  app.get('/readings', credential, (req, res) => {
    const state = String(req.query.state ?? 'refused');
    const limit = Math.min(1000, Math.max(1, Number(req.query.limit ?? 100) || 100));
    if (!(STATES as readonly string[]).includes(state)) {
      return sendProblem(res, invalidInput([{ field: 'state', message: `must be one of ${STATES.join(', ')}` }], 'unknown state'));
    }
    // Only the caller's: its pairings' patients and kinds (the document says both).
    const scope = scopeOf(store, principalOf(res));
    const list = state === 'pending'
      ? outbox.pendingEntries().filter((e) => scope.covers(e.document)).slice(0, limit).map((e) => outbox.status(e.id)!)
      : outbox.settledEntries(state as SettledState, Number.MAX_SAFE_INTEGER).filter((e) => scope.covers(e.document)).slice(0, limit);
    res.json({ state, readings: list.map(describe) });
  });
  app.all('/readings', methodNotAllowed(['GET', 'POST']));
  app.get('/readings/:id', credential, (req, res) => {
    const id = String(req.params.id);
    const found = READING_ID.test(id) ? outbox.status(id) : undefined;
    const status = found && scopeOf(store, principalOf(res)).covers(found.document) ? found : undefined;
    if (!status) {
      return sendProblem(res, problem(404, 'unknown-reading', 'No such reading',
        `the gateway knows no reading ${id} of yours: ids are the 24 hex digits POST /readings answered with, and settled readings are remembered only for a while`));
    }
    res.json(describe(status));
  });

  app.use(fhirRoutes({
    ...intakeDeps, authenticate, bodyLimit: deps.bodyLimit ?? '2mb', publicUrl: deps.publicUrl, startedAt: deps.startedAt, describe,
    stateOf: (id) => {
      const status = outbox.status(id);
      return status ? describe(status).state : undefined;
    },
  }));

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

  // Enrolment was first come, first served; the patient decides now.
  app.all('/enrolments', (_req, res) => {
    sendProblem(res, problem(404, 'enrolments-replaced', 'Enrolments are gone',
      'pairing replaced enrolment: a device asks to pair (POST /pairings) and the patient approves its code on their consent page; see /openapi.json'));
  });

  app.use((req: Request, res: Response) => {
    sendProblem(res, problem(404, 'not-found', 'Not found', `there is nothing at ${req.method} ${req.path}; see /openapi.json`));
  });

  app.use(problemHandler({ service: 'gateway', internalDetail: 'something went wrong in the gateway; nothing was acknowledged by this request', tooLargeHint: 'split the batch' }));
  return app;
}
