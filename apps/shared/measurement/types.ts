/**
 * The typed measurement every part of Helsevev passes around. Values are
 * always in the kind's canonical UCUM unit and the effective time is an
 * ISO 8601 instant written in Europe/Oslo's offset (see identity.ts), so two
 * spellings of the same reading are the same value.
 */
import { HV } from '../../../vocab/terms.ts';
import type { KindId, SimpleKindId } from '../../../vocab/catalogue.ts';

/**
 * Where a measurement was taken and whose follow-up it belongs to, or that the
 * patient typed it in (`patient-entered`: only with the patient as its source,
 * see input.ts).
 */
export const SETTINGS = {
  'home-municipality': HV.HomeMunicipality,
  'home-hospital': HV.HomeHospital,
  clinic: HV.Clinic,
  'patient-entered': HV.PatientEntered,
} as const;
export type Setting = keyof typeof SETTINGS;

/** A code from a code system (FHIR Coding without the noise). */
export interface Coded {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

/**
 * How a record system identifies an observation (FHIR Observation.identifier).
 * When a reading has no device, its identity (and so its IRI) comes from this:
 * the same observation sent twice is one reading.
 */
export interface RecordIdentifier {
  readonly system: string;
  readonly value: string;
}

/**
 * Who performed or reported a measurement, as the authenticated sender states
 * it (FHIR Observation.performer). A claim of the sender, never an attested
 * author: shown as "according to {source}". Norwegian identifier systems are in
 * apps/shared/fhir/identifiers.ts (HPR number for a person; organisation
 * number or RESH id for an organisation).
 */
export interface Performer {
  readonly kind: 'person' | 'organisation';
  readonly identifier?: RecordIdentifier;
  readonly display?: string;
}

/**
 * What a vital-signs profile records with the value (the Norwegian
 * vital-signs extensions and elements; all optional, kept as they were sent).
 */
export interface MeasurementContext {
  /** Body position (e.g. SNOMED CT 33586001 sitting), Observation.extension or component. */
  readonly bodyPosition?: Coded;
  /** Measurement method (Observation.method). */
  readonly method?: Coded;
  /** Clothing state for body weight (Norwegian vital-signs extension). */
  readonly clothing?: Coded;
  /** Confounding factors (free text or codes, Norwegian vital-signs extension). */
  readonly confoundingFactors?: readonly (Coded | { readonly text: string })[];
  /** Observation.meta.source: the system that produced the observation (a URI). */
  readonly metaSource?: string;
}

interface MeasurementBase {
  /** The patient's WebID. */
  readonly patient: string;
  /** ISO 8601 with Europe/Oslo offset, e.g. 2026-01-05T08:30:00+01:00. */
  readonly effectiveTime: string;
  /**
   * The device's own identifier (vendor-scoped). Absent only for a reading
   * a record system sent without a device, which then has an `identifier`.
   */
  readonly device?: string;
  /** The record system's identifier of the observation (identity when there is no device). */
  readonly identifier?: RecordIdentifier;
  /** WebID (IRI) of the organisation or vendor the reading comes from (the authenticated sender). */
  readonly source: string;
  readonly setting: Setting;
  /** Performers as the sender states them. */
  readonly performers?: readonly Performer[];
  readonly context?: MeasurementContext;
}

export interface SimpleMeasurement extends MeasurementBase {
  readonly kind: SimpleKindId;
  readonly value: number;
  /** Canonical UCUM unit of the kind. */
  readonly unit: string;
}

export interface BloodPressureMeasurement extends MeasurementBase {
  readonly kind: 'blood-pressure';
  readonly systolic: number;
  readonly diastolic: number;
  /** Mean arterial pressure, when the panel carried it (LOINC 8478-0). */
  readonly meanArterial?: number;
  /** Pulse pressure, when the panel carried it. */
  readonly pulsePressure?: number;
  readonly unit: 'mm[Hg]';
}

export type Measurement = SimpleMeasurement | BloodPressureMeasurement;

/** A measurement read back from a pod, with the IRI it is stored under. */
export type StoredMeasurement = Measurement & { readonly iri: string };

export function isBloodPressure(m: Measurement): m is BloodPressureMeasurement {
  return m.kind === 'blood-pressure';
}

export type { KindId };
