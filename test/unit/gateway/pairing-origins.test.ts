/**
 * Approving a pairing makes the gateway fetch the patient's public profile
 * (their pod): only on the pod servers it delivers to (compared by origin,
 * not by string prefix), and never following a redirect. Real HTTP on
 * 127.0.0.1: an allowed "pod server" and a target elsewhere that counts every
 * request it gets; the target must get none. The gateway runs in-process over
 * a fake pod, with test patients (fixtures.ts) in place of Solid logins, so
 * this is the approval's own check, behind the login's.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type Gateway } from '../../../apps/gateway/gateway.ts';
import { decidePairing, requestPairing } from '../../../apps/shared/pairing.ts';
import { BASE, VENDOR, tempDir, testPatient, testPatientVerifier } from './fixtures.ts';

const listen = (server: Server, port: number) => new Promise<void>((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', () => resolve());
});
const close = (server: Server) => new Promise<void>((resolve) => {
  server.closeAllConnections();
  server.close(() => resolve());
});

let targetHits = 0;
/** Answers a valid profile (so that reaching it would pair), and counts. */
const target = createServer((req, res) => {
  targetHits += 1;
  const here = `http://${req.headers.host}`;
  res.writeHead(200, { 'content-type': 'text/turtle' })
    .end(`<${here}${req.url}#me> <http://www.w3.org/ns/pim/space#storage> <${here}/alice/>.`);
});
/** The allowed pod server: redirects one profile to the target. */
const allowed = createServer((req, res) => {
  res.writeHead(302, { location: `http://127.0.0.1:${targetPort}${req.url}` }).end();
});
let targetPort = 0;
let allowedPort = 0;
let dir: Awaited<ReturnType<typeof tempDir>>;
const gateways: Gateway[] = [];

/** Ports T and A with String(T) starting with String(A) (T = 10 A + d): a string-prefix check mistakes one for the other. */
beforeAll(async () => {
  for (let attempt = 0; ; attempt++) {
    targetPort = 20_000 + Math.floor(Math.random() * 45_000);
    allowedPort = Math.floor(targetPort / 10);
    try {
      await listen(target, targetPort);
    } catch {
      if (attempt > 20) throw new Error('no free port pair');
      continue;
    }
    try {
      await listen(allowed, allowedPort);
      break;
    } catch {
      await close(target);
      if (attempt > 20) throw new Error('no free port pair');
    }
  }
  dir = await tempDir();
});
afterAll(async () => {
  for (const g of gateways) await g.stop();
  await close(target);
  await close(allowed);
  await dir.remove();
});

/** The patient `webId` approves a device's pairing on a gateway delivering to `podServers`; the gateway's answer. */
async function approveOn(podServers: string[], webId: string): Promise<{ status: number; body: any }> {
  const gateway = await startGateway({
    port: 0,
    dataDir: `${dir.path}/${gateways.length}`,
    credentials: { webId: VENDOR, clientId: 'id', clientSecret: 'secret', oidcIssuer: BASE },
    podServers,
    verifyPatient: testPatientVerifier,
    append: async () => ({ ok: true, status: 205 }),
  });
  gateways.push(gateway);
  const { user_code: code } = await requestPairing(gateway.url, { device: { id: 'OX-1', model: 'PulseOx' }, kinds: ['oxygen-saturation'] });
  try {
    await decidePairing(gateway.url, code, { decision: 'approve', kinds: ['oxygen-saturation'] }, testPatient(webId).fetch);
    return { status: 200, body: {} };
  } catch (error) {
    const e = error as { status: number; body: unknown };
    return { status: e.status, body: e.body };
  }
}

describe('approving a pairing fetches a profile only where the gateway delivers', () => {
  it('refuses a WebID whose URL merely starts with an allowed base (another port), without fetching it', async () => {
    const before = targetHits;
    const answer = await approveOn([`http://127.0.0.1:${allowedPort}`], `http://127.0.0.1:${targetPort}/alice/profile/card#me`);
    expect({ status: answer.status, hits: targetHits - before }).toEqual({ status: 403, hits: 0 });
    expect(answer.body.detail).toContain('nothing of it is fetched');
  });

  it('does not follow a profile that redirects to another origin', async () => {
    const before = targetHits;
    const answer = await approveOn([`http://127.0.0.1:${allowedPort}/`], `http://127.0.0.1:${allowedPort}/alice/profile/card#me`);
    expect({ status: answer.status, hits: targetHits - before }).toEqual({ status: 422, hits: 0 });
    expect(answer.body.detail).toMatch(/HTTP 302/);
  });
});
