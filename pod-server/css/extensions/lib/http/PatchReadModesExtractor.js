'use strict';
/**
 * Every PATCH needs at least Read on its target. An N3 Patch with no clause
 * at all (or a SPARQL Update that changes nothing) asked CSS 7.2 for no
 * access mode on an existing document, so anyone, anonymous included, got
 * 205 for a document that is there and 401 for one that is not (existence
 * disclosed, with no trace in the access log), and CSS wrote the document
 * back (a new ETag, an "Update" notification to every subscriber).
 * Such a patch only asks whether the document is there: Read, as a where
 * clause does (Solid Protocol, N3 Patch). Patches that ask for any mode on
 * their target (a where clause: Read; inserts: Append; deletes: Read and
 * Write; a missing target: Create) are unchanged.
 *
 * Wraps CSS's PatchModesExtractor (config: permission-limits.json).
 */
const { AccessMode, ModesExtractor } = require('@solid/community-server');

class PatchReadModesExtractor extends ModesExtractor {
  /** @param {ModesExtractor} source CSS's PatchModesExtractor */
  constructor(source) {
    super();
    this.source = source;
  }

  async canHandle(operation) {
    await this.source.canHandle(operation);
  }

  async handle(operation) {
    const modes = await this.source.handle(operation);
    if (!modes.get(operation.target)?.size) modes.add(operation.target, AccessMode.read);
    return modes;
  }
}

module.exports = { PatchReadModesExtractor };
