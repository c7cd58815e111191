/**
 * Solid Notifications (WebSocketChannel2023) for a server-side subscriber
 * that holds its own session: find the pod server's subscription service,
 * subscribe to a topic, get the `receiveFrom` socket. The same protocol as
 * the clinician dashboard's relay (apps/clinician/dashboard/live.ts) and
 * the alert service (apps/alerts/watch.ts) both use.
 *
 * The description, the service and `receiveFrom` must be on the topic's own
 * server, and no redirect is followed: a session is never taken to another
 * origin. It never reads a topic's content; CSS checks Read on the topic
 * when subscribing, so only what the subscriber may read can be watched.
 */
import { Parser } from 'n3';
import { isWithin, noRedirects } from './same-origin.ts';

export const NOTIFY = 'http://www.w3.org/ns/solid/notifications#';
export const WEBSOCKET_CHANNEL = `${NOTIFY}WebSocketChannel2023`;
const STORAGE_DESCRIPTION = 'http://www.w3.org/ns/solid/terms#storageDescription';
const NOTIFICATION_CONTEXT = 'https://www.w3.org/ns/solid/notification/v1';

/** `Link: <x>; rel="..."` values of one relation, resolved against `base`. */
export function linksOf(header: string | null, rel: string, base: string): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]!);
    if ((rels?.[1] ?? rels?.[2] ?? '').split(/\s+/).includes(rel)) out.push(new URL(match[1]!, base).href);
  }
  return out;
}

/** The WebSocketChannel2023 subscription service for a resource's server, or undefined when it offers none. */
export async function findSubscriptionService(fetch: typeof globalThis.fetch, resource: string): Promise<string | undefined> {
  const head = await fetch(resource, noRedirects({ method: 'HEAD' }));
  await head.body?.cancel();
  const description = linksOf(head.headers.get('link'), STORAGE_DESCRIPTION, resource)[0];
  const server = [new URL(resource).origin];
  if (!description || !isWithin(description, server)) return undefined;
  const res = await fetch(description, noRedirects({ headers: { accept: 'text/turtle' } }));
  if (!res.ok) {
    await res.body?.cancel();
    return undefined;
  }
  return websocketSubscriptionServices(await res.text(), description).find((service) => isWithin(service, server));
}

/** The WebSocketChannel2023 subscription services a storage description (Turtle) lists. */
export function websocketSubscriptionServices(turtle: string, base: string): string[] {
  const quads = new Parser({ baseIRI: base }).parse(turtle);
  const services = quads.filter((q) => q.predicate.value === `${NOTIFY}subscription`).map((q) => q.object.value);
  return [...new Set(services)].filter((s) =>
    quads.some((q) => q.subject.value === s && q.predicate.value === `${NOTIFY}channelType` && q.object.value === WEBSOCKET_CHANNEL));
}

/** Subscribes to one topic: the `receiveFrom` socket URL, or the HTTP status when refused (403: no Read; 404: no such resource). */
export async function subscribeTopic(fetch: typeof globalThis.fetch, service: string, topic: string): Promise<{ receiveFrom: string } | { refused: number }> {
  if (!isWithin(service, [new URL(topic).origin])) return { refused: 0 };
  const res = await fetch(service, {
    redirect: 'manual',
    method: 'POST',
    headers: { 'content-type': 'application/ld+json', accept: 'application/ld+json' },
    body: JSON.stringify({ '@context': [NOTIFICATION_CONTEXT], type: WEBSOCKET_CHANNEL, topic }),
  });
  if (!res.ok) {
    await res.body?.cancel();
    return { refused: res.status };
  }
  const channel = await res.json() as { receiveFrom?: unknown };
  if (typeof channel.receiveFrom !== 'string') return { refused: 0 };
  // A WebSocket on the topic's own host (ws: for http:, wss: for https:), nowhere else.
  const socket = new URL(channel.receiveFrom, service);
  const origin = new URL(topic);
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  return socket.protocol === scheme && socket.host === origin.host && socket.username === '' ? { receiveFrom: socket.href } : { refused: 0 };
}

/** Subscribes to one topic: the `receiveFrom` socket URL, or undefined when refused. */
export async function subscribe(fetch: typeof globalThis.fetch, service: string, topic: string): Promise<string | undefined> {
  const subscribed = await subscribeTopic(fetch, service, topic);
  return 'receiveFrom' in subscribed ? subscribed.receiveFrom : undefined;
}
