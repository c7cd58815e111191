/**
 * Pairing a device with a patient (docs/gateway.md, "Pairing"): the wire
 * format of the gateway's pairing endpoints, shared by the gateway that
 * serves them and by everyone who calls them (the consent page, the
 * simulator, `npm start`'s demo pairing, tests and benchmarks), and the
 * small clients those callers use. Pure data and fetch: no Node-only
 * imports, so the consent page's bundle can use it.
 *
 * The model is the OAuth 2.0 Device Authorization Grant (RFC 8628):
 *
 *   device    POST /pairings { device, kinds }          -> user code + device code
 *   patient   GET  /pairings/{userCode}                 -> who asks, for which kinds
 *   patient   POST /pairings/{userCode} { decision }    -> approve (some kinds) or refuse
 *   device    POST /token grant_type=device_code        -> pending ... then the credential
 *   patient   GET  /devices, DELETE /devices/{id}        -> my devices, revoke
 *
 * Patient calls carry the patient's Solid-OIDC session (a DPoP-bound access
 * token from their pod server; `fetch` below is that session's fetch). The
 * device's credential is sent as `Authorization: Bearer` on every reading.
 */
import type { KindId } from '../../vocab/catalogue.ts';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RFC 8628 §6.1: consonants only (no words, no 0/O or 1/I to confuse), easy to read aloud and type. */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** 'bcdf ghjk', 'BCDF-GHJK' -> 'BCDFGHJK'; undefined when it cannot be a user code. */
export function normaliseUserCode(input: string): string | undefined {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== USER_CODE_LENGTH) return undefined;
  return [...code].every((c) => USER_CODE_ALPHABET.includes(c)) ? code : undefined;
}

/** 'BCDFGHJK' -> 'BCDF-GHJK', as shown to people. */
export const formatUserCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;

/** What a device says it is. `id` is its serial number, unique for its model. */
export interface DeviceDescription {
  readonly id: string;
  readonly model: string;
  readonly manufacturer?: string;
  /** A name the patient may recognise ("Oximeter in the living room"). */
  readonly name?: string;
}

/** POST /pairings: a device (or a platform, on a device's behalf) asks to write these kinds. */
export interface PairingRequest {
  readonly device: DeviceDescription;
  readonly kinds: readonly KindId[];
  /** Sent by a platform that knows the patient by an identifier; bound to whoever approves, for that platform only. */
  readonly patientIdentifier?: { readonly system: string; readonly value: string };
}

/** RFC 8628 §3.2, the answer to POST /pairings. */
export interface DeviceAuthorization {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete: string;
  /** Seconds. */
  readonly expires_in: number;
  /** Seconds between polls. */
  readonly interval: number;
}

/** The credential a device gets once the patient approved (POST /token, device_code grant). */
export interface DeviceToken {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  /** The pairing's id (also the id under GET /devices). */
  readonly pairing: string;
  /** The patient's WebID: the one patient this credential writes for. */
  readonly patient: string;
  /** The kinds the patient approved: the only kinds this credential writes. */
  readonly kinds: readonly KindId[];
}

/** GET /pairings/{userCode}: what the patient is asked to approve. */
export interface PairingRequestView {
  readonly userCode: string;
  /** Who will write into the pod: the gateway's WebID (it gets Append on the approved kinds) and its name. */
  readonly vendor: { readonly webId: string; readonly name: string };
  /** Present when a registered platform asked on the device's behalf. */
  readonly platform?: { readonly clientId: string; readonly name: string };
  readonly device: DeviceDescription;
  readonly kinds: readonly KindId[];
  /** ISO 8601. */
  readonly expiresAt: string;
}

export type PairingDecision = { readonly decision: 'approve'; readonly kinds: readonly KindId[] } | { readonly decision: 'refuse' };

/** GET /devices (the caller's own), the answer to an approval, and to DELETE /devices/{id}. */
export interface PairedDevice {
  readonly id: string;
  readonly vendor: { readonly webId: string; readonly name: string };
  readonly platform?: { readonly clientId: string; readonly name: string };
  readonly device: DeviceDescription;
  readonly kinds: readonly KindId[];
  /** ISO 8601. */
  readonly pairedAt: string;
  readonly lastReadingAt?: string;
  readonly revokedAt?: string;
  /** Readings acknowledged for this pairing and not yet in the pod (they are delivered even after a revoke). */
  readonly pendingReadings: number;
}

/**
 * Which kinds each vendor must still be able to append to in this patient's
 * pod: those of every active pairing, and of revoked ones whose acknowledged
 * readings are still being delivered (acknowledged means never lost). The
 * consent page makes the pod's ACLs say exactly this.
 */
export function appendersByKind(devices: readonly PairedDevice[]): Map<KindId, Set<string>> {
  const byKind = new Map<KindId, Set<string>>();
  for (const d of devices) {
    if (d.revokedAt !== undefined && d.pendingReadings === 0) continue;
    for (const kind of d.kinds) {
      const writers = byKind.get(kind) ?? new Set<string>();
      writers.add(d.vendor.webId);
      byKind.set(kind, writers);
    }
  }
  return byKind;
}

/** A problem+json answer from the gateway, as an Error whose message is the gateway's own words. */
export class GatewayError extends Error {
  constructor(readonly status: number, readonly type: string, message: string, readonly body: Record<string, unknown> = {}) {
    super(message);
  }
}

async function answer<T>(response: Response, what: string): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.ok) return body as T;
  const detail = typeof body.detail === 'string' ? body.detail : typeof body.error_description === 'string' ? body.error_description : `HTTP ${response.status}`;
  throw new GatewayError(response.status, String(body.error ?? body.type ?? ''), `${what}: ${detail}`, body);
}

const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Device: asks to pair (RFC 8628 §3.1). */
export async function requestPairing(gatewayUrl: string, request: PairingRequest, fetchFn: typeof fetch = fetch): Promise<DeviceAuthorization> {
  return answer(await fetchFn(new URL('pairings', gatewayUrl), json('POST', request)), 'the gateway did not start a pairing');
}

export type TokenPoll =
  | { readonly state: 'approved'; readonly token: DeviceToken }
  | { readonly state: 'pending' | 'slow_down' | 'refused' | 'expired' };

/** Device: asks once whether the patient has decided (RFC 8628 §3.4-3.5). */
export async function pollPairing(gatewayUrl: string, deviceCode: string, fetchFn: typeof fetch = fetch): Promise<TokenPoll> {
  const response = await fetchFn(new URL('token', gatewayUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: DEVICE_CODE_GRANT, device_code: deviceCode }).toString(),
  });
  if (response.ok) return { state: 'approved', token: (await response.json()) as DeviceToken };
  const states: Record<string, TokenPoll['state']> = {
    authorization_pending: 'pending', slow_down: 'slow_down', access_denied: 'refused', expired_token: 'expired',
  };
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const state = states[String(body.error)];
  if (response.status === 400 && state) return { state } as TokenPoll;
  return answer(new Response(JSON.stringify(body), { status: response.status }), 'the gateway did not answer the poll');
}

/** Device: polls at the interval the gateway asked for until the patient decides or the code expires. */
export async function awaitPairing(gatewayUrl: string, authorization: DeviceAuthorization, fetchFn: typeof fetch = fetch): Promise<DeviceToken> {
  let intervalMs = authorization.interval * 1000;
  const deadline = Date.now() + authorization.expires_in * 1000;
  while (Date.now() < deadline) {
    const poll = await pollPairing(gatewayUrl, authorization.device_code, fetchFn);
    if (poll.state === 'approved') return poll.token;
    if (poll.state === 'refused') throw new GatewayError(400, 'access_denied', 'the patient refused the pairing');
    if (poll.state === 'expired') break;
    if (poll.state === 'slow_down') intervalMs += 5000; // RFC 8628 §3.5
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new GatewayError(400, 'expired_token', `the code ${formatUserCode(authorization.user_code)} expired before the patient approved it`);
}

/** Patient: what a code asks for. `fetchFn` is the patient's Solid session's fetch. */
export async function lookUpPairing(gatewayUrl: string, userCode: string, fetchFn: typeof fetch): Promise<PairingRequestView> {
  return answer(await fetchFn(new URL(`pairings/${encodeURIComponent(userCode)}`, gatewayUrl)), 'the code could not be looked up');
}

/** Patient: approves some kinds, or refuses. Write the pod's ACL first (appendersByKind): the device may send at once. */
export async function decidePairing(gatewayUrl: string, userCode: string, decision: PairingDecision, fetchFn: typeof fetch): Promise<PairedDevice | { refused: true }> {
  return answer(await fetchFn(new URL(`pairings/${encodeURIComponent(userCode)}`, gatewayUrl), json('POST', decision)), 'the decision was not recorded');
}

/** Patient: my paired devices (revoked ones too, while the gateway remembers them). */
export async function listMyDevices(gatewayUrl: string, fetchFn: typeof fetch): Promise<PairedDevice[]> {
  const { devices } = await answer<{ devices: PairedDevice[] }>(await fetchFn(new URL('devices', gatewayUrl)), 'your devices could not be listed');
  return devices;
}

/** Patient: revokes a pairing; its next request is refused. */
export async function revokeDevice(gatewayUrl: string, id: string, fetchFn: typeof fetch): Promise<PairedDevice> {
  return answer(await fetchFn(new URL(`devices/${encodeURIComponent(id)}`, gatewayUrl), { method: 'DELETE' }), 'the device was not revoked');
}

/**
 * Both sides of one pairing, for a caller holding the patient's session
 * itself (`npm start`'s demo devices, the fault run, benchmarks): the device
 * asks, the patient looks the code up and approves every kind asked for, the
 * device's poll gets its credential. `beforeApproval` writes the pod's side
 * first (the vendor's Append on those kinds): a device may send at once.
 */
export async function pairWithPatient(
  gatewayUrl: string,
  request: PairingRequest,
  patientFetch: typeof fetch,
  beforeApproval: (asked: PairingRequestView) => Promise<void> = async () => {},
): Promise<{ readonly token: DeviceToken; readonly userCode: string }> {
  const authorization = await requestPairing(gatewayUrl, request);
  const asked = await lookUpPairing(gatewayUrl, authorization.user_code, patientFetch);
  await beforeApproval(asked);
  await decidePairing(gatewayUrl, authorization.user_code, { decision: 'approve', kinds: asked.kinds }, patientFetch);
  return { token: await awaitPairing(gatewayUrl, authorization), userCode: authorization.user_code };
}
