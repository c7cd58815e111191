/**
 * Device authorizations waiting for the patient (RFC 8628), in memory only:
 * a user code lives 10 minutes, and a gateway restart means the device asks
 * again. The device polls with its device code; the patient looks the user
 * code up and decides. Both codes are kept only as digests: a user code is
 * found by its digest and then compared in constant time.
 *
 * A decided code is gone for the patient at once (claim), and its device
 * code answers the decision once: the credential goes out a single time.
 */
import type { DeviceToken, PairingRequest } from '../../shared/pairing.ts';
import type { Platform } from './store.ts';
import { digest, newDeviceCode, newUserCode, sameSecret } from './secrets.ts';

export const PAIRING_LIFETIME_S = 600;
export const POLL_INTERVAL_S = 5;
/** A poll may come this much early (timers and clocks are not exact) without a slow_down. */
const POLL_TOLERANCE_MS = 250;
/**
 * Most undecided, unexpired authorizations at once, and per requester (an
 * address for a device, a platform for a platform's requests). A full table
 * refuses new requests until codes expire rather than evicting old ones: a
 * code on a device's screen may be what a patient is typing right now, and
 * evicting it would let anyone with a few addresses cancel every pairing.
 */
export const MAX_PENDING = 10_000;
export const MAX_PENDING_PER_REQUESTER = 20;
export const MAX_PENDING_PER_PLATFORM = 1_000;

export interface PendingLimits { readonly perRequester: number; readonly total: number }
/** Why a pairing request was not started: too many of this requester's are waiting, or the table is full. */
export interface Refused { readonly refused: 'requester' | 'full'; readonly retryAfterS: number }

export interface PendingAuthorization {
  readonly userCode: string;
  readonly request: PairingRequest;
  readonly platform?: Platform;
  readonly expiresAt: number;
}

interface Entry extends PendingAuthorization {
  readonly deviceCodeHash: string;
  readonly requester: string;
  intervalMs: number;
  lastPollAt?: number;
  decision?: { token: DeviceToken } | 'refused';
  /** True while a patient's decision is being recorded: the code is no longer offered. */
  claimed: boolean;
}

/** The RFC 8628 §3.5 answer to a poll, when it is not the credential. */
export type PollError = 'authorization_pending' | 'slow_down' | 'access_denied' | 'expired_token' | 'invalid_grant';

export class PendingAuthorizations {
  private readonly byDeviceCode = new Map<string, Entry>();
  private readonly byUserCode = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly limits: PendingLimits = { perRequester: MAX_PENDING_PER_REQUESTER, total: MAX_PENDING },
  ) {}

  /** `requester` is who asked (`address:{ip}` or `platform:{id}`): each holds at most its share of waiting codes. */
  start(request: PairingRequest, platform: Platform | undefined, requester: string): { deviceCode: string; userCode: string; expiresAt: number } | Refused {
    this.sweep();
    const now = this.now();
    const waiting = [...this.byDeviceCode.values()].filter((e) => e.decision === undefined && e.expiresAt > now);
    const mine = waiting.filter((e) => e.requester === requester);
    const share = platform ? Math.max(this.limits.perRequester, MAX_PENDING_PER_PLATFORM) : this.limits.perRequester;
    const wait = (entries: Entry[]) => Math.max(1, Math.ceil((Math.min(...entries.map((e) => e.expiresAt)) - now) / 1000));
    if (mine.length >= share) return { refused: 'requester', retryAfterS: wait(mine) };
    if (waiting.length >= this.limits.total) return { refused: 'full', retryAfterS: wait(waiting) };
    const deviceCode = newDeviceCode();
    let userCode = newUserCode();
    while (this.byUserCode.has(digest(userCode))) userCode = newUserCode();
    const entry: Entry = {
      userCode, request, ...(platform ? { platform } : {}), requester, expiresAt: now + PAIRING_LIFETIME_S * 1000,
      deviceCodeHash: digest(deviceCode), intervalMs: POLL_INTERVAL_S * 1000, claimed: false,
    };
    this.byDeviceCode.set(entry.deviceCodeHash, entry);
    this.byUserCode.set(digest(userCode), entry);
    return { deviceCode, userCode, expiresAt: entry.expiresAt };
  }

  /** The undecided, unexpired authorization with this (normalised) user code. */
  lookUp(userCode: string): PendingAuthorization | undefined {
    const entry = this.byUserCode.get(digest(userCode));
    if (!entry || !sameSecret(entry.userCode, userCode)) return undefined;
    if (entry.claimed || entry.decision !== undefined || entry.expiresAt <= this.now()) return undefined;
    return entry;
  }

  /** Takes the code out of reach while the decision is recorded; `release` puts it back if that failed. */
  claim(userCode: string): PendingAuthorization | undefined {
    const found = this.lookUp(userCode);
    if (found) (found as Entry).claimed = true;
    return found;
  }

  release(authorization: PendingAuthorization): void {
    (authorization as Entry).claimed = false;
  }

  /** Records the patient's decision; the device's next poll gets it. */
  decide(authorization: PendingAuthorization, decision: { token: DeviceToken } | 'refused'): void {
    const entry = authorization as Entry;
    entry.decision = decision;
    this.byUserCode.delete(digest(entry.userCode));
  }

  poll(deviceCode: string): { token: DeviceToken } | { error: PollError } {
    const entry = this.byDeviceCode.get(digest(deviceCode));
    if (!entry) return { error: 'invalid_grant' };
    const now = this.now();
    if (entry.decision === 'refused') return { error: 'access_denied' };
    if (entry.decision) {
      this.forget(entry);
      return entry.decision;
    }
    if (entry.expiresAt <= now) return { error: 'expired_token' };
    const early = entry.lastPollAt !== undefined && now - entry.lastPollAt < entry.intervalMs - POLL_TOLERANCE_MS;
    entry.lastPollAt = now;
    if (early) {
      entry.intervalMs += 5000; // RFC 8628 §3.5: the client adds 5 s too
      return { error: 'slow_down' };
    }
    return { error: 'authorization_pending' };
  }

  private forget(entry: Entry): void {
    this.byDeviceCode.delete(entry.deviceCodeHash);
    this.byUserCode.delete(digest(entry.userCode));
  }

  /**
   * Drops what expired more than a lifetime ago (until then a poll still hears
   * expired_token), and decided or expired entries first when the map outgrows
   * twice the table (undecided live ones are never dropped: see MAX_PENDING).
   */
  private sweep(): void {
    const now = this.now();
    const crowded = this.byDeviceCode.size >= 2 * this.limits.total;
    for (const entry of this.byDeviceCode.values()) {
      const stale = entry.expiresAt + PAIRING_LIFETIME_S * 1000 <= now;
      if (stale || (crowded && (entry.decision !== undefined || entry.expiresAt <= now))) this.forget(entry);
    }
  }
}
