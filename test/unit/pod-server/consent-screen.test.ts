/**
 * What the pod server's OIDC consent screen is told about the app asking
 * (pod-server/css/extensions/lib/oidc): CSS's client metadata plus the origin
 * of this login's redirect_uri, the one fact a self-registered app cannot choose
 * to look like someone else's.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// CommonJS run by CSS; loaded the way Node does.
const require = createRequire(import.meta.url);
const { ClientOriginInfoHandler, originOf } = require('../../../pod-server/css/extensions/lib/oidc/ClientOriginInfoHandler.js') as {
  ClientOriginInfoHandler: new (providerFactory: unknown) => { handle(input: unknown): Promise<{ json: Record<string, unknown> }> };
  originOf(url: unknown): string | undefined;
};

const providerWith = (metadata: Record<string, unknown>) => ({
  getProvider: async () => ({ Client: { find: async () => ({ metadata: () => metadata }) } }),
});

describe('ClientOriginInfoHandler', () => {
  it('adds the origin the login will be sent to, next to the name the app chose', async () => {
    const handler = new ClientOriginInfoHandler(providerWith({ client_id: 'r4nd0m', client_name: 'Helsevev', redirect_uris: ['https://evil.example/cb'] }));
    const { json } = await handler.handle({ oidcInteraction: { params: { client_id: 'r4nd0m', redirect_uri: 'https://evil.example/cb?x=1' } } });
    expect(json.redirectOrigin).toBe('https://evil.example');
    expect(json.client).toMatchObject({ client_id: 'r4nd0m', client_name: 'Helsevev' });
  });

  it('gives no origin for a redirect that is not an http(s) URL', () => {
    expect(originOf('javascript:alert(1)')).toBeUndefined();
    expect(originOf('not a url')).toBeUndefined();
    expect(originOf(undefined)).toBeUndefined();
    expect(originOf('http://localhost:3002/')).toBe('http://localhost:3002');
  });
});
