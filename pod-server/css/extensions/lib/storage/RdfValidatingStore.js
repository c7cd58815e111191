'use strict';
/**
 * Refuses an RDF document that does not parse (400) before it is stored.
 * CSS 7.2 parses only .acl documents on PUT/POST and stores any other body
 * as sent, so one stray character in a PUT of a consent record, a notes
 * document or a month document made it unreadable for every app until the
 * owner repaired it by hand (found by the hostile-input corpus).
 *
 * Only bodies whose content type is an RDF syntax CSS can parse are checked
 * (text/turtle, N-Triples, N-Quads, TriG, N3, JSON-LD); other documents are
 * stored as sent, as before. PATCH results are written by CSS itself and
 * are not checked again. Sits between CSS's IndexRepresentationStore and
 * LockingResourceStore (config: rdf-validation.json), so a bad body is
 * refused before any lock is taken.
 */
const { PassthroughStore } = require('@solid/community-server');
const { RDF_TYPES } = require('../rdf-types');

class RdfValidatingStore extends PassthroughStore {
  /**
   * @param {import('@solid/community-server').ResourceStore} source
   * @param {import('@solid/community-server').Validator} validator CSS's RdfValidator
   * @param {import('@solid/community-server').AuxiliaryStrategy} metadataStrategy descriptions (.meta) are CSS's business
   */
  constructor(source, validator, metadataStrategy) {
    super(source);
    this.validator = validator;
    this.metadataStrategy = metadataStrategy;
  }

  async addResource(container, representation, conditions) {
    return super.addResource(container, await this.validated(container, representation), conditions);
  }

  async setRepresentation(identifier, representation, conditions) {
    return super.setRepresentation(identifier, await this.validated(identifier, representation), conditions);
  }

  async validated(identifier, representation) {
    const type = representation.metadata.contentType;
    if (!type || !RDF_TYPES.has(type) || this.metadataStrategy.isAuxiliaryIdentifier(identifier)) return representation;
    // RdfValidator parses a copy and leaves `representation` readable again; a syntax error is a 400.
    return this.validator.handleSafe({ representation, identifier });
  }
}

module.exports = { RdfValidatingStore, RDF_TYPES };
