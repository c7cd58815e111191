/**
 * The patient's calls (GET/POST /pairings/{code}, /devices) carry their
 * Solid-OIDC session: `Authorization: DPoP <access token>` and a `DPoP`
 * proof. They are checked the way the pod server checks them, with
 * @solid/access-token-verifier (the issuer's signature, the WebID's profile
 * naming that issuer, the proof bound to this method and to the gateway's
 * public URL for this path, each proof used once), never by hand.
 *
 * The verifier fetches the WebID's profile and the issuer's keys itself, so
 * both are first checked to lie on the pod servers the gateway serves: the
 * gateway never fetches anywhere a caller names.
 */
import { createSolidTokenVerifier, type RequestMethod } from '@solid/access-token-verifier';
import type { Request } from 'express';
import { problem, ProblemError } from '../../shared/problem.ts';
import { isWithin } from '../../shared/same-origin.ts';

/** The WebID of the logged-in patient, or a ProblemError (401, 403). */
export type PatientVerifier = (req: Request) => Promise<string>;

const unauthenticated = (detail: string) =>
  new ProblemError(problem(401, 'unauthenticated', 'Log in as the patient', detail));

/** The unverified claims of a JWT, only to decide whether it may be verified at all. */
function claimsOf(token: string): Record<string, unknown> {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? claims as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

export function solidPatientVerifier(options: { publicUrl: () => string; podServers?: readonly string[] }): PatientVerifier {
  const verify = createSolidTokenVerifier();
  return async (req) => {
    const authorization = req.get('authorization');
    const dpop = req.get('dpop');
    if (!authorization || !/^DPoP \S+$/.test(authorization) || !dpop) {
      throw unauthenticated('send your Solid login: Authorization: DPoP <access token> with a DPoP proof (the consent page\'s session does this)');
    }
    const claims = claimsOf(authorization.slice(5));
    const { webid, iss } = claims;
    if (typeof webid !== 'string' || typeof iss !== 'string') throw unauthenticated('the access token names no WebID or issuer');
    if (options.podServers && !(isWithin(webid, options.podServers) && isWithin(iss, options.podServers))) {
      throw new ProblemError(problem(403, 'not-served', 'Not a patient of this gateway',
        `this gateway serves patients of ${options.podServers.join(', ')}; ${webid} is not one of them`));
    }
    // The proof is bound to the URL the patient's client called: the gateway's public URL for this path.
    const url = new URL(req.originalUrl.replace(/^\/+/, '').replace(/[?#].*$/, ''), options.publicUrl()).href;
    try {
      const payload = await verify(authorization, { header: dpop, method: req.method as RequestMethod, url });
      return payload.webid;
    } catch (error) {
      throw unauthenticated(`your login could not be verified (${(error as Error).message}); log in again`);
    }
  };
}
