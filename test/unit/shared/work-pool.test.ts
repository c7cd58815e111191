/**
 * The one worker pool (apps/shared/work-pool.ts): never more than N at once,
 * every item exactly once, and items that appear while it runs are still run.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachPooled, runPool } from '../../../apps/shared/work-pool.ts';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs items with random delays, recording the most running at once and every item seen. */
function recorder() {
  let running = 0;
  const seen: number[] = [];
  const state = { most: 0, seen };
  const run = async (item: number, delay: number) => {
    running += 1;
    state.most = Math.max(state.most, running);
    await tick(delay);
    seen.push(item);
    running -= 1;
  };
  return { state, run };
}

describe('forEachPooled', () => {
  it('runs every item once, at most N at once', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }), fc.integer({ min: 1, max: 6 }), async (delays, n) => {
      const { state, run } = recorder();
      await forEachPooled(delays, n, (delay, i) => run(i, delay));
      expect([...state.seen].sort((a, b) => a - b)).toEqual(delays.map((_, i) => i));
      expect(state.most).toBeLessThanOrEqual(n);
      if (delays.length >= n) expect(state.most).toBe(n);
    }), { numRuns: 25 });
  });

  it('ends at once on an empty list', async () => {
    let runs = 0;
    await forEachPooled([], 4, async () => { runs += 1; });
    expect(runs).toBe(0);
  });

  it('rejects when an item fails', async () => {
    await expect(forEachPooled([1, 2, 3], 2, async (x) => {
      if (x === 2) throw new Error('item 2 failed');
    })).rejects.toThrow('item 2 failed');
  });
});

describe('runPool with items added while it runs', () => {
  it('waits for running items that add more, and runs the added ones', async () => {
    // Each "profile" item adds three "document" items when it is done; the queue is empty in between.
    const queue: number[] = [100, 200];
    const { state, run } = recorder();
    await runPool(3, () => queue.shift(), async (item) => {
      await run(item, item % 100 === 0 ? 5 : 1);
      if (item % 100 === 0) queue.push(item + 1, item + 2, item + 3);
    });
    expect([...state.seen].sort((a, b) => a - b)).toEqual([100, 101, 102, 103, 200, 201, 202, 203]);
    expect(state.most).toBeLessThanOrEqual(3);
  });

  it('an item added late by the last running item is still run', async () => {
    const queue: string[] = ['first'];
    const seen: string[] = [];
    await runPool(4, () => queue.shift(), async (item) => {
      await tick(10);
      seen.push(item);
      if (item === 'first') queue.push('second');
    });
    expect(seen).toEqual(['first', 'second']);
  });

  it('idle workers wait for added items instead of ending, so those run N at once', async () => {
    const queue: number[] = [0];
    const { state, run } = recorder();
    await runPool(4, () => queue.shift(), async (item) => {
      await run(item, 5);
      if (item === 0) queue.push(1, 2, 3, 4);
    });
    expect([...state.seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    expect(state.most).toBe(4);
  });
});
