'use strict';
/**
 * Nothing a user stores runs as a page of the pod server's origin, where
 * CSS's login and account pages live (a stored HTML or SVG file with a
 * script, opened by a logged-in patient or clinician, could otherwise use
 * their account: create client credentials, read their pods).
 *
 * Wraps CSS's OperationHandler (the GET/POST/PUT/... handlers, reached only
 * after authorization), so it sees every LDP operation on stored data and
 * nothing else: the account and OIDC pages are not LDP and keep working.
 *
 * - Every LDP answer carries `Content-Security-Policy: sandbox` (a page
 *   opened from it runs no script and has an opaque origin) and
 *   `X-Content-Type-Options: nosniff`; every answer that is not RDF (see
 *   rdf-types.js; HTML, SVG, Markdown CSS turns into HTML, anything else)
 *   also `Content-Disposition: attachment`, so a browser downloads it
 *   instead of showing it. RDF is still shown in place; apps read it by fetch,
 *   which these headers do not touch.
 * - Under `{pod}health/` only RDF may be stored: a PUT or POST with another
 *   content type is refused (415) whoever sends it, the patient included.
 * - A write to `{pod}health/notes/` or `{pod}health/plans/` (PUT, POST,
 *   PATCH: others than the patient write there) larger than `notesMaxBytes`
 *   is refused (413) before anything is stored.
 */
const { Readable } = require('node:stream');
const {
  BasicRepresentation,
  OperationHttpHandler,
  UnsupportedMediaTypeHttpError,
  generateHttpErrorClass,
  guardStream,
} = require('@solid/community-server');
const { RDF_TYPES } = require('../rdf-types');

const PayloadTooLargeHttpError = generateHttpErrorClass(413, 'PayloadTooLargeHttpError');
const STORES = new Set(['PUT', 'POST']);
const WRITES = new Set(['PUT', 'POST', 'PATCH']);
const ACCEPTED = [...RDF_TYPES].join(', ');

class InertContentHttpHandler extends OperationHttpHandler {
  /**
   * @param {OperationHttpHandler} source CSS's OperationHandler
   * @param {string} baseUrl the server's base URL (pods are `{baseUrl}{name}/`)
   * @param {number} notesMaxBytes the largest body a write to `{pod}health/notes/` may have; default 64 KiB
   */
  constructor(source, baseUrl, notesMaxBytes = 64 * 1024) {
    super();
    this.source = source;
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    this.notesMaxBytes = notesMaxBytes;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const { operation, response } = input;
    response.setHeader('Content-Security-Policy', 'sandbox');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    const area = this.healthArea(operation.target.path);
    let forwarded = input;
    if (area !== undefined && WRITES.has(operation.method)) {
      const type = operation.body.metadata.contentType;
      if (STORES.has(operation.method) && type && !RDF_TYPES.has(type)) {
        throw new UnsupportedMediaTypeHttpError(
          `Only RDF may be stored under health/, not ${type}. Send one of: ${ACCEPTED}.`,
        );
      }
      if (area === 'notes') forwarded = { ...input, operation: { ...operation, body: await this.limited(operation.body) } };
    }
    const result = await this.source.handle(forwarded);
    const resultType = result.metadata?.contentType;
    if (resultType && !RDF_TYPES.has(resultType)) response.setHeader('Content-Disposition', 'attachment');
    return result;
  }

  /** 'notes' under `{pod}health/notes/` and `health/plans/` (size-limited), 'other' elsewhere under `{pod}health/`, undefined outside. */
  healthArea(path) {
    if (!path.startsWith(this.baseUrl)) return undefined;
    const match = /^[^/]+\/health\/(.*)$/u.exec(path.slice(this.baseUrl.length));
    if (!match) return undefined;
    return /^(?:notes|plans)\//u.test(match[1]) ? 'notes' : 'other';
  }

  /**
   * The body, read whole (it is small) so that one over the limit is refused before CSS stores any of it.
   * A larger body is read to its end and dropped, not cut off: a client still sending would see its
   * connection reset instead of the 413. A PATCH body is already parsed by CSS; only its text is measured.
   */
  async limited(body) {
    if (body.isEmpty) return body;
    const chunks = [];
    let size = 0;
    for await (const chunk of body.data) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += bytes.length;
      if (size <= this.notesMaxBytes) chunks.push(bytes);
    }
    if (size > this.notesMaxBytes) {
      throw new PayloadTooLargeHttpError(
        `A write to notes/ may be at most ${this.notesMaxBytes} bytes (${Math.floor(this.notesMaxBytes / 1024)} KiB), ` +
          `this one has ${size}: write a shorter note, or several.`,
      );
    }
    const data = guardStream(Readable.from([Buffer.concat(chunks)], { objectMode: false }));
    return body instanceof BasicRepresentation ? new BasicRepresentation(data, body.metadata, body.binary) : { ...body, data };
  }
}

module.exports = { InertContentHttpHandler };
