/**
 * Pairing end to end against a real CSS, with the patient's real Solid login
 * (client credentials, DPoP): kari pairs a device for two kinds, its reading
 * of a paired kind is acknowledged and lands in her pod, a third kind is
 * refused with nothing queued, she revokes it, the next reading is refused,
 * and what was acknowledged before the revoke is still delivered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../apps/gateway/gateway.ts';
import { listMyDevices, revokeDevice, type DeviceToken } from '../../apps/shared/pairing.ts';
import { parseMeasurementsTurtle } from '../../apps/shared/measurement/index.ts';
import { gatewayStatus, postJson, waitForDelivery } from '../support/gateway-process.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let gateway: Gateway;
let kari: typeof fetch;
let token: DeviceToken;

beforeAll(async () => {
  world = await startTestWorld();
  gateway = await startGateway({ port: 0, dataDir: world.dataDir, credentials: world.credentials.vendor!, demoPodBaseUrl: world.baseUrl });
  kari = await world.fetchAs('kari');
  token = await pairDevice({
    gatewayUrl: gateway.url, patient: { fetch: kari, webId: world.accounts.kari!.webId }, kinds: ['oxygen-saturation', 'heart-rate'],
    device: { id: 'OX-4711', model: 'PulseOx 2', manufacturer: 'Nonin' },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await world?.stop();
});

const reading = (kind: string, value: number, unit: string, effectiveTime: string) => ({ kind, value, unit, effectiveTime, device: 'OX-4711' });

async function inPod(document: string): Promise<number[]> {
  const response = await kari(document, { headers: { accept: 'text/turtle' } });
  if (response.status === 404) return [];
  expect(response.status).toBe(200);
  return parseMeasurementsTurtle(await response.text(), document).measurements.map((m) => (m as { value?: number }).value ?? NaN);
}

describe('a device kari paired', () => {
  it('gets a credential for kari and the two kinds she approved', () => {
    expect(token.patient).toBe(world.accounts.kari!.webId);
    expect(token.kinds).toEqual(['oxygen-saturation', 'heart-rate']);
    expect(token.access_token).toMatch(/^hvd_[0-9a-f]{24}_/);
  });

  it('writes a paired kind into her pod, without naming her', async () => {
    const sent = await postJson(gateway.url, '/readings', reading('oxygen-saturation', 94, '%', '2026-03-02T08:00:00+01:00'), 'application/json', bearer(token));
    expect(sent.status).toBe(202);
    await waitForDelivery(gateway.url, 30_000);
    expect(await inPod(`${world.accounts.kari!.podUrl}health/measurements/oxygen-saturation/2026-03.ttl`)).toEqual([94]);
  });

  it('is refused a third kind, and nothing is queued', async () => {
    const before = (await gatewayStatus(gateway.url)).readings;
    const sent = await postJson(gateway.url, '/readings', { readings: [
      reading('heart-rate', 61, '/min', '2026-03-02T08:01:00+01:00'),
      reading('body-weight', 80, 'kg', '2026-03-02T08:02:00+01:00'),
    ] }, 'application/json', bearer(token));
    expect(sent.status).toBe(403);
    expect(sent.type).toContain('application/problem+json');
    expect(sent.body.errors).toEqual([expect.objectContaining({ field: 'readings/1/kind' })]);
    expect((await gatewayStatus(gateway.url)).readings).toEqual(before);
  });

  it('shows under her devices, with its last reading', async () => {
    const devices = await listMyDevices(gateway.url, kari);
    expect(devices).toEqual([expect.objectContaining({
      id: token.pairing, kinds: ['oxygen-saturation', 'heart-rate'], device: expect.objectContaining({ id: 'OX-4711' }),
      lastReadingAt: expect.any(String), pendingReadings: 0,
    })]);
  });

  it('is refused once she revokes it, and what it sent before is still delivered', async () => {
    const sent = await postJson(gateway.url, '/readings', reading('heart-rate', 62, '/min', '2026-03-03T08:00:00+01:00'), 'application/json', bearer(token));
    expect(sent.status).toBe(202);
    const revoked = await revokeDevice(gateway.url, token.pairing, kari);
    expect(revoked.revokedAt).toEqual(expect.any(String));
    const after = await postJson(gateway.url, '/readings', reading('heart-rate', 63, '/min', '2026-03-03T08:05:00+01:00'), 'application/json', bearer(token));
    expect(after.status).toBe(401);
    expect(after.type).toContain('application/problem+json');
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(after.body.reason).toBe('revoked');
    await waitForDelivery(gateway.url, 30_000);
    expect(await inPod(`${world.accounts.kari!.podUrl}health/measurements/heart-rate/2026-03.ttl`)).toEqual([62]);
  });
});
