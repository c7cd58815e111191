/**
 * More patients for a test world than the demo's three: the fault run
 * (test/faults/) needs a hundred. Each gets what a demo patient gets for
 * measurements, through the same code: an account with a pod and client
 * credentials (pod-server/world/accounts.ts), the health layout
 * (pod-server/world/health.ts), and, given a gateway, a paired home hub: the
 * hub asks to pair for every kind the simulator's six device types measure,
 * the patient (their own session) lets the vendor append to those kinds and
 * approves, and the hub's credential is the patient's `credential`. Patient i
 * pairs with hub i mod `hubs`, so a hub holds one credential per patient it
 * serves. No reader grants: these patients share their readings with nobody.
 *
 * Provisioning runs a few patients at a time (the pod server has two cores)
 * and reports progress.
 */
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { reconcileDeviceAccess } from '../../apps/shared/device-access.ts';
import type { HealthAccess } from '../../apps/shared/health-acl.ts';
import { pairWithPatient } from '../../apps/shared/pairing.ts';
import { DEVICE_KINDS } from '../../apps/simulator/devices.ts';
import { CATEGORIES } from '../../vocab/catalogue.ts';
import { openPodSession, type PodSession } from '../../apps/shared/pod-session.ts';
import { ensureAccount } from '../../pod-server/world/accounts.ts';
import type { AccountCredentials } from '../../apps/shared/credentials.ts';
import { DEVICE_VENDOR, podUrlOf, webIdOf } from '../../pod-server/world/demo-world.ts';
import { writeHealthLayout } from '../../pod-server/world/health.ts';

export interface ExtraPatient {
  readonly name: string;
  readonly webId: string;
  readonly podUrl: string;
  readonly credentials: AccountCredentials;
  /** A synthetic national identity number (valid check digits, month + 80: a test number). */
  readonly nationalId: string;
  /** The home hub's credential for this patient (`Authorization: Bearer`), once paired. */
  readonly credential?: string;
}

export interface ExtraPatientsOptions {
  /** Pod server base URL. */
  baseUrl: string;
  /** Gateway URL the patients pair their home hubs with (omit to skip pairing). */
  gatewayUrl?: string;
  count: number;
  /** Home hubs: patient i pairs with hub i mod hubs. Default: one per patient. */
  hubs?: number;
  /** Account names are `{prefix}{001..}`. Default 'fault-p'. */
  prefix?: string;
  /** Patients provisioned at a time; default 4. */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Checksum digits of a Norwegian national identity number (mod 11), or undefined if none is valid. */
function withCheckDigits(nine: string): string | undefined {
  const d = [...nine].map(Number);
  const k1w = [3, 7, 6, 1, 8, 9, 4, 5, 2];
  const mod = (sum: number) => (11 - (sum % 11)) % 11;
  const k1 = mod(k1w.reduce((s, w, i) => s + w * d[i]!, 0));
  if (k1 === 10) return undefined;
  const k2w = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  const k2 = mod(k2w.reduce((s, w, i) => s + w * [...d, k1][i]!, 0));
  if (k2 === 10) return undefined;
  return `${nine}${k1}${k2}`;
}

/** The `index`th synthetic test number: born in 1950, month + 80, individual numbers counting from 500. */
export function syntheticNationalId(index: number): string {
  for (let individual = 500 + index * 3; ; individual++) {
    const day = String(1 + (index % 28)).padStart(2, '0');
    const month = String(80 + 1 + (index % 12)).padStart(2, '0');
    const id = withCheckDigits(`${day}${month}50${String(individual % 1000).padStart(3, '0')}`);
    if (id) return id;
  }
}

/** Runs `task` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i]!, i);
      }
    }),
  );
}

/** Every kind the simulator's device types measure: what a home hub asks to write. */
const HUB_KINDS = CATEGORIES.filter((kind) => Object.values(DEVICE_KINDS).some((kinds) => kinds.includes(kind)));

/** The hub asks to pair for the patient (known by national id); the patient approves in their session; the hub polls. */
async function pairHub(gatewayUrl: string, hub: number, patient: Pick<ExtraPatient, 'nationalId' | 'webId' | 'podUrl'>, patientFetch: typeof fetch): Promise<string> {
  const { token } = await pairWithPatient(gatewayUrl, {
    device: { id: `hub-${String(hub).padStart(3, '0')}`, model: 'Home hub', manufacturer: 'Hjemmemåling' },
    kinds: HUB_KINDS,
    patientIdentifier: { system: NO_NATIONAL_ID_SYSTEM, value: patient.nationalId },
  }, patientFetch, async (asked) => {
    await reconcileDeviceAccess(gatewayUrl, { fetch: patientFetch, webId: patient.webId, storage: patient.podUrl }, { asked, kinds: asked.kinds });
  });
  return token.access_token;
}

/** Creates (or finds) `count` patients with pods and health layouts, and pairs their home hubs. */
export async function provisionExtraPatients(options: ExtraPatientsOptions): Promise<ExtraPatient[]> {
  const { baseUrl, count } = options;
  const prefix = options.prefix ?? 'fault-p';
  const vendorWebId = webIdOf(baseUrl, DEVICE_VENDOR);
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
  const patients: ExtraPatient[] = new Array(count);
  let done = 0;
  await eachLimited(names, options.concurrency ?? 4, async (name, i) => {
    const { credentials } = await ensureAccount(baseUrl, name, undefined);
    const podUrl = podUrlOf(baseUrl, name);
    const access: HealthAccess = { owner: credentials.webId, appenders: {}, readers: {} }; // the vendor appends once the patient pairs a device
    const nationalId = syntheticNationalId(i);
    const session = await openPodSession(credentials);
    let credential: string | undefined;
    try {
      await writeHealthLayout(session.fetch, podUrl, access);
      if (options.gatewayUrl) credential = await pairHub(options.gatewayUrl, i % (options.hubs ?? count), { nationalId, webId: credentials.webId, podUrl }, session.fetch);
    } finally {
      await session.close();
    }
    patients[i] = { name, webId: credentials.webId, podUrl, credentials, nationalId, ...(credential ? { credential } : {}) };
    options.onProgress?.(++done, count);
  });
  return patients;
}

/** Opens one session per patient, `concurrency` logins at a time; close them with closeSessions. */
export async function openSessions(patients: readonly ExtraPatient[], concurrency = 8): Promise<Map<string, PodSession>> {
  const sessions = new Map<string, PodSession>();
  await eachLimited(patients, concurrency, async (p) => {
    sessions.set(p.name, await openPodSession(p.credentials));
  });
  return sessions;
}

export async function closeSessions(sessions: Map<string, PodSession>): Promise<void> {
  await Promise.all([...sessions.values()].map((s) => s.close()));
  sessions.clear();
}
