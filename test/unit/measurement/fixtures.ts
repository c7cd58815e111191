import type { KindId } from '../../../vocab/catalogue.ts';
import type { MeasurementInput } from '../../../apps/shared/measurement/index.ts';

export const STORAGE = 'http://localhost:3000/hans/';
export const PATIENT = 'http://localhost:3000/hans/profile/card#me';
export const VENDOR = 'http://localhost:3000/vendor/profile/card#me';
export const NOW = new Date('2026-03-01T12:00:00Z');

/** A valid reading of each kind, in its canonical unit. */
export const VALID: Record<KindId, Omit<MeasurementInput, 'patient' | 'source' | 'device' | 'effectiveTime'>> = {
  'oxygen-saturation': { kind: 'oxygen-saturation', value: 93, unit: '%' },
  'heart-rate': { kind: 'heart-rate', value: 88, unit: '/min' },
  'blood-pressure': { kind: 'blood-pressure', components: { systolic: 135, diastolic: 85 }, unit: 'mm[Hg]' },
  'body-weight': { kind: 'body-weight', value: 81.4, unit: 'kg' },
  'body-temperature': { kind: 'body-temperature', value: 37.8, unit: 'Cel' },
  'blood-glucose': { kind: 'blood-glucose', value: 7.2, unit: 'mmol/L' },
  'respiratory-rate': { kind: 'respiratory-rate', value: 22, unit: '/min' },
  'peak-expiratory-flow': { kind: 'peak-expiratory-flow', value: 310, unit: 'L/min' },
  'body-height': { kind: 'body-height', value: 178.5, unit: 'cm' },
  'body-mass-index': { kind: 'body-mass-index', value: 25.5, unit: 'kg/m2' },
  'cat-score': { kind: 'cat-score', value: 18, unit: '{score}' },
  'mmrc-grade': { kind: 'mmrc-grade', value: 2, unit: '{score}' },
};

export function reading(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const kind = (typeof overrides.kind === 'string' && overrides.kind in VALID ? overrides.kind : 'oxygen-saturation') as KindId;
  return {
    patient: PATIENT, source: VENDOR, device: 'oxi-0042', effectiveTime: '2026-02-14T08:30:00+01:00',
    setting: 'home-municipality', ...VALID[kind], ...overrides,
  };
}
