'use strict';
/**
 * Records who reads a patient's health data: wraps CSS's AuthorizingHttpHandler
 * (inside the LdpHandler), so it sees every LDP request after parsing and its
 * outcome, allowed or denied, with the credentials CSS extracted for it.
 *
 * - A GET or HEAD of anything under `{pod}health/` by anyone but the pod's
 *   owner is journalled (AccessLogWriter.record: one local append) before the
 *   answer goes out: answered reads (2xx, 304) as allowed, 401/403 as denied.
 *   Other outcomes (404, 5xx) disclose nothing and refuse nothing: not logged.
 *   Refused reads are bounded per pod and reader (DeniedReadLimit: 30 at
 *   once, then one a minute), so a flood of anonymous requests cannot grow a
 *   patient's log without end; what is left out is counted in the server log.
 * - Nobody may change `{pod}health/access-log/` over HTTP, the owner included:
 *   every method but GET, HEAD and OPTIONS gets 403 before authorization
 *   (also a document in its place, or a POST to `health/` with that Slug). WAC
 *   alone cannot say this, because CSS gives pod owners Control over every
 *   ACL in their pod (OwnerPermissionReader), so an owner could grant
 *   themselves Write. The server writes the log through the ResourceStore.
 * - The access-log container is created (with its ACL) when first asked for.
 *
 * Never reads or writes a pod itself on the request path except that one-time
 * creation; never fails a request because logging failed.
 */
const { ForbiddenHttpError, OperationHttpHandler, getLoggerFor } = require('@solid/community-server');
const { accessLogContainer, outcomeOf } = require('./entries');
const { DeniedReadLimit } = require('./DeniedReadLimit');

const READS = new Set(['GET', 'HEAD']);
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

class AccessLogHttpHandler extends OperationHttpHandler {
  /**
   * @param {OperationHttpHandler} source CSS's AuthorizingHttpHandler
   * @param {import('@solid/community-server').CredentialsExtractor} credentialsExtractor the cached one CSS uses
   * @param {import('./PodOwners').PodOwners} podOwners
   * @param {import('./AccessLogWriter').AccessLogWriter} writer
   */
  constructor(source, credentialsExtractor, podOwners, writer) {
    super();
    this.logger = getLoggerFor(this);
    this.source = source;
    this.credentialsExtractor = credentialsExtractor;
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

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const { operation, request } = input;
    const target = operation.target.path;
    // Cheap test first: most requests are nowhere near a health/ container.
    const pod = target.includes('/health/') ? await this.healthPodOf(target) : undefined;
    if (!pod) return this.source.handle(input);

    const method = operation.method.toUpperCase();
    const log = accessLogContainer(pod);
    if (!SAFE.has(method) && isAccessLogWrite(target, log, method, request.headers.slug)) {
      throw new ForbiddenHttpError('The access log is written by the pod server only; nobody can change or delete it.');
    }
    if (target.startsWith(log)) {
      await this.writer.ensureLog(pod).catch((error) => {
        this.logger.error(`Could not create the access log of ${pod}: ${error?.message ?? error}`);
      });
    }
    if (!READS.has(method)) return this.source.handle(input);

    let result;
    try {
      result = await this.source.handle(input);
    } catch (error) {
      if (typeof error?.statusCode === 'number') await this.record(pod, request, target, method, error.statusCode);
      throw error;
    }
    await this.record(pod, request, target, method, result.statusCode);
    return result;
  }

  /** The pod whose `health/` holds `target`, or undefined. */
  async healthPodOf(target) {
    const pod = await this.podOwners.podOf(target);
    return pod && target.startsWith(`${pod}health/`) ? pod : undefined;
  }

  async record(pod, request, resource, method, status) {
    const outcome = outcomeOf(status);
    if (!outcome) return;
    try {
      // CSS caches credentials per request: this returns what authorization used, without verifying the token again.
      const credentials = await this.credentialsExtractor.handleSafe(request);
      const agent = credentials.agent?.webId;
      if (agent && (await this.podOwners.ownersOf(pod)).includes(agent)) return;
      if (outcome === 'denied' && !this.deniedReads.allow(pod, agent)) return;
      this.writer.record({ pod, agent, clientId: credentials.client?.clientId, resource, method, status });
    } catch (error) {
      this.logger.error(`Could not record the read of ${resource}: ${error?.message ?? error}`);
    }
  }
}

/**
 * A write to the access log: anything under it, the container itself, a document in its place
 * (`health/access-log` without the slash), or a POST to `health/` asking for that name.
 */
function isAccessLogWrite(target, log, method, slug) {
  if (target.startsWith(log) || target === log.slice(0, -1)) return true;
  const parent = log.slice(0, -'access-log/'.length);
  return method === 'POST' && target === parent && typeof slug === 'string' && /^access-log/iu.test(slug.trim());
}

module.exports = { AccessLogHttpHandler };
