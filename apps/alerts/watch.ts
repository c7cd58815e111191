/**
 * Keeps one WebSocketChannel2023 subscription per topic open for the alert
 * service (apps/shared/solid-notifications.ts), as the organisation: when a
 * socket closes (the pod server restarted, the channel expired) it subscribes
 * again with a growing pause, and calls `onOpen` each time a subscription is
 * (re)established, which is when the service catches up on what it may have
 * missed. A topic the organisation may not read is refused by the pod
 * server and reported once per refusal status. Holds sockets, never data.
 */
import WebSocket from 'ws';
import { findSubscriptionService, subscribeTopic } from '../shared/solid-notifications.ts';

export interface TopicHandlers {
  /** A notification arrived. */
  onChange(): void;
  /** The subscription is (re)established: catch up. */
  onOpen(): void;
  /** The pod server refused to subscribe (403: not granted; 404: no such resource yet). */
  onRefused(status: number): void;
}

export class TopicWatcher {
  private readonly topics = new Map<string, { socket?: WebSocket; timer?: NodeJS.Timeout; failures: number }>();
  private service?: string;
  private stopped = false;

  constructor(private readonly fetch: typeof globalThis.fetch, private readonly log: (line: string) => void) {}

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  /** Starts watching `topic` (no-op if watched); resolves once the first attempt is over. */
  async watch(topic: string, handlers: TopicHandlers): Promise<void> {
    if (this.stopped || this.topics.has(topic)) return;
    this.topics.set(topic, { failures: 0 });
    await this.connect(topic, handlers);
  }

  /** Stops watching `topic` (e.g. after a refusal: the caller tries again later). */
  unwatch(topic: string): void {
    const entry = this.topics.get(topic);
    this.topics.delete(topic);
    if (entry?.timer) clearTimeout(entry.timer);
    entry?.socket?.terminate();
  }

  private retry(topic: string, handlers: TopicHandlers): void {
    const entry = this.topics.get(topic);
    if (!entry || this.stopped) return;
    entry.failures += 1;
    const pause = Math.min(30_000, 500 * 2 ** Math.min(entry.failures, 6));
    entry.timer = setTimeout(() => void this.connect(topic, handlers), pause);
  }

  private async connect(topic: string, handlers: TopicHandlers): Promise<void> {
    const entry = this.topics.get(topic);
    if (!entry || this.stopped) return;
    let receiveFrom: string;
    try {
      this.service ??= await findSubscriptionService(this.fetch, topic);
      if (!this.service) throw new Error(`the pod server of ${topic} offers no WebSocketChannel2023 subscriptions`);
      const answer = await subscribeTopic(this.fetch, this.service, topic);
      if ('refused' in answer) {
        if (answer.refused === 401 || answer.refused === 403 || answer.refused === 404) {
          this.unwatch(topic);
          handlers.onRefused(answer.refused);
          return;
        }
        throw new Error(`subscribing to ${topic} was refused (${answer.refused})`);
      }
      receiveFrom = answer.receiveFrom;
    } catch (error) {
      if (entry.failures === 0) this.log(`alerts: cannot watch ${topic} yet (${(error as Error).message}); trying again`);
      this.service = undefined;
      this.retry(topic, handlers);
      return;
    }
    const socket = new WebSocket(receiveFrom);
    entry.socket = socket;
    socket.on('message', () => handlers.onChange());
    socket.on('error', () => { /* 'close' follows */ });
    socket.once('close', () => {
      if (this.topics.get(topic)?.socket === socket) this.retry(topic, handlers);
    });
    await new Promise<void>((resolve) => {
      socket.once('open', () => {
        entry.failures = 0;
        handlers.onOpen();
        resolve();
      });
      socket.once('close', () => resolve());
    });
  }

  stop(): void {
    this.stopped = true;
    for (const topic of [...this.topics.keys()]) this.unwatch(topic);
  }
}
