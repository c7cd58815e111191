'use strict';
/**
 * "Entered by the patient" is said by the patient only. A reading the patient
 * types in on their own page is stored with `hv:setting hv:PatientEntered`
 * (docs/data-model.md), and every chart shows it as its own source. That is a
 * statement about who wrote it, so it must not be a claim anyone else can
 * make: a device vendor holds Append on the patient's measurements and could
 * otherwise write readings that every clinician sees as the patient's own.
 *
 * Under a pod's `health/`, a PUT, POST or PATCH whose body states
 * `hv:PatientEntered` (as any term), or whose N3 Patch inserts give
 * `hv:setting` a variable (which could copy it from elsewhere), is refused
 * with 403 before anything is stored, unless the authenticated agent owns the
 * pod (CSS's PodStore, via PodOwners: the patient). A SPARQL Update there that
 * names it is refused the same way. Nothing else changes: what a request may
 * do is still decided by CSS's authorizer before this runs.
 *
 * Wraps CSS's OperationHandler inside NoteAttestingHandler (config:
 * operation-handler.json), so it runs after authorization.
 */
const { ForbiddenHttpError, OperationHttpHandler, cloneRepresentation, INTERNAL_QUADS } = require('@solid/community-server');
const arrayify = require('arrayify-stream');

const arrayifyStream = arrayify.default ?? arrayify;
const { RDF_TYPES } = require('../storage/RdfValidatingStore');

const HV = 'https://w3id.org/helsevev#';
const PATIENT_ENTERED = `${HV}PatientEntered`;
const SETTING = `${HV}setting`;
const WRITES = new Set(['PUT', 'POST', 'PATCH']);
const REFUSAL = 'Only the patient, logged in as themselves, may state that a reading was entered by the patient '
  + `(${PATIENT_ENTERED}); nothing was stored. Send the reading with the setting where it was taken.`;

class PatientEntryGuardHandler extends OperationHttpHandler {
  /**
   * @param {OperationHttpHandler} source the handler this one wraps (CSS's waterfall of operation handlers)
   * @param {import('@solid/community-server').CredentialsExtractor} credentialsExtractor the cached one CSS uses
   * @param {import('@solid/community-server').RepresentationConverter} converter to parse PUT/POST bodies
   * @param {import('../access-log/PodOwners').PodOwners} podOwners who owns the pod a resource is in
   * @param {string} baseUrl the server's base URL (pods are `{baseUrl}{name}/`)
   */
  constructor(source, credentialsExtractor, converter, podOwners, baseUrl) {
    super();
    this.source = source;
    this.credentialsExtractor = credentialsExtractor;
    this.converter = converter;
    this.podOwners = podOwners;
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const { operation, request } = input;
    if (WRITES.has(operation.method.toUpperCase()) && this.isUnderHealth(operation.target.path)
      && await this.claimsPatientEntry(operation) && !await this.isOwner(request, operation.target.path)) {
      throw new ForbiddenHttpError(REFUSAL);
    }
    return this.source.handle(input);
  }

  /** Whether `path` is `{baseUrl}{pod}/health/` or below. */
  isUnderHealth(path) {
    return path.startsWith(this.baseUrl) && /^[^/]+\/health\//u.test(path.slice(this.baseUrl.length));
  }

  /** Whether the write states hv:PatientEntered, or could (a variable setting in an N3 Patch's inserts). */
  async claimsPatientEntry(operation) {
    const body = operation.body;
    if (Array.isArray(body.inserts)) {
      return body.inserts.some((q) => mentions(q) || (q.predicate.value === SETTING && q.object.termType === 'Variable')
        || q.predicate.termType === 'Variable');
    }
    if (body.algebra !== undefined) return JSON.stringify(body.algebra).includes(PATIENT_ENTERED);
    if (!body.metadata.contentType || !RDF_TYPES.has(body.metadata.contentType)) return false;
    const copy = await cloneRepresentation(body);
    const parsed = await this.converter.handleSafe({ identifier: operation.target, representation: copy, preferences: { type: { [INTERNAL_QUADS]: 1 } } });
    return (await arrayifyStream(parsed.data)).some(mentions);
  }

  async isOwner(request, path) {
    const agent = (await this.credentialsExtractor.handleSafe(request)).agent?.webId;
    if (!agent) return false;
    const pod = await this.podOwners.podOf(path);
    return pod !== undefined && (await this.podOwners.ownersOf(pod)).includes(agent);
  }
}

const mentions = (q) => [q.subject, q.predicate, q.object, q.graph].some((t) => t?.value === PATIENT_ENTERED);

module.exports = { PatientEntryGuardHandler, PATIENT_ENTERED };
