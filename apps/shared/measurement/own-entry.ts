/**
 * A measurement the patient types in by hand on their own page, turned into
 * the same typed Measurement a device's reading becomes: the form's fields
 * are mapped onto the gateway's input format and validated by
 * parseMeasurementInput (plausible range, unit, not in the future), so a hand
 * entry is checked exactly like a device's and written by the one RDF
 * mapping (rdf.ts). Pure: it never writes, and never decides who the patient
 * is (the caller passes the logged-in WebID).
 *
 * - setting `patient-entered`, source = the patient's own WebID: the reading
 *   is shown as "entered by the patient" on every chart, and only the patient
 *   may write that (input.ts refuses it for any other source).
 * - identity: no device, so an identifier made of the instant and the values.
 *   Submitting the same entry twice gives the same IRI (one reading); a
 *   corrected value at the same minute is a second reading, never two values
 *   on one reading.
 */
import { isKindId, kindSpec, MEASUREMENT_KINDS, type KindId } from '../../../vocab/catalogue.ts';
import type { FieldError, Validated } from './errors.ts';
import { parseMeasurementInput, type MeasurementInput } from './input.ts';
import type { Measurement } from './types.ts';

/** The identifier system of hand entries (their identity; FHIR Observation.identifier on export). */
export const OWN_ENTRY_SYSTEM = 'urn:helsevev:own-entry';

/** What the patient's form sends: numbers as typed (decimal comma or point), the time as an ISO instant. */
export interface OwnEntryForm {
  readonly kind: string;
  /** The value, for every kind but blood pressure. */
  readonly value?: string;
  readonly systolic?: string;
  readonly diastolic?: string;
  /** ISO 8601 with a time zone; the page turns its local date and time into one. */
  readonly effectiveTime: string;
}

export interface OwnEntryOptions {
  /** Clock for the "not in the future" check. */
  readonly now?: Date;
}

/** A hand entry may be at most this far ahead of the clock (a minute's rounding and a slow clock). */
export const OWN_ENTRY_CLOCK_SKEW_MS = 2 * 60_000;

const DECIMAL = /^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)\s*$/;

/** "16,2" and "16.2" are the same number; anything else is not a number. */
export function parseDecimal(text: string | undefined): number | undefined {
  if (text === undefined || !DECIMAL.test(text)) return undefined;
  return Number(text.trim().replace(',', '.'));
}

export function parseOwnEntry(patient: string, form: OwnEntryForm, options: OwnEntryOptions = {}): Validated<Measurement> {
  const errors: FieldError[] = [];
  const number = (field: string, text: string | undefined, example: string): number | undefined => {
    const value = parseDecimal(text);
    if (value === undefined) errors.push({ field, message: `must be a number, e.g. ${example}` });
    return value;
  };
  if (!isKindId(form.kind)) {
    return { ok: false, errors: [{ field: 'kind', message: `choose a kind of measurement: one of ${MEASUREMENT_KINDS.map((k) => k.category).join(', ')}` }] };
  }
  const kind: KindId = form.kind;
  const spec = kindSpec(kind);
  let values: Pick<MeasurementInput, 'value' | 'components'> | undefined;
  if (spec.components) {
    const systolic = number('components/systolic', form.systolic, '135');
    const diastolic = number('components/diastolic', form.diastolic, '85');
    if (systolic !== undefined && diastolic !== undefined) values = { components: { systolic, diastolic } };
  } else {
    const value = number('value', form.value, String(spec.range.min + (spec.range.max - spec.range.min) / 4));
    if (value !== undefined) values = { value };
  }
  const instant = Date.parse(form.effectiveTime);
  const input: MeasurementInput = {
    patient,
    kind,
    ...values,
    unit: spec.canonicalUnit,
    effectiveTime: form.effectiveTime,
    identifier: { system: OWN_ENTRY_SYSTEM, value: entryId(instant, values) },
    source: patient,
    setting: 'patient-entered',
  };
  const checked = parseMeasurementInput(input, { now: options.now, maxClockSkewMs: OWN_ENTRY_CLOCK_SKEW_MS });
  // A missing number is said once (here), not again as "must be a number" by the gateway's check.
  const further = checked.ok ? [] : checked.errors.filter((e) => !errors.some((own) => own.field === e.field)
    && !(values === undefined && (e.field === 'value' || e.field.startsWith('components'))));
  if (errors.length > 0 || !checked.ok) return { ok: false, errors: [...errors, ...further] };
  return checked;
}

/** `t{epoch ms}-{values}`: the same entry sent twice is one reading. */
function entryId(instant: number, values: Pick<MeasurementInput, 'value' | 'components'> | undefined): string {
  const time = Number.isFinite(instant) ? String(instant) : 'unknown';
  const shown = values?.components ? `${values.components.systolic}/${values.components.diastolic}` : String(values?.value ?? '');
  return `t${time}-v${shown}`;
}
