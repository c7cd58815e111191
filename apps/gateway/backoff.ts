/**
 * Retry delays for deliveries the pod server could not take (down, 5xx,
 * timeouts): exponential growth with "equal jitter" (a random delay between
 * half and all of the exponential step), capped. Jitter keeps the month
 * documents of many patients from retrying in lock-step when a pod server
 * comes back after an outage.
 */

export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  readonly baseMs: number;
  /** Longest delay between two attempts, ms. */
  readonly maxMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 15_000, factor: 2 };

/**
 * Delay before attempt number `failures + 1`, after `failures` (>= 1) failed
 * attempts in a row. `random` returns a number in [0, 1).
 */
export function backoffDelay(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, failures - 1);
  // Cap the exponent before Math.pow so a long outage never overflows to Infinity.
  const step = Math.min(policy.maxMs, policy.baseMs * policy.factor ** Math.min(exponent, 64));
  return Math.round(step / 2 + random() * (step / 2));
}
