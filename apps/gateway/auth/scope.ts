/**
 * What a caller may write, and see (docs/gateway.md, "Pairing"): the
 * patients and kinds of its own active pairings, nothing else. Intake
 * resolves every reading's patient only through this scope (a WebID, an
 * identifier by its keyed hash, or, for a device, its one patient), and a
 * reading of a kind the pairing was not approved for is refused.
 *
 * A reading belongs to a pairing when it goes to that pairing's patient's pod
 * and to one of its kinds' containers: the outbox entry's document says both,
 * so GET /readings and a pairing's pending count are derived from it.
 */
import { categoryContainer } from '../../shared/measurement/identity.ts';
import type { KindId } from '../../../vocab/catalogue.ts';
import type { Pairing, PairingStore } from '../pairing/store.ts';
import type { Principal } from './principal.ts';

export interface PairedPatient {
  readonly webId: string;
  /** The pod root readings go to (the newest pairing's, should a profile have moved). */
  readonly storage: string;
  /** The caller's pairings with this patient that may write each kind. */
  readonly pairingsByKind: ReadonlyMap<KindId, readonly string[]>;
}

export interface CallerScope {
  readonly principal: Principal;
  /** A device's one patient: the patient of a reading that names none. */
  readonly ownPatient?: PairedPatient;
  patient(webId: string): PairedPatient | undefined;
  identified(system: string, value: string): PairedPatient | undefined;
  /** Whether an outbox document is one of the caller's (its patients' pods, its kinds). */
  covers(document: string): boolean;
}

/** Whether a reading's document lies in the pairing's patient's pod, in one of its kinds. */
export const inPairing = (pairing: Pairing, document: string): boolean =>
  pairing.kinds.some((kind) => document.startsWith(categoryContainer(pairing.storage, kind)));

function patientOf(pairings: readonly Pairing[], webId: string): PairedPatient | undefined {
  const own = pairings.filter((p) => p.patient === webId);
  if (own.length === 0) return undefined;
  const pairingsByKind = new Map<KindId, string[]>();
  for (const p of own) for (const kind of p.kinds) pairingsByKind.set(kind, [...(pairingsByKind.get(kind) ?? []), p.id]);
  return { webId, storage: own[own.length - 1]!.storage, pairingsByKind };
}

/** The caller's scope, from its active pairings now (a revoke takes effect on the next request). */
export function scopeOf(store: PairingStore, principal: Principal): CallerScope {
  let pairings: Pairing[] | undefined;
  const mine = () => (pairings ??= store.pairingsOf(principal));
  const own = principal.type === 'device' ? store.get(principal.pairingId) : undefined;
  return {
    principal,
    ...(own ? { ownPatient: patientOf(mine(), own.patient) } : {}),
    patient: (webId) => patientOf(mine(), webId),
    identified(system, value) {
      const pairing = store.findByIdentifier(principal, system, value);
      return pairing ? patientOf(mine(), pairing.patient) : undefined;
    },
    covers: (document) => mine().some((p) => inPairing(p, document)),
  };
}
