import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measurementDocument, measurementToQuads, parseMeasurementInput, type Measurement } from '../../../apps/shared/measurement/index.ts';
import { readingId } from '../../../apps/gateway/intake.ts';
import { scopeOf, type CallerScope } from '../../../apps/gateway/auth/scope.ts';
import { DEMO_PATIENT_IDS, VENDOR_PATIENT_ID_SYSTEM } from '../../../apps/gateway/demo-enrolments.ts';
import { PairingStore } from '../../../apps/gateway/pairing/store.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../../apps/shared/fhir/identifiers.ts';
import { podUrlOf, webIdOf } from '../../../apps/shared/pod-urls.ts';
import { CATEGORIES } from '../../../vocab/catalogue.ts';
import { entryTriples, fingerprintOf, type OutboxEntry } from '../../../apps/gateway/outbox/outbox.ts';

export const BASE = 'http://localhost:3000/';
export const STORAGE = `${BASE}hans/`;
export const PATIENT = `${BASE}hans/profile/card#me`;
export const VENDOR = `${BASE}vendor/profile/card#me`;

/** A valid SpO2 measurement `minutes` after 2026-01-05 08:00 Oslo time. */
export function measurement(minutes = 0, overrides: Record<string, unknown> = {}): Measurement {
  const result = parseMeasurementInput({
    patient: PATIENT, source: VENDOR, device: 'oxi-1', kind: 'oxygen-saturation', value: 95, unit: '%', setting: 'home-municipality',
    effectiveTime: new Date(Date.parse('2026-01-05T07:00:00Z') + minutes * 60_000).toISOString(), ...overrides,
  }, { now: new Date('2026-06-01T00:00:00Z') });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

export function entry(minutes = 0, overrides: Record<string, unknown> = {}): Omit<OutboxEntry, 'acceptedAt'> {
  const m = measurement(minutes, overrides);
  return {
    id: readingId(STORAGE, m), document: measurementDocument(STORAGE, m.kind, m.effectiveTime),
    triples: entryTriples(measurementToQuads(m, STORAGE)), fingerprint: fingerprintOf(m),
  };
}

export function outboxEntry(minutes = 0, overrides: Record<string, unknown> = {}): OutboxEntry {
  return { ...entry(minutes, overrides), acceptedAt: Date.now() };
}

export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'helsevev-gw-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * A pairing store in `dir` where each demo patient paired two devices for
 * every kind, one naming their national identity number and one the vendor's
 * patient id (as the demo devices do), and the scope of a caller over them all.
 */
export async function demoPairings(dir: string, base = BASE): Promise<{ store: PairingStore; scope: CallerScope }> {
  const store = await PairingStore.open(dir);
  for (const [name, ids] of Object.entries(DEMO_PATIENT_IDS)) {
    for (const patientIdentifier of [{ system: NO_NATIONAL_ID_SYSTEM, value: ids.nationalId }, { system: VENDOR_PATIENT_ID_SYSTEM, value: ids.vendorId }]) {
      await store.pair({
        vendor: { webId: VENDOR, name: 'Hjemmemåling AS' }, request: { device: { id: `${name}-device`, model: 'test' }, kinds: CATEGORIES, patientIdentifier },
        patient: webIdOf(base, name), storage: podUrlOf(base, name), kinds: CATEGORIES,
      });
    }
  }
  return { store, scope: scopeOf(store, { type: 'unchecked' }) };
}
