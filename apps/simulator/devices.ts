/**
 * Simulated DHO devices: pulse oximeters, blood pressure monitors, scales,
 * glucometers, thermometers and peak flow meters, each belonging to one
 * patient, producing plausible readings (a per-patient baseline, slow drift,
 * measurement noise) as the gateway's JSON readings or as FHIR R4
 * Observations. Deterministic for a given seed, so a benchmark can send the
 * same readings twice. A device paired with the gateway (apps/shared/pairing.ts)
 * carries its credential and sends only the kinds it was paired for.
 */
import { FHIR_SYSTEM } from '../../vocab/terms.ts';
import { kindSpec, type KindId } from '../../vocab/catalogue.ts';

export type DeviceType = 'pulse-oximeter' | 'blood-pressure-monitor' | 'scale' | 'glucometer' | 'thermometer' | 'peak-flow-meter';

const DEVICE_TYPES: readonly DeviceType[] = ['pulse-oximeter', 'blood-pressure-monitor', 'scale', 'glucometer', 'thermometer', 'peak-flow-meter'];
const PREFIX: Record<DeviceType, string> = {
  'pulse-oximeter': 'oxi', 'blood-pressure-monitor': 'bp', scale: 'scale', glucometer: 'gluco', thermometer: 'thermo', 'peak-flow-meter': 'pef',
};
/** What each type measures (deviceReadings below): what a pairing for it asks to write. */
export const DEVICE_KINDS: Readonly<Record<DeviceType, readonly KindId[]>> = {
  'pulse-oximeter': ['oxygen-saturation', 'heart-rate'], 'blood-pressure-monitor': ['blood-pressure', 'heart-rate'],
  scale: ['body-weight'], glucometer: ['blood-glucose'], thermometer: ['body-temperature'], 'peak-flow-meter': ['peak-expiratory-flow'],
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
  /** The credential from pairing (`Authorization: Bearer`), when the device is paired. */
  readonly credential?: string;
  /** The kinds it was paired for: it sends no others. All of its type's when absent. */
  readonly kinds?: readonly KindId[];
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
    return makeDevice(`${idPrefix}-${PREFIX[type]}-${String(i).padStart(4, '0')}`, type, patients[i % patients.length]!, random);
  });
}

/** One device of `type` for `patient`, with its own baseline. */
function makeDevice(id: string, type: DeviceType, patient: SimPatient, random: () => number, paired: Pick<SimDevice, 'credential' | 'kinds'> = {}): SimDevice {
  return {
    id, type, patient, ...paired,
    baseline: {
      spo2: 94 + noise(random, 1.5), pulse: 74 + noise(random, 8), systolic: 134 + noise(random, 10),
      diastolic: 84 + noise(random, 6), weight: 78 + noise(random, 12), glucose: 7 + noise(random, 1),
      temperature: 36.8 + noise(random, 0.2), pef: 360 + noise(random, 50),
    },
    lastTime: 0,
  };
}

/** A pairing a simulated device sends through: its patient, credential, device and approved kinds. */
export interface SimPairing {
  readonly patient: SimPatient;
  readonly credential: string;
  readonly deviceId: string;
  readonly kinds: readonly KindId[];
}

/** The device types whose every kind is among `kinds`; failing those, the types that measure some of them (and send only those). */
export function typesFor(kinds: readonly KindId[]): DeviceType[] {
  const fitting = (test: 'every' | 'some') => DEVICE_TYPES.filter((type) => DEVICE_KINDS[type][test]((kind) => kinds.includes(kind)));
  const whole = fitting('every');
  return whole.length > 0 ? whole : fitting('some');
}

/**
 * `count` devices over the pairings round-robin (more devices than pairings
 * share a pairing's credential); each pairing's devices cycle through the
 * types that measure its kinds. A pairing no simulated type fits is skipped.
 */
export function makePairedDevices(count: number, pairings: readonly SimPairing[], random: () => number): SimDevice[] {
  const usable = pairings.filter((p) => typesFor(p.kinds).length > 0);
  if (usable.length === 0) throw new Error('no paired device measures a kind the simulator can make');
  return Array.from({ length: count }, (_, i) => {
    const pairing = usable[i % usable.length]!;
    const n = Math.floor(i / usable.length);
    const types = typesFor(pairing.kinds);
    const type = types[n % types.length]!;
    return makeDevice(`${pairing.deviceId}-${PREFIX[type]}-${n}`, type, pairing.patient, random, { credential: pairing.credential, kinds: pairing.kinds });
  });
}

/** What one device sends at `at`: one reading, or two (an oximeter reports SpO2 and pulse); only kinds it was paired for. */
export function deviceReadings(device: SimDevice, at: number, random: () => number): JsonReading[] {
  const readings = allReadings(device, at, random);
  return device.kinds ? readings.filter((r) => device.kinds!.includes(r.kind)) : readings;
}

function allReadings(device: SimDevice, at: number, random: () => number): JsonReading[] {
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
    code: coding(spec.snomed!, spec.loinc[0]!),
    subject: patient.identifier ? { identifier: { ...patient.identifier } } : { reference: patient.webId },
    effectiveDateTime: reading.effectiveTime,
    device: { identifier: { value: reading.device } },
    ...(reading.components
      ? { component: (['systolic', 'diastolic'] as const).map((name) => ({
          code: coding(spec.components![name]!.snomed!, spec.components![name]!.loinc[0]!),
          valueQuantity: quantity(reading.components![name]),
        })) }
      : { valueQuantity: quantity(reading.value!) }),
  };
}
