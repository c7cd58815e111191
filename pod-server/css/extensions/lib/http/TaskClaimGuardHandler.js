'use strict';
/**
 * Who took a task is who the pod server authenticated. A team's worklist
 * (`{pod}worklists/{team}/`, apps/shared/team-tasks.ts) is writable by every
 * member of the team's group, so `hv:takenBy` would otherwise be only a
 * claim: nilsen could write that dahl took a task. Under a pod's
 * `worklists/`, a PUT, POST or PATCH is refused with 403 before anything is
 * stored when it states `hv:takenBy` with any object other than the
 * authenticated agent's WebID, or when its N3 Patch inserts have a variable
 * predicate or a variable `hv:takenBy` object (which could copy someone
 * else). A SPARQL Update there that names hv:takenBy is refused the same
 * way. A task already taken by someone else cannot be rewritten whole by
 * another member (its body states the other taker): they change it with an
 * N3 Patch that leaves hv:takenBy alone.
 *
 * Wraps CSS's OperationHandler inside NoteAttestingHandler (config:
 * operation-handler.json), i.e. runs after authorization: what a request may
 * do is unchanged, only which claims it may store.
 */
const { ForbiddenHttpError, OperationHttpHandler, cloneRepresentation, INTERNAL_QUADS } = require('@solid/community-server');
const arrayify = require('arrayify-stream');

const arrayifyStream = arrayify.default ?? arrayify;
const { RDF_TYPES } = require('../storage/RdfValidatingStore');

const TAKEN_BY = 'https://w3id.org/helsevev#takenBy';
const WRITES = new Set(['PUT', 'POST', 'PATCH']);

class TaskClaimGuardHandler extends OperationHttpHandler {
  /**
   * @param {OperationHttpHandler} source the handler this one wraps
   * @param {import('@solid/community-server').CredentialsExtractor} credentialsExtractor the cached one CSS uses
   * @param {import('@solid/community-server').RepresentationConverter} converter to parse PUT/POST bodies
   * @param {string} baseUrl the server's base URL (pods are `{baseUrl}{name}/`)
   */
  constructor(source, credentialsExtractor, converter, baseUrl) {
    super();
    this.source = source;
    this.credentialsExtractor = credentialsExtractor;
    this.converter = converter;
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const { operation, request } = input;
    if (WRITES.has(operation.method.toUpperCase()) && this.isUnderWorklists(operation.target.path)) {
      const agent = (await this.credentialsExtractor.handleSafe(request)).agent?.webId;
      const claim = await this.foreignClaim(operation, agent);
      if (claim) {
        throw new ForbiddenHttpError(`A task is taken by whoever takes it: ${TAKEN_BY} may only name you (${agent ?? 'not logged in'}), `
          + `not ${claim}; nothing was stored.`);
      }
    }
    return this.source.handle(input);
  }

  /** Whether `path` is `{baseUrl}{pod}/worklists/` or below. */
  isUnderWorklists(path) {
    return path.startsWith(this.baseUrl) && /^[^/]+\/worklists\//u.test(path.slice(this.baseUrl.length));
  }

  /** What the write claims about a taker other than `agent` (a WebID, "a variable"), or undefined. */
  async foreignClaim(operation, agent) {
    const body = operation.body;
    const check = (quads) => {
      for (const q of quads) {
        if (q.predicate.termType === 'Variable') return 'a variable predicate';
        if (q.predicate.value !== TAKEN_BY) continue;
        if (q.object.termType !== 'NamedNode') return `a ${q.object.termType.toLowerCase()}`;
        if (q.object.value !== agent) return q.object.value;
      }
      return undefined;
    };
    if (Array.isArray(body.inserts)) return check(body.inserts);
    if (body.algebra !== undefined) return JSON.stringify(body.algebra).includes(TAKEN_BY) ? 'a SPARQL Update' : undefined;
    if (!body.metadata.contentType || !RDF_TYPES.has(body.metadata.contentType)) return undefined;
    const copy = await cloneRepresentation(body);
    const parsed = await this.converter.handleSafe({ identifier: operation.target, representation: copy, preferences: { type: { [INTERNAL_QUADS]: 1 } } });
    return check((await arrayifyStream(parsed.data)).filter((q) => q.predicate.termType === 'NamedNode'));
  }
}

module.exports = { TaskClaimGuardHandler, TAKEN_BY };
