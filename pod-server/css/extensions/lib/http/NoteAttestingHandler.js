'use strict';
/**
 * Who wrote a note or a plan, as the pod server saw it. Under a pod's
 * `health/notes/` (clinicians' marks, docs/data-model.md) and
 * `health/plans/` (self-treatment plans, same rules) a note's
 * `dct:creator` is only what the writer claimed: anyone with Append there (a
 * granted team) or the patient (who owns the pod) could sign as someone
 * else. So the pod server states the author itself:
 *
 * - An N3 Patch that inserts triples under notes/ or plans/ gets, for each subject it
 *   inserts something new about, `<subject> hv:attestedAuthor <WebID of the
 *   authenticated agent>` and `hv:attestedAt` (the server's time) added to
 *   its inserts before it is applied. Triples already in the document are
 *   not a write, so they get no stamp: sending the same patch twice still
 *   leaves the document unchanged (the store is read for that, outside its
 *   lock: a race can only leave a note unstamped, i.e. "not verified").
 *   Honest clients (apps/shared/append.ts) send what they always did.
 * - Nobody, the pod's owner included, may state those predicates: a PUT,
 *   POST or N3 Patch under notes/ whose body contains them, or whose inserts
 *   have a variable predicate (which could copy an attestation from another
 *   note), is refused with 422 before anything is stored. A SPARQL Update
 *   there is refused with 415 (its inserts could say anything; N3 Patch is
 *   the write path). Deleting an attestation stays possible for whoever may
 *   delete: it makes the note unverified, never someone else's.
 *
 * Wraps CSS's OperationHandler, inside InertContentHttpHandler (config: operation-handler.json), i.e. runs
 * after authorization: what a request may do is unchanged, only what it
 * stores. Readers decide what to show (apps/clinician: the attested author,
 * or "author not verified").
 */
const { DataFactory } = require('n3');
const { NotFoundHttpError, OperationHttpHandler, UnsupportedMediaTypeHttpError, cloneRepresentation, INTERNAL_QUADS } = require('@solid/community-server');
// Not in CSS 7.2's index, but its own 422 (re-check the path on a CSS upgrade).
const { UnprocessableEntityHttpError } = require('@solid/community-server/dist/util/errors/UnprocessableEntityHttpError');
const arrayify = require('arrayify-stream');

const arrayifyStream = arrayify.default ?? arrayify;
const { RDF_TYPES } = require('../storage/RdfValidatingStore');

const HV = 'https://w3id.org/helsevev#';
const ATTESTED_AUTHOR = `${HV}attestedAuthor`;
const ATTESTED_AT = `${HV}attestedAt`;
const RESERVED = new Set([ATTESTED_AUTHOR, ATTESTED_AT]);
const XSD_DATE_TIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
const WRITES = new Set(['PUT', 'POST', 'PATCH']);

class NoteAttestingHandler extends OperationHttpHandler {
  /**
   * @param {OperationHttpHandler} source CSS's OperationHandler (the waterfall of GET, PUT, PATCH, ... handlers)
   * @param {import('@solid/community-server').CredentialsExtractor} credentialsExtractor the cached one CSS uses
   * @param {import('@solid/community-server').RepresentationConverter} converter to parse PUT/POST bodies
   * @param {string} baseUrl the server's base URL (pods are `{baseUrl}{name}/`)
   * @param {import('@solid/community-server').ResourceStore} store to tell which inserts are new
   */
  constructor(source, credentialsExtractor, converter, baseUrl, store) {
    super();
    this.store = store;
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
    if (!WRITES.has(operation.method.toUpperCase()) || !this.isAttested(operation.target.path)) return this.source.handle(input);
    const body = operation.body;
    if (Array.isArray(body.inserts)) {
      this.refuseReserved(body.inserts, 'the patch inserts');
      const credentials = await this.credentialsExtractor.handleSafe(request);
      const agent = credentials.agent?.webId;
      if (agent) body.inserts.push(...attestations(await this.newInserts(operation.target, body), agent, new Date()));
    } else if (body.algebra !== undefined) {
      throw new UnsupportedMediaTypeHttpError('Under health/notes/ and health/plans/ the pod server takes N3 Patch (text/n3), not SPARQL Update: send an insert-only N3 Patch.');
    } else if (body.metadata.contentType && RDF_TYPES.has(body.metadata.contentType)) {
      this.refuseReserved(await this.quadsOf(operation), 'the body');
    }
    return this.source.handle(input);
  }

  /** Whether `path` is `{baseUrl}{pod}/health/notes/` or `.../health/plans/`, or below. */
  isAttested(path) {
    return path.startsWith(this.baseUrl) && /^[^/]+\/health\/(?:notes|plans)\//u.test(path.slice(this.baseUrl.length));
  }

  refuseReserved(quads, where) {
    for (const q of quads) {
      if (q.predicate.termType !== 'NamedNode') {
        throw new UnprocessableEntityHttpError(`Under health/notes/ and health/plans/ ${where} may not have a variable predicate: name each predicate.`);
      }
      if (RESERVED.has(q.predicate.value)) {
        throw new UnprocessableEntityHttpError(`${q.predicate.value} is stated by the pod server only (who wrote a note or plan, and when); leave it out of ${where}.`);
      }
    }
  }

  /** The inserts of `patch` not already in the document (any with a variable counts as new). */
  async newInserts(target, patch) {
    if (patch.conditions.length > 0 || patch.inserts.some((q) => hasVariable(q))) return patch.inserts;
    let present;
    try {
      const current = await this.store.getRepresentation(target, { type: { [INTERNAL_QUADS]: 1 } });
      present = new Set((await arrayifyStream(current.data)).map(keyOf));
    } catch (error) {
      if (NotFoundHttpError.isInstance(error)) return patch.inserts;
      throw error;
    }
    return patch.inserts.filter((q) => !present.has(keyOf(q)));
  }

  /** The quads of a PUT/POST body, parsed from a copy; the body stays readable for the store. */
  async quadsOf(operation) {
    const copy = await cloneRepresentation(operation.body);
    const parsed = await this.converter.handleSafe({ identifier: operation.target, representation: copy, preferences: { type: { [INTERNAL_QUADS]: 1 } } });
    return arrayifyStream(parsed.data);
  }
}

const termKey = (t) => `${t.termType} ${t.value} ${t.datatype?.value ?? ''} ${t.language ?? ''}`;
const keyOf = (q) => `${termKey(q.subject)}|${termKey(q.predicate)}|${termKey(q.object)}`;
const hasVariable = (q) => [q.subject, q.predicate, q.object].some((t) => t.termType === 'Variable');

/** `<s> hv:attestedAuthor <agent>; hv:attestedAt now` for each distinct subject of `inserts` (IRIs and patch variables). */
function attestations(inserts, agent, now) {
  const { namedNode, literal, quad } = DataFactory;
  const subjects = new Map();
  for (const q of inserts) if (q.subject.termType === 'NamedNode' || q.subject.termType === 'Variable') subjects.set(`${q.subject.termType} ${q.subject.value}`, q.subject);
  const at = literal(now.toISOString(), namedNode(XSD_DATE_TIME));
  return [...subjects.values()].flatMap((s) => [
    quad(s, namedNode(ATTESTED_AUTHOR), namedNode(agent)),
    quad(s, namedNode(ATTESTED_AT), at),
  ]);
}

module.exports = { NoteAttestingHandler, ATTESTED_AUTHOR, ATTESTED_AT };
