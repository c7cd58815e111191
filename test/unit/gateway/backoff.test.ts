import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../apps/gateway/backoff.ts';

const policy = { baseMs: 500, maxMs: 15_000, factor: 2 };

describe('backoffDelay', () => {
  it('doubles per failure, between half and all of the step', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0))).toEqual([250, 500, 1000, 2000]);
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never exceeds the cap, even after a very long outage', () => {
    for (const n of [6, 10, 100, 10_000]) {
      const d = backoffDelay(n, policy, Math.random);
      expect(d).toBeGreaterThanOrEqual(7_500);
      expect(d).toBeLessThanOrEqual(15_000);
    }
  });

  it('spreads retries of different documents (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, policy)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
