'use strict';
/**
 * Sends a notification only if the channel's subscriber may still read its
 * topic: a revoked grant or a removed group membership stops notifications at
 * once, as it stops reads. CSS 7.2 checked Read only when the channel was
 * created. The subscriber is the WebID AgentRecordingChannelType stored with
 * the channel (none: the subscriber was anonymous, and the topic must be
 * public). A refused notification is dropped and the channel removed, so the
 * subscriber has to subscribe again, which checks Read again.
 *
 * Wraps CSS's NotificationHandler inside the ListeningActivityHandler
 * (config: notifications.json).
 */
const { AccessMode, IdentifierSetMultiMap, NotificationHandler, getLoggerFor } = require('@solid/community-server');
const { subscriberOf } = require('./AgentRecordingChannelType');

class AuthorizedNotificationHandler extends NotificationHandler {
  /**
   * @param {NotificationHandler} source CSS's NotificationHandler
   * @param {import('@solid/community-server').PermissionReader} permissionReader CSS's PermissionReader
   * @param {import('@solid/community-server').NotificationChannelStorage} storage CSS's SubscriptionStorage
   */
  constructor(source, permissionReader, storage) {
    super();
    this.logger = getLoggerFor(this);
    this.source = source;
    this.permissionReader = permissionReader;
    this.storage = storage;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const { channel, topic } = input;
    const webId = subscriberOf(channel);
    const credentials = webId ? { agent: { webId } } : {};
    const requestedModes = new IdentifierSetMultiMap([[topic, AccessMode.read]]);
    const permissions = await this.permissionReader.handleSafe({ credentials, requestedModes });
    if (!permissions.get(topic)?.read) {
      this.logger.info(`${webId ?? 'An anonymous subscriber'} may no longer read ${topic.path}: channel ${channel.id} removed`);
      await this.storage.delete(channel.id).catch(() => {});
      return;
    }
    await this.source.handle(input);
  }
}

module.exports = { AuthorizedNotificationHandler };
