/**
 * The outbox format changed (a reading is mapped once, at intake: entries keep
 * their triples instead of the measurement). An outbox written by the gateway
 * before that change (test/fixtures/gateway/outbox-v1, recorded with that
 * code) must still be delivered, with the very patch bodies that gateway sent;
 * and the same requests through today's intake must send the same bodies.
 */
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Delivery } from '../../../apps/gateway/delivery.ts';
import { readingsFromJson, type IntakeContext } from '../../../apps/gateway/intake.ts';
import { Outbox } from '../../../apps/gateway/outbox/outbox.ts';
import type { CallerScope } from '../../../apps/gateway/auth/scope.ts';
import { insertOnlyPatch } from '../../../apps/shared/n3-patch.ts';
import { demoPairings, VENDOR, tempDir } from './fixtures.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/gateway/outbox-v1');
const fixture = async (name: string) => JSON.parse(await readFile(join(FIXTURE, name), 'utf8'));

let dir: Awaited<ReturnType<typeof tempDir>>;
const open: Outbox[] = [];
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((o) => o.close().catch(() => {})));
  await dir.remove();
});

async function openOutbox(path: string) {
  const { outbox } = await Outbox.open(path);
  open.push(outbox);
  return outbox;
}

/** The context the fixture was recorded with (the demo patients enrolled then; paired now). */
async function intakeContext(): Promise<{ ctx: IntakeContext; scope: CallerScope }> {
  const { scope } = await demoPairings(dir.path);
  return { scope, ctx: { vendorWebId: VENDOR, allowedSources: new Set(), defaultSetting: 'home-municipality', maxReadings: 1000, now: () => new Date('2026-06-01T00:00:00Z') } };
}

/** Delivers the outbox's pending entries to a fake pod; the N3 Patch body sent per document. */
async function deliver(outbox: Outbox): Promise<Record<string, string>> {
  const bodies: Record<string, string> = {};
  const delivery = new Delivery({
    coalesceMs: 0,
    append: async (document, quads) => {
      bodies[document] = insertOnlyPatch(quads);
      return { ok: true, status: 205 };
    },
    settle: (ids, outcome) => outbox.settle(ids, outcome),
  });
  delivery.enqueue(outbox.pendingEntries(), { immediately: true });
  await delivery.whenIdle();
  return bodies;
}

async function acceptRequests(outbox: Outbox, { ctx, scope }: { ctx: IntakeContext; scope: CallerScope }) {
  const answers = [];
  for (const body of await fixture('requests.json')) {
    const intake = await readingsFromJson(body, ctx, scope);
    if (!intake.ok) throw new Error(JSON.stringify(intake));
    const outcome = outbox.accept(intake.readings.map(({ field: _, pairings: _p, ...entry }) => entry));
    if (!outcome.ok) throw new Error(`conflict: ${JSON.stringify(outcome.conflicts)}`);
    answers.push(await outcome.durable);
  }
  return answers;
}

describe('An outbox written before a reading was mapped once (format 1)', () => {
  it('is replayed and delivered with the same patch bodies that version sent', async () => {
    const path = join(dir.path, 'outbox.log');
    await copyFile(join(FIXTURE, 'outbox.log'), path);
    const outbox = await openOutbox(path);
    expect(outbox.counts()).toEqual({ pending: 4, delivered: 1, refused: 1, failed: 0 });
    expect(await deliver(outbox)).toEqual(await fixture('patches.json'));
    expect(outbox.counts()).toMatchObject({ pending: 0, delivered: 5 });
  });

  it('recognises re-sent readings as duplicates, not conflicts (same fingerprints)', async () => {
    const path = join(dir.path, 'outbox.log');
    await copyFile(join(FIXTURE, 'outbox.log'), path);
    const outbox = await openOutbox(path);
    const answers = (await acceptRequests(outbox, await intakeContext())).flat();
    // The second request's reading was refused: sent again, it is accepted again (the patient may have granted access since).
    expect(answers.map((a) => a.duplicate)).toEqual([true, false, true, true, true, true]);
  });

  it('is rewritten in format 2 by compaction, and still delivers the same bodies', async () => {
    const path = join(dir.path, 'outbox.log');
    await copyFile(join(FIXTURE, 'outbox.log'), path);
    await (await openOutbox(path)).compact();
    const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    const entries = lines.filter((l) => l.op === 'accept').flatMap((l) => l.entries);
    expect(entries).toHaveLength(4);
    for (const e of entries) expect(Object.keys(e).sort()).toEqual(['doc', 'fp', 'id', 'nt']);
    expect(await deliver(await openOutbox(path))).toEqual(await fixture('patches.json'));
  });
});

describe('Today\'s intake and delivery', () => {
  it('send the same patch bodies for the same requests as the gateway before the change', async () => {
    const outbox = await openOutbox(join(dir.path, 'outbox.log'));
    const answers = await acceptRequests(outbox, await intakeContext());
    // As in the fixture: the first reading was delivered, the second refused, before delivery of the rest.
    await outbox.settle([answers[0]![0]!.id], { state: 'delivered', status: 205 });
    await outbox.settle([answers[1]![0]!.id], { state: 'refused', status: 403 });
    expect(await deliver(outbox)).toEqual(await fixture('patches.json'));
  });
});
