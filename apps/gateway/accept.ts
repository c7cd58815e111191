/**
 * The handler of POST /readings and POST /fhir (intake.ts does the reading
 * itself): the caller's scope from its credential, every reading checked (all
 * or nothing; a reading the caller was not paired for refuses the whole
 * request, 403), then the outbox, and the 202 only once the outbox has the
 * readings on disk.
 */
import type { Request, Response } from 'express';
import { sendProblem } from '../shared/http-errors.ts';
import { invalidInput, problem, toPointer } from '../shared/problem.ts';
import { principalOf } from './auth/authenticate.ts';
import { scopeOf } from './auth/scope.ts';
import type { IntakeContext, ParseReadings } from './intake.ts';
import type { LatencyWindow } from './metrics.ts';
import type { Outbox } from './outbox/outbox.ts';
import type { PairingStore } from './pairing/store.ts';

/** What the intake's handler needs: the outbox it hands readings to, and where its processing time is recorded. */
export interface AcceptDeps {
  readonly outbox: Outbox;
  /** The pairings: whom the caller may write for, and where each pairing's last reading is noted. */
  readonly store: PairingStore;
  readonly intake: IntakeContext;
  readonly processing: LatencyWindow;
}

/**
 * The handler of POST /readings and POST /fhir, from the parsed body to the
 * 202: every reading checked (all or nothing), handed to the outbox, and
 * acknowledged only once the outbox has it on disk.
 */
export const acceptReadings = (parse: ParseReadings, deps: AcceptDeps) =>
  async (req: Request, res: Response) => {
    const { outbox, processing } = deps;
    const started = performance.now();
    const result = await parse(req.body, deps.intake, scopeOf(deps.store, principalOf(res)));
    if (!result.ok && result.forbidden.length > 0) {
      const n = result.forbidden.length;
      return sendProblem(res, problem(403, 'not-paired', 'Not paired for these readings',
        `${n} reading${n === 1 ? ' is' : 's are'} for a patient or kind this credential was not paired for; nothing was stored`,
        { errors: result.forbidden.map((e) => ({ ...e, pointer: toPointer(e.field) })) }));
    }
    if (!result.ok) {
      const n = result.errors.length;
      return sendProblem(res, invalidInput(result.errors, `${n} problem${n === 1 ? '' : 's'} in the request; nothing was stored. Fix ${n === 1 ? 'it' : 'them'} and send the whole request again.`));
    }
    const outcome = outbox.accept(result.readings.map(({ field: _field, pairings: _pairings, ...entry }) => entry));
    if (!outcome.ok) {
      return sendProblem(res, problem(409, 'conflicting-reading', 'A reading conflicts with one already accepted',
        'a reading with the same patient, device, kind and time was already accepted with other values; nothing was stored', {
          errors: outcome.conflicts.map((c) => ({
            field: result.readings[c.index]?.field ?? '',
            message: `conflicts with reading ${c.id} (${c.existing.state}) from the same device at the same time with other values; a device reports each instant once`,
          })),
        }));
    }
    let stored: Awaited<typeof outcome.durable>;
    try {
      stored = await outcome.durable;
    } catch {
      return sendProblem(res, problem(503, 'outbox-unavailable', 'The readings could not be stored',
        'the gateway could not write its outbox to disk, so nothing was acknowledged; try again later'));
    }
    const fieldOf = new Map<string, string>();
    for (const r of result.readings) if (!fieldOf.has(r.id)) fieldOf.set(r.id, r.field);
    const documentOf = new Map(result.readings.map((r) => [r.id, r.document]));
    deps.store.touch(new Set(result.readings.flatMap((r) => r.pairings)), new Date());
    processing.record(performance.now() - started);
    res.status(202).json({
      accepted: stored.length,
      duplicates: stored.filter((s) => s.duplicate).length,
      readings: stored.map((s) => ({
        id: s.id,
        field: fieldOf.get(s.id),
        state: s.state,
        duplicate: s.duplicate,
        document: documentOf.get(s.id),
        status: `/readings/${s.id}`,
      })),
    });
  };
