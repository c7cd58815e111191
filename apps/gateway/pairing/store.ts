/**
 * The pairings (docs/gateway.md, "Pairing" and "What is stored"): which
 * device writes which kinds for which patient, and into which pod. A pairing
 * is made only when the patient approves it (http/pairing-routes.ts); it is
 * the gateway's only way to find a patient's pod, so the pairings are also
 * what the enrolment registry used to be.
 *
 * Stored in `{dataDir}/gateway/pairings.json` (0600, replaced atomically):
 * the credential only as the SHA-256 of its secret, patient identifiers only
 * as keyed hashes (secrets.ts). Revoked pairings stay, marked, so the patient
 * still sees them and their acknowledged readings are still delivered.
 * `lastReadingAt` is kept in memory and written at most every few seconds:
 * a reading's acknowledgement never waits for this file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceDescription, PairingRequest } from '../../shared/pairing.ts';
import { writePrivateFileAtomically } from '../../shared/private-files.ts';
import type { KindId } from '../../../vocab/catalogue.ts';
import type { Principal } from '../auth/principal.ts';
import { digest, identifierHash, loadIdentifierKey, newCredential, newPairingId, parseCredential, sameSecret } from './secrets.ts';

export interface Party {
  readonly webId: string;
  readonly name: string;
}

export interface Platform {
  readonly clientId: string;
  readonly name: string;
}

export interface Pairing {
  readonly id: string;
  /** Who writes into the pod: the gateway's (vendor's) WebID. */
  readonly vendor: Party;
  readonly device: DeviceDescription;
  readonly platform?: Platform;
  /** The patient who approved: their WebID, and the pod root their profile names. */
  readonly patient: string;
  readonly storage: string;
  readonly kinds: readonly KindId[];
  /** ISO 8601. */
  readonly pairedAt: string;
  revokedAt?: string;
  lastReadingAt?: string;
  /** SHA-256 (base64url) of the credential's secret. */
  readonly credentialHash: string;
  /** HMAC-SHA256 of each identifier the pairing request named (`system \0 value`). */
  readonly identifierHashes: readonly string[];
}

export type CredentialCheck =
  | { readonly ok: true; readonly pairing: Pairing }
  | { readonly ok: false; readonly reason: 'malformed' | 'unknown' | 'revoked' };

interface PairingsFile {
  version: 1;
  pairings: Pairing[];
}

/** How long a `lastReadingAt` may wait before it is written down. */
const TOUCH_DELAY_MS = 5_000;

export class PairingStore {
  private readonly byId = new Map<string, Pairing>();
  private writing: Promise<void> = Promise.resolve();
  private touchTimer: NodeJS.Timeout | undefined;

  private constructor(private readonly path: string, private readonly identifierKey: Buffer, pairings: readonly Pairing[]) {
    for (const p of pairings) this.byId.set(p.id, { ...p });
  }

  /** Opens `{dir}/pairings.json` and `{dir}/identifier-key`, creating both at first start. */
  static async open(dir: string): Promise<PairingStore> {
    const key = await loadIdentifierKey(join(dir, 'identifier-key'));
    const path = join(dir, 'pairings.json');
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const store = new PairingStore(path, key, []);
      await store.save();
      return store;
    }
    const parsed = JSON.parse(text) as Partial<PairingsFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.pairings)) {
      throw new Error(`${path} is not the gateway's pairings (expected {"version": 1, "pairings": [...]})`);
    }
    return new PairingStore(path, key, parsed.pairings);
  }

  /** Makes the pairing the patient approved and its credential (shown once: only its digest is kept). */
  async pair(input: {
    vendor: Party; request: PairingRequest; platform?: Platform; patient: string; storage: string; kinds: readonly KindId[]; now?: Date;
  }): Promise<{ pairing: Pairing; credential: string }> {
    const id = newPairingId();
    const { credential, hash } = newCredential(id);
    const ids = input.request.patientIdentifier ? [input.request.patientIdentifier] : [];
    const pairing: Pairing = {
      id,
      vendor: input.vendor,
      device: input.request.device,
      ...(input.platform ? { platform: input.platform } : {}),
      patient: input.patient,
      storage: input.storage,
      kinds: [...input.kinds],
      pairedAt: (input.now ?? new Date()).toISOString(),
      credentialHash: hash,
      identifierHashes: ids.map((i) => identifierHash(this.identifierKey, i.system, i.value)),
    };
    this.byId.set(id, pairing);
    await this.save();
    return { pairing, credential };
  }

  /** Checks a device credential: its pairing when it is one the gateway issued and not revoked. */
  checkCredential(token: string): CredentialCheck {
    const parts = parseCredential(token);
    if (!parts) return { ok: false, reason: 'malformed' };
    const pairing = this.byId.get(parts.pairingId);
    // The digest is compared even for an unknown id, so both take the same time.
    const matches = sameSecret(digest(parts.secret), pairing?.credentialHash ?? digest(''));
    if (!pairing || !matches) return { ok: false, reason: 'unknown' };
    if (pairing.revokedAt !== undefined) return { ok: false, reason: 'revoked' };
    return { ok: true, pairing };
  }

  get(id: string): Pairing | undefined {
    return this.byId.get(id);
  }

  /** Every pairing the patient approved, revoked ones too, oldest first. */
  ofPatient(webId: string): Pairing[] {
    return [...this.byId.values()].filter((p) => p.patient === webId);
  }

  /** All pairings, revoked ones too. */
  all(): Pairing[] {
    return [...this.byId.values()];
  }

  /** The caller's active pairings: a device's own, a platform's every one made through it. */
  pairingsOf(principal: Principal): Pairing[] {
    const active = (p: Pairing | undefined): p is Pairing => p !== undefined && p.revokedAt === undefined;
    switch (principal.type) {
      case 'device':
        return [this.byId.get(principal.pairingId)].filter(active);
      case 'platform':
        return [...this.byId.values()].filter((p) => active(p) && p.platform?.clientId === principal.clientId);
      case 'unchecked':
        return [...this.byId.values()].filter(active);
    }
  }

  /**
   * The caller's active pairing whose request named this identifier. When the
   * identifier is bound to more than one patient among them, none: a reading
   * is never sent to a guessed pod.
   */
  findByIdentifier(principal: Principal, system: string, value: string): Pairing | undefined {
    const hash = identifierHash(this.identifierKey, system, value);
    const found = this.pairingsOf(principal).filter((p) => p.identifierHashes.includes(hash));
    return new Set(found.map((p) => p.patient)).size === 1 ? found[0] : undefined;
  }

  /** Revokes one of the patient's pairings; undefined when it is not theirs. Already revoked: as it was. */
  async revoke(patient: string, id: string, now = new Date()): Promise<Pairing | undefined> {
    const pairing = this.byId.get(id);
    if (!pairing || pairing.patient !== patient) return undefined;
    if (pairing.revokedAt === undefined) {
      pairing.revokedAt = now.toISOString();
      await this.save();
    }
    return pairing;
  }

  /** Notes the time of the pairings' latest acknowledged reading (written down a little later). */
  touch(ids: Iterable<string>, at: Date): void {
    for (const id of ids) {
      const pairing = this.byId.get(id);
      if (pairing) pairing.lastReadingAt = at.toISOString();
    }
    this.touchTimer ??= setTimeout(() => {
      this.touchTimer = undefined;
      void this.save().catch(() => {});
    }, TOUCH_DELAY_MS).unref();
  }

  /** Writes what is still only in memory. */
  async close(): Promise<void> {
    if (this.touchTimer) {
      clearTimeout(this.touchTimer);
      this.touchTimer = undefined;
      await this.save();
    }
    await this.writing.catch(() => {});
  }

  private save(): Promise<void> {
    const content: PairingsFile = { version: 1, pairings: this.all() };
    const text = `${JSON.stringify(content, null, 2)}\n`;
    this.writing = this.writing.catch(() => {}).then(() => writePrivateFileAtomically(this.path, text));
    return this.writing;
  }
}
