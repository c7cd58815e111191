/**
 * FHIR R4 Observation / Bundle (vital-signs style, as Norwegian DHO
 * platforms send them) -> the mapping's MeasurementInput. It only
 * translates; every value is then checked by parseMeasurementInput, and its
 * errors are reported at the FHIR path the sender used
 * (`entry/2/resource/valueQuantity/code`), so a vendor can fix its payload.
 *
 * Supported: SNOMED CT or LOINC `code.coding`; `valueQuantity` with UCUM
 * (`system` http://unitsofmeasure.org, the unit in `code`); blood pressure as
 * a panel with systolic/diastolic `component`s; `effectiveDateTime`;
 * `subject` by reference or identifier (resolved by the caller's enrolment
 * registry); `device` by identifier or `Device/{id}` reference; the
 * measurement setting from the extension SETTING_EXTENSION or the caller's
 * default. Never accepts a payload it only half understands.
 */
import { componentForCode, kindForCode, type KindId } from '../../../vocab/catalogue.ts';
import { FHIR_SYSTEM } from '../../../vocab/terms.ts';
import type { FieldError, Validated } from '../measurement/errors.ts';
import { parseMeasurementInput, type MeasurementInput } from '../measurement/input.ts';
import type { Setting } from '../measurement/types.ts';
import { SETTING_EXTENSION } from './extensions.ts';

export { SETTING_EXTENSION };

export interface FhirSubject { reference?: string; identifier?: { system?: string; value?: string } }

export interface FhirImportOptions {
  /** Finds the patient's WebID for a FHIR subject (the gateway: among the sender's pairings); undefined if unknown. */
  resolveSubject(subject: FhirSubject): string | undefined;
  /** WebID of the organisation sending the readings. */
  source: string;
  /** Setting when the Observation carries no setting extension. */
  defaultSetting?: Setting;
  now?: Date;
  /** At most this many Observations in one Bundle. */
  maxEntries?: number;
}

export interface ImportedReading {
  input: MeasurementInput;
  /** FHIR path of the Observation, e.g. `entry/2/resource` ('' for a single Observation). */
  field: string;
}

const ACCEPTED_STATUS = new Set(['final', 'amended', 'corrected', 'preliminary']);
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A string or number as text; anything else (whose toString the sender controls) as ''. */
const scalarText = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

export function fhirToMeasurementInputs(body: unknown, options: FhirImportOptions): Validated<ImportedReading[]> {
  const errors: FieldError[] = [];
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'the body must be a FHIR R4 Observation or Bundle (a JSON object)' }] };
  if (body.resourceType === 'Observation') {
    const reading = observation(body, '', options, errors);
    return reading && errors.length === 0 ? { ok: true, value: [reading] } : { ok: false, errors };
  }
  if (body.resourceType !== 'Bundle') {
    return { ok: false, errors: [{ field: 'resourceType', message: 'must be "Observation" or "Bundle"' }] };
  }
  if (typeof body.type !== 'string' || !['collection', 'batch', 'transaction', 'message'].includes(body.type)) {
    errors.push({ field: 'type', message: 'a Bundle of readings must be of type collection, batch or transaction' });
  }
  const entries = body.entry;
  const max = options.maxEntries ?? 1000;
  if (!Array.isArray(entries) || entries.length === 0) {
    errors.push({ field: 'entry', message: 'the Bundle has no entries; send at least one Observation' });
    return { ok: false, errors };
  }
  if (entries.length > max) {
    errors.push({ field: 'entry', message: `at most ${max} Observations per Bundle; split it` });
    return { ok: false, errors };
  }
  const readings: ImportedReading[] = [];
  entries.forEach((entry, i) => {
    const at = `entry/${i}/resource`;
    if (!isObject(entry) || !isObject(entry.resource)) {
      errors.push({ field: `entry/${i}`, message: 'each entry needs a "resource"' });
      return;
    }
    if (entry.resource.resourceType !== 'Observation') {
      errors.push({ field: `${at}/resourceType`, message: 'only Observation resources are accepted in a Bundle of readings' });
      return;
    }
    const reading = observation(entry.resource, at, options, errors);
    if (reading) readings.push(reading);
  });
  return errors.length === 0 ? { ok: true, value: readings } : { ok: false, errors };
}

/** Where each MeasurementInput field comes from in an Observation, for error paths. */
const FHIR_PATH: Record<string, string> = {
  patient: 'subject', kind: 'code/coding', code: 'code/coding', value: 'valueQuantity/value',
  unit: 'valueQuantity/code', effectiveTime: 'effectiveDateTime', device: 'device', source: 'source',
  setting: `extension(${SETTING_EXTENSION})`, components: 'component',
  'components/systolic': 'component(systolic)/valueQuantity/value',
  'components/diastolic': 'component(diastolic)/valueQuantity/value',
};

function observation(obs: Json, at: string, options: FhirImportOptions, errors: FieldError[]): ImportedReading | undefined {
  const before = errors.length;
  const path = (p: string) => (at ? `${at}/${p}` : p);
  const fail = (p: string, message: string) => errors.push({ field: path(p), message });

  // Never String() a value the sender chose: an object's own toString may be anything, or throw.
  if (obs.status !== undefined && !(typeof obs.status === 'string' && ACCEPTED_STATUS.has(obs.status))) {
    fail('status', typeof obs.status === 'string'
      ? `status "${obs.status}" is not a reading to store; send final, amended, corrected or preliminary`
      : 'status must be a code: final, amended, corrected or preliminary');
  }
  const kind = codedKind(obs.code, 'code', fail);
  const effectiveTime = typeof obs.effectiveDateTime === 'string' ? obs.effectiveDateTime : undefined;
  if (!effectiveTime) fail('effectiveDateTime', obs.effectivePeriod ? 'send the time of the reading as effectiveDateTime, not effectivePeriod' : 'effectiveDateTime is required (ISO 8601 with a time zone)');
  const patient = subjectOf(obs.subject, options, fail);
  const device = deviceOf(obs.device, fail);
  const setting = settingOf(obs.extension, options.defaultSetting, fail);
  if (obs.modifierExtension !== undefined) fail('modifierExtension', 'modifier extensions change what an Observation means; Helsevev understands none, so it stores none');

  let value: number | undefined;
  let unit: string | undefined;
  let components: MeasurementInput['components'];
  if (kind === 'blood-pressure') {
    ({ components, unit } = panel(obs.component, obs.valueQuantity, fail));
  } else if (kind) {
    if (obs.component !== undefined) fail('component', 'only a blood pressure panel has components');
    ({ value, unit } = quantity(obs.valueQuantity, 'valueQuantity', fail));
  }
  // Each helper above reports what it cannot read; a present but empty device id is left to
  // parseMeasurementInput, so it is reported too rather than dropping the reading unseen.
  if (errors.length > before || !kind || !patient || device === undefined || !effectiveTime || !unit) return undefined;

  const input: MeasurementInput = {
    patient, kind, unit, effectiveTime, device, source: options.source,
    ...(setting ? { setting } : {}), ...(components ? { components } : { value }),
  };
  const checked = parseMeasurementInput(input, { now: options.now, defaultSetting: options.defaultSetting });
  if (!checked.ok) {
    for (const e of checked.errors) errors.push({ field: path(FHIR_PATH[e.field] ?? e.field), message: e.message });
    return undefined;
  }
  return { input, field: at };
}

function codedKind(code: unknown, field: string, fail: (f: string, m: string) => void): KindId | undefined {
  const codings = isObject(code) && Array.isArray(code.coding) ? code.coding : undefined;
  if (!codings || codings.length === 0) {
    fail(`${field}/coding`, `needs a coding from SNOMED CT (${FHIR_SYSTEM.snomed}) or LOINC (${FHIR_SYSTEM.loinc})`);
    return undefined;
  }
  const kinds = new Set<KindId>();
  for (const c of codings) {
    if (!isObject(c) || typeof c.code !== 'string') continue;
    const system = c.system === FHIR_SYSTEM.snomed ? 'snomed' : c.system === FHIR_SYSTEM.loinc ? 'loinc' : undefined;
    const kind = system && kindForCode(system, c.code);
    if (kind) kinds.add(kind);
  }
  if (kinds.size === 0) {
    fail(`${field}/coding`, 'no coding names a measurement Helsevev knows (SNOMED CT or LOINC; see docs/catalogue.md)');
    return undefined;
  }
  if (kinds.size > 1) {
    fail(`${field}/coding`, `the codings name different measurements (${[...kinds].join(', ')}); send one`);
    return undefined;
  }
  return [...kinds][0];
}

function quantity(q: unknown, field: string, fail: (f: string, m: string) => void): { value?: number; unit?: string } {
  if (!isObject(q)) {
    fail(field, 'valueQuantity is required: { "value": number, "system": "http://unitsofmeasure.org", "code": UCUM unit }');
    return {};
  }
  if (q.system !== undefined && q.system !== FHIR_SYSTEM.ucum) {
    fail(`${field}/system`, `units must be UCUM: system "${FHIR_SYSTEM.ucum}"`);
  }
  const unit = typeof q.code === 'string' ? q.code : undefined;
  if (!unit) fail(`${field}/code`, 'the UCUM unit code is required in valueQuantity.code (valueQuantity.unit is only a display text)');
  if (typeof q.value !== 'number') fail(`${field}/value`, 'must be a number');
  return { value: typeof q.value === 'number' ? q.value : undefined, unit };
}

function panel(
  component: unknown, valueQuantity: unknown, fail: (f: string, m: string) => void,
): { components?: { systolic: number; diastolic: number }; unit?: string } {
  if (valueQuantity !== undefined) fail('valueQuantity', 'a blood pressure panel carries its values in component, not valueQuantity');
  if (!Array.isArray(component) || component.length === 0) {
    fail('component', 'blood pressure needs a systolic (LOINC 8480-6) and a diastolic (LOINC 8462-4) component');
    return {};
  }
  const values: Partial<Record<string, number>> = {};
  const units = new Set<string>();
  component.forEach((c, i) => {
    const at = `component/${i}`;
    const codings = isObject(c) && isObject(c.code) && Array.isArray(c.code.coding) ? c.code.coding : [];
    const which = codings.map((coding: unknown) => {
      if (!isObject(coding) || typeof coding.code !== 'string') return undefined;
      const system = coding.system === FHIR_SYSTEM.snomed ? 'snomed' : coding.system === FHIR_SYSTEM.loinc ? 'loinc' : undefined;
      return system ? componentForCode(system, coding.code)?.component : undefined;
    }).find(Boolean);
    if (!which) {
      fail(`${at}/code/coding`, 'is neither systolic (LOINC 8480-6, SNOMED 271649006) nor diastolic (LOINC 8462-4, SNOMED 271650006) blood pressure');
      return;
    }
    if (values[which] !== undefined) {
      fail(`${at}/code/coding`, `${which} blood pressure appears twice`);
      return;
    }
    const { value, unit } = quantity(isObject(c) ? c.valueQuantity : undefined, `${at}/valueQuantity`, fail);
    if (value !== undefined) values[which] = value;
    if (unit) units.add(unit);
  });
  if (units.size > 1) fail('component', `systolic and diastolic must use the same unit (got ${[...units].join(', ')})`);
  if (values.systolic === undefined || values.diastolic === undefined) {
    if (Object.keys(values).length > 0) fail('component', 'blood pressure needs both a systolic and a diastolic component');
    return {};
  }
  return { components: { systolic: values.systolic, diastolic: values.diastolic }, unit: [...units][0] };
}

/** What a subject the sender's resolveSubject did not know is told (the gateway answers it as not paired). */
export const UNRESOLVED_SUBJECT = 'no patient paired with this sender has this identifier or reference; only the patient can pair a device with their pod';

function subjectOf(subject: unknown, options: FhirImportOptions, fail: (f: string, m: string) => void): string | undefined {
  if (!isObject(subject)) {
    fail('subject', 'subject is required: a reference to the patient\'s WebID or an identifier { system, value } the patient was paired with');
    return undefined;
  }
  const identifier = isObject(subject.identifier) ? subject.identifier : undefined;
  const ref: FhirSubject = {
    reference: typeof subject.reference === 'string' ? subject.reference : undefined,
    identifier: identifier ? { system: scalarText(identifier.system), value: scalarText(identifier.value) } : undefined,
  };
  if (!ref.reference && !ref.identifier) {
    fail('subject', 'subject needs a reference or an identifier');
    return undefined;
  }
  const webId = options.resolveSubject(ref);
  if (!webId) {
    fail(ref.identifier ? 'subject/identifier' : 'subject/reference', UNRESOLVED_SUBJECT);
  }
  return webId;
}

function deviceOf(device: unknown, fail: (f: string, m: string) => void): string | undefined {
  if (isObject(device)) {
    if (isObject(device.identifier) && typeof device.identifier.value === 'string') return device.identifier.value;
    if (typeof device.reference === 'string') {
      const m = /^Device\/([^/]+)$/.exec(device.reference);
      if (m) return m[1];
    }
  }
  fail('device', 'device is required: { "identifier": { "value": device id } } or { "reference": "Device/{id}" }');
  return undefined;
}

function settingOf(extensions: unknown, fallback: Setting | undefined, fail: (f: string, m: string) => void): string | undefined {
  if (extensions === undefined) return fallback;
  // FHIR: a list of { url, value[x] }. Anything else is not an Observation we half understand.
  if (!Array.isArray(extensions)) {
    fail('extension', 'must be a list of extensions ({ "url": ..., "value[x]": ... })');
    return undefined;
  }
  const bad = extensions.findIndex((e) => !isObject(e) || typeof e.url !== 'string' || e.url.length === 0);
  if (bad >= 0) {
    fail(`extension/${bad}`, 'an extension must be an object with a url');
    return undefined;
  }
  const ext = extensions.find((e) => isObject(e) && e.url === SETTING_EXTENSION) as Json | undefined;
  if (!ext) return fallback;
  if (typeof ext.valueCode !== 'string') {
    fail(`extension(${SETTING_EXTENSION})/valueCode`, 'must be a code: home-municipality, home-hospital or clinic');
    return undefined;
  }
  return ext.valueCode;
}
