/**
 * Pairing in-process (no CSS; test patients stand in for Solid logins, see
 * fixtures.ts): the device flow's answers (RFC 8628), the patient's decisions,
 * the lockout on wrong codes, revocation, and what is stored on disk. Expiry
 * and the lockout window run on a fake clock.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../apps/gateway/gateway.ts';
import { MAX_WRONG, WRONG_WINDOW_MS, WrongGuesses } from '../../../apps/gateway/pairing/guesses.ts';
import { MAX_PENDING_PER_REQUESTER, PAIRING_LIFETIME_S, PendingAuthorizations } from '../../../apps/gateway/pairing/pending.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../../apps/shared/fhir/identifiers.ts';
import {
  decidePairing, listMyDevices, lookUpPairing, pollPairing, requestPairing, revokeDevice, type DeviceAuthorization,
} from '../../../apps/shared/pairing.ts';
import type { KindId } from '../../../vocab/catalogue.ts';
import { bearer, pairDevice } from '../../support/pairing.ts';
import { BASE, VENDOR, tempDir, testPatient, testPatientVerifier } from './fixtures.ts';

let dir: Awaited<ReturnType<typeof tempDir>>;
let gateway: Gateway;
const hans = testPatient(`${BASE}hans/profile/card#me`);
const kari = testPatient(`${BASE}kari/profile/card#me`);
const device = { id: 'OX-1', model: 'PulseOx 2', manufacturer: 'Nonin' };

beforeAll(async () => {
  dir = await tempDir();
  gateway = await startGateway({
    port: 0, dataDir: dir.path, demoPodBaseUrl: BASE, verifyPatient: testPatientVerifier,
    credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
    discoverStorage: async (webId) => webId.replace(/profile\/card#me$/, ''),
    append: async () => ({ ok: true, status: 205 }),
  });
});
afterAll(async () => {
  await gateway.stop();
  await dir.remove();
});

const ask = (kinds: readonly KindId[] = ['oxygen-saturation', 'heart-rate']): Promise<DeviceAuthorization> => requestPairing(gateway.url, { device, kinds });
const send = (token: string, body: unknown = { kind: 'oxygen-saturation', value: 95, unit: '%', effectiveTime: '2026-01-05T08:00:00Z', device: 'OX-1' }) =>
  fetch(new URL('/readings', gateway.url), { method: 'POST', headers: { 'content-type': 'application/json', ...bearer(token) }, body: JSON.stringify(body) });
const failure = (promise: Promise<unknown>) => promise.then(() => ({ status: 200, type: '' }), (e: { status: number; type: string }) => ({ status: e.status, type: e.type }));

describe('the device flow', () => {
  it('answers a code to read aloud and a device code, then the credential once the patient approved, once', async () => {
    const authorization = await ask();
    expect(authorization).toMatchObject({
      user_code: expect.stringMatching(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/), expires_in: 600, interval: 5,
      verification_uri: 'http://localhost:3002/#devices', verification_uri_complete: `http://localhost:3002/?code=${authorization.user_code}#devices`,
    });
    expect(Buffer.from(authorization.device_code, 'base64url')).toHaveLength(32);
    expect(await pollPairing(gateway.url, authorization.device_code)).toEqual({ state: 'pending' });
    expect(await pollPairing(gateway.url, authorization.device_code)).toEqual({ state: 'slow_down' });
    const view = await lookUpPairing(gateway.url, authorization.user_code.toLowerCase().replace('-', ' '), hans.fetch);
    expect(view).toMatchObject({ vendor: { webId: VENDOR, name: 'Hjemmemåling AS' }, device, kinds: ['oxygen-saturation', 'heart-rate'] });
    const paired = await decidePairing(gateway.url, authorization.user_code, { decision: 'approve', kinds: ['heart-rate'] }, hans.fetch);
    expect(paired).toMatchObject({ kinds: ['heart-rate'], pendingReadings: 0 });
    const poll = await pollPairing(gateway.url, authorization.device_code);
    expect(poll).toMatchObject({ state: 'approved', token: { token_type: 'Bearer', patient: `${BASE}hans/profile/card#me`, kinds: ['heart-rate'] } });
    expect(await failure(pollPairing(gateway.url, authorization.device_code))).toEqual({ status: 400, type: 'invalid_grant' });
  });

  it('tells the device the patient refused, and the code is gone', async () => {
    const authorization = await ask();
    expect(await decidePairing(gateway.url, authorization.user_code, { decision: 'refuse' }, kari.fetch)).toEqual({ refused: true });
    expect(await pollPairing(gateway.url, authorization.device_code)).toEqual({ state: 'refused' });
    expect(await failure(lookUpPairing(gateway.url, authorization.user_code, kari.fetch))).toMatchObject({ status: 404 });
  });

  it('lets a patient approve only kinds the device asked for, and only once', async () => {
    const authorization = await ask(['oxygen-saturation']);
    expect(await failure(decidePairing(gateway.url, authorization.user_code, { decision: 'approve', kinds: ['blood-glucose'] }, kari.fetch))).toMatchObject({ status: 422 });
    expect(await failure(decidePairing(gateway.url, authorization.user_code, { decision: 'approve', kinds: [] }, kari.fetch))).toMatchObject({ status: 422 });
    await decidePairing(gateway.url, authorization.user_code, { decision: 'approve', kinds: ['oxygen-saturation'] }, kari.fetch);
    expect(await failure(decidePairing(gateway.url, authorization.user_code, { decision: 'approve', kinds: ['oxygen-saturation'] }, hans.fetch))).toMatchObject({ status: 404 });
  });

  it('refuses unknown kinds and devices without a serial number or model (422 naming the field)', async () => {
    const r = await fetch(new URL('/pairings', gateway.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: { id: 'x' }, kinds: ['x-ray'] }) });
    expect(r.status).toBe(422);
    const body = await r.json() as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field)).toEqual(['device/model', 'kinds/0']);
  });

  it('needs the patient\'s login for everything a patient does', async () => {
    const { user_code: code } = await ask();
    for (const [path, method] of [[`/pairings/${code}`, 'GET'], [`/pairings/${code}`, 'POST'], ['/devices', 'GET'], ['/devices/x', 'DELETE']] as const) {
      const r = await fetch(new URL(path, gateway.url), { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{"decision":"refuse"}' } : {}) });
      expect([path, method, r.status]).toEqual([path, method, 401]);
    }
  });
});

describe('wrong codes', () => {
  it(`lock the caller out after ${MAX_WRONG} in 15 minutes, even for the right code (429, Retry-After)`, async () => {
    // A gateway of its own: the lockout is per address too, and every test here comes from 127.0.0.1.
    const own = await startGateway({
      port: 0, dataDir: join(dir.path, 'lockout'), demoPodBaseUrl: BASE, verifyPatient: testPatientVerifier,
      credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE }, append: async () => ({ ok: true, status: 205 }),
    });
    const ola = testPatient(`${BASE}ola/profile/card#me`);
    const { user_code: code } = await requestPairing(own.url, { device, kinds: ['heart-rate'] });
    // Wrong, malformed, and the same again: each counts.
    for (const wrong of ['BCDFGHJK', 'AAAA-AAAA', 'BCDFGHJK', 'ZZZZZZZZ', 'BBBBBBBB']) expect(await failure(lookUpPairing(own.url, wrong, ola.fetch))).toMatchObject({ status: 404 });
    const locked = await ola.fetch(new URL(`/pairings/${code}`, own.url));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect(locked.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // The address is locked out too, whoever is logged in.
    expect(await failure(lookUpPairing(own.url, code, hans.fetch))).toMatchObject({ status: 429 });
    await own.stop();
  });

  it('are counted in a sliding window', () => {
    let now = 0;
    const guesses = new WrongGuesses(() => now);
    for (let i = 0; i < MAX_WRONG; i++) guesses.record(['webid a', 'ip 1']);
    expect(guesses.lockedFor(['webid b', 'ip 1'])).toBe(WRONG_WINDOW_MS / 1000);
    expect(guesses.lockedFor(['webid b', 'ip 2'])).toBe(0);
    now = WRONG_WINDOW_MS + 1;
    expect(guesses.lockedFor(['webid a', 'ip 1'])).toBe(0);
  });
});

describe('expiry', () => {
  it('a code expires after 10 minutes: the patient no longer finds it, the device hears expired_token', () => {
    let now = 0;
    const pending = new PendingAuthorizations(() => now);
    const started = pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:10.0.0.1');
    if (!('userCode' in started)) throw new Error('refused');
    const { userCode, deviceCode } = started;
    expect(pending.lookUp(userCode)).toBeDefined();
    now = PAIRING_LIFETIME_S * 1000;
    expect(pending.lookUp(userCode)).toBeUndefined();
    expect(pending.claim(userCode)).toBeUndefined();
    expect(pending.poll(deviceCode)).toEqual({ error: 'expired_token' });
  });
});

describe('a flood of pairing requests', () => {
  it('one address holds at most MAX_PENDING_PER_REQUESTER undecided codes: more is refused, nobody else\'s code is touched', () => {
    let now = 0;
    const pending = new PendingAuthorizations(() => now);
    const patientsCode = pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:10.0.0.1');
    for (let i = 0; i < MAX_PENDING_PER_REQUESTER; i++) pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:6.6.6.6');
    const refused = pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:6.6.6.6');
    expect(refused).toEqual({ refused: 'requester', retryAfterS: PAIRING_LIFETIME_S });
    expect('userCode' in patientsCode && pending.lookUp(patientsCode.userCode)).toBeTruthy();
    // Decided or expired codes no longer count against the address.
    now = PAIRING_LIFETIME_S * 1000;
    expect('userCode' in pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:6.6.6.6')).toBe(true);
  });

  it('when the table is full, new requests wait: a code a patient may be typing is never evicted', () => {
    const now = 0;
    const pending = new PendingAuthorizations(() => now, { perRequester: 5, total: 12 });
    const first = pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:10.0.0.1');
    for (let a = 0; a < 3; a++) {
      for (let i = 0; i < 5; i++) pending.start({ device, kinds: ['heart-rate'] }, undefined, `address:6.6.6.${a}`);
    }
    expect(pending.start({ device, kinds: ['heart-rate'] }, undefined, 'address:10.0.0.2')).toEqual({ refused: 'full', retryAfterS: PAIRING_LIFETIME_S });
    expect('userCode' in first && pending.lookUp(first.userCode)).toBeTruthy();
  });
});

describe('my devices and revocation', () => {
  it('lists only the caller\'s own pairings; another patient can neither see nor revoke them', async () => {
    const ola = testPatient(`${BASE}ola-2/profile/card#me`);
    const token = await pairDevice({ gatewayUrl: gateway.url, patient: ola, kinds: ['oxygen-saturation'], device: { id: 'OLA-1', model: 'PulseOx' } });
    expect((await listMyDevices(gateway.url, ola.fetch)).map((d) => d.id)).toEqual([token.pairing]);
    expect((await listMyDevices(gateway.url, kari.fetch)).map((d) => d.id)).not.toContain(token.pairing);
    expect(await failure(revokeDevice(gateway.url, token.pairing, kari.fetch))).toMatchObject({ status: 404 });
    expect((await send(token.access_token)).status).toBe(202);
    const revoked = await revokeDevice(gateway.url, token.pairing, ola.fetch);
    expect(revoked).toMatchObject({ id: token.pairing, revokedAt: expect.any(String), lastReadingAt: expect.any(String) });
    const after = await send(token.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer realm="helsevev-gateway", error="invalid_token", error_description="revoked"');
    expect((await listMyDevices(gateway.url, ola.fetch))[0]).toMatchObject({ revokedAt: revoked.revokedAt });
  });

  it('refuses a credential with the pairing\'s id and another secret, and one that is not a credential', async () => {
    const token = await pairDevice({ gatewayUrl: gateway.url, patient: hans, kinds: ['oxygen-saturation'] });
    const forged = `${token.access_token.slice(0, 'hvd_'.length + 25)}${'A'.repeat(43)}`;
    const answers = await Promise.all([forged, 'hvd_nothing', 'Basic x'].map(async (t) => (await (await send(t)).json() as { reason: string }).reason));
    expect(answers).toEqual(['unknown', 'malformed', 'malformed']);
    expect((await send(token.access_token)).status).toBe(202);
  });
});

describe('what is stored', () => {
  it('keeps pairings and the identifier key private, with no credential and no identity number in clear', async () => {
    const nationalId = '03916210085';
    const token = await pairDevice({ gatewayUrl: gateway.url, patient: kari, kinds: ['blood-glucose'], patientIdentifier: { system: NO_NATIONAL_ID_SYSTEM, value: nationalId } });
    await gateway.store.close();
    const folder = join(dir.path, 'gateway');
    const text = await readFile(join(folder, 'pairings.json'), 'utf8');
    expect(text).toContain(token.pairing);
    expect(text).not.toContain(token.access_token.slice(-43));
    expect(text).not.toContain(nationalId);
    for (const file of ['pairings.json', 'identifier-key']) expect(((await stat(join(folder, file))).mode & 0o777).toString(8)).toBe('600');
    expect(await readFile(join(folder, 'identifier-key'))).toHaveLength(32);
  });
});
