/**
 * The clinician service never follows a pod server to another origin: real
 * HTTP on 127.0.0.1, an allowed "pod server" whose documents redirect (302)
 * to a target on another port that counts every request; the target must get
 * none. A patient's profile names the storage, so the measurement documents
 * fetched below it, the team's thresholds and the notification discovery
 * are each a place where a hostile or hijacked server could pass us on.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSubscriptionService } from '../../../apps/shared/solid-notifications.ts';
import { readThresholds } from '../../../apps/shared/thresholds.ts';
import { appendQuads } from '../../../apps/shared/append.ts';
import { DataFactory } from 'n3';
import { fetchDocuments } from '../../../apps/clinician/engine/documents.ts';
import { podOf, PodServers, ProfileCache } from '../../../apps/clinician/engine/profiles.ts';

async function serve(handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let hits = 0;
let target: Awaited<ReturnType<typeof serve>>;
let pod: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
  target = await serve((req, res) => {
    hits += 1;
    res.writeHead(200, { 'content-type': 'text/turtle' }).end('<#a> <http://x/p> "1" .');
  });
  pod = await serve((req, res) => {
    const url = req.url ?? '/';
    if (url === '/alice/profile/card') {
      res.writeHead(200, { 'content-type': 'text/turtle' }).end(`<#me> <http://www.w3.org/ns/pim/space#storage> <${pod.origin}/alice/>.`);
    } else if (url === '/alice/topic') {
      // A storage description on another origin: the dashboard must not go there with its session.
      res.writeHead(200, { link: `<${target.origin}/description>; rel="http://www.w3.org/ns/solid/terms#storageDescription"` }).end();
    } else {
      res.writeHead(302, { location: `${target.origin}${url}` }).end();
    }
  });
});
afterAll(async () => {
  for (const s of [target, pod]) {
    s.server.closeAllConnections();
    await new Promise((resolve) => s.server.close(resolve));
  }
});

describe('the clinician service does not follow a pod server elsewhere', () => {
  it('reads a measurement document below a profile\'s storage without following its redirect', async () => {
    const servers = new PodServers([pod.origin]);
    const { pod: patient } = await podOf(`${pod.origin}/alice/profile/card#me`, { servers, cache: new ProfileCache() });
    const before = hits;
    const { results } = await fetchDocuments([{ url: `${patient.storage}health/measurements/heart-rate/2026-01.ttl` }], { fetch });
    expect({ status: results[0]!.status, quads: results[0]!.quads.length, hits: hits - before }).toEqual({ status: 'invalid', quads: 0, hits: 0 });
    expect(results[0]!.detail).toMatch(/302/);
  });

  it('reads no thresholds through a redirect', async () => {
    const before = hits;
    expect(await readThresholds(fetch, `${pod.origin}/ous/teams/lungeteam-thresholds`)).toEqual({ thresholds: [], status: 302 });
    expect(hits - before).toBe(0);
  });

  it('does not send an append (a note, a mark, a reading) on through a redirect', async () => {
    const before = hits;
    const { namedNode, literal, quad } = DataFactory;
    const document = `${pod.origin}/alice/health/notes/2026-01.ttl`;
    const outcome = await appendQuads(fetch, document, [quad(namedNode(`${document}#n`), namedNode('http://x/p'), literal('1'))]);
    expect({ ok: outcome.ok, hits: hits - before }).toEqual({ ok: false, hits: 0 });
  });

  it('does not fetch a storage description on another origin than the resource', async () => {
    const before = hits;
    expect(await findSubscriptionService(fetch, `${pod.origin}/alice/topic`)).toBeUndefined();
    expect(hits - before).toBe(0);
  });
});
