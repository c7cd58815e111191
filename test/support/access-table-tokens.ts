/**
 * Solid-OIDC access tokens by hand, for the access table's "token" rows: a
 * client-credentials login with our own DPoP key (so the test holds the key a
 * real token is bound to), DPoP proofs for any method and URL, and tokens
 * re-signed with the pod server's own signing key (from its data folder) so
 * that only the claim under test differs from a real one (e.g. `exp` in the past).
 *
 * `jose` comes with the Inrupt authentication libraries (the root project's node_modules).
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  type CryptoKey,
} from 'jose';

export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function newDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256' } };
}

/** A DPoP proof (RFC 9449) for `method` on `url`, bound to `accessToken` when given (ath). */
export async function dpopProof(key: DpopKey, method: string, url: string, accessToken?: string): Promise<string> {
  const ath = accessToken ? createHash('sha256').update(accessToken).digest('base64url') : undefined;
  return new SignJWT({ htm: method, htu: url, ...(ath ? { ath } : {}) })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk })
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** Client-credentials grant at the pod server's token endpoint, DPoP-bound to `key`. */
export async function clientCredentialsToken(
  issuer: string,
  credentials: { clientId: string; clientSecret: string },
  key: DpopKey,
): Promise<string> {
  const configuration = (await (await fetch(new URL('.well-known/openid-configuration', issuer))).json()) as { token_endpoint: string };
  const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64');
  const response = await fetch(configuration.token_endpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      dpop: await dpopProof(key, 'POST', configuration.token_endpoint),
    },
    body: 'grant_type=client_credentials&scope=webid',
  });
  const body = (await response.json()) as { access_token?: string; token_type?: string; error?: string };
  if (!response.ok || !body.access_token) throw new Error(`Token request failed: ${response.status} ${JSON.stringify(body)}`);
  if (body.token_type !== 'DPoP') throw new Error(`Expected a DPoP-bound token, got ${body.token_type}`);
  return body.access_token;
}

/** The pod server's current signing key (CSS keeps its JWKS in `.internal/idp/keys/jwks$.json`). */
export async function serverSigningKey(dataDir: string): Promise<CryptoKey | Uint8Array> {
  const file = JSON.parse(await readFile(join(dataDir, 'pods', '.internal', 'idp', 'keys', 'jwks$.json'), 'utf8')) as {
    payload: { keys: JWK[] };
  };
  const [jwk] = file.payload.keys;
  if (!jwk?.d) throw new Error('The pod server keeps no private signing key where expected');
  return importJWK(jwk, jwk.alg ?? 'ES256');
}

/** `token` with its claims changed by `change`, signed again with `signingKey` under the same header. */
export async function resign(
  token: string,
  signingKey: CryptoKey | Uint8Array,
  change: (payload: JWTPayload) => JWTPayload,
): Promise<string> {
  const { alg, kid, typ } = decodeProtectedHeader(token);
  return new SignJWT(change(decodeJwt(token)))
    .setProtectedHeader({ alg: alg ?? 'ES256', ...(kid ? { kid } : {}), ...(typ ? { typ } : {}) })
    .sign(signingKey);
}

/** `token` with its claims changed but its original signature kept (a forgery). */
export function tamper(token: string, change: (payload: JWTPayload) => JWTPayload): string {
  const [header, , signature] = token.split('.');
  const payload = Buffer.from(JSON.stringify(change(decodeJwt(token)))).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

export const thumbprint = (jwk: JWK) => calculateJwkThumbprint(jwk);
