/**
 * The gateway's FHIR R4 REST API under /fhir (docs/fhir.md, "REST"):
 * `POST /fhir/Observation` (create, If-None-Exist), `POST /fhir` (batch and
 * transaction Bundles; collection Bundles and lone Observations as before,
 * 202), `GET /fhir/Observation/{id}` (the sender's receipt) and
 * `GET /fhir/metadata`. Every error on these paths, from a missing
 * credential to a body too large, is an OperationOutcome
 * (application/fhir+json), never problem+json. Never reads a pod.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { FHIR_JSON, sendOperationOutcome } from '../../shared/fhir/outcome.ts';
import { problemFor } from '../../shared/http-errors.ts';
import { problem, type Problem } from '../../shared/problem.ts';
import { acceptReadings } from '../accept.ts';
import { principalOf, requireCredential, type Authenticator } from '../auth/authenticate.ts';
import { scopeOf } from '../auth/scope.ts';
import { gatewayCapabilityStatement } from '../fhir/capability.ts';
import {
  OBSERVATION_ID, observationLocation, receipt, responseBundle, withIssueCode, type DeliveryState, type EntryAnswer,
} from '../fhir/requests.ts';
import { batch, bundleEntries, createObservation, transaction, type FhirRestDeps } from '../fhir/rest.ts';
import { readingsFromFhir } from '../intake.ts';
import type { EntryStatus } from '../outbox/outbox.ts';
import { methodNotAllowed, requireContentType } from './middleware.ts';

export interface FhirRoutesDeps extends FhirRestDeps {
  readonly authenticate: Authenticator;
  /** Largest request body (express.json's limit). */
  readonly bodyLimit: string;
  /** The gateway's public base URL, ending in a slash. */
  readonly publicUrl: () => string;
  readonly startedAt: Date;
  /** What a sender is told about an outbox entry (app.ts's `describe`). */
  readonly describe: (status: EntryStatus) => { state: string; reason?: string };
}

const FHIR_TYPES = [FHIR_JSON, 'application/json'];

/** Field paths of a Bundle body are relative to the Bundle, else to the Observation. */
const rootOf = (res: Response) => ((res.req?.body as { resourceType?: unknown } | undefined)?.resourceType === 'Bundle' ? 'Bundle' : 'Observation');
const send = (res: Response, p: Problem) => sendOperationOutcome(res, withIssueCode(p), rootOf(res));

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function fhirRoutes(deps: FhirRoutesDeps): express.Router {
  const router = express.Router();
  const credential = requireCredential(deps.authenticate, send);
  const body = [requireContentType(FHIR_TYPES, send), express.json({ type: FHIR_TYPES, limit: deps.bodyLimit, strict: true })];
  const fhir = (res: Response, status: number, resource: unknown) => res.status(status).type(FHIR_JSON).send(JSON.stringify(resource));

  router.get('/fhir/metadata', (_req, res) => {
    fhir(res, 200, gatewayCapabilityStatement(new URL('fhir', deps.publicUrl()).href, { startedAt: deps.startedAt }));
  });
  router.all('/fhir/metadata', methodNotAllowed(['GET'], send));

  router.post('/fhir/Observation', credential, ...body, async (req: Request, res: Response) => {
    const started = performance.now();
    const ifNoneExist = req.get('if-none-exist');
    const answer = await createObservation({ resource: req.body, ...(ifNoneExist !== undefined ? { ifNoneExist } : {}) }, deps, scopeOf(deps.store, principalOf(res)));
    if (!answer.ok) return send(res, answer.problem);
    deps.processing.record(performance.now() - started);
    res.set('location', observationLocation(answer.id));
    if (/\breturn=minimal\b/.test(req.get('prefer') ?? '')) return res.status(answer.created ? 201 : 200).end();
    fhir(res, answer.created ? 201 : 200, receipt(answer.id, answer.state, { created: answer.created }));
  });
  router.all('/fhir/Observation', methodNotAllowed(['POST'], send));

  router.get('/fhir/Observation/:id', credential, (req, res) => {
    const id = String(req.params.id);
    const found = OBSERVATION_ID.test(id) ? deps.outbox.status(id) : undefined;
    // Another sender's Observation is answered exactly as one that does not exist.
    const status = found && scopeOf(deps.store, principalOf(res)).covers(found.document) ? found : undefined;
    if (!status) {
      return send(res, problem(404, 'unknown-observation', 'No such Observation',
        `the gateway knows no Observation ${id.slice(0, 40)} of yours: ids are those POST /fhir/Observation answered with (Location), and settled ones are remembered only for a while`,
        { fhirIssueCode: 'not-found' }));
    }
    const said = deps.describe(status);
    fhir(res, 200, receipt(id, said.state as DeliveryState, said.reason ? { reason: said.reason } : {}));
  });
  router.all('/fhir/Observation/:id', methodNotAllowed(['GET'], send));

  const collection = acceptReadings(readingsFromFhir, deps, (res, p) => send(res, p));
  router.post('/fhir', credential, ...body, async (req: Request, res: Response, next: NextFunction) => {
    const b: unknown = req.body;
    const type = isObject(b) && b.resourceType === 'Bundle' ? b.type : undefined;
    if (type !== 'batch' && type !== 'transaction') return collection(req, res).catch(next);
    const started = performance.now();
    const entries = bundleEntries(b as Record<string, unknown>, deps.intake.maxReadings);
    if (!entries.ok) return send(res, entries.problem);
    const scope = scopeOf(deps.store, principalOf(res));
    const done = type === 'batch' ? await batch(entries.entries, deps, scope) : await transaction(entries.entries, deps, scope);
    if (!done.ok) return send(res, done.problem);
    deps.processing.record(performance.now() - started);
    fhir(res, 200, responseBundle(type === 'batch' ? 'batch-response' : 'transaction-response', done.answers as EntryAnswer[]));
  });
  router.all('/fhir', methodNotAllowed(['POST'], send));

  router.use('/fhir', (req: Request, res: Response) => {
    send(res, problem(404, 'not-found', 'Not found',
      `there is nothing at ${req.method} ${req.originalUrl.split('?')[0]!.slice(0, 100)}; this FHIR server supports POST /fhir/Observation, POST /fhir (batch, transaction), GET /fhir/Observation/{id} and GET /fhir/metadata`,
      { fhirIssueCode: 'not-supported' }));
  });
  router.use('/fhir', (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    send(res, problemFor(error, { service: 'gateway', internalDetail: 'something went wrong in the gateway; nothing was acknowledged by this request', tooLargeHint: 'split the Bundle' }));
  });
  return router;
}
