/**
 * Simulated DHO devices: pulse oximeters, blood pressure monitors, scales,
 * glucometers, thermometers and peak flow meters, each belonging to one
 * patient, producing plausible readings (a per-patient baseline, slow drift,
 * measurement noise) as the gateway's JSON readings or as FHIR R4
 * Observations. Deterministic for a given seed, so a benchmark can send the
 * same readings twice.
 */
import { FHIR_SYSTEM } from '../../vocab/terms.ts';
import { kindSpec, type KindId } from '../../vocab/catalogue.ts';

export type DeviceType = 'pulse-oximeter' | 'blood-pressure-monitor' | 'scale' | 'glucometer' | 'thermometer' | 'peak-flow-meter';

const DEVICE_TYPES: readonly DeviceType[] = ['pulse-oximeter', 'blood-pressure-monitor', 'scale', 'glucometer', 'thermometer', 'peak-flow-meter'];
const PREFIX: Record<DeviceType, string> = {
  'pulse-oximeter': 'oxi', 'blood-pressure-monitor': 'bp', scale: 'scale', glucometer: 'gluco', thermometer: 'thermo', 'peak-flow-meter': 'pef',
};

export interface SimPatient {
  /** The patient's WebID (JSON readings). */
  readonly webId: string;
  /** An identifier the patient is enrolled with (FHIR subject). */
  readonly identifier?: { readonly system: string; readonly value: string };
}

export interface SimDevice {
  readonly id: string;
  readonly type: DeviceType;
  readonly patient: SimPatient;
  /** Per-device baseline offsets, so devices differ. */
  readonly baseline: Readonly<Record<string, number>>;
  /** Last effective time used, ms: readings of one device never share an instant. */
  lastTime: number;
}

/** One gateway JSON reading (see apps/gateway/openapi.json). */
export interface JsonReading {
  patient: string;
  kind: KindId;
  value?: number;
  components?: { systolic: number; diastolic: number };
  unit: string;
  effectiveTime: string;
  device: string;
}

/** Roughly normal noise with standard deviation `sd`. */
const noise = (random: () => number, sd: number) => (random() + random() + random() + random() - 2) * sd * Math.sqrt(3);
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
const round = (v: number, decimals: number) => Number(v.toFixed(decimals));

/** `count` devices spread over the patients round-robin; each patient gets every type before a second of one. */
export function makeDevices(count: number, patients: readonly SimPatient[], random: () => number, idPrefix = 'sim'): SimDevice[] {
  if (patients.length === 0) throw new Error('no patients to simulate devices for');
  return Array.from({ length: count }, (_, i) => {
    const type = DEVICE_TYPES[Math.floor(i / patients.length) % DEVICE_TYPES.length]!;
    return {
      id: `${idPrefix}-${PREFIX[type]}-${String(i).padStart(4, '0')}`,
      type,
      patient: patients[i % patients.length]!,
      baseline: {
        spo2: 94 + noise(random, 1.5), pulse: 74 + noise(random, 8), systolic: 134 + noise(random, 10),
        diastolic: 84 + noise(random, 6), weight: 78 + noise(random, 12), glucose: 7 + noise(random, 1),
        temperature: 36.8 + noise(random, 0.2), pef: 360 + noise(random, 50),
      },
      lastTime: 0,
    };
  });
}

/** What one device sends at `at`: one reading, or two (an oximeter reports SpO2 and pulse). */
export function deviceReadings(device: SimDevice, at: number, random: () => number): JsonReading[] {
  const time = Math.max(at, device.lastTime + 1);
  device.lastTime = time;
  const effectiveTime = new Date(time).toISOString();
  const b = device.baseline;
  const base = { patient: device.patient.webId, effectiveTime, device: device.id };
  const simple = (kind: KindId, value: number): JsonReading => {
    const spec = kindSpec(kind);
    return { ...base, kind, value: round(clamp(value, spec.range.min, spec.range.max), spec.decimals), unit: spec.canonicalUnit };
  };
  switch (device.type) {
    case 'pulse-oximeter':
      return [simple('oxygen-saturation', b.spo2! + noise(random, 1.2)), simple('heart-rate', b.pulse! + noise(random, 5))];
    case 'blood-pressure-monitor': {
      const systolic = Math.round(clamp(b.systolic! + noise(random, 8), 90, 220));
      const diastolic = Math.round(clamp(b.diastolic! + noise(random, 5), 50, systolic - 20));
      return [{ ...base, kind: 'blood-pressure', components: { systolic, diastolic }, unit: 'mm[Hg]' }, simple('heart-rate', b.pulse! + noise(random, 5))];
    }
    case 'scale':
      return [simple('body-weight', b.weight! + noise(random, 0.4))];
    case 'glucometer':
      return [simple('blood-glucose', b.glucose! + noise(random, 1.5))];
    case 'thermometer':
      return [simple('body-temperature', b.temperature! + noise(random, 0.3))];
    case 'peak-flow-meter':
      return [simple('peak-expiratory-flow', b.pef! + noise(random, 30))];
  }
}

/** The same reading as a FHIR R4 Observation (vital-signs style, LOINC + SNOMED CT, UCUM). */
export function toFhirObservation(reading: JsonReading, patient: SimPatient): Record<string, unknown> {
  const spec = kindSpec(reading.kind);
  const quantity = (value: number) => ({ value, unit: reading.unit, system: FHIR_SYSTEM.ucum, code: reading.unit });
  const coding = (snomed: string, loinc: string) => ({
    coding: [{ system: FHIR_SYSTEM.snomed, code: snomed }, { system: FHIR_SYSTEM.loinc, code: loinc }],
  });
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: coding(spec.snomed, spec.loinc[0]),
    subject: patient.identifier ? { identifier: { ...patient.identifier } } : { reference: patient.webId },
    effectiveDateTime: reading.effectiveTime,
    device: { identifier: { value: reading.device } },
    ...(reading.components
      ? { component: (['systolic', 'diastolic'] as const).map((name) => ({
          code: coding(spec.components![name]!.snomed, spec.components![name]!.loinc[0]),
          valueQuantity: quantity(reading.components![name]),
        })) }
      : { valueQuantity: quantity(reading.value!) }),
  };
}
