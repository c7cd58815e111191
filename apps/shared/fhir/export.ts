/**
 * Stored measurements -> FHIR R4 Observations (vital-signs style), for the
 * patient's download, the clinician API's `/fhir/Observation` and any EPJ
 * that speaks FHIR. Codes come from the catalogue: LOINC first (what the
 * FHIR vital-signs profile expects), SNOMED CT second; units as UCUM. A
 * clinician's unreliable mark becomes an Observation.note.
 */
import { kindSpec, type KindSpec, type QuantitySpec } from '../../../vocab/catalogue.ts';
import { FHIR_SYSTEM } from '../../../vocab/terms.ts';
import { sha256Hex } from '../hash.ts';
import { identityHash } from '../measurement/identity.ts';
import type { UnreliableMark } from '../measurement/notes.ts';
import type { Coded, StoredMeasurement } from '../measurement/types.ts';
import {
  NO_CLOTHING_STATE_EXTENSION, NO_CONFOUNDING_FACTOR_EXTENSION, SETTING_EXTENSION, bodyPositionExtensionFor,
} from './extensions.ts';

export const VITAL_SIGNS_PROFILE = 'http://hl7.org/fhir/StructureDefinition/vitalsigns';

export type FhirObservation = Record<string, unknown> & { resourceType: 'Observation'; id: string };

function codeable(q: QuantitySpec) {
  return {
    coding: [
      ...(q.loinc[0] ? [{ system: FHIR_SYSTEM.loinc, code: q.loinc[0], display: q.names.en }] : []),
      ...(q.snomed ? [{ system: FHIR_SYSTEM.snomed, code: q.snomed, display: q.names.en }] : []),
      // A score with no verified SNOMED CT or LOINC code (the CAT) says so: only our own code system names it.
      ...(!q.snomed && q.loinc.length === 0 && 'category' in q ? [{ system: FHIR_SYSTEM.helsevevScore, code: (q as KindSpec).category, display: q.names.en }] : []),
    ],
    text: q.names.nb,
  };
}

/** A stored coding as FHIR Coding, exactly as it was sent. */
const coding = (c: Coded) => ({ system: c.system, code: c.code, ...(c.display !== undefined ? { display: c.display } : {}) });

/** Blood pressure's components in export order; the optional ones only when the panel had them. */
const BP_COMPONENTS = ['systolic', 'diastolic', 'meanArterial', 'pulsePressure'] as const;

function quantity(value: number, unit: string) {
  return { value, unit, system: FHIR_SYSTEM.ucum, code: unit };
}

/** A stable FHIR id for a measurement IRI (FHIR ids are [A-Za-z0-9-.]{1,64}). */
export const fhirIdOf = (iri: string) => `hv-${identityHash(iri)}`;

/** A mark as FHIR shows it: the author only when it is the writer the pod server attested (notes.ts, ShownMark). */
export type MarkForFhir = Pick<UnreliableMark, 'measurement' | 'reason' | 'created'> & { readonly author?: string };

export function measurementToFhir(m: StoredMeasurement, marks: readonly MarkForFhir[] = []): FhirObservation {
  const spec = kindSpec(m.kind);
  const observation: FhirObservation = {
    resourceType: 'Observation',
    id: fhirIdOf(m.iri),
    meta: { profile: [VITAL_SIGNS_PROFILE], ...(m.context?.metaSource !== undefined ? { source: m.context.metaSource } : {}) },
    // The IRI first (bundles' fullUrl derive from it), then the record system's own.
    identifier: [{ system: 'urn:ietf:rfc:3986', value: m.iri }, ...(m.identifier ? [{ ...m.identifier }] : [])],
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs', display: 'Vital Signs' }] }],
    code: codeable(spec),
    subject: { reference: m.patient },
    effectiveDateTime: m.effectiveTime,
    // The attested sender first, then the performers as it stated them.
    performer: [{ reference: m.source }, ...(m.performers ?? []).map((p) => ({
      type: p.kind === 'person' ? 'Practitioner' : 'Organization',
      ...(p.identifier ? { identifier: { ...p.identifier } } : {}), ...(p.display !== undefined ? { display: p.display } : {}),
    }))],
    ...(m.device !== undefined ? { device: { identifier: { value: m.device } } } : {}),
    ...(m.context?.method ? { method: { coding: [coding(m.context.method)] } } : {}),
    extension: [{ url: SETTING_EXTENSION, valueCode: m.setting }, ...contextExtensions(m)],
  };
  if (m.kind === 'blood-pressure') {
    observation.component = BP_COMPONENTS.filter((name) => m[name] !== undefined).map((name) => ({
      code: codeable(spec.components![name]!),
      valueQuantity: quantity(m[name]!, m.unit),
    }));
  } else {
    observation.valueQuantity = quantity(m.value, m.unit);
  }
  const notes = marks.filter((n) => n.measurement === m.iri);
  if (notes.length > 0) {
    observation.note = notes.map((n) => ({
      ...(n.author ? { authorReference: { reference: n.author } } : { authorString: 'author not verified' }),
      time: n.created, text: `Marked unreliable: ${n.reason}`,
    }));
  }
  return observation;
}

/** HL7 Norway's vital-signs extensions for what the sender stated (extensions.ts). */
function contextExtensions(m: StoredMeasurement): Record<string, unknown>[] {
  const c = m.context;
  if (!c) return [];
  return [
    ...(c.bodyPosition ? [{ url: bodyPositionExtensionFor(m.kind), valueCoding: coding(c.bodyPosition) }] : []),
    ...(c.clothing ? [{ url: NO_CLOTHING_STATE_EXTENSION, valueCoding: coding(c.clothing) }] : []),
    ...(c.confoundingFactors ?? []).map((f) => ({
      url: NO_CONFOUNDING_FACTOR_EXTENSION,
      valueCodeableConcept: 'text' in f ? { text: f.text } : { coding: [coding(f)] },
    })),
  ];
}

/** A deterministic urn:uuid for a measurement IRI (Bundle.entry.fullUrl). */
export function uuidUrnOf(iri: string): string {
  const h = sha256Hex(iri);
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A Bundle of Observations: `searchset` for search answers, `collection` for downloads. */
export function fhirBundle(
  observations: readonly FhirObservation[],
  type: 'searchset' | 'collection',
  options: { self?: string; timestamp?: Date } = {},
): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type,
    timestamp: (options.timestamp ?? new Date()).toISOString(),
    ...(type === 'searchset' ? { total: observations.length } : {}),
    ...(options.self ? { link: [{ relation: 'self', url: options.self }] } : {}),
    entry: observations.map((resource) => ({
      fullUrl: uuidUrnOf((resource.identifier as { value: string }[])[0]!.value),
      resource,
      ...(type === 'searchset' ? { search: { mode: 'match' } } : {}),
    })),
  };
}
