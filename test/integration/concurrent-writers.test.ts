/**
 * Concurrent writers to the same month document lose nothing (issue #9).
 * A PATCH makes the pod server read, change and rewrite the whole document,
 * so two writers racing on one document could each rewrite it without the
 * other's triples. Here four real writers append to hans's heart-rate
 * document of one month at the same time, every one through the one write
 * path (apps/shared/append.ts, insert-only N3 Patch):
 * - the vendor, logged in twice (two gateway instances sharing a WebID);
 * - a real gateway process, fed through its HTTP API;
 * - hans himself (the owner may append too);
 * and two clinicians (lunde, nilsen) append "unreliable" notes to hans's
 * notes document of one month at the same time. Afterwards, read as hans,
 * every write that got a 2xx is in the document exactly once.
 */
import { Parser, Store } from 'n3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendQuads, type AppendOutcome } from '../../apps/shared/append.ts';
import {
  measurementDocument, measurementIri, measurementToQuads, parseMeasurementInput, quadsToMeasurements, type Measurement,
} from '../../apps/shared/measurement/index.ts';
import { notesDocument, quadsToUnreliableMarks, unreliableMarkToQuads, type UnreliableMark } from '../../apps/shared/measurement/notes.ts';
import { openPodSession, type PodSession } from '../../apps/shared/pod-session.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { postJson, startGatewayProcess, waitForDelivery, type GatewayProcess } from '../support/gateway-process.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let gateway: GatewayProcess;
let secondVendor: PodSession;

beforeAll(async () => {
  world = await startTestWorld();
  secondVendor = await openPodSession(world.credentials.vendor!);
  gateway = await startGatewayProcess({
    dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--coalesce-ms', '20', '--quiet'],
  });
});

afterAll(async () => {
  await gateway?.kill();
  await secondVendor?.close();
  await world?.stop();
});

const MONTH_START = Date.parse('2026-03-02T00:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One heart-rate reading of hans in March 2026, `minute` minutes into the month; `source` is the writer's WebID. */
function heartRate(device: string, minute: number, source: string): Measurement {
  const parsed = parseMeasurementInput({
    patient: world.accounts.hans!.webId, source, device, kind: 'heart-rate', value: 50 + (minute % 70), unit: '/min',
    effectiveTime: new Date(MONTH_START + minute * 60_000).toISOString(), setting: 'home-municipality',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

/** Appends like the gateway does: retryable failures are tried again; returns the final outcome and how many tries it took. */
async function appendWithRetry(fetchFn: typeof fetch, document: string, quads: Parameters<typeof appendQuads>[2]): Promise<{ outcome: AppendOutcome; tries: number }> {
  for (let tries = 1; ; tries++) {
    const outcome = await appendQuads(fetchFn, document, quads);
    if (outcome.ok || !outcome.retry || tries >= 10) return { outcome, tries };
    await sleep(100 * tries);
  }
}

/** Runs `tasks` with at most `concurrency` at a time. */
async function inParallel(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}

it('four writers appending to one month document at once: every acknowledged reading is there exactly once', async () => {
  const hans = world.accounts.hans!;
  const vendorWebId = world.accounts.vendor!.webId;
  const document = measurementDocument(hans.podUrl, 'heart-rate', new Date(MONTH_START).toISOString());
  const acknowledged = new Map<string, Measurement>();
  const failures: string[] = [];
  let retried = 0;

  /** `patches` PATCHes of `perPatch` readings from `device`, minutes from `firstMinute` on. */
  const patchWriter = (name: string, fetchFn: typeof fetch, source: string, device: string, firstMinute: number, patches: number, perPatch: number) =>
    Array.from({ length: patches }, (_, p) => async () => {
      const batch = Array.from({ length: perPatch }, (_, i) => heartRate(device, firstMinute + p * perPatch + i, source));
      const { outcome, tries } = await appendWithRetry(fetchFn, document, batch.flatMap((m) => measurementToQuads(m, hans.podUrl)));
      retried += tries - 1;
      if (!outcome.ok) return void failures.push(`${name} patch ${p}: ${outcome.reason}`);
      for (const m of batch) acknowledged.set(measurementIri(hans.podUrl, m), m);
    });

  const vendorFetch = await world.fetchAs('vendor');
  const hansFetch = await world.fetchAs('hans');
  // hans pairs the gateway's device for heart rate (#18): its credential, and the vendor's Append on that kind.
  const device = await pairDevice({ gatewayUrl: gateway.url, patient: { fetch: hansFetch, webId: hans.webId }, kinds: ['heart-rate'] });
  // The two vendor sessions also send the same 60 readings ("shared-device"): stored once.
  const vendorA = [
    ...patchWriter('vendor-a', vendorFetch, vendorWebId, 'vendor-a', 1_000, 30, 3),
    ...patchWriter('vendor-a', vendorFetch, vendorWebId, 'shared-device', 0, 20, 3),
  ];
  const vendorB = [
    ...patchWriter('vendor-b', secondVendor.fetch, vendorWebId, 'vendor-b', 2_000, 30, 3),
    ...patchWriter('vendor-b', secondVendor.fetch, vendorWebId, 'shared-device', 0, 20, 3),
  ];
  const owner = patchWriter('hans', hansFetch, hans.webId, 'hans-own', 3_000, 20, 1);
  const throughGateway = Array.from({ length: 15 }, (_, r) => async () => {
    const batch = Array.from({ length: 6 }, (_, i) => heartRate('gateway-device', 5_000 + r * 6 + i, vendorWebId));
    const readings = batch.map((m) => ({ patient: m.patient, kind: m.kind, value: (m as { value: number }).value, unit: '/min', effectiveTime: m.effectiveTime, device: m.device }));
    const answer = await postJson(gateway.url, '/readings', { readings }, 'application/json', bearer(device));
    if (answer.status !== 202) return void failures.push(`gateway request ${r}: ${answer.status} ${JSON.stringify(answer.body)}`);
    for (const m of batch) acknowledged.set(measurementIri(hans.podUrl, m), m);
  });

  // Interleave the writers' requests, each writer with three in flight.
  await Promise.all([inParallel(vendorA, 3), inParallel(vendorB, 3), inParallel(owner, 3), inParallel(throughGateway, 3)]);
  await waitForDelivery(gateway.url, 60_000);
  expect(failures).toEqual([]);

  const response = await hansFetch(document, { headers: { accept: 'text/turtle' } });
  expect(response.status).toBe(200);
  const store = new Store(new Parser({ baseIRI: document }).parse(await response.text()));
  const { measurements, problems } = quadsToMeasurements(store);
  expect(problems).toEqual([]);
  const stored = new Map(measurements.map((m) => [m.iri, m]));
  const missing = [...acknowledged.keys()].filter((iri) => !stored.has(iri));
  expect(missing, `${missing.length} of ${acknowledged.size} acknowledged readings are missing`).toEqual([]);
  expect(measurements).toHaveLength(acknowledged.size);
  for (const [iri, m] of acknowledged) {
    expect((stored.get(iri) as { value?: number }).value).toBe((m as { value: number }).value);
    expect(store.getObjects(iri, 'http://www.w3.org/ns/sosa/hasResult', null)).toHaveLength(1);
  }
  // 90 + 90 own, 60 shared, 20 by hans, 90 through the gateway.
  expect(acknowledged.size).toBe(350);
  console.log(`concurrent writers: ${acknowledged.size} readings from 4 writers in one document, all there once (${retried} retried patches)`);
}, 180_000);

it('two clinicians adding notes to the same month document at once: every note is there', async () => {
  const hans = world.accounts.hans!;
  const created = (i: number) => `2026-03-10T09:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+01:00`;
  const document = notesDocument(hans.podUrl, created(0));
  const written: UnreliableMark[] = [];
  const failures: string[] = [];
  const writer = async (name: 'lunde' | 'nilsen') => {
    const fetchFn = await world.fetchAs(name);
    return Array.from({ length: 25 }, (_, i) => async () => {
      const mark: UnreliableMark = {
        measurement: `${hans.podUrl}health/measurements/heart-rate/2026-03.ttl#m-${name}-${i}`,
        reason: `${name}: sensor displaced (${i})`,
        author: world.accounts[name]!.webId,
        created: created(i + (name === 'lunde' ? 0 : 100)),
      };
      const { outcome } = await appendWithRetry(fetchFn, document, unreliableMarkToQuads(mark, hans.podUrl));
      if (outcome.ok) written.push(mark);
      else failures.push(`${name} note ${i}: ${outcome.reason}`);
    });
  };
  const [lunde, nilsen] = await Promise.all([writer('lunde'), writer('nilsen')]);
  await Promise.all([inParallel(lunde, 3), inParallel(nilsen, 3)]);
  expect(failures).toEqual([]);

  const response = await (await world.fetchAs('hans'))(document, { headers: { accept: 'text/turtle' } });
  expect(response.status).toBe(200);
  const marks = quadsToUnreliableMarks(new Parser({ baseIRI: document }).parse(await response.text()));
  expect(marks).toHaveLength(50);
  expect(new Set(marks.map((m) => `${m.author} ${m.reason}`))).toEqual(new Set(written.map((m) => `${m.author} ${m.reason}`)));
});
