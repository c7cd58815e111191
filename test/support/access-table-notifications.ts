/**
 * Notification channels in the access table's "rows that follow a change": a
 * subscription as the clinician dashboard opens one, and a new reading to see
 * who is still told of it.
 */
import { DataFactory } from 'n3';
import WebSocket from 'ws';
import { expect } from 'vitest';
import { findSubscriptionService, subscribe } from '../../apps/shared/solid-notifications.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { MONTH } from './access-table-world.ts';
import type { TestWorld } from './test-world.ts';

const { namedNode, literal, quad } = DataFactory;

export type Listener = { received: () => number; close: () => void };

/** A WebSocketChannel2023 subscription to `topic` as `who` (as the clinician dashboard subscribes), counting notifications. */
export async function listen(world: TestWorld, who: string, topic: string): Promise<Listener> {
  const f = await world.fetchAs(who);
  const service = await findSubscriptionService(f, topic);
  const receiveFrom = service && (await subscribe(f, service, topic));
  if (!receiveFrom) throw new Error(`${who} could not subscribe to ${topic}`);
  const socket = new WebSocket(receiveFrom);
  let received = 0;
  socket.on('message', () => (received += 1));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { received: () => received, close: () => socket.terminate() };
}

/**
 * Has the vendor append a new reading to `category`'s month document, then waits until `control` (a
 * subscriber still allowed) was notified and a little longer; answers how many notifications each got.
 */
export async function notifiedOfNewReading(
  world: TestWorld,
  category: string,
  listeners: Record<string, Listener>,
  control: string,
): Promise<Record<string, number>> {
  const before = Object.fromEntries(Object.entries(listeners).map(([who, l]) => [who, l.received()]));
  const document = new URL(`hans/health/measurements/${category}/${MONTH}.ttl`, world.baseUrl).href;
  const reading = quad(namedNode(`${document}#access-table-${Date.now()}`), namedNode('https://w3id.org/helsevev/test#probe'), literal('new'));
  expect((await appendQuads(await world.fetchAs('vendor'), document, [reading])).ok).toBe(true);
  for (let waited = 0; listeners[control]!.received() === before[control] && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  return Object.fromEntries(Object.entries(listeners).map(([who, l]) => [who, l.received() - before[who]!]));
}
