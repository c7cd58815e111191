/**
 * Live updates for the dashboard's patient view: the pod server's Solid
 * Notifications (WebSocketChannel2023), relayed to the page as Server-Sent
 * Events. The page holds no pod token, so the clinician service subscribes
 * as the clinician (their authenticated fetch): only topics the clinician
 * may read can be subscribed to (CSS checks Read on the topic).
 *
 * Topics: each category container of the patient the clinician may read
 * (CSS notifies a container when a child is added or removed, i.e. the first
 * reading of a new month) and that category's current month document (an
 * update of an existing document notifies only that document's topic).
 *
 * Protocol (CSS 7, documentation/markdown/usage/notifications.md): the
 * subscription service is found in the storage description (the resource
 * linked with rel="http://www.w3.org/ns/solid/terms#storageDescription"),
 * as the `notify:subscription` whose `notify:channelType` is
 * `notify:WebSocketChannel2023`; a POST of
 * `{"@context":[...notification/v1], "type": WebSocketChannel2023, "topic": url}`
 * answers the channel with `receiveFrom` (ws:// URL) to connect to.
 *
 * The description, the service and `receiveFrom` must be on the topic's own
 * server (origin, apps/shared/same-origin.ts), and no redirect is followed:
 * the clinician's session is never taken to another origin (the protocol
 * steps are apps/shared/solid-notifications.ts, shared with the alert service).
 */
import type { Response } from 'express';
import WebSocket from 'ws';
import { isWithin } from '../../shared/same-origin.ts';
import { findSubscriptionService, subscribe } from '../../shared/solid-notifications.ts';

export interface LiveTopic {
  readonly url: string;
  readonly category: string;
}

/**
 * What a notification says happened, for the page: its type (`Add` when a
 * container got a new member) and the resource it names, when that is on
 * the topic's own server. Nothing else of the notification is passed on.
 */
export function activityOf(text: string, topic: string): { type?: string; object?: string } {
  try {
    const n = JSON.parse(text) as { type?: unknown; object?: unknown };
    const type = typeof n.type === 'string' && /^[A-Za-z]{1,20}$/.test(n.type) ? n.type : undefined;
    const object = typeof n.object === 'string' && isWithin(n.object, [new URL(topic).origin]) ? n.object : undefined;
    return { ...(type ? { type } : {}), ...(object ? { object } : {}) };
  } catch {
    return {};
  }
}

/**
 * Opens an SSE stream on `res` and relays notifications on `topics` as
 * `change` events (data: {"category": ...}). Sends `ready` with the number of
 * topics listened to (0: the page keeps polling fast). Closes every socket
 * when the client goes away. Answers the number of sockets opened.
 */
export async function relayNotifications(fetch: typeof globalThis.fetch, topics: readonly LiveTopic[], res: Response,
  onClose: (cleanup: () => void) => void): Promise<number> {
  const sockets: WebSocket[] = [];
  let closed = false;
  // Proxies drop idle streams; a comment every 25 s keeps it open.
  const keepAlive = setInterval(() => { if (!closed) res.write(': keep-alive\n\n'); }, 25_000);
  const send = (event: string, data: unknown) => { if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); };
  const cleanup = () => {
    closed = true;
    clearInterval(keepAlive);
    for (const s of sockets) s.terminate();
  };
  onClose(cleanup);
  if (res.destroyed) cleanup();
  const service = topics[0] ? await findSubscriptionService(fetch, topics[0].url).catch(() => undefined) : undefined;
  if (service && !closed) {
    const opened = await Promise.all(topics.map(async (topic) => {
      const receiveFrom = await subscribe(fetch, service, topic.url).catch(() => undefined);
      if (!receiveFrom || closed) return false;
      const socket = new WebSocket(receiveFrom);
      sockets.push(socket);
      socket.on('message', (data) => send('change', { category: topic.category, ...activityOf(String(data), topic.url) }));
      socket.on('error', () => { /* the page's polling still runs */ });
      return new Promise<boolean>((resolve) => {
        socket.once('open', () => resolve(true));
        socket.once('close', () => resolve(false));
        socket.once('error', () => resolve(false));
      });
    }));
    if (closed) {
      cleanup();
      return 0;
    }
    const count = opened.filter(Boolean).length;
    send('ready', { topics: count });
    return count;
  }
  send('ready', { topics: 0 });
  return 0;
}
