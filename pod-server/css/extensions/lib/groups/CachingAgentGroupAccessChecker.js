'use strict';
/**
 * Replaces CSS's AgentGroupAccessChecker (config: group-cache.json). Same
 * question, "is this WebID a vcard:hasMember of a group the ACL rule names?",
 * but CSS's fetches every group document anonymously, uncached and without
 * limits on every request that evaluates such a rule, from wherever the ACL
 * points. This one asks GroupDocuments: allow-listed hosts only, cached for a
 * short time, with a timeout and a size limit.
 *
 * A group document on this server is dropped from the cache as soon as it
 * changes here (the ResourceStore's `changed` event), so a membership change
 * on our own server takes effect at the next request; a group elsewhere is
 * re-read at most `cacheSeconds` later.
 */
const { AccessChecker, getLoggerFor } = require('@solid/community-server');
const { GroupDocuments } = require('./GroupDocuments');

const ACL_AGENT_GROUP = 'http://www.w3.org/ns/auth/acl#agentGroup';

/** "a, b c" -> ['a', 'b', 'c'] (the allow-list as one string, for a CLI option or an environment variable). */
function splitList(value) {
  if (Array.isArray(value)) return value.flatMap(splitList);
  return String(value ?? '').split(/[\s,]+/u).filter(Boolean);
}

class CachingAgentGroupAccessChecker extends AccessChecker {
  /**
   * @param {string} baseUrl the server's own base URL (always allowed)
   * @param {string|string[]} allowedHosts further allowed origins or base URLs ("" for none)
   * @param {number|string} cacheSeconds how long a fetched group document is trusted
   * @param {number|string} maxEntries at most this many group documents are cached
   * @param {number|string} timeoutMs a fetch gives up after this long
   * @param {number|string} maxBytes a larger group document is refused
   * @param {import('node:events').EventEmitter} [store] CSS's ResourceStore (a MonitoringStore), for local changes
   */
  constructor(baseUrl, allowedHosts, cacheSeconds, maxEntries, timeoutMs, maxBytes, store) {
    super();
    this.logger = getLoggerFor(this);
    this.groups = new GroupDocuments({
      baseUrl,
      allowedHosts: splitList(allowedHosts),
      cacheSeconds: Number(cacheSeconds),
      maxEntries: Number(maxEntries),
      timeoutMs: Number(timeoutMs),
      maxBytes: Number(maxBytes),
      log: (message) => this.logger.warn(message),
    });
    store?.on?.('changed', (identifier) => this.groups.invalidate(identifier.path));
  }

  async handle({ acl, rule, credentials }) {
    const webId = credentials.agent?.webId;
    if (typeof webId !== 'string') return false;
    const groups = acl.getObjects(rule, ACL_AGENT_GROUP, null);
    if (groups.length === 0) return false;
    const answers = await Promise.all(groups.map((group) => this.groups.isMember(group.value, webId)));
    return answers.includes(true);
  }
}

module.exports = { CachingAgentGroupAccessChecker, splitList };
