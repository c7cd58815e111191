/**
 * Who and what an Observation is about, as the sender states it: the
 * subject (resolved by the caller), the record system's identifier, the
 * performers, and the Norwegian vital-signs context (extensions, method,
 * meta.source). Only translates; parseMeasurementInput bounds every value.
 * None of this is used for access: the sender is the authenticated source.
 */
import type { Coded, MeasurementContext, Performer, RecordIdentifier } from '../../measurement/types.ts';
import {
  NO_BODY_POSITION_EXTENSIONS, NO_CLOTHING_STATE_EXTENSION, NO_CONFOUNDING_FACTOR_EXTENSION,
} from '../extensions.ts';
import {
  NO_ORGANISATION_NUMBER_SYSTEM, NO_PATIENT_IDENTIFIER_SYSTEMS, NO_RESH_SYSTEM,
} from '../identifiers.ts';
import { isObject, scalarText, text, type Fail, type Json } from './json.ts';

export interface FhirSubject { reference?: string; identifier?: { system?: string; value?: string } }

/** What a subject the sender's resolveSubject did not know is told (the gateway answers it as not paired). */
export const UNRESOLVED_SUBJECT = 'no patient paired with this sender has this identifier or reference; only the patient can pair a device with their pod';

const PATIENT_SYSTEMS = Object.entries(NO_PATIENT_IDENTIFIER_SYSTEMS).map(([s, name]) => `${name} (${s})`).join(', ');

// VkpObservation's blood-pressure example uses an older URL for body position than the
// no-domain IG now publishes. TODO(lead): move into extensions.ts (h19-model's) if kept.
const VKP_LEGACY_BODY_POSITION = 'http://hl7.no/fhir/StructureDefinition/no-domain-vitalsignsobservation-bloodpressure-bodypositionextension';
const BODY_POSITION_URLS = new Set([...NO_BODY_POSITION_EXTENSIONS, VKP_LEGACY_BODY_POSITION]);

export function subjectOf(subject: unknown, resolve: (s: FhirSubject) => string | undefined, fail: Fail): string | undefined {
  if (!isObject(subject)) {
    fail('subject', `subject is required: a reference to the patient's WebID, or an identifier { system, value } in ${PATIENT_SYSTEMS}`);
    return undefined;
  }
  const identifier = isObject(subject.identifier) ? subject.identifier : undefined;
  const ref: FhirSubject = {
    reference: text(subject.reference),
    identifier: identifier ? { system: scalarText(identifier.system), value: scalarText(identifier.value) } : undefined,
  };
  if (!ref.reference && !ref.identifier) {
    fail('subject', 'subject needs a reference or an identifier');
    return undefined;
  }
  const webId = resolve(ref);
  if (webId) return webId;
  // The message depends only on the system sent, never on who is enrolled where.
  if (ref.identifier && !(ref.identifier.system! in NO_PATIENT_IDENTIFIER_SYSTEMS) && !ref.reference) {
    fail('subject/identifier/system', `identify the patient by ${PATIENT_SYSTEMS}, or by the identifier system the patient was paired with`);
  } else {
    fail(ref.identifier && !ref.reference ? 'subject/identifier' : 'subject/reference', UNRESOLVED_SUBJECT);
  }
  return undefined;
}

/**
 * The first Observation.identifier with both a system and a value, skipping
 * the reading IRI Helsevev's own export puts first (system urn:ietf:rfc:3986,
 * an http(s) value): a re-imported export is then the same reading again.
 */
export function identifierOf(identifiers: unknown): RecordIdentifier | undefined {
  if (!Array.isArray(identifiers)) return undefined;
  for (const id of identifiers) {
    if (!isObject(id) || !text(id.system) || !text(id.value)) continue;
    if (id.system === 'urn:ietf:rfc:3986' && /^https?:/.test(id.value as string)) continue;
    return { system: id.system as string, value: id.value as string };
  }
  return undefined;
}

/** The device id from `device.identifier.value` or a `Device/{id}` reference; undefined when absent. */
export function deviceOf(device: unknown, fail: Fail): string | undefined {
  if (device === undefined) return undefined;
  if (isObject(device)) {
    if (isObject(device.identifier) && typeof device.identifier.value === 'string') return device.identifier.value;
    const m = typeof device.reference === 'string' ? /^Device\/([^/]+)$/.exec(device.reference) : null;
    if (m) return m[1];
  }
  fail('device', 'device must be { "identifier": { "value": device id } } or { "reference": "Device/{id}" }');
  return undefined;
}

const ORGANISATION_SYSTEMS = new Set([NO_ORGANISATION_NUMBER_SYSTEM, NO_RESH_SYSTEM]);

/**
 * Observation.performer as claims: an organisation when its reference, type
 * or identifier system says so (organisation number, RESH id), else a person.
 * A personal identity number (fødselsnummer, D-nummer) of a health worker is
 * not copied into the patient's pod; a performer left with neither
 * identifier nor display (only the sender's local reference) is dropped.
 */
export function performersOf(performers: unknown): Performer[] | undefined {
  if (!Array.isArray(performers)) return undefined;
  const out: Performer[] = [];
  for (const p of performers) {
    if (!isObject(p)) continue;
    const id = isObject(p.identifier) && text(p.identifier.system) && text(p.identifier.value)
      ? { system: p.identifier.system as string, value: p.identifier.value as string } : undefined;
    const identifier = id && !(id.system in NO_PATIENT_IDENTIFIER_SYSTEMS) ? id : undefined;
    const display = text(p.display);
    if (!identifier && !display) continue;
    const organisation = p.type === 'Organization' || (typeof p.reference === 'string' && p.reference.startsWith('Organization/'))
      || (identifier !== undefined && ORGANISATION_SYSTEMS.has(identifier.system));
    out.push({ kind: organisation ? 'organisation' : 'person', ...(identifier ? { identifier } : {}), ...(display ? { display } : {}) });
  }
  return out.length > 0 ? out : undefined;
}

function codingOf(c: unknown): Coded | undefined {
  if (!isObject(c) || !text(c.system) || !text(c.code)) return undefined;
  return { system: c.system as string, code: c.code as string, ...(text(c.display) ? { display: c.display as string } : {}) };
}

function firstCoding(concept: unknown): Coded | undefined {
  return isObject(concept) && Array.isArray(concept.coding) ? concept.coding.map(codingOf).find(Boolean) : undefined;
}

/** Body position, clothing, confounding factors, method and meta.source, where present. */
export function contextOf(obs: Json): MeasurementContext | undefined {
  const extensions = Array.isArray(obs.extension) ? obs.extension.filter(isObject) : [];
  const withUrl = (match: (url: string) => boolean) => extensions.filter((e) => typeof e.url === 'string' && match(e.url));
  const bodyPosition = withUrl((u) => BODY_POSITION_URLS.has(u)).map((e) => codingOf(e.valueCoding)).find(Boolean);
  const clothing = withUrl((u) => u === NO_CLOTHING_STATE_EXTENSION).map((e) => codingOf(e.valueCoding)).find(Boolean);
  const factors = withUrl((u) => u === NO_CONFOUNDING_FACTOR_EXTENSION).flatMap((e): (Coded | { text: string })[] => {
    const coded = firstCoding(e.valueCodeableConcept);
    if (coded) return [coded];
    const t = isObject(e.valueCodeableConcept) ? text(e.valueCodeableConcept.text) : undefined;
    return t ? [{ text: t }] : [];
  });
  const method = firstCoding(obs.method);
  const metaSource = isObject(obs.meta) ? text(obs.meta.source) : undefined;
  const context: MeasurementContext = {
    ...(bodyPosition ? { bodyPosition } : {}), ...(method ? { method } : {}), ...(clothing ? { clothing } : {}),
    ...(factors.length > 0 ? { confoundingFactors: factors } : {}), ...(metaSource ? { metaSource } : {}),
  };
  return Object.keys(context).length > 0 ? context : undefined;
}
