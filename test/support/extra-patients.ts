/**
 * More patients for a test world than the demo's three: the fault run
 * (test/faults/) needs a hundred. Each gets what a demo patient gets for
 * measurements, through the same code: an account with a pod and client
 * credentials (pod-server/world/accounts.ts), the health layout with the
 * vendor as device writer (pod-server/world/health.ts), and an enrolment with
 * the gateway (POST /enrolments, which reads the pod from the public profile).
 * No reader grants: these patients share their readings with nobody.
 *
 * Provisioning runs a few patients at a time (the pod server has two cores)
 * and reports progress.
 */
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { VENDOR_PATIENT_ID_SYSTEM } from '../../apps/gateway/demo-enrolments.ts';
import type { HealthAccess } from '../../apps/shared/health-acl.ts';
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
  /** The vendor's own patient id. */
  readonly vendorId: string;
}

export interface ExtraPatientsOptions {
  /** Pod server base URL. */
  baseUrl: string;
  /** Gateway URL to enrol the patients with (omit to skip enrolment). */
  gatewayUrl?: string;
  count: number;
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

/** Enrols a patient with the gateway by WebID and both identifiers. */
export async function enrolPatient(gatewayUrl: string, patient: Pick<ExtraPatient, 'webId' | 'nationalId' | 'vendorId'>): Promise<void> {
  const response = await fetch(new URL('/enrolments', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      webId: patient.webId,
      identifiers: [
        { system: NO_NATIONAL_ID_SYSTEM, value: patient.nationalId },
        { system: VENDOR_PATIENT_ID_SYSTEM, value: patient.vendorId },
      ],
    }),
  });
  const text = await response.text();
  if (response.status !== 201 && response.status !== 200) throw new Error(`enrolling ${patient.webId} answered ${response.status}: ${text}`);
}

/** Creates (or finds) `count` patients with pods, health layouts and enrolments. */
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
    const session = await openPodSession(credentials);
    try {
      await writeHealthLayout(session.fetch, podUrl, access);
    } finally {
      await session.close();
    }
    const patient: ExtraPatient = {
      name, webId: credentials.webId, podUrl, credentials,
      nationalId: syntheticNationalId(i), vendorId: `HM-F${String(i + 1).padStart(4, '0')}`,
    };
    if (options.gatewayUrl) await enrolPatient(options.gatewayUrl, patient);
    patients[i] = patient;
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
