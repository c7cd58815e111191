'use strict';
/**
 * Account creation when registration is closed (pod-server/registration.ts):
 * only a request whose JSON body carries the operator's registration key
 * (`{"registrationKey": "..."}`, from `{dataDir}/registration-key`) creates
 * an account; anyone else gets 403 and no account. Reading the form (GET) is
 * unchanged.
 *
 * CSS 7.2 lets anyone create an account and then a pod on the server, and so
 * have pages and files of their own on the origin of the login pages. This
 * is the only way to create an account in CSS (`/.account/account/`); the
 * password, pod and client-credential routes need a logged-in account.
 *
 * Replaces urn:solid-server:default:CreateAccountHandler, wrapping a new
 * CreateAccountHandler (config: registration-closed.json, loaded by run.mjs
 * with `--registration closed`).
 */
const { timingSafeEqual, createHash } = require('node:crypto');
const { ForbiddenHttpError, JsonInteractionHandler, getLoggerFor } = require('@solid/community-server');

class ClosedRegistration extends JsonInteractionHandler {
  /**
   * @param {import('@solid/community-server').CreateAccountHandler} source CSS's handler that creates the account
   * @param {string} registrationKey the operator's key; empty: nobody may create accounts
   */
  constructor(source, registrationKey) {
    super();
    this.logger = getLoggerFor(this);
    this.source = source;
    this.keyDigest = registrationKey ? digest(registrationKey) : undefined;
  }

  async canHandle(input) {
    await this.source.canHandle(input);
  }

  async getView(input) {
    return this.source.getView(input);
  }

  async handle(input) {
    const given = input.json && typeof input.json === 'object' ? input.json.registrationKey : undefined;
    if (!this.keyDigest || typeof given !== 'string' || !timingSafeEqual(digest(given), this.keyDigest)) {
      this.logger.warn('Refused to create an account: registration is closed and no valid registration key was given');
      throw new ForbiddenHttpError(
        'Registration of new accounts is closed on this pod server. Ask its operator to create an account for you.',
      );
    }
    return this.source.handle(input);
  }
}

/** Equal-length digests, so the comparison takes the same time whatever was guessed. */
const digest = (text) => createHash('sha256').update(text).digest();

module.exports = { ClosedRegistration };
