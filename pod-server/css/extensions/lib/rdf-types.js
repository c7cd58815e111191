'use strict';
/**
 * The RDF syntaxes CSS 7.2 parses, and that a browser never runs as a page:
 * what health data may be stored as, what RdfValidatingStore checks, and what
 * InertContentHttpHandler lets a browser show in place. (RDF/XML is left
 * out on purpose: a browser runs the XHTML script an XML document may hold.)
 */
const RDF_TYPES = new Set([
  'text/turtle',
  'application/n-triples',
  'application/n-quads',
  'application/trig',
  'text/n3',
  'application/ld+json',
]);

module.exports = { RDF_TYPES };
