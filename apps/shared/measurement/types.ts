/**
 * The typed measurement every part of Helsevev passes around. Values are
 * always in the kind's canonical UCUM unit and the effective time is an
 * ISO 8601 instant written in Europe/Oslo's offset (see identity.ts), so two
 * spellings of the same reading are the same value.
 */
import { HV } from '../../../vocab/terms.ts';
import type { KindId, SimpleKindId } from '../../../vocab/catalogue.ts';

/** Where a measurement was taken and whose follow-up it belongs to. */
export const SETTINGS = {
  'home-municipality': HV.HomeMunicipality,
  'home-hospital': HV.HomeHospital,
  clinic: HV.Clinic,
} as const;
export type Setting = keyof typeof SETTINGS;

interface MeasurementBase {
  /** The patient's WebID. */
  readonly patient: string;
  /** ISO 8601 with Europe/Oslo offset, e.g. 2026-01-05T08:30:00+01:00. */
  readonly effectiveTime: string;
  /** The device's own identifier (vendor-scoped). */
  readonly device: string;
  /** WebID (IRI) of the organisation or vendor the reading comes from. */
  readonly source: string;
  readonly setting: Setting;
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
  readonly unit: 'mm[Hg]';
}

export type Measurement = SimpleMeasurement | BloodPressureMeasurement;

/** A measurement read back from a pod, with the IRI it is stored under. */
export type StoredMeasurement = Measurement & { readonly iri: string };

export function isBloodPressure(m: Measurement): m is BloodPressureMeasurement {
  return m.kind === 'blood-pressure';
}

export type { KindId };
