/**
 * Server-side requests (issue #17, point 5), against a real pod server: no
 * account can make the pod server POST to an address of its choosing (CSS's
 * WebhookChannel2023 is switched off; nothing of ours uses it).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

/** A local HTTP listener that counts every request it receives. */
async function startCounter(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    req.resume();
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits: () => hits,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await world?.stop();
});

describe('the pod server makes no requests on a user\'s behalf', () => {
  it('refuses a WebhookChannel2023 subscription, so nobody can make it POST to an address they choose', async () => {
    const listener = await startCounter();
    try {
      // kari is any account holder; the topic is a document of her own, so Read is hers.
      const kari = await world.fetchAs('kari');
      const topic = new URL('kari/scratch.ttl', world.baseUrl).href;
      const put = async (text: string) =>
        kari(topic, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: `<#it> <https://w3id.org/helsevev/test#says> "${text}".` });
      expect((await put('first')).ok).toBe(true);

      const subscription = await kari(new URL('.notifications/WebhookChannel2023/', world.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/ld+json' },
        body: JSON.stringify({
          '@context': ['https://www.w3.org/ns/solid/notification/v1'],
          type: 'http://www.w3.org/ns/solid/notifications#WebhookChannel2023',
          topic,
          sendTo: listener.url,
        }),
      });
      await subscription.body?.cancel();
      expect((await put('second')).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 1_500));

      // CSS answers 400 for a channel type it does not know; before the fix: 200 and a POST to the listener.
      expect({ refused: subscription.status >= 400 && subscription.status < 500, hits: listener.hits() }).toEqual({ refused: true, hits: 0 });
      const description = await (await kari(new URL('kari/.well-known/solid', world.baseUrl), { headers: { accept: 'text/turtle' } })).text();
      expect(description).not.toMatch(/Webhook/);
      expect(description).toMatch(/WebSocketChannel2023/);
    } finally {
      await listener.close();
    }
  });
});
