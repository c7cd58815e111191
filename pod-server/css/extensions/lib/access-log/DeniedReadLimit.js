'use strict';
/**
 * Bounds how many refused reads one source can add to one patient's access
 * log. Every allowed read is logged; refused ones (401/403) are logged too,
 * so the patient sees who tried, but nothing stops an anonymous client from
 * asking a million times, and each try would be one more entry in the
 * patient's day document. A token bucket per (pod, reader): `capacity`
 * refused reads at once, then one per `refillMs`; past that, refused reads of
 * that source are counted (for the server's own log) and not journalled.
 * Anonymous requests share one reader, "anonymous". In memory: a restart
 * starts every bucket full again.
 */
const MAX_SOURCES = 10_000;

class DeniedReadLimit {
  /**
   * @param {number} capacity refused reads a source may add at once
   * @param {number} refillMs one more after this long
   * @param {() => number} now
   */
  constructor(capacity = 30, refillMs = 60_000, now = Date.now) {
    this.capacity = capacity;
    this.refillMs = refillMs;
    this.now = now;
    /** @type {Map<string, { tokens: number, updated: number }>} */
    this.buckets = new Map();
    /** Refused reads not logged since the last `takeSuppressed()`, per pod. */
    this.suppressed = new Map();
  }

  /** True when a refused read of `pod` by `agent` (undefined: anonymous) may be logged. */
  allow(pod, agent) {
    const key = `${pod} ${agent ?? 'anonymous'}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, updated: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.updated) / this.refillMs);
    bucket.updated = now;
    this.buckets.delete(key); // re-inserted last: least recently used first
    this.buckets.set(key, bucket);
    if (this.buckets.size > MAX_SOURCES) this.buckets.delete(this.buckets.keys().next().value);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.suppressed.set(pod, (this.suppressed.get(pod) ?? 0) + 1);
    return false;
  }

  /** The counts of refused reads left out since the last call, per pod; resets them. */
  takeSuppressed() {
    const counts = new Map(this.suppressed);
    this.suppressed.clear();
    return counts;
  }
}

module.exports = { DeniedReadLimit };
