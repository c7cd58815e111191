/**
 * Where readings enter the gateway: a JSON reading (or a batch of them) or a
 * FHIR R4 Observation / Bundle becomes typed measurements bound for a month
 * document, or the list of everything wrong with it; valid ones go to the
 * outbox and are acknowledged (202) only once it has them on disk
 * (accept.ts, the handler of POST /readings and POST /fhir). Nothing
 * here writes to a pod: delivery does, later.
 *
 * Every reading goes through the one mapping (parseMeasurementInput; FHIR
 * through apps/shared/fhir first), its patient through the caller's pairings
 * (auth/scope.ts: a reading for a patient or kind the caller was not paired
 * for is refused, 403, before anything is queued; a FHIR subject identifier
 * that resolves to none of its patients is 422, in words that never tell
 * whether anyone is enrolled by it), and its triples through
 * the SHACL shapes: a reading that passes
 * here is one the pod will take. This is the only place a reading is mapped:
 * the triples checked here go into the outbox entry, and delivery appends them. A batch is all or nothing: one bad reading
 * and the whole request is refused, every bad field named with its index.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { fhirToMeasurementInputs, UNRESOLVED_SUBJECT, type FhirSubject } from '../shared/fhir/index.ts';
import {
  identityHash, isSafeHttpIri, measurementDocument, measurementIri, measurementToQuads, parseMeasurementInput, validateShapes,
  type FieldError, type Measurement, type Setting,
} from '../shared/measurement/index.ts';
import { kindSpec, observedPropertyIri, type KindId } from '../../vocab/catalogue.ts';
import { snomedIri } from '../../vocab/terms.ts';
import { entryTriples, fingerprintOf, type OutboxEntry } from './outbox/outbox.ts';
import type { CallerScope, PairedPatient } from './auth/scope.ts';

export interface IntakeContext {
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
  /** The caller's pairings it was sent under (their lastReadingAt). */
  readonly pairings: readonly string[];
};

/** `forbidden`: readings whose patient or kind the caller was not paired for (403); `errors`: everything else wrong (422). */
export type IntakeResult = { ok: true; readings: IntakeReading[] } | { ok: false; errors: FieldError[]; forbidden: FieldError[] };

export type ParseReadings = (body: unknown, ctx: IntakeContext, scope: CallerScope) => Promise<IntakeResult>;

const result = (readings: IntakeReading[], errors: FieldError[], forbidden: FieldError[]): IntakeResult =>
  errors.length > 0 || forbidden.length > 0 ? { ok: false, errors, forbidden } : { ok: true, readings };

/** The outbox id of a reading: a digest of its measurement IRI, so the same reading always gets the same id. */
export function readingId(storage: string, m: Measurement): string {
  return identityHash(measurementIri(storage, m));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How often a long batch lets other requests in while it is validated. */
const YIELD_EVERY = 20;

/** `POST /readings`: one reading object, or `{ "readings": [ ... ] }`. */
export const readingsFromJson: ParseReadings = async (body, ctx, scope) => {
  const errors: FieldError[] = [];
  const forbidden: FieldError[] = [];
  let items: { raw: unknown; field: string }[];
  if (isObject(body) && 'readings' in body) {
    for (const key of Object.keys(body)) {
      if (key !== 'readings') errors.push({ field: key, message: 'unknown field; a batch is { "readings": [ ... ] }' });
    }
    const list = body.readings;
    if (!Array.isArray(list) || list.length === 0) {
      return { ok: false, errors: [...errors, { field: 'readings', message: 'must be a non-empty list of readings' }], forbidden };
    }
    if (list.length > ctx.maxReadings) {
      return { ok: false, errors: [...errors, { field: 'readings', message: `at most ${ctx.maxReadings} readings per request (got ${list.length}); split the batch` }], forbidden };
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
    const patient = patientOf(input, patientIdentifier, scope, fail, (f, message) => forbidden.push({ field: `${prefix}${f}`, message }));
    if (input.source === undefined) input.source = ctx.vendorWebId;
    else if (typeof input.source === 'string' && !ctx.allowedSources.has(input.source) && input.source !== ctx.vendorWebId) {
      fail('source', `this gateway writes as ${ctx.vendorWebId}; a reading may name that WebID as its source, or leave source out`);
    }
    const parsed = parseMeasurementInput(input, { fieldPrefix: prefix, defaultSetting: ctx.defaultSetting, now: ctx.now?.() });
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    if (!patient || !mayWrite(patient, parsed.value, field, forbidden)) continue;
    const reading = await checkShapes(parsed.value, patient, field, errors);
    if (reading) readings.push(reading);
  }
  return result(readings, errors, forbidden);
};

/** `POST /fhir`: an Observation or a Bundle of Observations (apps/shared/fhir does the mapping). */
export const readingsFromFhir: ParseReadings = async (body, ctx, scope) => {
  const imported = fhirToMeasurementInputs(body, {
    resolveSubject: (subject) => resolveSubject(subject, scope),
    source: ctx.vendorWebId,
    defaultSetting: ctx.defaultSetting,
    now: ctx.now?.(),
    maxEntries: ctx.maxReadings,
  });
  if (!imported.ok) {
    // A WebID not among the caller's pairings is a patient it may not write for (403). An identifier that
    // resolves to none of them is unknown input (422), in one message whether or not anyone is enrolled by it.
    const unresolved = (e: FieldError, at: string) => e.message === UNRESOLVED_SUBJECT && e.field.endsWith(at);
    return {
      ok: false,
      errors: imported.errors.map((e) => (unresolved(e, 'subject/identifier') ? { field: e.field, message: UNKNOWN_SUBJECT_IDENTIFIER } : e))
        .filter((e) => !unresolved(e, 'subject/reference')),
      forbidden: imported.errors.filter((e) => unresolved(e, 'subject/reference')).map(notPairedSubject),
    };
  }
  const errors: FieldError[] = [];
  const forbidden: FieldError[] = [];
  const readings: IntakeReading[] = [];
  for (const [i, { input, field }] of imported.value.entries()) {
    if (i > 0 && i % YIELD_EVERY === 0) await yieldToEventLoop();
    const patient = scope.patient(input.patient);
    const parsed = parseMeasurementInput(input, { fieldPrefix: field ? `${field}/` : '', defaultSetting: ctx.defaultSetting, now: ctx.now?.() });
    if (!patient) {
      forbidden.push({ field: field ? `${field}/subject` : 'subject', message: notPaired(input.patient) });
      continue;
    }
    if (!parsed.ok) {
      errors.push(...parsed.errors);
      continue;
    }
    if (!mayWrite(patient, parsed.value, field, forbidden)) continue;
    const reading = await checkShapes(parsed.value, patient, field, errors);
    if (reading) readings.push(reading);
  }
  return result(readings, errors, forbidden);
};

const notPaired = (webId: string) =>
  `this credential is not paired with the patient ${webId}; only the patient can pair a device with their pod (POST /pairings)`;
const notPairedSubject = (e: FieldError): FieldError => ({
  field: e.field,
  message: 'no patient paired with this credential has this WebID; only the patient can pair a device with their pod (POST /pairings)',
});

/**
 * A FHIR subject identifier that resolves to none of the caller's patients:
 * the same words whether the identifier is enrolled with someone else or not
 * at all, so no answer tells a caller who is enrolled.
 */
export const UNKNOWN_SUBJECT_IDENTIFIER =
  'no patient with this identifier is paired with this sender; only the patient can pair a device with their pod (POST /pairings), and a platform sends for the patients paired through it';

/** The kind must be one the patient approved for the caller. */
function mayWrite(patient: PairedPatient, m: Measurement, field: string, forbidden: FieldError[]): boolean {
  if (patient.pairingsByKind.has(m.kind)) return true;
  forbidden.push({
    field: field ? `${field}/kind` : 'kind',
    message: `${patient.webId} has not approved ${m.kind} for this credential (approved: ${[...patient.pairingsByKind.keys()].join(', ')}); the patient can pair the device again with more kinds`,
  });
  return false;
}

/** A FHIR subject's WebID among the caller's pairings: by identifier (keyed hash), or a reference that is a paired patient's WebID. */
export function resolveSubject(subject: FhirSubject, scope: CallerScope): string | undefined {
  if (subject.identifier?.system && subject.identifier.value) {
    return scope.identified(subject.identifier.system, subject.identifier.value)?.webId;
  }
  if (subject.reference && isSafeHttpIri(subject.reference)) return scope.patient(subject.reference)?.webId;
  return undefined;
}

/** The patient a JSON reading is for: its `patient`, its `patientIdentifier`, or a device's own patient. */
function patientOf(
  input: Record<string, unknown>,
  patientIdentifier: unknown,
  scope: CallerScope,
  fail: (field: string, message: string) => void,
  forbid: (field: string, message: string) => void,
): PairedPatient | undefined {
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
    const patient = scope.identified(id.system, id.value);
    if (!patient) {
      forbid('patientIdentifier', 'no patient paired with this credential has this identifier; only the patient can pair a device with their pod (POST /pairings)');
      return undefined;
    }
    input.patient = patient.webId;
    return patient;
  }
  if (input.patient === undefined && scope.ownPatient) {
    input.patient = scope.ownPatient.webId;
    return scope.ownPatient;
  }
  if (!isSafeHttpIri(input.patient)) return undefined; // parseMeasurementInput says what is wrong with it
  const patient = scope.patient(input.patient);
  if (!patient) forbid('patient', notPaired(input.patient));
  return patient;
}

/** The SNOMED CT concepts a measurement of `kind` is stored with (the panel's and its components'). */
function conceptsOf(kind: KindId): string[] {
  const spec = kindSpec(kind);
  return [spec, ...Object.values(spec.components ?? {})].map(observedPropertyIri);
}

/**
 * Maps the measurement to its triples and checks them against the SHACL
 * shapes, narrowed to its kind (same verdict, a third of the cost: see
 * shapes/validate.ts). The entry keeps those triples for delivery.
 */
async function checkShapes(m: Measurement, patient: PairedPatient, field: string, errors: FieldError[]): Promise<IntakeReading | undefined> {
  const quads = measurementToQuads(m, patient.storage);
  const report = await validateShapes(quads, { observedProperties: conceptsOf(m.kind) });
  if (!report.conforms) {
    for (const v of report.violations) errors.push({ field, message: `the stored measurement would not conform to its shape: ${v.message}` });
    return undefined;
  }
  return {
    id: readingId(patient.storage, m),
    document: measurementDocument(patient.storage, m.kind, m.effectiveTime),
    triples: entryTriples(quads),
    fingerprint: fingerprintOf(m),
    field,
    pairings: patient.pairingsByKind.get(m.kind) ?? [],
  };
}
