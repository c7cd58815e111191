'use strict';
/**
 * Who may change a resource's description (its `.meta`, Link rel="describedby"):
 * only whoever has acl:Control of the resource, as for its `.acl`.
 *
 * CSS 7.2 gives a description resource the permissions of the resource it
 * describes (AuxiliaryReader), so acl:Append on a container let its holder add
 * triples to the container's description: the device vendor to every
 * measurement container and month document, a clinician team to notes/ (found
 * by the access table). Readers of a resource still read its description;
 * ldp:contains, rdf:type, sizes and dates were, and stay, immutable (CSS's
 * ImmutableMetadataPatcher). Nothing in Helsevev writes descriptions.
 *
 * Wraps CSS's AuxiliaryReader (config: permission-limits.json) and keeps
 * Append and Write on a description only where Control comes with them, so
 * the WAC-Allow header tells the truth as well.
 */
const { PermissionReader } = require('@solid/community-server');

class DescriptionPermissionReader extends PermissionReader {
  /**
   * @param {PermissionReader} source CSS's AuxiliaryReader
   * @param {import('@solid/community-server').AuxiliaryIdentifierStrategy} metadataStrategy CSS's `.meta` strategy
   */
  constructor(source, metadataStrategy) {
    super();
    this.source = source;
    this.metadataStrategy = metadataStrategy;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const permissions = await this.source.handle(input);
    for (const [identifier, set] of permissions.entries()) {
      if (!this.metadataStrategy.isAuxiliaryIdentifier(identifier)) continue;
      const control = Boolean(set.control);
      // A new object: CSS shares the described resource's permission set with its description.
      permissions.set(identifier, { ...set, append: Boolean(set.append) && control, write: Boolean(set.write) && control });
    }
    return permissions;
  }
}

module.exports = { DescriptionPermissionReader };
