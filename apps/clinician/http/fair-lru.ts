/**
 * A least-recently-used map where each entry belongs to an account, with a
 * cap per account and a cap in all: the clinician service's bearer tokens,
 * cached client-credential logins and browser sessions (auth.ts,
 * browser-login.ts). The point is fairness between users of the same
 * system: an account that makes session after session pushes out only its
 * own least recently used ones; when the whole map is full, the entry to go
 * is the least recently used of the account holding the most, so one account
 * (or a few) cannot log everyone else out by filling the cache.
 *
 * Entries unused for `idleMs` are gone too. Evicted values are handed to
 * `onEvict` (to close a session); nothing else is ever closed here.
 */
export interface FairLruOptions<V> {
  /** Most entries in all. */
  readonly max: number;
  /** Most entries of one account. */
  readonly maxPerAccount: number;
  /** An entry unused this long is gone. */
  readonly idleMs: number;
  readonly onEvict?: (value: V, key: string) => void;
  readonly now?: () => number;
}

interface Slot<V> {
  readonly account: string;
  readonly value: V;
  lastUsed: number;
}

export class FairLru<V> {
  /** In least recently used order (an entry is re-inserted on use). */
  private readonly entries = new Map<string, Slot<V>>();
  private readonly perAccount = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: FairLruOptions<V>) {
    if (!(options.max >= 1) || !(options.maxPerAccount >= 1)) throw new Error('FairLru needs max >= 1 and maxPerAccount >= 1');
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value, marked as just used; undefined when unknown or idle too long (then it is evicted). */
  get(key: string): V | undefined {
    const slot = this.entries.get(key);
    if (!slot) return undefined;
    if (this.now() - slot.lastUsed > this.options.idleMs) {
      this.evict(key, slot);
      return undefined;
    }
    slot.lastUsed = this.now();
    this.entries.delete(key);
    this.entries.set(key, slot);
    return slot.value;
  }

  /** The value without marking it used (for looking, not for using). */
  peek(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  /** Adds an entry of `account` (the newest), making room first as the caps say. */
  set(key: string, account: string, value: V): void {
    const old = this.entries.get(key);
    if (old) this.remove(key, old);
    this.sweep();
    while ((this.perAccount.get(account) ?? 0) >= this.options.maxPerAccount) this.evictOldestOf(account);
    while (this.entries.size >= this.options.max) this.evictOldestOfLargest();
    this.entries.set(key, { account, value, lastUsed: this.now() });
    this.perAccount.set(account, (this.perAccount.get(account) ?? 0) + 1);
  }

  /** Forgets an entry without calling onEvict (the caller ends it itself); true when it was there. */
  delete(key: string): boolean {
    const slot = this.entries.get(key);
    if (!slot) return false;
    this.remove(key, slot);
    return true;
  }

  values(): V[] {
    return [...this.entries.values()].map((s) => s.value);
  }

  /** Forgets every entry (without onEvict) and answers their values. */
  clear(): V[] {
    const all = this.values();
    this.entries.clear();
    this.perAccount.clear();
    return all;
  }

  /** Drops every entry idle too long. */
  sweep(): void {
    const now = this.now();
    for (const [key, slot] of this.entries) if (now - slot.lastUsed > this.options.idleMs) this.evict(key, slot);
  }

  /** The least recently used entry of the account holding the most entries. */
  private evictOldestOfLargest(): void {
    const most = Math.max(...this.perAccount.values());
    for (const [key, slot] of this.entries) {
      if (this.perAccount.get(slot.account) === most) return this.evict(key, slot);
    }
  }

  private evictOldestOf(account: string): void {
    for (const [key, slot] of this.entries) {
      if (slot.account === account) return this.evict(key, slot);
    }
  }

  private remove(key: string, slot: Slot<V>): void {
    this.entries.delete(key);
    const n = (this.perAccount.get(slot.account) ?? 1) - 1;
    if (n > 0) this.perAccount.set(slot.account, n);
    else this.perAccount.delete(slot.account);
  }

  private evict(key: string, slot: Slot<V>): void {
    this.remove(key, slot);
    this.options.onEvict?.(slot.value, key);
  }
}
