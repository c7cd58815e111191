'use strict';
/**
 * Who may change a resource's description (its `.meta`, Link rel="describedby"):
 * only whoever has acl:Control of the resource, as for its `.acl`.
 *
 * CSS 7.2 authorises a description resource with the modes of the resource it
 * describes, so acl:Append on a container let its holder add triples to the
 * container's description: the device vendor to every measurement container
 * and month document, a clinician team to notes/ (found by the access table).
 * Readers of a resource may still read its description; ldp:contains,
 * rdf:type, sizes and dates were, and stay, immutable (CSS's
 * ImmutableMetadataPatcher). Nothing in Helsevev writes descriptions.
 *
 * Wraps CSS's modes extractor (config: description-writes.json): every request
 * that is not a read and targets a description also requires Control on it,
 * which CSS's AuxiliaryReader maps to Control on the described resource.
 */
const { AclMode, ModesExtractor } = require('@solid/community-server');

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

class DescriptionWriteModesExtractor extends ModesExtractor {
  /**
   * @param {ModesExtractor} source CSS's modes extractor
   * @param {import('@solid/community-server').AuxiliaryIdentifierStrategy} metadataStrategy CSS's `.meta` strategy
   */
  constructor(source, metadataStrategy) {
    super();
    this.source = source;
    this.metadataStrategy = metadataStrategy;
  }

  async canHandle(operation) {
    await this.source.canHandle(operation);
  }

  async handle(operation) {
    const modes = await this.source.handle(operation);
    if (!READS.has(operation.method.toUpperCase()) && this.metadataStrategy.isAuxiliaryIdentifier(operation.target)) {
      modes.add(operation.target, AclMode.control);
    }
    return modes;
  }
}

module.exports = { DescriptionWriteModesExtractor };
