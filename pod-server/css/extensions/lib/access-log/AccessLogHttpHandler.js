'use strict';
/**
 * Records who reads a patient's health data: wraps CSS's AuthorizingHttpHandler
 * (inside the LdpHandler), so it sees every LDP request after parsing and its
 * outcome, allowed or denied, with the credentials CSS extracted for it.
 *
 * - Every request that needs Read on anything under `{pod}health/`, by anyone
 *   but the pod's owner, is journalled (AccessRecorder: one local append)
 *   before the answer goes out. "Needs Read" is decided by the access modes
 *   CSS's own ModesExtractor gives the request (the cached one authorization
 *   uses, so no second extraction), never by method: a GET or HEAD, an N3
 *   Patch with a where clause (Read alone: it answers 205 or 409 by what the
 *   document holds, so it can probe values) or with deletes (Read and Write),
 *   the DELETE of a container (Read: it tells whether the container is empty)
 *   or of a missing resource (Read on its container). Answered reads (2xx,
 *   304, 409, 412) as allowed, 401/403 as denied (bounded per reader), other
 *   outcomes not at all: see AccessRecorder.
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
const { AccessMode, ForbiddenHttpError, OperationHttpHandler, getLoggerFor } = require('@solid/community-server');
const { accessLogContainer } = require('./entries');

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

class AccessLogHttpHandler extends OperationHttpHandler {
  /**
   * @param {OperationHttpHandler} source CSS's AuthorizingHttpHandler
   * @param {import('@solid/community-server').CredentialsExtractor} credentialsExtractor the cached one CSS uses
   * @param {import('@solid/community-server').ModesExtractor} modesExtractor the cached one CSS's authorization uses
   * @param {import('./AccessRecorder').AccessRecorder} recorder
   * @param {import('./AccessLogWriter').AccessLogWriter} writer
   */
  constructor(source, credentialsExtractor, modesExtractor, recorder, writer) {
    super();
    this.logger = getLoggerFor(this);
    this.source = source;
    this.credentialsExtractor = credentialsExtractor;
    this.modesExtractor = modesExtractor;
    this.recorder = recorder;
    this.writer = writer;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const { operation, request } = input;
    const target = operation.target.path;
    const pod = await this.recorder.healthPodOf(target);
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
    const reads = await this.readsOf(operation, pod);
    if (reads.length === 0) return this.source.handle(input);

    let result;
    try {
      result = await this.source.handle(input);
    } catch (error) {
      if (typeof error?.statusCode === 'number') await this.record(pod, request, reads, method, error.statusCode);
      throw error;
    }
    await this.record(pod, request, reads, method, result.statusCode);
    return result;
  }

  /**
   * The resources under `{pod}health/` that `operation` needs Read on, from CSS's (cached) ModesExtractor. If it
   * cannot say (an unsupported method or patch type), the request is refused by authorization with that same error.
   */
  async readsOf(operation, pod) {
    let modes;
    try {
      modes = await this.modesExtractor.handleSafe(operation);
    } catch {
      return [];
    }
    const health = `${pod}health/`;
    return [...modes.entrySets()]
      .filter(([identifier, set]) => set.has(AccessMode.read) && identifier.path.startsWith(health))
      .map(([identifier]) => identifier.path);
  }

  async record(pod, request, resources, method, status) {
    let credentials;
    try {
      // CSS caches credentials per request: this returns what authorization used, without verifying the token again.
      credentials = await this.credentialsExtractor.handleSafe(request);
    } catch (error) {
      this.logger.error(`Could not record the read of ${resources.join(', ')}: ${error?.message ?? error}`);
      return;
    }
    for (const resource of resources) await this.recorder.record({ pod, credentials, resource, method, status });
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
