/**
 * From checked readings to the outbox, for every intake route: POST /readings
 * and POST /fhir (acceptReadings: all or nothing, 202) and the FHIR REST
 * routes (fhir/rest.ts: create, batch, transaction), which share
 * `storeReadings` and `intakeProblem` so that what "stored" and "refused"
 * mean is decided here once. A reading the caller was not paired for refuses
 * the request (403); nothing is acknowledged before the outbox has it on disk.
 */
import type { Request, Response } from 'express';
import { sendProblem } from '../shared/http-errors.ts';
import { invalidInput, problem, toPointer, type Problem } from '../shared/problem.ts';
import { principalOf } from './auth/authenticate.ts';
import { scopeOf } from './auth/scope.ts';
import type { IntakeContext, IntakeReading, IntakeResult, ParseReadings } from './intake.ts';
import type { LatencyWindow } from './metrics.ts';
import type { EntryState, Outbox } from './outbox/outbox.ts';
import type { PairingStore } from './pairing/store.ts';

/** What the intake's handler needs: the outbox it hands readings to, and where its processing time is recorded. */
export interface AcceptDeps {
  readonly outbox: Outbox;
  /** The pairings: whom the caller may write for, and where each pairing's last reading is noted. */
  readonly store: PairingStore;
  readonly intake: IntakeContext;
  readonly processing: LatencyWindow;
}

/** How an intake route answers a problem (problem+json, or an OperationOutcome on FHIR routes). */
export type SendProblem = (res: Response, p: Problem, req: Request) => void;

/** The problem a refused intake result is: 403 when a reading was for someone or some kind not paired, else 422. */
export function intakeProblem(result: Extract<IntakeResult, { ok: false }>): Problem {
  if (result.forbidden.length > 0) {
    const n = result.forbidden.length;
    return problem(403, 'not-paired', 'Not paired for these readings',
      `${n} reading${n === 1 ? ' is' : 's are'} for a patient or kind this credential was not paired for; nothing was stored`,
      { errors: result.forbidden.map((e) => ({ ...e, pointer: toPointer(e.field) })) });
  }
  const n = result.errors.length;
  return invalidInput(result.errors, `${n} problem${n === 1 ? '' : 's'} in the request; nothing was stored. Fix ${n === 1 ? 'it' : 'them'} and send the whole request again.`);
}

/** One stored reading: `duplicate` when the outbox already had it (pending or delivered). */
export interface StoredReading {
  readonly id: string;
  readonly duplicate: boolean;
  readonly state: EntryState;
  readonly document: string;
  /** Where it was in the request (the first place, if sent twice). */
  readonly field: string;
}

export type StoreOutcome =
  | { ok: true; stored: StoredReading[] }
  /** Nothing was stored; `conflicting` are the indexes (in `readings`) of readings that conflict with known ones. */
  | { ok: false; problem: Problem; conflicting: number[] };

/**
 * Hands checked readings to the outbox, all or nothing, and resolves once
 * they are on disk; notes each pairing's last reading. A reading with the
 * identity of a known one but other values refuses them all (409).
 */
export async function storeReadings(readings: readonly IntakeReading[], deps: Pick<AcceptDeps, 'outbox' | 'store'>): Promise<StoreOutcome> {
  const outcome = deps.outbox.accept(readings.map(({ field: _field, pairings: _pairings, ...entry }) => entry));
  if (!outcome.ok) {
    return {
      ok: false,
      conflicting: outcome.conflicts.map((c) => c.index),
      problem: problem(409, 'conflicting-reading', 'A reading conflicts with one already accepted',
        'a reading with the same patient, device, kind and time was already accepted with other values; nothing was stored', {
          errors: outcome.conflicts.map((c) => ({
            field: readings[c.index]?.field ?? '',
            message: `conflicts with reading ${c.id} (${c.existing.state}) from the same device at the same time with other values; a device reports each instant once`,
          })),
        }),
    };
  }
  let stored: Awaited<typeof outcome.durable>;
  try {
    stored = await outcome.durable;
  } catch {
    return {
      ok: false, conflicting: [],
      problem: problem(503, 'outbox-unavailable', 'The readings could not be stored',
        'the gateway could not write its outbox to disk, so nothing was acknowledged; try again later'),
    };
  }
  const first = new Map<string, IntakeReading>();
  for (const r of readings) if (!first.has(r.id)) first.set(r.id, r);
  deps.store.touch(new Set(readings.flatMap((r) => r.pairings)), new Date());
  return {
    ok: true,
    stored: stored.map((s) => ({ ...s, document: first.get(s.id)!.document, field: first.get(s.id)!.field })),
  };
}

/**
 * The handler of POST /readings and POST /fhir (collection Bundles and lone
 * Observations), from the parsed body to the 202: every reading checked
 * (all or nothing), handed to the outbox, and acknowledged only once the
 * outbox has it on disk.
 */
export const acceptReadings = (parse: ParseReadings, deps: AcceptDeps, send: SendProblem = sendProblem) =>
  async (req: Request, res: Response) => {
    const started = performance.now();
    const result = await parse(req.body, deps.intake, scopeOf(deps.store, principalOf(res)));
    if (!result.ok) return send(res, intakeProblem(result), req);
    const outcome = await storeReadings(result.readings, deps);
    if (!outcome.ok) return send(res, outcome.problem, req);
    deps.processing.record(performance.now() - started);
    res.status(202).json({
      accepted: outcome.stored.length,
      duplicates: outcome.stored.filter((s) => s.duplicate).length,
      readings: outcome.stored.map((s) => ({
        id: s.id,
        field: s.field,
        state: s.state,
        duplicate: s.duplicate,
        document: s.document,
        status: `/readings/${s.id}`,
      })),
    });
  };
