'use strict';
/**
 * Decides whether one read attempt goes into a patient's access log, and
 * journals it: the one place both ways in use (AccessLogHttpHandler for LDP
 * requests, AccessLoggingAuthorizer for notification subscriptions), so that
 * the owner rule and the bound on refused reads are the same for both.
 *
 * - Only resources under a pod's `health/` (healthPodOf).
 * - Never the pod owner's own reads.
 * - Answered reads (outcomeOf: 2xx, 304, 409, 412) as allowed, 401/403 as
 *   denied; other statuses are not logged.
 * - Refused reads bounded per pod and reader (DeniedReadLimit: 30 at once,
 *   then one a minute), so a flood of anonymous requests cannot grow a
 *   patient's log without end; what is left out is counted in the server log.
 *
 * Never fails a request because logging failed.
 */
const { getLoggerFor } = require('@solid/community-server');
const { outcomeOf } = require('./entries');
const { DeniedReadLimit } = require('./DeniedReadLimit');

class AccessRecorder {
  /**
   * @param {import('./PodOwners').PodOwners} podOwners
   * @param {import('./AccessLogWriter').AccessLogWriter} writer
   */
  constructor(podOwners, writer) {
    this.logger = getLoggerFor(this);
    this.podOwners = podOwners;
    this.writer = writer;
    this.deniedReads = new DeniedReadLimit();
    this.suppressedReport = setInterval(() => this.reportSuppressed(), 60_000);
    this.suppressedReport.unref?.();
  }

  reportSuppressed() {
    for (const [pod, count] of this.deniedReads.takeSuppressed()) {
      this.logger.warn(`Left ${count} refused read(s) of ${pod} out of its access log in the last minute (too many from one reader)`);
    }
  }

  /** The pod whose `health/` holds `target`, or undefined. */
  async healthPodOf(target) {
    // Cheap test first: most requests are nowhere near a health/ container.
    if (!target.includes('/health/')) return undefined;
    const pod = await this.podOwners.podOf(target);
    return pod && target.startsWith(`${pod}health/`) ? pod : undefined;
  }

  /**
   * Journals one read of `resource` in `pod` (from healthPodOf) unless the rules above leave it out.
   *
   * @param {{ pod: string, credentials: import('@solid/community-server').Credentials, resource: string,
   *           method: string, status: number, action?: 'read' | 'subscribe' }} read
   */
  async record({ pod, credentials, resource, method, status, action = 'read' }) {
    const outcome = outcomeOf(status);
    if (!outcome) return;
    try {
      const agent = credentials.agent?.webId;
      if (agent && (await this.podOwners.ownersOf(pod)).includes(agent)) return;
      if (outcome === 'denied' && !this.deniedReads.allow(pod, agent)) return;
      this.writer.record({ pod, agent, clientId: credentials.client?.clientId, resource, method, status, action });
    } catch (error) {
      this.logger.error(`Could not record the ${action} of ${resource}: ${error?.message ?? error}`);
    }
  }
}

module.exports = { AccessRecorder };
