/**
 * Platforms' client assertions (private_key_jwt, RFC 7523): every attack of
 * issue #18 first, each refused 401 invalid_client with a detail naming the
 * check that failed; then the honest platform, whose access token works for
 * 5 minutes; and the platforms file (public keys only, 0600, re-read when
 * the register CLI changes it).
 */
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ASSERTION_SECONDS } from '../../../apps/gateway/auth/client-assertion.ts';
import { parsePublicJwks, PlatformClients, readPlatforms, registerPlatform } from '../../../apps/gateway/auth/platforms.ts';
import { JWT_BEARER_ASSERTION } from '../../../apps/shared/pairing.ts';
import { ProblemError } from '../../../apps/shared/problem.ts';
import { tempDir } from './fixtures.ts';

const TOKEN_ENDPOINT = 'http://localhost:3001/token';
const CLIENT = 'acme-health';
const T0 = Date.parse('2026-03-01T10:00:00Z');
const seconds = (ms: number) => Math.floor(ms / 1000);

let dir: Awaited<ReturnType<typeof tempDir>>;
let path: string;
let clock = T0;
let clients: PlatformClients;
let key: CryptoKey;
let publicJwk: JWK;
let otherKey: CryptoKey;
let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };

beforeAll(async () => {
  dir = await tempDir();
  path = join(dir.path, 'platforms.json');
  ({ privateKey: key } = await generateKeyPair('ES256').then(async (pair) => {
    publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    return pair;
  }));
  ({ privateKey: otherKey } = await generateKeyPair('ES256'));
  rsa = await generateKeyPair('RS256', { extractable: true });
  const rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'r1', alg: 'RS256' };
  await registerPlatform(path, { clientId: CLIENT, name: 'Acme Health', jwks: await parsePublicJwks({ keys: [publicJwk, rsaJwk] }) });
  await registerPlatform(path, { clientId: 'other-platform', name: 'Other', jwks: { keys: [{ ...publicJwk, kid: 'o1' }] } });
  clients = new PlatformClients(path, () => clock);
});
afterAll(() => dir.remove());

interface Claims { iss?: string; sub?: string; aud?: string; iat?: number; exp?: number; nbf?: number; jti?: string }

let counter = 0;
/** An honest assertion at `clock`, with `claims` changed (undefined removes a claim). */
async function assertion(claims: Claims = {}, signWith: CryptoKey = key, header: Record<string, unknown> = { alg: 'ES256', kid: 'k1' }): Promise<string> {
  const now = seconds(clock);
  const all: Record<string, unknown> = { iss: CLIENT, sub: CLIENT, aud: TOKEN_ENDPOINT, iat: now, exp: now + 60, jti: `jti-${++counter}`, ...claims };
  for (const [k, v] of Object.entries(claims)) if (v === undefined) delete all[k];
  return new SignJWT(all).setProtectedHeader(header as { alg: string }).sign(signWith);
}

const form = (clientAssertion: string, extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: clientAssertion, ...extra,
});

/** The problem a refused assertion gets. */
async function refusal(clientAssertion: string | Record<string, string>): Promise<{ status: number; error: unknown; detail: string }> {
  try {
    await clients.clientCredentials(typeof clientAssertion === 'string' ? form(clientAssertion) : clientAssertion, TOKEN_ENDPOINT);
  } catch (error) {
    expect(error).toBeInstanceOf(ProblemError);
    const p = (error as ProblemError).problem;
    return { status: p.status, error: p.error, detail: String(p.detail) };
  }
  throw new Error('the assertion was accepted');
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('a client assertion is refused (401 invalid_client) when', () => {
  const cases: [string, () => Promise<string | Record<string, string>>, RegExp][] = [
    ['its key is not registered', () => assertion({}, otherKey, { alg: 'ES256', kid: 'unknown-kid' }), /not signed by a key registered for acme-health/],
    ['its signature is bad (signed by another key under a registered kid)', () => assertion({}, otherKey), /signature does not verify/],
    ['its audience is not our token endpoint', () => assertion({ aud: 'http://localhost:3001/' }), /audience \(aud\) must be .*\/token/],
    ['it has expired', () => assertion({ iat: seconds(clock) - 200, exp: seconds(clock) - 60 }), /expired/],
    ['it is not valid yet (nbf)', () => assertion({ nbf: seconds(clock) + 120 }), /not valid yet/],
    ['it was issued in the future (iat)', () => assertion({ iat: seconds(clock) + 120, exp: seconds(clock) + 180 }), /issued in the future/],
    ['its alg is none', async () => `${b64({ alg: 'none' })}.${b64({ iss: CLIENT, sub: CLIENT, aud: TOKEN_ENDPOINT, iat: seconds(clock), exp: seconds(clock) + 60, jti: 'x' })}.`, /alg "none"/],
    ['it is HS256 signed with the registered public key as the secret', async () => {
      const secret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
      return new SignJWT({ iss: CLIENT, sub: CLIENT, aud: TOKEN_ENDPOINT, jti: 'hs', iat: seconds(clock), exp: seconds(clock) + 60 })
        .setProtectedHeader({ alg: 'HS256', kid: 'r1' }).sign(secret);
    }, /alg "HS256"/],
    ['iss is not sub', () => assertion({ sub: 'someone-else' }), /iss and sub must both be your client_id/],
    ['its client is unknown', () => assertion({ iss: 'nobody', sub: 'nobody' }), /unknown client "nobody"/],
    ['it has no jti', () => assertion({ jti: undefined }), /no "jti" claim/],
    ['it has no exp', () => assertion({ exp: undefined }), /no "exp" claim/],
    ['it lives longer than 5 minutes', () => assertion({ exp: seconds(clock) + MAX_ASSERTION_SECONDS + 60 }), /lives 360 s/],
    ['it is another platform\'s key (kid of other-platform)', () => assertion({}, key, { alg: 'ES256', kid: 'o1' }), /not signed by a key registered for acme-health/],
    ['client_id is not its issuer', async () => form(await assertion(), { client_id: 'other-platform' }), /not the client assertion's issuer/],
    ['it is not a JWT', async () => 'not-a-jwt', /not a JWT/],
    ['a client secret is sent instead', async () => ({ grant_type: 'client_credentials', client_id: CLIENT, client_secret: 'x' }), /client_assertion_type must be/],
  ];
  for (const [name, make, detail] of cases) {
    it(name, async () => {
      const r = await refusal(await make());
      expect(r).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(r.detail).toMatch(detail);
    });
  }

  it('its jti was used before, until the first one expires (then the jti is forgotten)', async () => {
    const first = await assertion({ jti: 'once' });
    await expect(clients.clientCredentials(form(first), TOKEN_ENDPOINT)).resolves.toMatchObject({ token_type: 'Bearer' });
    expect((await refusal(first)).detail).toMatch(/jti "once" was used before/);
    expect((await refusal(await assertion({ jti: 'once', iat: seconds(clock) + 1, exp: seconds(clock) + 30 }))).detail).toMatch(/used before/);
  });
});

describe('the honest platform', () => {
  it('gets an opaque hvp_ token for 5 minutes (RS256 and ES256 keys alike), verified only while it lives', async () => {
    clock = T0;
    const answer = await clients.clientCredentials(form(await assertion()), TOKEN_ENDPOINT);
    expect(answer).toMatchObject({ token_type: 'Bearer', expires_in: 300, access_token: expect.stringMatching(/^hvp_[A-Za-z0-9_-]{43}$/) });
    const rs = await clients.clientCredentials(form(await assertion({}, rsa.privateKey, { alg: 'RS256', kid: 'r1' })), TOKEN_ENDPOINT);
    expect(clients.verifyPlatformToken(rs.access_token)).toEqual({ clientId: CLIENT, name: 'Acme Health' });
    expect(clients.verifyPlatformToken(answer.access_token)).toEqual({ clientId: CLIENT, name: 'Acme Health' });
    expect(clients.verifyPlatformToken(`${answer.access_token}x`)).toBeUndefined();
    expect(clients.verifyPlatformToken('hvd_pairing_secret')).toBeUndefined();
    clock = T0 + 299_000;
    expect(clients.verifyPlatformToken(answer.access_token)).toBeDefined();
    clock = T0 + 300_000;
    expect(clients.verifyPlatformToken(answer.access_token)).toBeUndefined();
    clock = T0;
  });

  it('the token is not kept in clear anywhere the gateway writes', async () => {
    const { access_token } = await clients.clientCredentials(form(await assertion()), TOKEN_ENDPOINT);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(path, 'utf8')).not.toContain(access_token.slice(4));
  });
});

describe('the platforms file', () => {
  it('is 0600 and holds public keys only; a private or symmetric key is refused at registration', async () => {
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const privateJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    await expect(parsePublicJwks({ keys: [privateJwk] })).rejects.toThrow(/private key material \(d\)/);
    await expect(parsePublicJwks({ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] })).rejects.toThrow(/only public RSA, EC or OKP/);
    await expect(parsePublicJwks({ keys: [] })).rejects.toThrow(/at least one key/);
    await expect(parsePublicJwks({ keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }] })).rejects.toThrow(/cannot be used as a public ES256 key/);
  });

  it('is read again when it changes: a platform registered while the gateway runs can log in, a replaced key stops working', async () => {
    const late = await generateKeyPair('EdDSA');
    const lateJwk = { ...(await exportJWK(late.publicKey)), kid: 'l1' };
    const lateAssertion = (iss: string) => new SignJWT({ iss, sub: iss, aud: TOKEN_ENDPOINT, jti: `late-${++counter}`, iat: seconds(clock), exp: seconds(clock) + 60 })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'l1' }).sign(late.privateKey);
    expect((await refusal(await lateAssertion('late-comer'))).detail).toMatch(/unknown client/);
    expect(await registerPlatform(path, { clientId: 'late-comer', name: 'Late', jwks: await parsePublicJwks({ keys: [lateJwk] }) })).toBe('added');
    await expect(clients.clientCredentials(form(await lateAssertion('late-comer')), TOKEN_ENDPOINT)).resolves.toMatchObject({ expires_in: 300 });
    expect(await registerPlatform(path, { clientId: 'late-comer', name: 'Late', jwks: { keys: [publicJwk] } })).toBe('replaced');
    expect((await refusal(await lateAssertion('late-comer'))).status).toBe(401);
    expect((await readPlatforms(path)).map((p) => p.clientId)).toEqual([CLIENT, 'other-platform', 'late-comer']);
  });

  it('a file that is not a platforms file stops the gateway with its path', async () => {
    const bad = join(dir.path, 'bad.json');
    await writeFile(bad, '{"platforms": {}}');
    await expect(readPlatforms(bad)).rejects.toThrow(/bad\.json is not a platforms file/);
  });
});
