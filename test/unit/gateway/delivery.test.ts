import type { Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import type { AppendOutcome } from '../../../apps/shared/append.ts';
import { quadsToMeasurements } from '../../../apps/shared/measurement/index.ts';
import { Delivery, patchQuads } from '../../../apps/gateway/delivery.ts';
import type { OutboxEntry, Settlement } from '../../../apps/gateway/outbox/outbox.ts';
import { measurement, outboxEntry } from './fixtures.ts';

interface Patch { document: string; quads: readonly Quad[]; at: number }

/** A delivery over a fake pod: `answer` decides each PATCH's outcome. */
function harness(answer: (patch: Patch, n: number) => AppendOutcome | Promise<AppendOutcome> = () => ({ ok: true, status: 205 }), options: Partial<ConstructorParameters<typeof Delivery>[0]> = {}) {
  const patches: Patch[] = [];
  const settled: { ids: readonly string[]; outcome: Settlement }[] = [];
  let inFlight = 0;
  let maxSeenInFlight = 0;
  const delivery = new Delivery({
    coalesceMs: 30,
    backoff: { baseMs: 20, maxMs: 80, factor: 2 },
    ...options,
    append: async (document, quads) => {
      const patch = { document, quads, at: Date.now() };
      patches.push(patch);
      inFlight += 1;
      maxSeenInFlight = Math.max(maxSeenInFlight, inFlight);
      try {
        await new Promise((r) => setTimeout(r, 5));
        return await answer(patch, patches.length);
      } finally {
        inFlight -= 1;
      }
    },
    settle: async (ids, outcome) => {
      settled.push({ ids, outcome });
    },
  });
  const readingsIn = (p: Patch) => quadsToMeasurements(p.quads).measurements.length;
  const stateOf = (id: string) => settled.find((s) => s.ids.includes(id))?.outcome.state;
  return { delivery, patches, settled, readingsIn, stateOf, maxInFlight: () => maxSeenInFlight };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Delivery', () => {
  it('coalesces readings for one month document that arrive close together into one PATCH', async () => {
    // A window far longer than the arrivals take, even on a busy machine.
    const h = harness(undefined, { coalesceMs: 500 });
    for (let i = 0; i < 10; i++) {
      h.delivery.enqueue([outboxEntry(i)]);
      await sleep(1);
    }
    await h.delivery.whenIdle();
    expect(h.patches).toHaveLength(1);
    expect(h.readingsIn(h.patches[0]!)).toBe(10);
    expect(h.settled.flatMap((s) => s.ids)).toHaveLength(10);
    expect(h.settled.every((s) => s.outcome.state === 'delivered')).toBe(true);
  });

  it('sends one PATCH per document, and splits at maxPerPatch', async () => {
    const h = harness(undefined, { maxPerPatch: 4 });
    const spo2 = Array.from({ length: 10 }, (_, i) => outboxEntry(i));
    const pulse = Array.from({ length: 3 }, (_, i) => outboxEntry(i, { kind: 'heart-rate', value: 70, unit: '/min' }));
    h.delivery.enqueue([...spo2, ...pulse]);
    await h.delivery.whenIdle();
    const sizes = h.patches.map((p) => [p.document.split('/').at(-2), h.readingsIn(p)]);
    expect(sizes.filter(([doc]) => doc === 'oxygen-saturation').map(([, n]) => n)).toEqual([4, 4, 2]);
    expect(sizes.filter(([doc]) => doc === 'heart-rate').map(([, n]) => n)).toEqual([3]);
  });

  it('does not wait for company when the patch is full, nor on recovery', async () => {
    const h = harness(undefined, { coalesceMs: 5_000, maxPerPatch: 3 });
    const started = Date.now();
    h.delivery.enqueue([outboxEntry(1), outboxEntry(2), outboxEntry(3)]);
    h.delivery.enqueue([outboxEntry(4)], { immediately: true });
    await h.delivery.whenIdle();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(h.patches.map(h.readingsIn)).toEqual([3, 1]);
  });

  it('keeps at most maxInFlight PATCHes in flight and one per document', async () => {
    const h = harness(undefined, { maxInFlight: 2, coalesceMs: 0 });
    const kinds = [
      { kind: 'heart-rate', value: 70, unit: '/min' }, { kind: 'body-weight', value: 80, unit: 'kg' },
      { kind: 'respiratory-rate', value: 16, unit: '/min' }, { kind: 'body-temperature', value: 37, unit: 'Cel' },
    ];
    h.delivery.enqueue(kinds.flatMap((k) => [outboxEntry(1, k), outboxEntry(2, k)]));
    await h.delivery.whenIdle();
    expect(h.maxInFlight()).toBe(2);
    expect(h.patches).toHaveLength(4);
  });

  it('retries with backoff while the pod server is down, then delivers everything', async () => {
    const h = harness((_, n) => (n <= 3 ? { ok: false, retry: true, reason: 'pod server unreachable' } : { ok: true, status: 205 }));
    const entries = [outboxEntry(1), outboxEntry(2)];
    h.delivery.enqueue(entries);
    while (h.patches.length < 2) await sleep(5);
    expect(h.delivery.documentState(entries[0]!.document)).toMatchObject({ failures: expect.any(Number), lastError: 'pod server unreachable' });
    await h.delivery.whenIdle();
    expect(h.patches).toHaveLength(4);
    // Each retry waited at least half its backoff step (20, 40, 80 ms capped at 80).
    const gaps = h.patches.slice(1).map((p, i) => p.at - h.patches[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(80, 20 * 2 ** i) / 2 - 2));
    expect(h.settled.flatMap((s) => s.ids).sort()).toEqual(entries.map((e) => e.id).sort());
    expect(h.delivery.totals.failedAttempts).toBe(3);
  });

  it('retries what appendQuads calls retryable, such as 401 (the pod did not accept our login)', async () => {
    // appendQuads decides that 401 is retryable (test/unit/shared/append.test.ts); delivery follows `retry`.
    const h = harness((_, n) => (n === 1 ? { ok: false, retry: true, status: 401, reason: 'unauthenticated' } : { ok: true, status: 205 }));
    const e = outboxEntry(1);
    h.delivery.enqueue([e]);
    await h.delivery.whenIdle();
    expect(h.stateOf(e.id)).toBe('delivered');
  });

  it('marks readings refused, without retrying, when the pod answers 403', async () => {
    const h = harness(() => ({ ok: false, retry: false, status: 403, reason: 'forbidden' }));
    const entries = [outboxEntry(1), outboxEntry(2)];
    h.delivery.enqueue(entries);
    await h.delivery.whenIdle();
    expect(h.patches).toHaveLength(1);
    expect(h.settled).toHaveLength(1);
    expect(h.settled[0]!.outcome).toMatchObject({ state: 'refused', status: 403 });
    expect(h.settled[0]!.outcome.reason).toMatch(/has not granted the vendor Append/);
  });

  it('finds the one reading a pod rejects by sending a rejected patch one by one', async () => {
    const bad = outboxEntry(2);
    const badTime = measurement(2).effectiveTime;
    const h = harness((p) => (quadsToMeasurements(p.quads).measurements.some((m) => m.effectiveTime === badTime)
      ? { ok: false, retry: false, status: 400, reason: 'bad patch' }
      : { ok: true, status: 205 }));
    const entries = [outboxEntry(1), bad, outboxEntry(3)];
    h.delivery.enqueue(entries);
    await h.delivery.whenIdle();
    expect(h.stateOf(entries[0]!.id)).toBe('delivered');
    expect(h.stateOf(bad.id)).toBe('failed');
    expect(h.stateOf(entries[2]!.id)).toBe('delivered');
    expect(h.patches.map(h.readingsIn)).toEqual([3, 1, 1, 1]);
  });

  it('writes the shared sensor of a patch once', () => {
    const entries: OutboxEntry[] = [outboxEntry(1), outboxEntry(2)];
    const quads = patchQuads(entries);
    const sensorTypes = quads.filter((q) => q.object.value === 'http://www.w3.org/ns/sosa/Sensor');
    expect(sensorTypes).toHaveLength(1);
    expect(quadsToMeasurements(quads).measurements).toHaveLength(2);
  });

  it('stops without losing track: nothing is settled after stop', async () => {
    const h = harness(undefined, { coalesceMs: 10_000 });
    h.delivery.enqueue([outboxEntry(1)]);
    await h.delivery.stop();
    expect(h.patches).toHaveLength(0);
    expect(h.settled).toHaveLength(0);
  });
});
