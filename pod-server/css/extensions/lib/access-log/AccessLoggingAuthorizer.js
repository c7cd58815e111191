'use strict';
/**
 * Logs the opening of a notification channel on a patient's health data: a
 * channel tells its subscriber of every later change to its topic (and CSS
 * checks Read on the topic to open it), so it is a read, and the patient's
 * access log gets an entry with action 'subscribe' ("subscribed to changes"),
 * allowed or denied, by the rules of AccessRecorder (owner left out, refused
 * attempts bounded).
 *
 * Wraps CSS's Authorizer as CSS's NotificationSubscriber calls it (config:
 * access-log.json), because that is the one step of a subscription that sees
 * who asks (the credentials), for which topic (the requested modes: Read on
 * the topic) and whether it was allowed (it throws 401/403 or returns). The
 * channel type (AgentRecordingChannelType) is not told of a refusal: CSS
 * authorizes after it made the channel, and calls it again only on success.
 * Subscriptions are outside the LdpHandler, so AccessLogHttpHandler never
 * sees them. An allowed subscription is recorded with status 200, what the
 * subscriber answers next (unless storing the channel fails: a 500 would
 * still have been logged as allowed).
 */
const { AccessMode, Authorizer } = require('@solid/community-server');

class AccessLoggingAuthorizer extends Authorizer {
  /**
   * @param {Authorizer} source CSS's Authorizer
   * @param {import('./AccessRecorder').AccessRecorder} recorder
   */
  constructor(source, recorder) {
    super();
    this.source = source;
    this.recorder = recorder;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    try {
      await this.source.handle(input);
    } catch (error) {
      if (typeof error?.statusCode === 'number') await this.record(input, error.statusCode);
      throw error;
    }
    await this.record(input, 200);
  }

  async record({ credentials, requestedModes }, status) {
    for (const [identifier, modes] of requestedModes.entrySets()) {
      if (!modes.has(AccessMode.read)) continue;
      const pod = await this.recorder.healthPodOf(identifier.path).catch(() => undefined);
      if (pod) await this.recorder.record({ pod, credentials, resource: identifier.path, method: 'POST', status, action: 'subscribe' });
    }
  }
}

module.exports = { AccessLoggingAuthorizer };
