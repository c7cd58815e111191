/**
 * Which vendors may append to which kinds in a patient's pod, made to match
 * the patient's pairings (issue #18, docs/gateway.md "Pairing"). The gateway
 * says which devices are paired (GET /devices, appendersByKind in
 * pairing.ts); the patient's own session makes the pod's ACLs say the same:
 * exactly those vendors get Append on exactly those category containers, and
 * every change is recorded as a DPV consent record (recipient the vendor,
 * data the category container, given or withdrawn), like any other grant.
 *
 * Safety, as for the consent page's reader plans: the documents come from
 * the one builder (health-acl.ts); a plan keeps the readers exactly as found
 * and always writes the patient's Read/Write/Control; it never rewrites a
 * document holding rules it does not understand; writes are conditional
 * (If-Match). Idempotent: when the ACLs already say it, nothing is written.
 * Fetch only (Node and browser).
 */
import { CATEGORIES, type KindId } from '../../vocab/catalogue.ts';
import {
  granteeKey, healthAclQuads, readContainerAccess, type AclWrite, type ContainerAccess,
} from './health-acl.ts';
import { carryOutAclPlan, PodResponseError, readHealthAcl } from './health-acl-pod.ts';
import { healthContainers, type HealthContainer } from './health-layout.ts';
import type { ConsentRecord } from './measurement/consent.ts';
import { toOsloIso } from './measurement/identity.ts';
import { isSafeHttpIri } from './measurement/iri.ts';
import { appendersByKind, listMyDevices, type PairedDevice, type PairingRequestView } from './pairing.ts';
import { withSlash } from './pod-urls.ts';

/** Who may append to which kind: what appendersByKind (pairing.ts) gives. */
export type AppendersByKind = ReadonlyMap<KindId, ReadonlySet<string>>;

export class DeviceAccessError extends Error {
  constructor(readonly reason: 'unknown-rules' | 'invalid-appender' | 'not-loaded', readonly detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'DeviceAccessError';
  }
}

/** One category whose appenders change. */
export interface AppenderChange {
  readonly category: KindId;
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export interface DeviceAccessPlan {
  readonly writes: readonly AclWrite[];
  readonly records: readonly ConsentRecord[];
  readonly changes: readonly AppenderChange[];
}

/**
 * The ACL documents and consent records that make each category's appenders
 * exactly `wanted` (a category not in `wanted`: nobody). Pure. `categories`
 * must hold every category (what the pod says today).
 */
export function planDeviceAccess(owner: string, categories: ReadonlyMap<KindId, ContainerAccess>, wanted: AppendersByKind, now: Date): DeviceAccessPlan {
  for (const [kind, vendors] of wanted) {
    if (!categories.has(kind)) throw new DeviceAccessError('not-loaded', kind);
    for (const v of vendors) {
      if (!isSafeHttpIri(v)) throw new DeviceAccessError('invalid-appender', `"${String(v).slice(0, 80)}" is not a WebID (an absolute http or https IRI)`);
      if (v === owner) throw new DeviceAccessError('invalid-appender', 'your own access is not a device grant');
    }
  }
  const writes: AclWrite[] = [];
  const records: ConsentRecord[] = [];
  const changes: AppenderChange[] = [];
  const created = toOsloIso(now);
  for (const [category, access] of categories) {
    const before = new Set(access.appenders);
    const after = new Set(wanted.get(category) ?? []);
    const added = [...after].filter((w) => !before.has(w)).sort();
    const removed = [...before].filter((w) => !after.has(w)).sort();
    if (added.length === 0 && removed.length === 0) continue;
    if (access.unknownRules.length > 0) throw new DeviceAccessError('unknown-rules', `${category}: ${access.unknownRules.join('; ')}`);
    writes.push(categoryWrite(owner, category, access, [...after].sort()));
    const record = (recipient: string, status: ConsentRecord['status']): ConsentRecord =>
      ({ dataSubject: owner, recipient, data: access.document.container.url, status, created });
    records.push(...added.map((w) => record(w, 'given')), ...removed.map((w) => record(w, 'withdrawn')));
    changes.push({ category, added, removed });
  }
  return { writes, records, changes };
}

function categoryWrite(owner: string, category: KindId, access: ContainerAccess, appenders: readonly string[]): AclWrite {
  const { container, aclUrl, etag } = access.document;
  const quads = healthAclQuads(container, { owner, appenders: { [category]: appenders }, readers: { [category]: access.readers } }, aclUrl);
  // Never write a document that would take the patient's Control or change who may read.
  const check = readContainerAccess({ container, aclUrl, quads }, owner);
  if (!check.ownerHasControl) throw new Error(`refusing to write ${aclUrl} without the patient's Control`);
  const readersBefore = new Set(access.readers.map(granteeKey));
  if (check.readers.length !== access.readers.length || !check.readers.every((r) => readersBefore.has(granteeKey(r)))) {
    throw new Error(`refusing to write ${aclUrl}: it would change who may read`);
  }
  return { container, aclUrl, ...(etag ? { etag } : {}), quads };
}

/** Every category's ACL, as the pod says today. */
export async function readCategoryAccess(fetchFn: typeof fetch, storage: string, owner: string): Promise<Map<KindId, ContainerAccess>> {
  const containers = healthContainers(withSlash(storage), CATEGORIES)
    .filter((c): c is Extract<HealthContainer, { kind: 'category' }> => c.kind === 'category');
  const read = await Promise.all(containers.map((c) => readHealthAcl(fetchFn, c, owner)));
  return new Map(containers.map((c, i) => [c.category, read[i]!]));
}

export interface DeviceAccessSync {
  /** The categories whose appenders changed (none: the ACLs already said it). */
  readonly changes: readonly AppenderChange[];
  /** Why the consent records could not be appended, if they could not (the ACLs were written). */
  readonly historyError?: string;
}

/**
 * Makes the patient's category ACLs grant Append to exactly `appenders`
 * (appendersByKind of the patient's paired devices), as the patient
 * (`fetchFn`: their Solid session's fetch), and records each change.
 * Category by category, each ACL then its consent records, so that a failure
 * half-way leaves no written change without its record. Someone else's
 * change between read and write (412) is read again, once.
 * Throws DeviceAccessError (a document it will not rewrite, a bad WebID) or
 * PodResponseError (the pod refused or could not be reached).
 */
export async function syncDeviceAccess(
  fetchFn: typeof fetch, storage: string, webId: string, appenders: AppendersByKind, now: Date = new Date(),
): Promise<DeviceAccessSync> {
  const pod = withSlash(storage);
  const done: AppenderChange[] = [];
  let historyError: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const plan = planDeviceAccess(webId, await readCategoryAccess(fetchFn, pod, webId), appenders, now);
    try {
      for (const [i, write] of plan.writes.entries()) {
        const records = plan.records.filter((r) => r.data === write.container.url);
        const outcome = await carryOutAclPlan(fetchFn, pod, { writes: [write], records });
        done.push(plan.changes[i]!);
        historyError ??= outcome.historyError;
      }
      return { changes: done, ...(historyError ? { historyError } : {}) };
    } catch (error) {
      if (!(error instanceof PodResponseError && error.status === 412 && attempt < 2)) throw error;
    }
  }
}

/** The patient, as the pod side of pairing needs them: their session's fetch, their pod, their WebID. */
export interface PatientPod {
  readonly fetch: typeof fetch;
  /** The pod root (pim:storage). */
  readonly storage: string;
  readonly webId: string;
}

/** A pairing about to be approved: what the patient saw (GET /pairings/{code}) and the kinds they chose. */
export interface ComingPairing {
  readonly asked: PairingRequestView;
  readonly kinds: readonly KindId[];
}

/**
 * The one way the pod side follows the gateway: the patient's pairings
 * (GET /devices, as the patient) and, when given, the one about to be
 * approved, made the pod's appenders by syncDeviceAccess. Call it with
 * `coming` BEFORE sending the approval (a device may send at once, and its
 * readings must not meet a 403 at delivery), and without it after a revoke,
 * after a failed approval, and whenever the patient's devices are shown.
 * Used by the consent page and by Node callers (pairWithPatient's hook).
 */
export async function reconcileDeviceAccess(gatewayUrl: string, patient: PatientPod, coming?: ComingPairing): Promise<{ devices: PairedDevice[]; sync: DeviceAccessSync }> {
  const devices = await listMyDevices(gatewayUrl, patient.fetch);
  const pending: PairedDevice[] = coming ? [{
    id: '', vendor: coming.asked.vendor, device: coming.asked.device, kinds: coming.kinds, pairedAt: new Date().toISOString(), pendingReadings: 0,
  }] : [];
  const sync = await syncDeviceAccess(patient.fetch, patient.storage, patient.webId, appendersByKind([...pending, ...devices]));
  return { devices, sync };
}
