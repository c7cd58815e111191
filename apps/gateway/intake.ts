/**
 * Where readings enter the gateway: a JSON reading (or a batch of them) or a
 * FHIR R4 Observation / Bundle becomes typed measurements bound for a month
 * document, or the list of everything wrong with it; valid ones go to the
 * outbox and are acknowledged (202) only once it has them on disk
 * (`acceptReadings`, the handler of POST /readings and POST /fhir). Nothing
 * here writes to a pod: delivery does, later.
 *
 * Every reading goes through the one mapping (parseMeasurementInput; FHIR
 * through apps/shared/fhir first), its patient through the enrolment
 * registry, and its triples through the SHACL shapes: a reading that passes
 * here is one the pod will take. This is the only place a reading is mapped:
 * the triples checked here go into the outbox entry, and delivery appends them. A batch is all or nothing: one bad reading
 * and the whole request is refused, every bad field named with its index.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Request, Response } from 'express';
import { sendProblem } from '../shared/http-errors.ts';
import { invalidInput, problem } from '../shared/problem.ts';
import { fhirToMeasurementInputs, type FhirSubject } from '../shared/fhir/index.ts';
import {
  identityHash, isSafeHttpIri, measurementDocument, measurementIri, measurementToQuads, parseMeasurementInput, validateShapes,
  type FieldError, type Measurement, type Setting,
} from '../shared/measurement/index.ts';
import { kindSpec, type KindId } from '../../vocab/catalogue.ts';
import { snomedIri } from '../../vocab/terms.ts';
import type { LatencyWindow } from './metrics.ts';
import { entryTriples, fingerprintOf, type Outbox, type OutboxEntry } from './outbox/outbox.ts';
import type { EnrolmentRegistry, Enrolment } from './registry.ts';

export interface IntakeContext {
  readonly registry: EnrolmentRegistry;
  /** The vendor's WebID: what the gateway writes as, and the default `source` of a reading. */
  readonly vendorWebId: string;
  /** The `source` values a JSON reading may name (the vendor's WebID is always allowed). */
  readonly allowedSources: ReadonlySet<string>;
  /** Setting for readings that name none. */
  readonly defaultSetting: Setting;
  /** At most this many readings per request. */
  readonly maxReadings: number;
  readonly now?: () => Date;
}

/** A valid reading, ready for the outbox. */
export type IntakeReading = Omit<OutboxEntry, 'acceptedAt'> & {
  /** Where it was in the request ('' for a single reading, `readings/3`, `entry/2/resource`). */
  readonly field: string;
};

export type IntakeResult = { ok: true; readings: IntakeReading[] } | { ok: false; errors: FieldError[] };

/** The outbox id of a reading: a digest of its measurement IRI, so the same reading always gets the same id. */
export function readingId(storage: string, m: Measurement): string {
  return identityHash(measurementIri(storage, m));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How often a long batch lets other requests in while it is validated. */
const YIELD_EVERY = 20;

/** `POST /readings`: one reading object, or `{ "readings": [ ... ] }`. */
export async function readingsFromJson(body: unknown, ctx: IntakeContext): Promise<IntakeResult> {
  const errors: FieldError[] = [];
  let items: { raw: unknown; field: string }[];
  if (isObject(body) && 'readings' in body) {
    for (const key of Object.keys(body)) {
      if (key !== 'readings') errors.push({ field: key, message: 'unknown field; a batch is { "readings": [ ... ] }' });
    }
    const list = body.readings;
    if (!Array.isArray(list) || list.length === 0) {
      return { ok: false, errors: [...errors, { field: 'readings', message: 'must be a non-empty list of readings' }] };
    }
    if (list.length > ctx.maxReadings) {
      return { ok: false, errors: [...errors, { field: 'readings', message: `at most ${ctx.maxReadings} readings per request (got ${list.length}); split the batch` }] };
    }
    items = list.map((raw, i) => ({ raw, field: `readings/${i}` }));
  } else {
    items = [{ raw: body, field: '' }];
  }

  const readings: IntakeReading[] = [];
  for (const [i, { raw, field }] of items.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const prefix = field ? `${field}/` : '';
    const fail = (f: string, message: string) => errors.push({ field: `${prefix}${f}`, message });
    if (!isObject(raw)) {
      errors.push({ field, message: 'a reading must be a JSON object' });
      continue;
    }
    const { patientIdentifier, ...input } = raw;
    const enrolment = enrolmentOf(input, patientIdentifier, ctx, fail);
    if (input.source === undefined) input.source = ctx.vendorWebId;
    else if (typeof input.source === 'string' && !ctx.allowedSources.has(input.source) && input.source !== ctx.vendorWebId) {
      fail('source', `this gateway writes as ${ctx.vendorWebId}; a reading may name that WebID as its source, or leave source out`);
    }
    const parsed = parseMeasurementInput(input, { fieldPrefix: prefix, defaultSetting: ctx.defaultSetting, now: ctx.now?.() });
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    if (!enrolment) continue;
    const reading = await checkShapes(parsed.value, enrolment, field, errors);
    if (reading) readings.push(reading);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, readings };
}

/** `POST /fhir`: an Observation or a Bundle of Observations (apps/shared/fhir does the mapping). */
export async function readingsFromFhir(body: unknown, ctx: IntakeContext): Promise<IntakeResult> {
  const imported = fhirToMeasurementInputs(body, {
    resolveSubject: (subject) => resolveSubject(subject, ctx.registry)?.webId,
    source: ctx.vendorWebId,
    defaultSetting: ctx.defaultSetting,
    now: ctx.now?.(),
    maxEntries: ctx.maxReadings,
  });
  if (!imported.ok) return imported;
  const errors: FieldError[] = [];
  const readings: IntakeReading[] = [];
  for (const [i, { input, field }] of imported.value.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const enrolment = ctx.registry.byWebId(input.patient);
    const parsed = parseMeasurementInput(input, { fieldPrefix: field ? `${field}/` : '', defaultSetting: ctx.defaultSetting, now: ctx.now?.() });
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    if (!enrolment) {
      errors.push({ field: field ? `${field}/subject` : 'subject', message: 'no patient is enrolled with this subject; enrol the patient first' });
      continue;
    }
    const reading = await checkShapes(parsed.value, enrolment, field, errors);
    if (reading) readings.push(reading);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, readings };
}

/** A FHIR subject's enrolment: by identifier (system + value), or by a reference that is an enrolled WebID. */
export function resolveSubject(subject: FhirSubject, registry: EnrolmentRegistry): Enrolment | undefined {
  if (subject.identifier?.system && subject.identifier.value) {
    return registry.byIdentifier(subject.identifier.system, subject.identifier.value);
  }
  if (subject.reference && isSafeHttpIri(subject.reference)) return registry.byWebId(subject.reference);
  return undefined;
}

function enrolmentOf(
  input: Record<string, unknown>,
  patientIdentifier: unknown,
  ctx: IntakeContext,
  fail: (field: string, message: string) => void,
): Enrolment | undefined {
  if (patientIdentifier !== undefined) {
    if (input.patient !== undefined) {
      fail('patientIdentifier', 'send either patient (a WebID) or patientIdentifier, not both');
      return undefined;
    }
    const id = isObject(patientIdentifier) ? patientIdentifier : {};
    if (typeof id.system !== 'string' || typeof id.value !== 'string') {
      fail('patientIdentifier', 'must be { "system": identifier system URI, "value": the patient\'s identifier }');
      return undefined;
    }
    const enrolment = ctx.registry.byIdentifier(id.system, id.value);
    if (!enrolment) {
      fail('patientIdentifier', `no patient is enrolled with ${id.system} ${id.value}; enrol the patient first (POST /enrolments)`);
      return undefined;
    }
    input.patient = enrolment.webId;
    return enrolment;
  }
  if (!isSafeHttpIri(input.patient)) return undefined; // parseMeasurementInput says what is wrong with it
  const enrolment = ctx.registry.byWebId(input.patient);
  if (!enrolment) fail('patient', 'this WebID is not enrolled with the gateway, so it does not know the patient\'s pod; enrol the patient first (POST /enrolments)');
  return enrolment;
}

/** The SNOMED CT concepts a measurement of `kind` is stored with (the panel's and its components'). */
function conceptsOf(kind: KindId): string[] {
  const spec = kindSpec(kind);
  return [spec.snomed, ...Object.values(spec.components ?? {}).map((c) => c.snomed)].map(snomedIri);
}

/**
 * Maps the measurement to its triples and checks them against the SHACL
 * shapes, narrowed to its kind (same verdict, a third of the cost: see
 * shapes/validate.ts). The entry keeps those triples for delivery.
 */
async function checkShapes(m: Measurement, enrolment: Enrolment, field: string, errors: FieldError[]): Promise<IntakeReading | undefined> {
  const quads = measurementToQuads(m, enrolment.storage);
  const report = await validateShapes(quads, { observedProperties: conceptsOf(m.kind) });
  if (!report.conforms) {
    for (const v of report.violations) errors.push({ field, message: `the stored measurement would not conform to its shape: ${v.message}` });
    return undefined;
  }
  return {
    id: readingId(enrolment.storage, m),
    document: measurementDocument(enrolment.storage, m.kind, m.effectiveTime),
    triples: entryTriples(quads),
    fingerprint: fingerprintOf(m),
    field,
  };
}

/** What the intake's handler needs: the outbox it hands readings to, and where its processing time is recorded. */
export interface AcceptDeps {
  readonly outbox: Outbox;
  readonly intake: IntakeContext;
  readonly processing: LatencyWindow;
}

/**
 * The handler of POST /readings and POST /fhir, from the parsed body to the
 * 202: every reading checked (all or nothing), handed to the outbox, and
 * acknowledged only once the outbox has it on disk.
 */
export const acceptReadings = (parse: (body: unknown, ctx: IntakeContext) => Promise<IntakeResult>, deps: AcceptDeps) =>
  async (req: Request, res: Response) => {
    const { outbox, processing } = deps;
    const started = performance.now();
    const result = await parse(req.body, deps.intake);
    if (!result.ok) {
      const n = result.errors.length;
      return sendProblem(res, invalidInput(result.errors, `${n} problem${n === 1 ? '' : 's'} in the request; nothing was stored. Fix ${n === 1 ? 'it' : 'them'} and send the whole request again.`));
    }
    const outcome = outbox.accept(result.readings.map(({ field: _field, ...entry }) => entry));
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
