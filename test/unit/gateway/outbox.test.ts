import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../apps/gateway/outbox/outbox.ts';
import { entry, tempDir } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let path: string;
const open: Outbox[] = [];
beforeEach(async () => {
  dir = await tempDir();
  path = join(dir.path, 'outbox.log');
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close().catch(() => {})));
  await dir.remove();
});

async function openOutbox(options: Parameters<typeof Outbox.open>[1] = {}) {
  const result = await Outbox.open(path, options);
  open.push(result.outbox);
  return result;
}

async function accept(outbox: Outbox, entries: ReturnType<typeof entry>[]) {
  const outcome = outbox.accept(entries);
  if (!outcome.ok) throw new Error(`conflict: ${JSON.stringify(outcome.conflicts)}`);
  return outcome.durable;
}

describe('Outbox', () => {
  it('keeps accepted readings across a restart, in order, until they are settled', async () => {
    const { outbox } = await openOutbox();
    const [a, b, c] = [entry(1), entry(2), entry(3)];
    await accept(outbox, [a, b]);
    await accept(outbox, [c]);
    await outbox.settle([b.id], { state: 'delivered', status: 205 });
    // No close(): as if the process had been killed.
    const { outbox: again } = await openOutbox();
    expect(again.pendingEntries().map((e) => e.id)).toEqual([a.id, c.id]);
    expect(again.status(b.id)).toMatchObject({ state: 'delivered' });
    expect(again.pendingEntries()[0]).toMatchObject({ triples: a.triples, fingerprint: a.fingerprint });
  });

  it('stores a reading sent twice once, and says the second was a duplicate', async () => {
    const { outbox } = await openOutbox();
    const a = entry(1);
    const [first, second] = await Promise.all([accept(outbox, [a]), accept(outbox, [a])]);
    expect(first).toEqual([{ id: a.id, duplicate: false, state: 'pending' }]);
    expect(second).toEqual([{ id: a.id, duplicate: true, state: 'pending' }]);
    await accept(outbox, [a, a]);
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(outbox.pendingEntries()).toHaveLength(1);
  });

  it('refuses a reading with a known identity but other values, and writes nothing of its batch', async () => {
    const { outbox } = await openOutbox();
    await accept(outbox, [entry(1)]);
    const outcome = outbox.accept([entry(2), entry(1, { value: 91 })]);
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.conflicts.map((c) => c.index)).toEqual([1]);
    expect(outbox.pendingEntries()).toHaveLength(1);
  });

  it('accepts a refused reading again (the patient may have granted access since)', async () => {
    const { outbox } = await openOutbox();
    const a = entry(1);
    await accept(outbox, [a]);
    await outbox.settle([a.id], { state: 'refused', status: 403, reason: 'no Append' });
    expect(outbox.status(a.id)).toMatchObject({ state: 'refused', status: 403, reason: 'no Append' });
    expect(await accept(outbox, [a])).toEqual([{ id: a.id, duplicate: false, state: 'pending' }]);
    const delivered = entry(2);
    await accept(outbox, [delivered]);
    await outbox.settle([delivered.id], { state: 'delivered' });
    expect(await accept(outbox, [delivered])).toEqual([{ id: delivered.id, duplicate: true, state: 'delivered' }]);
  });

  it('loses a torn last batch as a whole, never half of it', async () => {
    const { outbox } = await openOutbox();
    const a = entry(1);
    await accept(outbox, [a]);
    // A crash in the middle of writing the next batch's line (not acknowledged).
    await appendFile(path, '{"op":"accept","at":1,"entries":[{"id":"x1","doc":"http://localhost:3000/hans/h');
    const { outbox: again, recovery } = await openOutbox();
    expect(recovery.tornBytes).toBeGreaterThan(0);
    expect(again.pendingEntries().map((e) => e.id)).toEqual([a.id]);
  });

  it('compacts to pending entries and remembered outcomes, and recovers from the compacted log', async () => {
    const { outbox } = await openOutbox({ compactAtBytes: 10_000 });
    const entries = Array.from({ length: 60 }, (_, i) => entry(i));
    for (const e of entries) await accept(outbox, [e]);
    await outbox.settle(entries.slice(0, 50).map((e) => e.id), { state: 'delivered', status: 205 });
    await outbox.settle([entries[50]!.id], { state: 'refused', status: 403, reason: 'no grant' });
    const before = outbox.logBytes;
    await outbox.compact();
    expect(outbox.logBytes).toBeLessThan(before);
    await accept(outbox, [entry(100)]);
    const { outbox: again } = await openOutbox();
    expect(again.pendingEntries().map((e) => e.id)).toEqual([...entries.slice(51).map((e) => e.id), entry(100).id]);
    expect(again.status(entries[0]!.id)).toMatchObject({ state: 'delivered' });
    expect(again.status(entries[50]!.id)).toMatchObject({ state: 'refused', status: 403, reason: 'no grant' });
    expect(again.counts()).toEqual({ pending: 10, delivered: 50, refused: 1, failed: 0 });
  });

  it('compacts by itself once the log is large and mostly settled', async () => {
    const { outbox } = await openOutbox({ compactAtBytes: 20_000 });
    for (let i = 0; i < 100; i++) {
      const e = entry(i);
      await accept(outbox, [e]);
      await outbox.settle([e.id], { state: 'delivered' });
    }
    expect(outbox.logBytes).toBeLessThan(30_000);
    expect(outbox.counts().delivered).toBe(100);
  });

  it('remembers only the newest settled entries', async () => {
    const { outbox } = await openOutbox({ retainSettled: 5 });
    const entries = Array.from({ length: 8 }, (_, i) => entry(i));
    await accept(outbox, entries);
    await outbox.settle(entries.map((e) => e.id), { state: 'delivered' });
    expect(outbox.status(entries[0]!.id)).toBeUndefined();
    expect(outbox.status(entries[7]!.id)).toMatchObject({ state: 'delivered' });
    expect(outbox.counts().delivered).toBe(5);
  });

  it('tells the listener about entries only once they are durable', async () => {
    const { outbox } = await openOutbox();
    const seen: string[] = [];
    outbox.onAccepted((entries) => seen.push(...entries.map((e) => e.id)));
    const a = entry(1);
    const outcome = outbox.accept([a]);
    expect(seen).toEqual([]);
    if (outcome.ok) await outcome.durable;
    expect(seen).toEqual([a.id]);
  });
});
