'use strict';
/**
 * Writes CSS's account cookie (`css-account`: whoever holds it is logged in
 * to the account, and may create client credentials or pods) so that script
 * can never read it: HttpOnly, and Secure when the server's base URL is https.
 *
 * CSS 7.2's CookieMetadataWriter leaves out HttpOnly ("that would prevent JS
 * API access") and Secure; CSS's own account pages never read the cookie from
 * script (they send it back with fetch), so HttpOnly costs them nothing.
 * Same attributes otherwise: Path=/, SameSite=Lax, Expires when CSS gives one.
 *
 * No `__Host-` prefix: the cookie's name is one shared value in CSS's config
 * (urn:solid-server:default:value:accountCookieName, read by its CookieParser
 * and OIDC prompt too) that a Components.js Override cannot change, and a
 * `__Host-` cookie is refused by browsers over plain http (the demo). Secure +
 * Path=/ without Domain is what the prefix would enforce, short of stopping a
 * sibling subdomain from setting a cookie of the same name: serve the pod
 * server on a host of its own.
 *
 * Replaces urn:solid-server:default:MetadataWriter_Cookie (config: account-cookie.json).
 */
const { MetadataWriter, SOLID_HTTP, addHeader } = require('@solid/community-server');

class AccountCookieWriter extends MetadataWriter {
  /**
   * @param {string} name the cookie's name (CSS's accountCookieName)
   * @param {string} baseUrl the server's base URL: Secure when it is https
   */
  constructor(name, baseUrl) {
    super();
    this.name = name;
    this.secure = new URL(baseUrl).protocol === 'https:';
  }

  async handle({ response, metadata }) {
    const value = metadata.get(SOLID_HTTP.terms.accountCookie)?.value;
    if (!value) return;
    const expiration = metadata.get(SOLID_HTTP.terms.accountCookieExpiration)?.value;
    addHeader(response, 'Set-Cookie', this.serialize(value, expiration ? new Date(expiration) : undefined));
  }

  /** `name=value; Path=/; [Expires=...; ]HttpOnly; [Secure; ]SameSite=Lax` */
  serialize(value, expires) {
    const parts = [`${this.name}=${encodeURIComponent(value)}`, 'Path=/'];
    if (expires && !Number.isNaN(expires.getTime())) parts.push(`Expires=${expires.toUTCString()}`);
    parts.push('HttpOnly');
    if (this.secure) parts.push('Secure');
    parts.push('SameSite=Lax');
    return parts.join('; ');
  }
}

module.exports = { AccountCookieWriter };
