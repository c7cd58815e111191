/**
 * A pool of workers: runs `run` on the items `next()` hands out, at most
 * `concurrency` at once, each item once. `next()` may return undefined while
 * work is still running: the item being run may make more items available
 * (the clinician engine queues a patient's documents as soon as their profile
 * is read). The pool ends when `next()` has nothing and nothing is running.
 *
 * A failing `run` rejects the pool (like Promise.all); items already running
 * finish on their own.
 */
export async function runPool<T>(concurrency: number, next: () => T | undefined, run: (item: T) => Promise<void>): Promise<void> {
  let running = 0;
  let waiting: (() => void)[] = [];
  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const w of woken) w();
  };
  const worker = async () => {
    for (;;) {
      const item = next();
      if (item !== undefined) {
        running += 1;
        try {
          await run(item);
        } finally {
          running -= 1;
          wake();
        }
        continue;
      }
      if (running === 0) return;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(concurrency)) }, worker));
}

/** Runs `run` on every item of `items` (with its index), at most `concurrency` at once. */
export function forEachPooled<T>(items: readonly T[], concurrency: number, run: (item: T, index: number) => Promise<void>): Promise<void> {
  let i = 0;
  return runPool(concurrency, () => (i < items.length ? i++ : undefined), (index) => run(items[index]!, index));
}
