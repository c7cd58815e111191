/**
 * The simulator's paired devices (apps/simulator/devices.ts): a device sends
 * only the kinds its pairing was approved for, with its pairing's credential
 * and patient; more devices than pairings share them round-robin.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../apps/shared/prng.ts';
import { deviceReadings, makeDevices, makePairedDevices, typesFor, type SimPairing } from '../../../apps/simulator/devices.ts';

const pairing = (name: string, kinds: SimPairing['kinds']): SimPairing => ({
  patient: { webId: `https://pods.example/${name}/profile/card#me` }, credential: `hvd_${name}_secret`, deviceId: `DEV-${name}`, kinds,
});
const kari = pairing('kari', ['blood-glucose', 'body-weight']);
const hans = pairing('hans', ['oxygen-saturation', 'heart-rate', 'respiratory-rate']);
const pulseOnly = pairing('ola', ['heart-rate']);

describe('paired simulated devices', () => {
  it('simulates the types that measure a pairing\'s kinds', () => {
    expect(typesFor(kari.kinds)).toEqual(['scale', 'glucometer']);
    expect(typesFor(hans.kinds)).toEqual(['pulse-oximeter']);
    expect(typesFor(['respiratory-rate'])).toEqual([]);
  });

  it('spreads devices over the pairings round-robin, each with its pairing\'s credential and patient', () => {
    const devices = makePairedDevices(5, [kari, hans], seededRandom(1));
    expect(devices.map((d) => [d.id, d.type, d.credential])).toEqual([
      ['DEV-kari-scale-0', 'scale', kari.credential],
      ['DEV-hans-oxi-0', 'pulse-oximeter', hans.credential],
      ['DEV-kari-gluco-1', 'glucometer', kari.credential],
      ['DEV-hans-oxi-1', 'pulse-oximeter', hans.credential],
      ['DEV-kari-scale-2', 'scale', kari.credential],
    ]);
    expect(devices.every((d) => d.patient === (d.credential === kari.credential ? kari : hans).patient)).toBe(true);
  });

  it('never sends a kind the pairing was not approved for', () => {
    const random = seededRandom(2);
    const devices = makePairedDevices(12, [kari, hans, pulseOnly], random);
    const pairingOf = new Map([kari, hans, pulseOnly].map((p) => [p.credential, p]));
    for (const device of devices) {
      for (let t = 0; t < 5; t++) {
        for (const reading of deviceReadings(device, Date.UTC(2026, 0, 1, 0, t), random)) {
          expect(pairingOf.get(device.credential!)!.kinds).toContain(reading.kind);
          expect(reading.patient).toBe(device.patient.webId);
        }
      }
    }
    // A pulse-only pairing drives a BP monitor or an oximeter for its pulse, without the rest.
    const pulse = devices.find((d) => d.credential === pulseOnly.credential)!;
    expect(deviceReadings(pulse, Date.UTC(2026, 0, 2), random).map((r) => r.kind)).toEqual(['heart-rate']);
  });

  it('refuses when no pairing has a kind it can simulate', () => {
    expect(() => makePairedDevices(1, [pairing('x', ['respiratory-rate'])], seededRandom(1))).toThrow(/no paired device/);
  });

  it('leaves unpaired devices as they were (the benchmarks\' seeded values do not move)', () => {
    const devices = makeDevices(2, [{ webId: 'https://pods.example/p#me' }], seededRandom(3));
    expect(devices[0]!.kinds).toBeUndefined();
    expect(deviceReadings(devices[0]!, Date.UTC(2026, 0, 1), seededRandom(4)).map((r) => r.kind)).toEqual(['oxygen-saturation', 'heart-rate']);
  });
});
