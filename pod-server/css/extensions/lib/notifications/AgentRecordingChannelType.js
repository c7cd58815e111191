'use strict';
/**
 * A notification channel type (WebSocketChannel2023, WebhookChannel2023) that
 * remembers who subscribed: the subscriber's WebID is stored with the channel
 * (`helsevevAgent`), so that every later notification can be checked against
 * what that agent may read *then* (AuthorizedNotificationHandler). CSS 7.2
 * checks Read only when a channel is created; after a revoke, open channels
 * kept telling the revoked clinician when readings arrived (found by the
 * access table's "after revoke" row).
 *
 * Delegates everything else to CSS's channel type; the stored WebID is not
 * shown in the channel description sent back to the subscriber.
 */
const AGENT = 'helsevevAgent';

class AgentRecordingChannelType {
  /** @param {import('@solid/community-server').NotificationChannelType} source CSS's channel type */
  constructor(source) {
    this.source = source;
  }

  getDescription() {
    return this.source.getDescription();
  }

  async initChannel(data, credentials) {
    const channel = await this.source.initChannel(data, credentials);
    const webId = credentials?.agent?.webId;
    return typeof webId === 'string' ? { ...channel, [AGENT]: webId } : channel;
  }

  async toJsonLd(channel) {
    const { [AGENT]: agent, ...shown } = channel;
    return this.source.toJsonLd(shown);
  }

  async extractModes(channel) {
    return this.source.extractModes(channel);
  }

  async completeChannel(channel) {
    return this.source.completeChannel(channel);
  }
}

/** The WebID that subscribed to `channel`, if it was recorded (undefined: anonymous). */
const subscriberOf = (channel) => (typeof channel?.[AGENT] === 'string' ? channel[AGENT] : undefined);

module.exports = { AgentRecordingChannelType, subscriberOf };
