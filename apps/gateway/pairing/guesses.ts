/**
 * Wrong user codes (docs/gateway.md, "Threats"): a code is 8 letters of 20,
 * alive 10 minutes; guessing one is made hopeless by counting wrong tries per
 * caller (the patient's WebID) and per client IP: after MAX_WRONG in the
 * window, every code lookup from that caller or address is 429 with
 * Retry-After until the oldest wrong try leaves the window. In memory only.
 */
export const MAX_WRONG = 5;
export const WRONG_WINDOW_MS = 15 * 60_000;
/** Most callers remembered; past it the longest-quiet are forgotten. */
const MAX_KEYS = 10_000;

export class WrongGuesses {
  private readonly tries = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Seconds until `keys` may try again; 0 when none of them is locked out. */
  lockedFor(keys: readonly string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const recent = this.recent(key, now);
      if (recent.length >= MAX_WRONG) wait = Math.max(wait, Math.ceil((recent[recent.length - MAX_WRONG]! + WRONG_WINDOW_MS - now) / 1000));
    }
    return wait;
  }

  record(keys: readonly string[]): void {
    const now = this.now();
    for (const key of keys) {
      const recent = this.recent(key, now);
      recent.push(now);
      this.tries.delete(key);
      this.tries.set(key, recent);
    }
    for (const key of this.tries.keys()) {
      if (this.tries.size <= MAX_KEYS) break;
      this.tries.delete(key);
    }
  }

  private recent(key: string, now: number): number[] {
    return (this.tries.get(key) ?? []).filter((t) => t > now - WRONG_WINDOW_MS);
  }
}
