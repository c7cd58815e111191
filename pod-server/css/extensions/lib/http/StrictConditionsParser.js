'use strict';
/**
 * HTTP preconditions as RFC 9110 §13.1.1 states them for a resource that does
 * not exist. CSS 7.2's BasicConditions lets `If-Match: "<etag>"` pass when
 * there is no resource (it only fails `If-Match: *`), so a conditional PUT or
 * PATCH meant to change one known version of a document *creates* it if it
 * has gone: a patient's consent page writing an ACL it just read, or any
 * client guarding against lost updates. With no current representation no
 * entity tag can match, so the condition is false and the answer is 412.
 *
 * Replaces CSS's BasicConditionsParser (config: preconditions.json); every
 * other condition is CSS's own.
 */
const { BasicConditions, BasicConditionsParser } = require('@solid/community-server');

class StrictConditions extends BasicConditions {
  matchesMetadata(metadata, strict) {
    if (!metadata && Array.isArray(this.matchesETag) && this.matchesETag.length > 0) return false;
    return super.matchesMetadata(metadata, strict);
  }
}

class StrictConditionsParser extends BasicConditionsParser {
  /** @param {import('@solid/community-server').ETagHandler} eTagHandler */
  constructor(eTagHandler) {
    super(eTagHandler);
  }

  async handle(request) {
    const conditions = await super.handle(request);
    if (!conditions) return undefined;
    const { matchesETag, notMatchesETag, modifiedSince, unmodifiedSince } = conditions;
    return new StrictConditions(this.eTagHandler, { matchesETag, notMatchesETag, modifiedSince, unmodifiedSince });
  }
}

module.exports = { StrictConditions, StrictConditionsParser };
