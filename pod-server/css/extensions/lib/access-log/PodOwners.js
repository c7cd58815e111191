'use strict';
/**
 * Who owns a pod, as CSS's account store knows it: the WebIDs of the accounts
 * that own the pod (CSS's PodStore, the same source its OwnerPermissionReader
 * uses to give owners Control). In Helsevev the owner of a pod with a
 * `health/` container is the patient. Cached per pod for a minute: ownership
 * changes only when an account adds or removes an owner.
 */
const { getLoggerFor } = require('@solid/community-server');

class PodOwners {
  /**
   * @param {import('@solid/community-server').PodStore} podStore
   * @param {import('@solid/community-server').StorageLocationStrategy} storageStrategy
   * @param {number} [cacheMs]
   */
  constructor(podStore, storageStrategy, cacheMs = 60_000) {
    this.logger = getLoggerFor(this);
    this.podStore = podStore;
    this.storageStrategy = storageStrategy;
    this.cacheMs = Number(cacheMs);
    /** @type {Map<string, { expires: number, owners: Promise<string[]> }>} */
    this.cache = new Map();
  }

  /** The pod (its base URL, ending in a slash) that holds `path`; undefined outside any pod. */
  async podOf(path) {
    try {
      return (await this.storageStrategy.getStorageIdentifier({ path })).path;
    } catch {
      return undefined;
    }
  }

  /** The owners' WebIDs; empty if CSS knows no owner (then every reader is "someone else"). */
  async ownersOf(pod) {
    const now = Date.now();
    const cached = this.cache.get(pod);
    if (cached && cached.expires > now) return cached.owners;
    const owners = this.lookUp(pod);
    this.cache.set(pod, { expires: now + this.cacheMs, owners });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value);
    return owners;
  }

  async lookUp(pod) {
    try {
      const found = await this.podStore.findByBaseUrl(pod);
      if (!found) return [];
      return ((await this.podStore.getOwners(found.id)) ?? []).map((owner) => owner.webId);
    } catch (error) {
      this.logger.error(`Could not find the owners of ${pod}: ${error?.message ?? error}`);
      this.cache.delete(pod);
      return [];
    }
  }
}

module.exports = { PodOwners };
