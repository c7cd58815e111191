/**
 * The FHIR R4 REST shapes the gateway reads and answers (docs/fhir.md,
 * "REST"), as pure functions: what a batch or transaction entry must say
 * (POST Observation, optionally ifNoneExist), the id and Location of a
 * created Observation, the receipts (OperationOutcome) a create or a read
 * answers with, and the batch-response / transaction-response Bundles.
 * Never reads a pod: a receipt says what the gateway's outbox knows.
 */
import { operationOutcome, operationOutcomeFor, parseIfNoneExist, type OutcomeIssue } from '../../shared/fhir/outcome.ts';
import type { FieldError } from '../../shared/measurement/errors.ts';
import { problem, type Problem } from '../../shared/problem.ts';
import type { EntryStatus } from '../outbox/outbox.ts';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The id of the Observation a reading is: its outbox id (a digest of its measurement IRI), so the same observation always gets the same id. */
export const OBSERVATION_ID = /^[0-9a-f]{24}$/;

/** Location of a created Observation, relative to the gateway (the header) or to the FHIR base (a Bundle entry's response). */
export const observationLocation = (id: string) => `/fhir/Observation/${id}`;
export const entryLocation = (id: string) => `Observation/${id}`;

export const STATUS_LINE: Readonly<Record<number, string>> = {
  200: '200 OK', 201: '201 Created', 400: '400 Bad Request', 403: '403 Forbidden', 409: '409 Conflict', 422: '422 Unprocessable Entity',
};

/** FHIR's issue code for a gateway problem's status (a problem's own fhirIssueCode wins). */
const ISSUE_CODES: Readonly<Record<number, string>> = {
  400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 405: 'not-supported', 409: 'conflict', 413: 'too-costly', 415: 'invalid', 422: 'invalid',
};
export const withIssueCode = (p: Problem): Problem => (ISSUE_CODES[p.status] ? { fhirIssueCode: ISSUE_CODES[p.status], ...p } : p);

/** One create, as the route or a Bundle entry states it. */
export interface CreateRequest {
  readonly resource: unknown;
  /** The If-None-Exist header, or the entry's request.ifNoneExist. */
  readonly ifNoneExist?: string;
}

const badRequest = (detail: string, errors: FieldError[] = []): Problem =>
  problem(400, 'invalid-fhir-request', 'The FHIR request is not valid', detail, errors.length > 0 ? { errors } : {});

/**
 * A batch or transaction entry as a create: `request` must be POST to
 * `Observation` (the only interaction the gateway supports) with an
 * Observation as its resource.
 */
export function entryAsCreate(entry: unknown): { ok: true; create: CreateRequest } | { ok: false; problem: Problem } {
  const refuse = (field: string, message: string) => ({ ok: false as const, problem: badRequest(message, [{ field, message }]) });
  if (!isObject(entry)) return refuse('', 'each entry must be an object with a resource and a request');
  const request = entry.request;
  if (!isObject(request)) return refuse('request', 'each entry needs a request { "method": "POST", "url": "Observation" }');
  if (request.method !== 'POST') {
    return refuse('request/method', `only POST (create) is supported in a batch or transaction, not ${JSON.stringify(request.method)?.slice(0, 20)}; see GET /fhir/metadata`);
  }
  if (request.url !== 'Observation') {
    return refuse('request/url', `entries create an Observation: request.url must be "Observation" (got ${JSON.stringify(request.url)?.slice(0, 60)})`);
  }
  if (request.ifNoneExist !== undefined && typeof request.ifNoneExist !== 'string') {
    return refuse('request/ifNoneExist', 'ifNoneExist must be a string: "identifier=system|value"');
  }
  if (!isObject(entry.resource)) return refuse('resource', 'each entry needs a resource: the Observation to create');
  return { ok: true, create: { resource: entry.resource, ...(typeof request.ifNoneExist === 'string' ? { ifNoneExist: request.ifNoneExist } : {}) } };
}

/** The body of a create: an Observation, or why not (400). */
export function checkCreateBody(resource: unknown): Problem | undefined {
  if (isObject(resource) && resource.resourceType === 'Observation') return undefined;
  const type = isObject(resource) ? JSON.stringify(resource.resourceType)?.slice(0, 40) ?? 'none' : 'not a JSON object';
  return badRequest(`POST /fhir/Observation creates one Observation (resourceType ${type} was sent); send a batch or transaction Bundle to POST /fhir`,
    [{ field: 'resourceType', message: 'must be "Observation"' }]);
}

/**
 * The identifier If-None-Exist names, checked against the Observation: the
 * gateway looks a reading up by what identifies it and keeps no index of
 * anything else, so the condition must name one of the Observation's own
 * identifiers. `conditional` is false when the create states no condition.
 */
export function conditionOf(create: CreateRequest): { ok: true; conditional: boolean } | { ok: false; problem: Problem } {
  if (create.ifNoneExist === undefined) return { ok: true, conditional: false };
  const parsed = parseIfNoneExist(create.ifNoneExist);
  if (!parsed.ok) return { ok: false, problem: badRequest(parsed.message) };
  const { system, value } = parsed.identifier;
  const own = isObject(create.resource) && Array.isArray(create.resource.identifier) ? create.resource.identifier : [];
  if (!own.some((i) => isObject(i) && i.system === system && i.value === value)) {
    return { ok: false, problem: badRequest(`If-None-Exist names identifier ${system}|${value}, which this Observation does not carry; name one of Observation.identifier (the gateway finds a reading by its own identity only)`) };
  }
  return { ok: true, conditional: true };
}

/** Whether the outbox already has the reading (a conditional create then creates nothing). */
export const alreadyReceived = (status: EntryStatus | undefined) => status?.state === 'pending' || status?.state === 'delivered';

/** What the outbox's state means to a sender. */
const STATE_WORDS: Readonly<Record<string, { words: string; severity: OutcomeIssue['severity'] }>> = {
  pending: { words: 'queued: the gateway has it on disk and will deliver it to the patient\'s pod', severity: 'information' },
  retrying: { words: 'queued: delivery to the patient\'s pod failed for now and is being retried', severity: 'warning' },
  delivered: { words: 'delivered: it is in the patient\'s pod', severity: 'information' },
  refused: { words: 'refused by the patient\'s pod (the patient may not have granted the vendor Append); it will not be retried unless sent again', severity: 'warning' },
  failed: { words: 'failed: it could not be delivered and will not be retried unless sent again', severity: 'warning' },
};

/** The state a sender is told: the outbox's, with `pending` split into queued and retrying. */
export type DeliveryState = keyof typeof STATE_WORDS;

/**
 * The receipt for Observation `id`: an OperationOutcome saying its delivery
 * state (the gateway answers reads with this; it never reads the pod).
 */
export function receipt(id: string, state: DeliveryState, extra: { reason?: string; created?: boolean } = {}) {
  const said = STATE_WORDS[state] ?? STATE_WORDS.pending!;
  const head = extra.created === undefined ? `Observation ${id} is` : extra.created ? `Observation ${id} was received and is` : `Observation ${id} was already received and is`;
  return operationOutcome([{
    severity: said.severity, code: 'informational',
    diagnostics: `${head} ${said.words}${extra.reason ? ` (${extra.reason})` : ''}. Its status: GET ${observationLocation(id)}.`,
  }]);
}

/** A batch or transaction entry's answer. */
export type EntryAnswer =
  | { ok: true; id: string; created: boolean; state: DeliveryState }
  | { ok: false; problem: Problem };

/** The batch-response or transaction-response Bundle for `answers`, in the order of the request's entries. */
export function responseBundle(type: 'batch-response' | 'transaction-response', answers: readonly EntryAnswer[]) {
  return {
    resourceType: 'Bundle',
    type,
    entry: answers.map((a) => a.ok
      ? { response: { status: STATUS_LINE[a.created ? 201 : 200], location: entryLocation(a.id), outcome: receipt(a.id, a.state, { created: a.created }) } }
      : { response: { status: STATUS_LINE[a.problem.status] ?? String(a.problem.status), outcome: operationOutcomeFor(withIssueCode(a.problem), 'Observation') } }),
  };
}

/** Field errors of an entry, placed under `entry/{i}/` (the Bundle's paths), for a transaction refused as a whole. */
export function underEntry(i: number, p: Problem, inResource: boolean): FieldError[] {
  const at = inResource ? `entry/${i}/resource` : `entry/${i}`;
  const errors = p.errors && p.errors.length > 0 ? p.errors : [{ field: '', message: p.detail ?? p.title }];
  return errors.map((e) => ({ field: e.field ? `${at}/${e.field}` : at, message: e.message }));
}
