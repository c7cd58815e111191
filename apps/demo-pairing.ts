/**
 * `npm start` pairs the demo devices with the gateway the way a patient would
 * (docs/gateway.md, "Pairing"): for each demo patient, the patient's home
 * device asks to pair for the kinds the demo world seeds for that patient,
 * the patient (logged in with their own client credentials) looks the code
 * up, lets the vendor append to exactly those kinds in their pod, and
 * approves; the device's poll then gets its credential, which goes to
 * `{dataDir}/devices.json` for `npm run simulate` (apps/shared/paired-devices.ts).
 *
 * Idempotent: a device whose pairing the patient's GET /devices still shows
 * active keeps its credential; one revoked, or forgotten by the gateway (a
 * new gateway data folder), pairs again.
 *
 * A start-up file (.dependency-cruiser.cjs): it reads the demo world (which
 * kinds each patient's readings are) and the gateway's demo patient ids.
 */
import { DEMO_PATIENT_IDS } from './gateway/demo-enrolments.ts';
import { readCredentials } from './shared/credentials.ts';
import { NO_NATIONAL_ID_SYSTEM } from './shared/fhir/identifiers.ts';
import { formatUserCode, listMyDevices, pairWithPatient, type DeviceDescription, type PairingRequestView } from './shared/pairing.ts';
import { readPairedDevices, writePairedDevices, type PairedDeviceEntry } from './shared/paired-devices.ts';
import { openPodSession, type PodSession } from './shared/pod-session.ts';
import { CATEGORIES, kindSpec, type KindId } from '../vocab/catalogue.ts';
import { demoReadings } from '../pod-server/world/demo-measurements.ts';
import type { PatientName } from '../pod-server/world/demo-world.ts';

/** Each demo patient's home device: a hub that relays the patient's meters (the seeded readings' devices). */
const DEMO_DEVICES: Readonly<Record<PatientName, DeviceDescription>> = {
  hans: { id: 'PO-1187', model: 'PulsOx Hub', manufacturer: 'Hjemmemåling', name: 'Oximeter hub, Hans Hansen' },
  kari: { id: 'GC-7731', model: 'GlucoCheck', manufacturer: 'Hjemmemåling', name: 'Glucometer and scale, Kari Nordmann' },
  ola: { id: 'HH-0921', model: 'HjerteHub', manufacturer: 'Hjemmemåling', name: 'Heart hub, Ola Berg' },
};

/** The kinds the demo world seeds for `patient`, in catalogue order: what its device asks to write. */
export function demoDeviceKinds(patient: PatientName, baseUrl: string): KindId[] {
  const seeded = new Set(demoReadings(patient, { baseUrl, end: new Date() }).map((r) => r.kind));
  return CATEGORIES.filter((kind) => seeded.has(kind));
}

export const describeDevice = (d: DeviceDescription) => [d.manufacturer, d.model, d.id].filter(Boolean).join(' ');
export const describeKinds = (kinds: readonly KindId[]) => kinds.map((k) => kindSpec(k).names.en.toLowerCase()).join(', ');

export interface DemoPairingOptions {
  readonly gatewayUrl: string;
  readonly podBaseUrl: string;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /**
   * Lets the vendor append to the kinds asked for in the patient's pod, as the
   * patient, before the approval (a device may send at once): the consent
   * page's pod-side grant (ACLs and consent records per kind).
   */
  readonly grantDeviceAccess: (session: PodSession, asked: PairingRequestView) => Promise<void>;
}

/** One device pairing, seen from both sides: the device asks, the patient approves, the device polls. */
async function pairDemoDevice(options: DemoPairingOptions, name: PatientName, session: PodSession): Promise<PairedDeviceEntry> {
  const device = DEMO_DEVICES[name];
  const patientIdentifier = { system: NO_NATIONAL_ID_SYSTEM, value: DEMO_PATIENT_IDS[name].nationalId };
  const { token, userCode } = await pairWithPatient(
    options.gatewayUrl,
    { device, kinds: demoDeviceKinds(name, options.podBaseUrl), patientIdentifier },
    session.fetch,
    (asked) => options.grantDeviceAccess(session, asked),
  );
  options.log(`${name} paired ${describeDevice(device)} for ${describeKinds(token.kinds)} (code ${formatUserCode(userCode)})`);
  return {
    name, patient: token.patient, patientIdentifier, pairing: token.pairing, device,
    kinds: token.kinds, credential: token.access_token, pairedAt: new Date().toISOString(),
  };
}

/** Pairs every demo patient's device that is not paired yet; writes `{dataDir}/devices.json`. */
export async function pairDemoDevices(options: DemoPairingOptions): Promise<{ paired: number; kept: number }> {
  const { gatewayUrl, dataDir, log } = options;
  const credentials = await readCredentials(dataDir);
  const before = (await readPairedDevices(dataDir))?.devices ?? [];
  const devices: PairedDeviceEntry[] = [];
  let kept = 0;
  for (const name of Object.keys(DEMO_DEVICES) as PatientName[]) {
    const account = credentials[name];
    if (!account) throw new Error(`No client credentials for the demo patient "${name}"; the demo world is not complete`);
    const session = await openPodSession(account);
    try {
      const known = before.find((d) => d.name === name && d.patient === account.webId);
      const active = known && (await listMyDevices(gatewayUrl, session.fetch)).some((d) => d.id === known.pairing && d.revokedAt === undefined);
      if (known && active) {
        kept += 1;
        devices.push(known);
        continue;
      }
      devices.push(await pairDemoDevice(options, name, session));
      await writePairedDevices(dataDir, { gateway: gatewayUrl, devices: [...devices, ...before.filter((d) => !devices.some((e) => e.name === d.name))] });
    } finally {
      await session.close();
    }
  }
  await writePairedDevices(dataDir, { gateway: gatewayUrl, devices });
  if (kept > 0) log(`${kept} demo device(s) still paired (${devices.filter((d) => before.includes(d)).map((d) => d.name).join(', ')})`);
  return { paired: devices.length - kept, kept };
}
