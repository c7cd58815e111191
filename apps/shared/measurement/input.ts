/**
 * The edge where untrusted readings become typed measurements. Everything a
 * device, a FHIR payload or a seed script sends passes through
 * `parseMeasurementInput`; it either returns a Measurement (canonical unit,
 * normalised time) or the list of everything wrong with it, never both.
 */
import {
  isKindId, kindForCode, kindSpec, MEASUREMENT_KINDS, type KindId,
} from '../../../vocab/catalogue.ts';
import { FHIR_SYSTEM } from '../../../vocab/terms.ts';
import { toCanonicalUnit } from '../../../vocab/units.ts';
import type { FieldError, Validated } from './errors.ts';
import { toOsloIso } from './identity.ts';
import { checkContext, checkIdentifier, checkPerformers } from './input-provenance.ts';
import { isSafeHttpIri } from './iri.ts';
import {
  SETTINGS, type Measurement, type MeasurementContext, type Performer, type RecordIdentifier, type Setting,
} from './types.ts';

/** What a caller may send for one reading (the gateway's JSON format). */
export interface MeasurementInput {
  patient: string;
  kind?: string;
  code?: { system: string; code: string };
  value?: number;
  components?: { systolic: number; diastolic: number; meanArterial?: number; pulsePressure?: number };
  unit: string;
  effectiveTime: string;
  /** Required unless `identifier` is given (a record system's observation without a device). */
  device?: string;
  identifier?: RecordIdentifier;
  source: string;
  setting?: string;
  performers?: readonly Performer[];
  context?: MeasurementContext;
}

export interface ParseOptions {
  /** Clock for the "not in the future" check. */
  now?: Date;
  /** Allowed device clock skew into the future, ms (default 5 minutes). */
  maxClockSkewMs?: number;
  /** Prefix for field names in errors, e.g. `readings/3/`. */
  fieldPrefix?: string;
  /** Setting used when the input names none. */
  defaultSetting?: Setting;
}

const FIELDS = new Set(['patient', 'kind', 'code', 'value', 'components', 'unit', 'effectiveTime', 'device', 'identifier', 'source', 'setting', 'performers', 'context']);
const DEVICE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const EARLIEST = Date.UTC(1990, 0, 1);
const KIND_LIST = MEASUREMENT_KINDS.map((k) => k.category).join(', ');

export function parseMeasurementInput(raw: unknown, options: ParseOptions = {}): Validated<Measurement> {
  const prefix = options.fieldPrefix ?? '';
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => errors.push({ field: `${prefix}${field}`, message });

  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail('', 'a reading must be a JSON object');
    return { ok: false, errors };
  }
  const input = raw as Record<string, unknown>;
  for (const key of Object.keys(input)) {
    if (!FIELDS.has(key)) fail(key, `unknown field; allowed fields are ${[...FIELDS].join(', ')}`);
  }

  const patient = checkIri(input.patient, 'patient', 'the patient\'s WebID', fail);
  const source = checkIri(input.source, 'source', 'the WebID of the organisation or vendor sending the reading', fail);
  const device = typeof input.device === 'string' && DEVICE_ID.test(input.device) ? input.device : undefined;
  const identifier = input.identifier === undefined ? undefined : checkIdentifier(input.identifier, 'identifier', fail);
  if (input.device !== undefined && device === undefined) {
    fail('device', 'device id is required: 1-128 characters of letters, digits and . _ : - (starting with a letter or digit)');
  }
  if (input.device === undefined && input.identifier === undefined) {
    fail('device', 'say which reading this is: a "device" id (1-128 letters, digits and . _ : -) or an "identifier" { "system": URI, "value": string } from the record system');
  }
  const performers = input.performers === undefined ? undefined : checkPerformers(input.performers, 'performers', fail);
  const context = input.context === undefined ? undefined : checkContext(input.context, 'context', fail);
  const kind = resolveKind(input, fail);
  const effectiveTime = checkTime(input.effectiveTime, options, fail);
  const setting = checkSetting(input.setting, options.defaultSetting, fail);
  const values = kind ? checkValues(kind, input, fail) : undefined;
  if (setting === 'patient-entered' && patient && source && source !== patient) {
    // "Entered by the patient" is shown as its own source on every chart: only the patient may claim it.
    fail('setting', '"patient-entered" is only for a reading the patient typed in themselves, written with the patient\'s own login (source must be the patient\'s WebID)');
  }

  if (errors.length > 0 || !patient || !source || (!device && !identifier) || !kind || !effectiveTime || !setting || !values) {
    return { ok: false, errors };
  }
  const base = {
    patient, effectiveTime, ...(device ? { device } : {}), ...(identifier ? { identifier } : {}), source, setting,
    ...(performers ? { performers } : {}), ...(context ? { context } : {}),
  };
  const unit = kindSpec(kind).canonicalUnit;
  const { meanArterial, pulsePressure } = values;
  const measurement: Measurement = kind === 'blood-pressure'
    ? {
      ...base, kind, systolic: values.systolic!, diastolic: values.diastolic!,
      ...(meanArterial !== undefined ? { meanArterial } : {}), ...(pulsePressure !== undefined ? { pulsePressure } : {}), unit: 'mm[Hg]',
    }
    : { ...base, kind, value: values.value!, unit };
  return { ok: true, value: measurement };
}

export { isSafeHttpIri };

type Fail = (field: string, message: string) => void;

function checkIri(value: unknown, field: string, what: string, fail: Fail): string | undefined {
  if (value === undefined || value === null || value === '') {
    fail(field, `${what} is required, e.g. "https://pod.example/hans/profile/card#me"`);
    return undefined;
  }
  if (!isSafeHttpIri(value)) {
    fail(field, `must be ${what} as an absolute http(s) IRI without spaces, quotes or angle brackets (at most 512 characters, in normalised form)`);
    return undefined;
  }
  return value;
}

function resolveKind(input: Record<string, unknown>, fail: Fail): KindId | undefined {
  const { kind, code } = input;
  let fromKind: KindId | undefined;
  let fromCode: KindId | undefined;
  if (kind !== undefined) {
    if (typeof kind === 'string' && isKindId(kind)) fromKind = kind;
    else fail('kind', `unknown measurement kind; use one of ${KIND_LIST}`);
  }
  if (code !== undefined) {
    fromCode = resolveCode(code, fail);
  }
  if (kind === undefined && code === undefined) {
    fail('kind', `say what was measured: "kind" (one of ${KIND_LIST}) or "code" ({ "system": "${FHIR_SYSTEM.snomed}" or "${FHIR_SYSTEM.loinc}", "code": ... })`);
  }
  if (fromKind && fromCode && fromKind !== fromCode) {
    fail('code', `code names ${fromCode} but kind says ${fromKind}; send one, or make them agree`);
    return undefined;
  }
  return fromKind ?? fromCode;
}

function resolveCode(code: unknown, fail: Fail): KindId | undefined {
  if (typeof code !== 'object' || code === null || Array.isArray(code)) {
    fail('code', 'must be an object { "system": ..., "code": ... }');
    return undefined;
  }
  const { system, code: value } = code as Record<string, unknown>;
  const which = system === FHIR_SYSTEM.snomed ? 'snomed' : system === FHIR_SYSTEM.loinc ? 'loinc' : undefined;
  if (!which) {
    fail('code/system', `unknown code system; use "${FHIR_SYSTEM.snomed}" (SNOMED CT) or "${FHIR_SYSTEM.loinc}" (LOINC)`);
    return undefined;
  }
  if (typeof value !== 'string' || !/^[0-9-]{1,20}$/.test(value)) {
    fail('code/code', `must be a ${which === 'snomed' ? 'SNOMED CT concept id (digits)' : 'LOINC code (e.g. "8867-4")'}`);
    return undefined;
  }
  const kind = kindForCode(which, value);
  if (!kind) fail('code/code', `${which === 'snomed' ? 'SNOMED CT' : 'LOINC'} code ${value} is not a measurement Helsevev knows; see docs/catalogue.md`);
  return kind;
}

function checkTime(value: unknown, options: ParseOptions, fail: Fail): string | undefined {
  if (value === undefined || value === null || value === '') {
    fail('effectiveTime', 'the time of the measurement is required, as ISO 8601 with a time zone, e.g. "2026-01-05T08:30:00+01:00"');
    return undefined;
  }
  const match = typeof value === 'string' ? ISO_WITH_ZONE.exec(value) : null;
  const date = match ? new Date(value as string) : undefined;
  if (!match || !date || Number.isNaN(date.getTime()) || !calendarValid(match)) {
    fail('effectiveTime', 'must be an ISO 8601 date-time with a time zone (Z or ±hh:mm), e.g. "2026-01-05T08:30:00+01:00"');
    return undefined;
  }
  const now = (options.now ?? new Date()).getTime();
  const skew = options.maxClockSkewMs ?? 5 * 60_000;
  if (date.getTime() > now + skew) {
    fail('effectiveTime', `is in the future (more than ${Math.round(skew / 1000)} s ahead of the server clock); check the device's clock`);
    return undefined;
  }
  if (date.getTime() < EARLIEST) {
    fail('effectiveTime', 'is before 1990; check the device\'s clock');
    return undefined;
  }
  return toOsloIso(date);
}

function calendarValid(m: RegExpExecArray): boolean {
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  const probe = new Date(Date.UTC(y!, mo! - 1, d!));
  return probe.getUTCMonth() === mo! - 1 && probe.getUTCDate() === d! && h! < 24 && mi! < 60 && (Number.isNaN(s) || s! < 60);
}

function checkSetting(value: unknown, fallback: Setting | undefined, fail: Fail): Setting | undefined {
  if (value === undefined && fallback) return fallback;
  if (typeof value === 'string' && Object.hasOwn(SETTINGS, value)) return value as Setting;
  fail('setting', `must be one of ${Object.keys(SETTINGS).join(', ')} (where the measurement was taken and who follows it up)`);
  return undefined;
}

function checkValues(
  kind: KindId, input: Record<string, unknown>, fail: Fail,
): { value?: number; systolic?: number; diastolic?: number; meanArterial?: number; pulsePressure?: number } | undefined {
  const spec = kindSpec(kind);
  if (typeof input.unit !== 'string' || input.unit.length === 0) {
    fail('unit', `the UCUM unit is required; for ${spec.names.en.toLowerCase()} use '${spec.canonicalUnit}'`);
    return undefined;
  }
  const unit = input.unit;
  const one = (field: string, raw: unknown, what: string, range: { min: number; max: number }) => {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) {
      fail(field, `must be a number (${what} in '${unit}')`);
      return undefined;
    }
    const converted = toCanonicalUnit(kind, raw, unit, what);
    if (!converted.ok) {
      fail('unit', converted.message);
      return undefined;
    }
    if (converted.value < range.min || converted.value > range.max) {
      fail(field, `${raw} ${unit} is not a plausible ${what}: it must be between ${range.min} and ${range.max} ${spec.canonicalUnit}`);
      return undefined;
    }
    return converted.value;
  };

  if (spec.components) {
    if (input.value !== undefined) fail('value', `${spec.names.en.toLowerCase()} is a panel: send "components": { "systolic": ..., "diastolic": ... } instead of "value"`);
    const c = input.components;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      fail('components', 'blood pressure needs "components": { "systolic": number, "diastolic": number }');
      return undefined;
    }
    const comps = c as Record<string, unknown>;
    for (const key of Object.keys(comps)) {
      if (!(key in spec.components)) fail(`components/${key}`, `unknown component; use ${Object.keys(spec.components).join(', ')}`);
    }
    const systolic = one('components/systolic', comps.systolic, 'systolic blood pressure', spec.components.systolic!.range);
    const diastolic = one('components/diastolic', comps.diastolic, 'diastolic blood pressure', spec.components.diastolic!.range);
    // Mean arterial and pulse pressure are optional; kept as sent (converted like the others).
    const extra = (name: 'meanArterial' | 'pulsePressure') => (comps[name] === undefined ? undefined
      : one(`components/${name}`, comps[name], spec.components![name]!.names.en.toLowerCase(), spec.components![name]!.range) ?? null);
    const meanArterial = extra('meanArterial');
    const pulsePressure = extra('pulsePressure');
    if (systolic === undefined || diastolic === undefined || meanArterial === null || pulsePressure === null) return undefined;
    if (diastolic >= systolic) {
      fail('components', `diastolic (${diastolic}) must be lower than systolic (${systolic}); are they swapped?`);
      return undefined;
    }
    return {
      systolic, diastolic,
      ...(meanArterial !== undefined ? { meanArterial } : {}), ...(pulsePressure !== undefined ? { pulsePressure } : {}),
    };
  }
  if (input.components !== undefined) fail('components', `only blood pressure has components; send "value" for ${spec.names.en.toLowerCase()}`);
  const value = one('value', input.value, spec.names.en.toLowerCase(), spec.range);
  return value === undefined ? undefined : { value };
}
