/**
 * pairWithPatient (apps/shared/pairing.ts): both sides of one pairing in one
 * process. The order is the promise: the pod's side is written before the
 * patient approves (a device may send at once), the patient approves what
 * the code asked for, and the device's credential comes from its poll.
 * The gateway is a fake here (pure ordering); the real one is exercised by
 * the fault run and `npm start`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pairWithPatient, type PairingRequest } from '../../../apps/shared/pairing.ts';

const GATEWAY = 'http://gateway.test/';
const request: PairingRequest = { device: { id: 'GC-1', model: 'GlucoCheck' }, kinds: ['blood-glucose', 'body-weight'] };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('pairWithPatient', () => {
  it('asks, lets the patient look up, writes the pod side, approves what was asked, then polls for the credential', async () => {
    const steps: string[] = [];
    const record = (who: string) => async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      steps.push(`${who} ${init?.method ?? 'GET'} ${url.pathname}${init?.body && who === 'patient' ? ` ${String(init.body)}` : ''}`);
      if (url.pathname === '/pairings') {
        return json({ device_code: 'dc', user_code: 'BCDFGHJK', verification_uri: 'x', verification_uri_complete: 'x', expires_in: 600, interval: 5 });
      }
      if (url.pathname === '/pairings/BCDFGHJK' && (init?.method ?? 'GET') === 'GET') {
        return json({ userCode: 'BCDFGHJK', vendor: { webId: 'https://v.test/#me', name: 'V' }, device: request.device, kinds: ['blood-glucose'], expiresAt: 'x' });
      }
      if (url.pathname === '/pairings/BCDFGHJK') return json({ id: 'p1' });
      return json({ access_token: 'hvd_p1_s', token_type: 'Bearer', pairing: 'p1', patient: 'https://kari.test/#me', kinds: ['blood-glucose'] });
    };
    vi.stubGlobal('fetch', record('device'));
    const { token, userCode } = await pairWithPatient(GATEWAY, request, record('patient') as typeof fetch, async (asked) => {
      steps.push(`pod side for ${asked.vendor.webId}: ${asked.kinds.join(', ')}`);
    });
    expect(steps).toEqual([
      'device POST /pairings',
      'patient GET /pairings/BCDFGHJK',
      'pod side for https://v.test/#me: blood-glucose',
      'patient POST /pairings/BCDFGHJK {"decision":"approve","kinds":["blood-glucose"]}',
      'device POST /token',
    ]);
    expect([token.access_token, userCode]).toEqual(['hvd_p1_s', 'BCDFGHJK']);
  });

  it('does not approve when the pod side could not be written', async () => {
    const patient = vi.fn(async (input: RequestInfo | URL) =>
      json({ userCode: 'BCDFGHJK', vendor: { webId: 'https://v.test/#me', name: 'V' }, device: request.device, kinds: request.kinds, expiresAt: 'x', input: String(input) }));
    vi.stubGlobal('fetch', async () => json({ device_code: 'dc', user_code: 'BCDFGHJK', verification_uri: 'x', verification_uri_complete: 'x', expires_in: 600, interval: 5 }));
    await expect(pairWithPatient(GATEWAY, request, patient as unknown as typeof fetch, async () => {
      throw new Error('412 on the ACL');
    })).rejects.toThrow('412 on the ACL');
    expect(patient).toHaveBeenCalledTimes(1); // the lookup; no decision
  });
});
