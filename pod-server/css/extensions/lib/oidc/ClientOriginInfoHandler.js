'use strict';
/**
 * What the pod server's consent screen tells a person about the app asking
 * for their login. CSS 7.2's ClientInfoHandler gives the client's metadata
 * only: for a dynamically registered client that is a random client_id and a
 * client_name the app chose itself, so a look-alike calling itself
 * "Helsevev" looked exactly like Helsevev. This adds the one thing about the
 * app the server knows for certain: the origin of the redirect_uri of this
 * login (oidc-provider has checked it against the client's registration),
 * which is where the login will be sent. Our consent template
 * (pod-server/css/templates/identity/oidc/consent.html.ejs) shows it first.
 *
 * Wired by extensions/config/consent-screen.json in place of CSS's own
 * ClientInfoHandler; keep it in step when upgrading CSS.
 */
const { ClientInfoHandler } = require('@solid/community-server');

/** The origin of an http(s) URL, or undefined. */
function originOf(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

class ClientOriginInfoHandler extends ClientInfoHandler {
  /** @param {import('@solid/community-server').ProviderFactory} providerFactory */
  constructor(providerFactory) {
    super(providerFactory);
  }

  async handle(input) {
    const result = await super.handle(input);
    const redirectOrigin = originOf(input.oidcInteraction?.params?.redirect_uri);
    return { json: { ...result.json, ...(redirectOrigin ? { redirectOrigin } : {}) } };
  }
}

module.exports = { ClientOriginInfoHandler, originOf };
