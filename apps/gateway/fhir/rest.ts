/**
 * FHIR R4 REST interactions at the gateway (docs/fhir.md, "REST"): create
 * (with If-None-Exist), batch (each entry on its own) and transaction (all
 * or nothing) of Observations. Every Observation goes through the one intake
 * (readingsFromFhir: mapping, pairing scope, shapes) and the one way to the
 * outbox (storeReadings); nothing is answered as created before the outbox
 * has it on disk. A transaction that is refused stores and queues nothing.
 * Never reads a pod.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FieldError } from '../../shared/measurement/errors.ts';
import { problem, type Problem } from '../../shared/problem.ts';
import { intakeProblem, storeReadings, type AcceptDeps } from '../accept.ts';
import type { CallerScope } from '../auth/scope.ts';
import { readingsFromFhir, type IntakeReading } from '../intake.ts';
import {
  alreadyReceived, checkCreateBody, conditionOf, entryAsCreate, underEntry,
  type CreateRequest, type DeliveryState, type EntryAnswer,
} from './requests.ts';

export interface FhirRestDeps extends AcceptDeps {
  /** The delivery state a sender is told for a reading the outbox knows. */
  readonly stateOf: (id: string) => DeliveryState | undefined;
}

type Prepared = { ok: true; reading: IntakeReading; existing: boolean } | { ok: false; problem: Problem };

/** One create checked in full: body, condition, mapping, pairing, shapes; `existing` when its condition matched a reading already received. */
async function prepare(create: CreateRequest, deps: FhirRestDeps, scope: CallerScope): Promise<Prepared> {
  const wrongBody = checkCreateBody(create.resource);
  if (wrongBody) return { ok: false, problem: wrongBody };
  const condition = conditionOf(create);
  if (!condition.ok) return condition;
  const result = await readingsFromFhir(create.resource, deps.intake, scope);
  if (!result.ok) return { ok: false, problem: intakeProblem(result) };
  const reading = result.readings[0]!;
  return { ok: true, reading, existing: condition.conditional && alreadyReceived(deps.outbox.status(reading.id)) };
}

const answerExisting = (reading: IntakeReading, deps: FhirRestDeps): EntryAnswer =>
  ({ ok: true, id: reading.id, created: false, state: deps.stateOf(reading.id) ?? 'pending' });

/** POST /fhir/Observation: 201 when new, 200 when the same observation (or its If-None-Exist identifier) was already received. */
export async function createObservation(create: CreateRequest, deps: FhirRestDeps, scope: CallerScope): Promise<EntryAnswer> {
  const prepared = await prepare(create, deps, scope);
  if (!prepared.ok) return prepared;
  if (prepared.existing) return answerExisting(prepared.reading, deps);
  const stored = await storeReadings([prepared.reading], deps);
  if (!stored.ok) return stored;
  const s = stored.stored[0]!;
  return { ok: true, id: s.id, created: !s.duplicate, state: deps.stateOf(s.id) ?? 'pending' };
}

/** How often a long Bundle lets other requests in while its entries are checked. */
const YIELD_EVERY = 20;

/**
 * A batch: each entry created on its own (FHIR: "no interdependencies"),
 * answered in order; an entry that fails says why in its own outcome. Only
 * the outbox failing (503) fails the whole batch, before anything is answered.
 */
export async function batch(entries: readonly unknown[], deps: FhirRestDeps, scope: CallerScope): Promise<{ ok: true; answers: EntryAnswer[] } | { ok: false; problem: Problem }> {
  const answers: EntryAnswer[] = [];
  let toStore: { index: number; reading: IntakeReading }[] = [];
  for (const [i, entry] of entries.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const asked = entryAsCreate(entry);
    const prepared = asked.ok ? await prepare(asked.create, deps, scope) : asked;
    if (!prepared.ok) answers[i] = prepared;
    else if (prepared.existing) answers[i] = answerExisting(prepared.reading, deps);
    else toStore.push({ index: i, reading: prepared.reading });
  }
  // Entries that conflict with known readings are answered 409 and the rest stored without them.
  while (toStore.length > 0) {
    const stored = await storeReadings(toStore.map((x) => x.reading), deps);
    if (stored.ok) {
      const seen = new Set<string>();
      const byId = new Map(stored.stored.map((s) => [s.id, s]));
      for (const { index, reading } of toStore) {
        const s = byId.get(reading.id)!;
        answers[index] = { ok: true, id: s.id, created: !s.duplicate && !seen.has(s.id), state: deps.stateOf(s.id) ?? 'pending' };
        seen.add(s.id);
      }
      break;
    }
    if (stored.conflicting.length === 0) return { ok: false, problem: stored.problem };
    stored.conflicting.forEach((k, n) => {
      const error = stored.problem.errors?.[n];
      answers[toStore[k]!.index] = { ok: false, problem: { ...stored.problem, errors: error ? [error] : [] } };
    });
    const conflicting = new Set(stored.conflicting);
    toStore = toStore.filter((_, k) => !conflicting.has(k));
  }
  return { ok: true, answers };
}

/**
 * A transaction: every entry checked first; one that fails refuses the
 * whole Bundle (403 if any was for someone not paired, else 422, or 400
 * for entries that are not creates), naming each problem at its entry, and
 * nothing is stored. Then all are stored at once (the outbox takes them all
 * or, on a conflict, none).
 */
export async function transaction(entries: readonly unknown[], deps: FhirRestDeps, scope: CallerScope): Promise<{ ok: true; answers: EntryAnswer[] } | { ok: false; problem: Problem }> {
  const errors: FieldError[] = [];
  const statuses = new Set<number>();
  const answers: (EntryAnswer | undefined)[] = [];
  const toStore: { index: number; reading: IntakeReading }[] = [];
  for (const [i, entry] of entries.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const asked = entryAsCreate(entry);
    if (!asked.ok) {
      errors.push(...underEntry(i, asked.problem, false));
      statuses.add(asked.problem.status);
      continue;
    }
    const prepared = await prepare(asked.create, deps, scope);
    if (!prepared.ok) {
      errors.push(...underEntry(i, prepared.problem, true));
      statuses.add(prepared.problem.status);
    } else if (prepared.existing) answers[i] = answerExisting(prepared.reading, deps);
    else toStore.push({ index: i, reading: prepared.reading });
  }
  if (errors.length > 0) {
    const status = statuses.has(403) ? 403 : statuses.has(422) ? 422 : 400;
    const bad = entries.length - toStore.length - answers.filter(Boolean).length;
    return {
      ok: false,
      problem: problem(status, 'transaction-refused', 'The transaction was refused',
        `${bad} of ${entries.length} entries cannot be created, so none was (a transaction is all or nothing): nothing was stored. Fix ${bad === 1 ? 'it' : 'them'} and send the whole Bundle again, or send a batch to have the others created on their own.`,
        { errors }),
    };
  }
  const stored = await storeReadings(toStore.map((x) => x.reading), deps);
  if (!stored.ok) {
    const fields = (stored.problem.errors ?? []).map((e, n) => ({ ...e, field: `entry/${toStore[stored.conflicting[n]!]?.index ?? 0}/resource` }));
    return { ok: false, problem: { ...stored.problem, ...(fields.length > 0 ? { errors: fields } : {}) } };
  }
  const byId = new Map(stored.stored.map((s) => [s.id, s]));
  const seen = new Set<string>();
  for (const { index, reading } of toStore) {
    const s = byId.get(reading.id)!;
    answers[index] = { ok: true, id: s.id, created: !s.duplicate && !seen.has(s.id), state: deps.stateOf(s.id) ?? 'pending' };
    seen.add(s.id);
  }
  return { ok: true, answers: answers as EntryAnswer[] };
}

/** The entries of a batch or transaction Bundle, or why it cannot be processed (400). */
export function bundleEntries(body: Record<string, unknown>, max: number): { ok: true; entries: unknown[] } | { ok: false; problem: Problem } {
  const entries = body.entry;
  const refuse = (message: string) => ({
    ok: false as const,
    problem: problem(400, 'invalid-fhir-request', 'The FHIR request is not valid', message, { errors: [{ field: 'entry', message }] }),
  });
  if (!Array.isArray(entries) || entries.length === 0) return refuse(`the ${String(body.type)} Bundle has no entries; send at least one entry { "resource": Observation, "request": { "method": "POST", "url": "Observation" } }`);
  if (entries.length > max) return refuse(`at most ${max} entries per Bundle (got ${entries.length}); split it`);
  return { ok: true, entries };
}
