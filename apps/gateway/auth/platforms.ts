/**
 * Vendor platforms: systems that send readings for many devices, server to
 * server (docs/gateway.md, "Platforms (private_key_jwt)"). The operator
 * registers each one with its public keys (register-platform.ts); a platform
 * gets an access token with the OAuth 2.0 client credentials grant,
 * authenticating with a JWT it signs with its private key (RFC 7523), and
 * sends that token as `Authorization: Bearer hvp_...`.
 *
 * Stored: `{dataDir}/gateway/platforms.json` ({ version: 1, platforms:
 * [{ clientId, name, jwks, registeredAt }] }), public keys only, 0600,
 * written atomically. The gateway reads it again when it changes, so a
 * platform registered while the gateway runs can log in at once.
 * Access tokens live in memory only, as SHA-256 hashes, for 5 minutes; the
 * gateway never keeps a token it could hand out again.
 *
 * Never: a private or symmetric key in the file, a token in a log line.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { importJWK, type JSONWebKeySet, type JWK } from 'jose';
import { JWT_BEARER_ASSERTION } from '../../shared/pairing.ts';
import { writePrivateFileAtomically } from '../../shared/private-files.ts';
import { assertionIssuer, invalidClient, JtiCache, verifyClientAssertion } from './client-assertion.ts';

export interface Platform {
  readonly clientId: string;
  readonly name: string;
  /** Public keys only. */
  readonly jwks: JSONWebKeySet;
  /** ISO 8601. */
  readonly registeredAt: string;
}

interface PlatformsFile {
  version: 1;
  platforms: Platform[];
}

export const PLATFORM_TOKEN_PREFIX = 'hvp_';
/** Seconds an access token is valid. */
export const PLATFORM_TOKEN_SECONDS = 300;
const MAX_LIVE_TOKENS = 10_000;
const CLIENT_ID = /^[A-Za-z0-9._:@/-]{1,200}$/;
/** Members only a private or symmetric JWK has (RFC 7518 §6). */
const SECRET_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export const platformsPath = (dataDir: string): string => join(dataDir, 'gateway', 'platforms.json');

/** Checks a JWKS a platform handed in: asymmetric public signing keys that import. Throws an Error naming the key and the problem. */
export async function parsePublicJwks(value: unknown): Promise<JSONWebKeySet> {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('must be a JWKS: { "keys": [ ...public JWKs ] } with at least one key');
  for (const [i, raw] of keys.entries()) {
    const key = raw as JWK;
    const name = `key ${i}${typeof key?.kid === 'string' ? ` (kid ${key.kid})` : ''}`;
    if (typeof key !== 'object' || key === null) throw new Error(`${name} is not a JWK object`);
    if (!['RSA', 'EC', 'OKP'].includes(String(key.kty))) throw new Error(`${name} has kty "${String(key.kty)}"; only public RSA, EC or OKP keys can be registered`);
    const secret = SECRET_MEMBERS.filter((m) => m in key);
    if (secret.length > 0) throw new Error(`${name} holds private key material (${secret.join(', ')}); register the public key only and keep the private one with the platform`);
    if (key.use !== undefined && key.use !== 'sig') throw new Error(`${name} has use "${key.use}"; a client assertion key must be for signatures ("sig")`);
    const alg = key.alg ?? ({ RSA: 'RS256', EC: 'ES256', OKP: 'EdDSA' } as Record<string, string>)[String(key.kty)]!;
    try {
      await importJWK(key, alg);
    } catch (error) {
      throw new Error(`${name} cannot be used as a public ${alg} key: ${(error as Error).message}`);
    }
  }
  return { keys: keys as JWK[] };
}

export function checkClientId(clientId: string): string {
  if (!CLIENT_ID.test(clientId)) throw new Error(`must be 1-200 letters, digits or . _ : @ / -, not "${clientId}"`);
  return clientId;
}

/** Reads the platforms file; none registered when it does not exist. */
export async function readPlatforms(path: string): Promise<Platform[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<PlatformsFile>;
  if (parsed.version !== 1 || !Array.isArray(parsed.platforms)) {
    throw new Error(`${path} is not a platforms file (expected {"version": 1, "platforms": [...]})`);
  }
  return parsed.platforms;
}

/** Adds a platform, or replaces its name and keys (key rotation); written atomically, 0600. */
export async function registerPlatform(path: string, platform: Omit<Platform, 'registeredAt'>, now = new Date()): Promise<'added' | 'replaced'> {
  const platforms = await readPlatforms(path);
  const index = platforms.findIndex((p) => p.clientId === platform.clientId);
  const entry: Platform = { ...platform, registeredAt: now.toISOString() };
  if (index >= 0) platforms[index] = entry;
  else platforms.push(entry);
  await writePrivateFileAtomically(path, `${JSON.stringify({ version: 1, platforms } satisfies PlatformsFile, null, 2)}\n`);
  return index >= 0 ? 'replaced' : 'added';
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The gateway's side of platform authentication: the two functions the
 * token route (clientCredentials) and the Bearer check (verifyPlatformToken)
 * are given. State: the registered platforms (read again when the file
 * changes), used jtis, live access tokens.
 */
export class PlatformClients {
  private readonly tokens = new Map<string, { clientId: string; name: string; expiresAt: number }>();
  private readonly jtis: JtiCache;
  private loaded: { version: string; platforms: Map<string, Platform> } | undefined;

  constructor(private readonly path: string, private readonly now: () => number = Date.now) {
    this.jtis = new JtiCache(now);
  }

  /** RFC 6749 §4.4 with RFC 7523 client authentication; throws a ProblemError 401 invalid_client naming what failed. */
  clientCredentials = async (form: Record<string, string>, tokenEndpoint: string): Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }> => {
    if (form.client_assertion_type !== JWT_BEARER_ASSERTION) {
      throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION} (private_key_jwt); client secrets are not accepted`);
    }
    if (typeof form.client_assertion !== 'string' || form.client_assertion === '') throw invalidClient('client_assertion is missing: send a JWT signed with your registered key');
    const clientId = assertionIssuer(form.client_assertion);
    if (form.client_id !== undefined && form.client_id !== clientId) {
      throw invalidClient(`client_id "${form.client_id}" is not the client assertion's issuer "${clientId}"`);
    }
    const platform = (await this.platforms()).get(clientId);
    if (!platform) throw invalidClient(`unknown client "${clientId.slice(0, 200)}": no platform is registered with this client_id (the gateway's operator registers platforms)`);
    await verifyClientAssertion(form.client_assertion, {
      clientId, jwks: platform.jwks, tokenEndpoint, jtis: this.jtis, now: this.now,
    });
    return { access_token: this.issue(platform), token_type: 'Bearer', expires_in: PLATFORM_TOKEN_SECONDS };
  };

  /** The platform a `hvp_` access token was issued to, while it is valid; undefined for anything else. */
  verifyPlatformToken = (token: string): { clientId: string; name: string } | undefined => {
    if (!token.startsWith(PLATFORM_TOKEN_PREFIX)) return undefined;
    const hash = hashOf(token);
    const entry = this.tokens.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.tokens.delete(hash);
      return undefined;
    }
    return { clientId: entry.clientId, name: entry.name };
  };

  private issue(platform: Platform): string {
    const token = `${PLATFORM_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.now();
    if (this.tokens.size >= MAX_LIVE_TOKENS) {
      for (const [hash, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(hash);
      // Still full: the oldest token goes (Map order); its platform simply asks for a new one.
      if (this.tokens.size >= MAX_LIVE_TOKENS) this.tokens.delete(this.tokens.keys().next().value!);
    }
    this.tokens.set(hashOf(token), { clientId: platform.clientId, name: platform.name, expiresAt: now + PLATFORM_TOKEN_SECONDS * 1000 });
    return token;
  }

  /** The registered platforms, read again when the file changed (the register CLI writes it while the gateway runs). */
  private async platforms(): Promise<Map<string, Platform>> {
    let version = 'absent';
    try {
      const s = await stat(this.path);
      version = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (this.loaded?.version !== version) {
      const platforms = await readPlatforms(this.path);
      this.loaded = { version, platforms: new Map(platforms.map((p) => [p.clientId, p])) };
    }
    return this.loaded.platforms;
  }
}
