/**
 * A vendor platform's signed client assertion (private_key_jwt: RFC 7523
 * §2.2 and §3, RFC 7521 §4.2, as HelseID does it), checked with `jose`
 * against the public keys the operator registered for that platform:
 *
 *   header  alg: RS256 | PS256 | ES256 | EdDSA (asymmetric only: never
 *           'none', never HS* where a public key would become an HMAC secret)
 *   claims  iss = sub = the platform's clientId, aud = our token endpoint,
 *           exp, iat and jti present, exp - iat at most 5 minutes, nbf/iat
 *           not in the future, exp not past (30 s clock tolerance)
 *
 * and a `jti` is accepted once: it is remembered until its `exp`, so a
 * captured assertion cannot be replayed while it is valid. The cache is in
 * memory (a restart forgets it, and every assertion it held expires within
 * 5 minutes anyway) and bounded: when it is full of unexpired jtis the
 * gateway refuses new assertions for a while rather than forget one.
 *
 * Every refusal is a ProblemError 401 `invalid_client` whose detail names
 * the check that failed, so a platform's developer can fix their client.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { problem, ProblemError } from '../../shared/problem.ts';

export const ASSERTION_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
/** Longest an assertion may live (exp - iat), in seconds. */
export const MAX_ASSERTION_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;
const MAX_REMEMBERED_JTIS = 100_000;

/** 401 `invalid_client` (RFC 6749 §5.2), as problem+json with the OAuth members too. */
export function invalidClient(detail: string): ProblemError {
  return new ProblemError(problem(401, 'invalid-client', 'The client was not authenticated', detail, {
    error: 'invalid_client', error_description: detail,
  }));
}

/** The jtis seen, each until its exp (ms since the epoch). */
export class JtiCache {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now, private readonly capacity = MAX_REMEMBERED_JTIS) {}

  /** Remembers `jti` of `clientId` until `expiresAt`; false when it was seen before (a replay). */
  remember(clientId: string, jti: string, expiresAt: number): boolean {
    const key = `${clientId}\u0000${jti}`;
    const until = this.seen.get(key);
    if (until !== undefined && until > this.now()) return false;
    if (this.seen.size >= this.capacity) this.sweep();
    if (this.seen.size >= this.capacity) {
      throw new ProblemError(problem(429, 'too-many-assertions', 'Too many client assertions',
        'the gateway remembers every assertion until it expires and cannot take more now; ask for a token again in a minute',
        { retryAfterSeconds: 60 }));
    }
    this.seen.set(key, expiresAt);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, until] of this.seen) if (until <= now) this.seen.delete(key);
  }
}

/** The claims a client assertion must carry, before its signature is checked (to find the platform by `iss`). */
export function assertionIssuer(assertion: string): string {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(assertion);
  } catch {
    throw invalidClient('client_assertion is not a JWT (three base64url parts: header, claims, signature)');
  }
  if (typeof payload.iss !== 'string' || payload.iss === '') throw invalidClient('the client assertion has no "iss" claim: it must be your client_id');
  return payload.iss;
}

export interface AssertionContext {
  readonly clientId: string;
  readonly jwks: JSONWebKeySet;
  /** Our token endpoint's URL: the only audience accepted. */
  readonly tokenEndpoint: string;
  readonly jtis: JtiCache;
  readonly now?: () => number;
}

/** Checks a client assertion; resolves when every check passed (and its jti is now used), else throws invalidClient. */
export async function verifyClientAssertion(assertion: string, ctx: AssertionContext): Promise<void> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(assertion).alg;
  } catch {
    throw invalidClient('the client assertion\'s header cannot be read');
  }
  if (!(ASSERTION_ALGORITHMS as readonly unknown[]).includes(alg)) {
    throw invalidClient(`the client assertion is signed with alg "${String(alg)}"; only ${ASSERTION_ALGORITHMS.join(', ')} (signed with your private key) are accepted`);
  }
  const now = (ctx.now ?? Date.now)();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(ctx.jwks), {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: ctx.clientId,
      subject: ctx.clientId,
      audience: ctx.tokenEndpoint,
      requiredClaims: ['exp', 'iat', 'jti'],
      maxTokenAge: MAX_ASSERTION_SECONDS,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: new Date(now),
    }));
  } catch (error) {
    throw invalidClient(reasonOf(error, ctx));
  }
  const { exp, iat, jti } = payload as Required<Pick<JWTPayload, 'exp' | 'iat' | 'jti'>>;
  if (exp - iat > MAX_ASSERTION_SECONDS) {
    throw invalidClient(`the client assertion lives ${exp - iat} s (exp - iat); at most ${MAX_ASSERTION_SECONDS} s is accepted`);
  }
  if (typeof jti !== 'string' || jti === '') throw invalidClient('the client assertion\'s "jti" must be a unique string');
  if (!ctx.jtis.remember(ctx.clientId, jti, (exp + CLOCK_TOLERANCE_SECONDS) * 1000)) {
    throw invalidClient(`the client assertion's jti "${jti.slice(0, 64)}" was used before; sign a new assertion with a fresh jti for every token request`);
  }
}

/** What a jose error means for the platform's developer. */
function reasonOf(error: unknown, ctx: AssertionContext): string {
  if (error instanceof errors.JWTExpired) {
    return error.claim === 'iat'
      ? `the client assertion was issued (iat) more than ${MAX_ASSERTION_SECONDS} s ago`
      : 'the client assertion has expired (exp is past)';
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `the client assertion has no "${error.claim}" claim`;
    switch (error.claim) {
      case 'aud': return `the client assertion's audience (aud) must be this gateway's token endpoint, ${ctx.tokenEndpoint}`;
      case 'iss':
      case 'sub': return `the client assertion's iss and sub must both be your client_id, ${ctx.clientId}`;
      case 'nbf': return 'the client assertion is not valid yet (nbf is in the future); check your clock';
      case 'iat': return 'the client assertion was issued in the future (iat); check your clock';
      default: return `the client assertion's "${error.claim}" claim is not valid: ${error.message}`;
    }
  }
  if (error instanceof errors.JWKSNoMatchingKey) return `the client assertion was not signed by a key registered for ${ctx.clientId} (no registered key matches its kid and alg)`;
  if (error instanceof errors.JWKSMultipleMatchingKeys) return `several keys registered for ${ctx.clientId} match; put the key's kid in the assertion's header`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return `the client assertion's signature does not verify with the key registered for ${ctx.clientId}`;
  if (error instanceof errors.JOSEAlgNotAllowed) return `the client assertion's alg is not accepted; use one of ${ASSERTION_ALGORITHMS.join(', ')}`;
  return 'the client assertion is not a valid signed JWT';
}
