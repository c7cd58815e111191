/**
 * What a vendor platform may ask the gateway besides sending readings:
 * `POST /patients/lookup` { identifier: { system, value } } -> { webId },
 * for an organisation system that knows a patient by an identifier (a
 * national identity number) and needs their WebID.
 *
 * Only with a platform access token, and only among the patients who paired
 * a device through that platform: anyone else, whether unknown to the
 * gateway or paired through another platform or by a device of their own,
 * is the same 404, so the answer tells a platform nothing about patients who
 * did not choose it. The identifier is never logged or echoed.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendProblem } from '../../shared/http-errors.ts';
import { invalidInput, problem } from '../../shared/problem.ts';

export interface PatientIdentifier {
  readonly system: string;
  readonly value: string;
}

export interface PlatformRoutesDeps {
  /** auth/platforms.ts: the platform a `hvp_` token belongs to, while valid. */
  readonly verifyPlatformToken: (token: string) => { clientId: string; name: string } | undefined;
  /** The WebID of a patient who paired through platform `clientId` and is known by `identifier`; undefined otherwise. */
  readonly findPatient: (clientId: string, identifier: PatientIdentifier) => string | undefined;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** Lets only a platform with a valid access token through (res.locals.platform). */
function requirePlatform(verify: PlatformRoutesDeps['verifyPlatformToken']) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = BEARER.exec(req.get('authorization') ?? '')?.[1];
    const platform = token === undefined ? undefined : verify(token);
    if (platform) {
      res.locals.platform = platform;
      return next();
    }
    res.set('www-authenticate', `Bearer error="${token === undefined ? 'invalid_request' : 'invalid_token'}"`);
    sendProblem(res, problem(401, 'unauthenticated', 'A platform token is needed',
      token === undefined
        ? 'send Authorization: Bearer <access token> from POST /token (grant_type=client_credentials with your signed client assertion)'
        : 'the token is not a valid platform access token (unknown, expired after 5 minutes, or a device\'s credential); get a new one from POST /token'));
  };
}

/** { identifier: { system, value } }, or the problems with it, field by field. */
function parseLookup(body: unknown): { identifier?: PatientIdentifier; errors: { field: string; message: string }[] } {
  const identifier = (body as { identifier?: unknown } | null)?.identifier as Record<string, unknown> | undefined;
  if (typeof identifier !== 'object' || identifier === null || Array.isArray(identifier)) {
    return { errors: [{ field: 'identifier', message: 'must be { "system": identifier system URI, "value": the patient\'s identifier }' }] };
  }
  const errors: { field: string; message: string }[] = [];
  const { system, value } = identifier;
  if (typeof system !== 'string' || !/^(?:urn|https?):\S{1,250}$/.test(system)) errors.push({ field: 'identifier/system', message: 'must be the identifier system URI, e.g. "urn:oid:2.16.578.1.12.4.1.4.1"' });
  if (typeof value !== 'string' || !/^\S{1,128}$/.test(value)) errors.push({ field: 'identifier/value', message: 'must be the identifier (1-128 characters, no spaces)' });
  return errors.length > 0 ? { errors } : { identifier: { system: system as string, value: value as string }, errors };
}

export function platformRoutes(deps: PlatformRoutesDeps): express.Router {
  const router = express.Router();
  router.post('/patients/lookup', requirePlatform(deps.verifyPlatformToken), express.json({ limit: '4kb', strict: true }), (req, res) => {
    if (!req.is('application/json')) {
      return sendProblem(res, problem(415, 'unsupported-media-type', 'Unsupported content type', 'send the body as application/json: { "identifier": { "system", "value" } }'));
    }
    const { identifier, errors } = parseLookup(req.body);
    if (!identifier) return sendProblem(res, invalidInput(errors, 'the lookup needs one identifier'));
    const { clientId } = res.locals.platform as { clientId: string };
    const webId = deps.findPatient(clientId, identifier);
    if (webId === undefined) {
      return sendProblem(res, problem(404, 'unknown-patient', 'No such patient for this platform',
        'no patient who paired a device through your platform is known by this identifier; a patient pairs first (POST /pairings with patientIdentifier, approved by the patient)'));
    }
    res.json({ webId });
  });
  return router;
}
