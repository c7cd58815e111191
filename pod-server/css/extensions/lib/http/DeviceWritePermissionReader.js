'use strict';
/**
 * Where someone who may only append measurements (the device vendor: acl:Append
 * on `{pod}health/measurements/`) may write: month documents
 * `{pod}health/measurements/{category}/YYYY-MM.ttl`, and nothing else.
 *
 * WAC cannot say this: acl:Append on a container lets its holder POST any
 * document into it, and create any document name or sub-container below it
 * by PATCH or PUT (found by the access table). Devices write each
 * measurement once into its month document (apps/shared/append.ts); any
 * other name would be a document a granted clinician may read but no app of
 * ours expects.
 *
 * Wraps the reader chain (config: permission-limits.json). Under a pod's
 * `health/measurements/`, an agent without acl:Control of a resource keeps
 * Append, Write, Create and Delete only on month documents; reading is
 * unchanged, and so is everything the patient (who has Control) may do.
 * Auxiliary resources (.acl, .meta) are left to CSS and
 * DescriptionPermissionReader.
 */
const { PermissionReader } = require('@solid/community-server');

const MONTH_DOCUMENT = /^[a-z0-9]+(?:-[a-z0-9]+)*\/\d{4}-(?:0[1-9]|1[0-2])\.ttl$/;

class DeviceWritePermissionReader extends PermissionReader {
  /**
   * @param {PermissionReader} source the reader chain this one narrows
   * @param {import('@solid/community-server').AuxiliaryStrategy} auxiliaryStrategy CSS's (which identifiers are .acl/.meta)
   * @param {string} baseUrl the server's base URL (pods are `{baseUrl}{name}/`)
   */
  constructor(source, auxiliaryStrategy, baseUrl) {
    super();
    this.source = source;
    this.auxiliaryStrategy = auxiliaryStrategy;
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async handle(input) {
    const permissions = await this.source.handle(input);
    for (const [identifier, set] of permissions.entries()) {
      if (set.control || this.auxiliaryStrategy.isAuxiliaryIdentifier(identifier)) continue;
      const below = this.belowMeasurements(identifier.path);
      if (below === undefined || MONTH_DOCUMENT.test(below)) continue;
      permissions.set(identifier, { ...set, append: false, write: false, create: false, delete: false });
    }
    return permissions;
  }

  /** The part of `path` below `{pod}health/measurements/` (possibly ''), or undefined elsewhere. */
  belowMeasurements(path) {
    if (!path.startsWith(this.baseUrl)) return undefined;
    const match = /^[^/]+\/health\/measurements\/(.*)$/.exec(path.slice(this.baseUrl.length));
    return match ? match[1] : undefined;
  }
}

module.exports = { DeviceWritePermissionReader, MONTH_DOCUMENT };
