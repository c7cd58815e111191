/**
 * The pairing endpoints (docs/gateway.md, "Pairing"; wire format in
 * apps/shared/pairing.ts). The device flow of RFC 8628:
 *
 *   POST /pairings            device (or a platform for it): user code + device code
 *   POST /token               device polls (device_code grant); platforms' client_credentials are handed on
 *   GET  /pairings/{code}     patient: who asks, for which kinds
 *   POST /pairings/{code}     patient: approve some kinds, or refuse
 *   GET  /devices             patient: my pairings
 *   DELETE /devices/{id}      patient: revoke
 *
 * Patient calls are verified Solid-OIDC (auth/patient.ts); wrong user codes
 * lock the caller and its address out (pairing/guesses.ts).
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { sendProblem } from '../../shared/http-errors.ts';
import { DEVICE_CODE_GRANT, formatUserCode, normaliseUserCode, type DeviceAuthorization, type DeviceToken } from '../../shared/pairing.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { clientAddress, rateLimit, PAIRING_RATE_LIMIT, type RateLimit } from '../../shared/rate-limit.ts';
import { isWithin } from '../../shared/same-origin.ts';
import { checkServed, type PatientVerifier } from '../auth/patient.ts';
import { inPairing } from '../auth/scope.ts';
import type { Outbox } from '../outbox/outbox.ts';
import { WrongGuesses } from '../pairing/guesses.ts';
import { PAIRING_LIFETIME_S, POLL_INTERVAL_S, PendingAuthorizations, type PollError } from '../pairing/pending.ts';
import { discoverStorage, ProfileError } from '../pairing/profile.ts';
import { deviceView, parseDecision, parsePairingRequest, requestView } from '../pairing/requests.ts';
import type { Pairing, PairingStore, Party, Platform } from '../pairing/store.ts';
import { methodNotAllowed, requireContentType } from './middleware.ts';

export interface PairingRoutesDeps {
  readonly store: PairingStore;
  readonly outbox: Outbox;
  /** The gateway's WebID and name, shown to the patient: who will write into their pod. */
  readonly vendor: Party;
  /** The consent page, where the patient enters a code (verification_uri is its #devices view). */
  readonly consentUrl: string;
  /** The gateway's public base URL (DPoP proofs and the token endpoint are bound to it). */
  readonly publicUrl: () => string;
  readonly verifyPatient: PatientVerifier;
  /** Pod servers whose patients may pair; absent: any. */
  readonly podServers?: readonly string[];
  readonly discoverStorage?: (webId: string) => Promise<string>;
  /** POST /token grant_type=client_credentials (auth/platforms.ts); absent: unsupported_grant_type. */
  readonly clientCredentials?: (form: Record<string, string>, tokenEndpoint: string) => Promise<{ access_token: string; token_type: 'Bearer'; expires_in: number }>;
  /** A platform's Bearer token on POST /pairings; absent: platforms are not accepted. */
  readonly verifyPlatformToken?: (token: string) => Platform | undefined;
  /** POST /pairings per client IP; default PAIRING_RATE_LIMIT. */
  readonly pairingRateLimit?: RateLimit;
  readonly now?: () => number;
}

const oauthError = (status: number, error: string, detail: string) =>
  new ProblemError(problem(status, error, error.replace(/_/g, ' '), detail, { error, error_description: detail }));

const POLL_ERRORS: Record<PollError, string> = {
  authorization_pending: 'the patient has not decided yet; poll again after the interval',
  slow_down: 'polled faster than the interval; wait 5 s longer between polls from now on',
  access_denied: 'the patient refused the pairing',
  expired_token: 'the code expired before the patient decided; ask for a new one (POST /pairings)',
  invalid_grant: 'unknown device code, or its credential was already given out; ask for a new pairing (POST /pairings)',
};

/** Express 4 does not pass a rejected promise on: route errors to the problem handler. */
const handle = (fn: (req: Request, res: Response) => Promise<unknown>) =>
  (req: Request, res: Response, next: NextFunction) => void fn(req, res).catch(next);

export function pairingRoutes(deps: PairingRoutesDeps): express.Router {
  const { store, vendor } = deps;
  const pending = new PendingAuthorizations(deps.now);
  const guesses = new WrongGuesses(deps.now);
  const router = express.Router();
  const json = [requireContentType(['application/json']), express.json({ limit: '16kb', strict: true })];
  const served = (iri: string) => !deps.podServers || isWithin(iri, deps.podServers);
  const pendingOf = (p: Pairing) => deps.outbox.pendingEntries().filter((e) => inPairing(p, e.document)).length;

  router.post('/pairings', rateLimit(deps.pairingRateLimit ?? PAIRING_RATE_LIMIT, 'pairing requests'), ...json, (req, res) => {
    let platform: Platform | undefined;
    const authorization = req.get('authorization');
    if (authorization !== undefined) {
      const token = /^Bearer (hvp_\S+)$/.exec(authorization)?.[1];
      platform = token ? deps.verifyPlatformToken?.(token) : undefined;
      if (!platform) {
        res.set('www-authenticate', 'Bearer realm="helsevev-gateway", error="invalid_token"');
        throw new ProblemError(problem(401, 'unauthenticated', 'A valid platform token is required',
          'a device asks to pair without Authorization; a platform sends its access token (hvp_..., from POST /token), and this one is unknown or expired'));
      }
    }
    const request = parsePairingRequest(req.body);
    const started = pending.start(request, platform, platform ? `platform:${platform.clientId}` : `address:${clientAddress(req)}`);
    if ('refused' in started) {
      const after = { retryAfterSeconds: started.retryAfterS };
      throw new ProblemError(started.refused === 'requester'
        ? problem(429, 'too-many-pairings-waiting', 'Too many pairing requests waiting',
          `this ${platform ? 'platform' : 'address'} already has the most pairing codes allowed waiting for a patient; let them be used or expire (in ${started.retryAfterS} s)`, after)
        : problem(503, 'pairing-table-full', 'Pairing is busy',
          `the gateway holds as many waiting pairing codes as it keeps; ask again in ${started.retryAfterS} s`, after));
    }
    const code = formatUserCode(started.userCode);
    const answer: DeviceAuthorization = {
      device_code: started.deviceCode,
      user_code: code,
      verification_uri: `${deps.consentUrl}#devices`,
      verification_uri_complete: `${deps.consentUrl}?code=${code}#devices`,
      expires_in: PAIRING_LIFETIME_S,
      interval: POLL_INTERVAL_S,
    };
    res.set('cache-control', 'no-store').json(answer);
  });
  router.all('/pairings', methodNotAllowed(['POST']));

  router.post('/token', requireContentType(['application/x-www-form-urlencoded', 'application/json']),
    express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }), handle(async (req, res) => {
      const form: Record<string, string> = {};
      for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') form[k] = v;
      res.set('cache-control', 'no-store');
      if (form.grant_type === 'client_credentials') {
        if (!deps.clientCredentials) throw oauthError(400, 'unsupported_grant_type', 'this gateway has no platforms registered; devices pair with the device_code grant');
        return res.json(await deps.clientCredentials(form, new URL('token', deps.publicUrl()).href));
      }
      if (form.grant_type !== DEVICE_CODE_GRANT) {
        throw form.grant_type === undefined
          ? oauthError(400, 'invalid_request', `grant_type is required: ${DEVICE_CODE_GRANT} (a device) or client_credentials (a platform)`)
          : oauthError(400, 'unsupported_grant_type', `use ${DEVICE_CODE_GRANT} (a device) or client_credentials (a platform)`);
      }
      if (!form.device_code) throw oauthError(400, 'invalid_request', 'device_code is required: the one POST /pairings answered with');
      const poll = pending.poll(form.device_code);
      if ('error' in poll) throw oauthError(400, poll.error, POLL_ERRORS[poll.error]);
      return res.json(poll.token);
    }));
  router.all('/token', methodNotAllowed(['POST']));

  /** The patient, then their code, past the lockout: the pending authorization, or a ProblemError. */
  const patientAndCode = async (req: Request) => {
    const webId = await deps.verifyPatient(req);
    const keys = [`webid ${webId}`, `ip ${clientAddress(req)}`];
    const wait = guesses.lockedFor(keys);
    if (wait > 0) {
      throw new ProblemError(problem(429, 'too-many-wrong-codes', 'Too many wrong codes',
        `too many wrong codes from your login or address; wait ${wait} s and type the code from the device again`, { retryAfterSeconds: wait }));
    }
    const code = normaliseUserCode(String(req.params.code));
    const authorization = code === undefined ? undefined : req.method === 'POST' ? pending.claim(code) : pending.lookUp(code);
    if (!authorization) {
      guesses.record(keys);
      throw new ProblemError(problem(404, 'unknown-code', 'No such code',
        'no device is waiting with this code: check it against the device\'s screen; codes expire after 10 minutes and work once'));
    }
    return { webId, authorization };
  };

  router.get('/pairings/:code', handle(async (req, res) => {
    const { authorization } = await patientAndCode(req);
    res.set('cache-control', 'no-store').json(requestView(authorization, vendor));
  }));
  router.post('/pairings/:code', ...json, handle(async (req, res) => {
    const { webId, authorization } = await patientAndCode(req);
    try {
      const decision = parseDecision(req.body, authorization.request.kinds);
      if (decision.decision === 'refuse') {
        pending.decide(authorization, 'refused');
        return res.json({ refused: true });
      }
      checkServed(webId, deps.podServers);
      const storage = await (deps.discoverStorage ?? discoverStorage)(webId);
      if (!served(storage)) throw new ProfileError(`your profile names a pod at ${storage}, which is not on a pod server this gateway delivers to`);
      const { pairing, credential } = await store.pair({
        vendor, request: authorization.request, ...(authorization.platform ? { platform: authorization.platform } : {}),
        patient: webId, storage, kinds: decision.kinds,
      });
      const token: DeviceToken = { access_token: credential, token_type: 'Bearer', pairing: pairing.id, patient: webId, kinds: pairing.kinds };
      pending.decide(authorization, { token });
      return res.json(deviceView(pairing, 0));
    } catch (error) {
      pending.release(authorization);
      throw error;
    }
  }));
  router.all('/pairings/:code', methodNotAllowed(['GET', 'POST']));

  router.get('/devices', handle(async (req, res) => {
    const webId = await deps.verifyPatient(req);
    res.set('cache-control', 'no-store').json({ devices: store.ofPatient(webId).map((p) => deviceView(p, pendingOf(p))) });
  }));
  router.all('/devices', methodNotAllowed(['GET']));
  router.delete('/devices/:id', handle(async (req, res) => {
    const webId = await deps.verifyPatient(req);
    const pairing = await store.revoke(webId, String(req.params.id));
    if (!pairing) return sendProblem(res, problem(404, 'unknown-device', 'No such device', 'you have no paired device with this id; GET /devices lists yours'));
    res.json(deviceView(pairing, pendingOf(pairing)));
  }));
  router.all('/devices/:id', methodNotAllowed(['DELETE']));
  return router;
}
