/**
 * Every intake request carries a credential (docs/gateway.md, "Threats"):
 * `Authorization: Bearer hvd_...` from a device's pairing, or `hvp_...`, an
 * access token a registered platform got with client credentials (checked by
 * the injected `verifyPlatformToken`, auth/platforms.ts). Anything else is
 * 401 problem+json with `WWW-Authenticate: Bearer` (RFC 6750 §3), saying
 * what was wrong: missing, malformed, unknown (or forged), revoked, expired.
 *
 * What the principal may write is decided afterwards, per reading
 * (auth/scope.ts): authentication only says who is calling.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from '../../shared/http-errors.ts';
import { problem, type Problem } from '../../shared/problem.ts';
import type { PairingStore } from '../pairing/store.ts';
import type { Principal } from './principal.ts';

export interface AuthenticateDeps {
  readonly store: PairingStore;
  /** A platform's access token (`hvp_...`) -> the platform; undefined when unknown or expired. Absent: platforms are not accepted. */
  readonly verifyPlatformToken?: (token: string) => { clientId: string; name: string } | undefined;
}

export type Authentication = { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly problem: Problem };

/** Who sent the request, or why it cannot be told. */
export type Authenticator = (req: Request) => Authentication;

const REALM = 'Bearer realm="helsevev-gateway"';

const refused = (reason: string, detail: string): Authentication => ({
  ok: false,
  problem: problem(401, 'unauthenticated', 'A valid credential is required', detail, { reason }),
});

export function bearerAuthenticator(deps: AuthenticateDeps): Authenticator {
  return (req) => {
    const header = req.get('authorization');
    if (header === undefined) {
      return refused('missing', 'send Authorization: Bearer <credential>: the credential a device got when its patient approved the pairing (POST /pairings, then POST /token), or a platform\'s access token');
    }
    const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header.trim());
    if (!match) return refused('malformed', 'the Authorization header must be "Bearer <credential>" (one token, no spaces)');
    const token = match[1]!;
    if (token.startsWith('hvp_')) {
      if (!deps.verifyPlatformToken) return refused('unknown', 'this gateway accepts no platform tokens; pair the device instead');
      const platform = deps.verifyPlatformToken(token);
      if (!platform) return refused('expired', 'the platform access token is unknown or expired (they live 5 minutes); get a new one at POST /token');
      return { ok: true, principal: { type: 'platform', ...platform } };
    }
    const check = deps.store.checkCredential(token);
    if (check.ok) return { ok: true, principal: { type: 'device', pairingId: check.pairing.id } };
    switch (check.reason) {
      case 'malformed':
        return refused('malformed', 'this is not a device credential (hvd_...) or a platform token (hvp_...); send the access_token POST /token gave');
      case 'revoked':
        return refused('revoked', 'the patient revoked this device\'s pairing; readings sent before were kept, nothing more is taken. Pair the device again to send more');
      default:
        return refused('unknown', 'the gateway never issued this credential (or it was altered); pair the device again to get one');
    }
  };
}

/**
 * The benchmark's baseline (bench/): every request is taken as a caller
 * paired with every patient, for every kind. Injected in-process only
 * (createGatewayApp's deps); no option, flag or variable selects it.
 */
export const allowAllForBenchmark: Authenticator = () => ({ ok: true, principal: { type: 'unchecked' } });

/** Express middleware: `res.locals.principal`, or 401 with WWW-Authenticate (problem+json, or what `send` sends: FHIR routes an OperationOutcome). */
export function requireCredential(authenticate: Authenticator, send: (res: Response, p: Problem) => void = sendProblem) {
  return (req: Request, res: Response, next: NextFunction) => {
    const result = authenticate(req);
    if (result.ok) {
      res.locals.principal = result.principal;
      return next();
    }
    const reason = String(result.problem.reason);
    res.set('www-authenticate', reason === 'missing' ? REALM : `${REALM}, error="invalid_token", error_description="${reason}"`);
    send(res, result.problem);
  };
}

export const principalOf = (res: Response): Principal => res.locals.principal as Principal;
