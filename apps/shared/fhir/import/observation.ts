/**
 * One FHIR R4 Observation -> one MeasurementInput, as Norwegian record
 * systems (HL7 Norway's VkpObservation and vital-signs profiles) and device
 * platforms send it. It only translates and then lets parseMeasurementInput
 * check every value; errors name the FHIR path the sender used (relative to
 * the Observation), so a vendor can fix its payload. Never accepts a payload
 * it only half understands: unknown codes, modifier extensions and values
 * that are not a quantity are refused, saying what is supported.
 */
import type { Observation } from 'fhir/r4.js';
import type { FieldError, Validated } from '../../measurement/errors.ts';
import { parseMeasurementInput, type MeasurementInput } from '../../measurement/input.ts';
import type { Setting } from '../../measurement/types.ts';
import { SETTING_EXTENSION } from '../extensions.ts';
import { kindOf } from './coding.ts';
import { checkInvariants } from './invariants.ts';
import { isObject, type Fail, type Json } from './json.ts';
import {
  contextOf, deviceOf, identifierOf, performersOf, subjectOf, type FhirSubject,
} from './provenance.ts';
import { effectiveTimeOf } from './time.ts';
import { valueOf } from './values.ts';

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

const ACCEPTED_STATUS = new Set(['final', 'amended', 'corrected', 'preliminary']);

/** Where each MeasurementInput field comes from in an Observation, for parseMeasurementInput's errors. */
const FHIR_PATH: Record<string, string> = {
  patient: 'subject', kind: 'code/coding', code: 'code/coding', value: 'valueQuantity/value',
  unit: 'valueQuantity/code', effectiveTime: 'effectiveDateTime', device: 'device', identifier: 'identifier',
  source: 'source', setting: `extension(${SETTING_EXTENSION})`, components: 'component',
  'components/systolic': 'component(systolic)/valueQuantity/value',
  'components/diastolic': 'component(diastolic)/valueQuantity/value',
  'components/meanArterial': 'component(mean arterial pressure)/valueQuantity/value',
  'components/pulsePressure': 'component(pulse pressure)/valueQuantity/value',
  performers: 'performer', context: 'extension',
};

function fhirPath(field: string): string {
  if (FHIR_PATH[field]) return FHIR_PATH[field];
  const [head, ...rest] = field.split('/');
  return FHIR_PATH[head!] ? [FHIR_PATH[head!], ...rest].join('/') : field;
}

/**
 * Maps one Observation. `at` prefixes error paths (e.g. `entry/2/resource`);
 * the gateway's batch handling calls this per entry.
 */
export function fhirObservationToInput(
  resource: Observation | unknown, options: FhirImportOptions, at = '',
): Validated<MeasurementInput> {
  const errors: FieldError[] = [];
  const fail: Fail = (p, message) => errors.push({ field: at ? (p ? `${at}/${p}` : at) : p, message });
  if (!isObject(resource) || resource.resourceType !== 'Observation') {
    fail('resourceType', 'must be a FHIR R4 Observation (resourceType "Observation")');
    return { ok: false, errors };
  }
  const obs: Json = resource;
  // Never String() a value the sender chose: an object's own toString may be anything, or throw.
  if (obs.status !== undefined && !(typeof obs.status === 'string' && ACCEPTED_STATUS.has(obs.status))) {
    fail('status', typeof obs.status === 'string'
      ? `status "${obs.status}" is not a reading to store; send final, amended, corrected or preliminary`
      : 'status must be a code: final, amended, corrected or preliminary');
  }
  if (obs.modifierExtension !== undefined) fail('modifierExtension', 'modifier extensions change what an Observation means; Helsevev understands none, so it stores none');
  const extensionsOk = checkExtensionList(obs.extension, fail);
  const kind = kindOf(obs.code, 'code', fail);
  if (!kind) return { ok: false, errors }; // out of the catalogue: nothing else about it matters
  if (!checkInvariants(obs, fail)) return { ok: false, errors }; // not a reading at all: its fields would only add noise
  const effectiveTime = effectiveTimeOf(obs, fail);
  const patient = subjectOf(obs.subject, options.resolveSubject, fail);
  const device = deviceOf(obs.device, fail);
  // A device reading keeps its device identity (as before #19); the record identifier is the identity only without one.
  const identifier = obs.device === undefined ? identifierOf(obs.identifier) : undefined;
  if (obs.device === undefined && !identifier) {
    fail('identifier', 'say which reading this is: an identifier { "system", "value" } from your record system, or a device { "identifier": { "value": device id } }');
  }
  const setting = (extensionsOk ? settingOf(obs.extension as Json[] | undefined, fail) : undefined) ?? options.defaultSetting;
  const { value, unit, components } = valueOf(obs, kind, fail);
  if (errors.length > 0 || !patient || !effectiveTime || !unit) return { ok: false, errors };

  const performers = performersOf(obs.performer);
  const context = contextOf(obs);
  const input: MeasurementInput = {
    patient, kind, unit, effectiveTime, source: options.source,
    ...(device !== undefined ? { device } : {}), ...(identifier ? { identifier } : {}),
    ...(setting ? { setting } : {}), ...(components ? { components } : { value }),
    ...(performers ? { performers } : {}), ...(context ? { context } : {}),
  };
  const checked = parseMeasurementInput(input, { now: options.now, defaultSetting: options.defaultSetting });
  if (!checked.ok) {
    for (const e of checked.errors) fail(fhirPath(e.field), e.message);
    return { ok: false, errors };
  }
  return { ok: true, value: input };
}

function checkExtensionList(extensions: unknown, fail: Fail): boolean {
  if (extensions === undefined) return true;
  // FHIR: a list of { url, value[x] }. Anything else is not an Observation we half understand.
  if (!Array.isArray(extensions)) {
    fail('extension', 'must be a list of extensions ({ "url": ..., "value[x]": ... })');
    return false;
  }
  const bad = extensions.findIndex((e) => !isObject(e) || typeof e.url !== 'string' || e.url.length === 0);
  if (bad >= 0) {
    fail(`extension/${bad}`, 'an extension must be an object with a url');
    return false;
  }
  return true;
}

function settingOf(extensions: Json[] | undefined, fail: Fail): string | undefined {
  const ext = extensions?.find((e) => e.url === SETTING_EXTENSION);
  if (!ext) return undefined;
  if (typeof ext.valueCode !== 'string') {
    fail(`extension(${SETTING_EXTENSION})/valueCode`, 'must be a code: home-municipality, home-hospital or clinic');
    return undefined;
  }
  return ext.valueCode;
}
