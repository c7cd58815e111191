/**
 * A pod server that crashes while it rewrites a month document loses none
 * of the readings the document already held (regression test for a fault-run
 * finding, issue #9). CSS rewrites the whole document on every PATCH; stock
 * CSS truncates the file first and streams the new content in, so a SIGKILL
 * in that window left a truncated, unparseable document. With
 * pod-server/css/atomic-writes.mjs the new content goes to a temporary file
 * that is renamed over the document.
 *
 * The test watches the document's file and the pod server's temporary write
 * folder, and SIGKILLs the pod server the moment a rewrite is under way.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendQuads } from '../../apps/shared/append.ts';
import {
  measurementDocument, measurementIri, measurementToQuads, parseMeasurementInput, parseMeasurementsTurtle, type Measurement,
} from '../../apps/shared/measurement/index.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await world?.stop();
});

const START = Date.parse('2026-03-02T00:00:00Z');

function reading(i: number): Measurement {
  const parsed = parseMeasurementInput({
    patient: world.accounts.hans!.webId, source: world.accounts.vendor!.webId, device: `crash-${i % 7}`, kind: 'heart-rate',
    value: 50 + (i % 70), unit: '/min', effectiveTime: new Date(START + i * 60_000).toISOString(), setting: 'home-municipality',
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

it('a SIGKILL while the pod server rewrites a month document leaves every acknowledged reading in it', async () => {
  const hans = world.accounts.hans!;
  const document = measurementDocument(hans.podUrl, 'heart-rate', new Date(START).toISOString());
  const file = join(world.dataDir, 'pods', 'hans', 'health', 'measurements', 'heart-rate', document.split('/').pop()!);
  const writes = join(world.dataDir, 'pod-writes');

  // A large document (about 2 MB): rewriting it takes long enough to be caught in the act.
  let next = 0;
  const acknowledged = new Set<string>();
  const append = async (fetchFn: typeof fetch, count: number) => {
    const batch = Array.from({ length: count }, () => reading(next++));
    const outcome = await appendQuads(fetchFn, document, batch.flatMap((m) => measurementToQuads(m, hans.podUrl)));
    if (outcome.ok) for (const m of batch) acknowledged.add(measurementIri(hans.podUrl, m));
    return outcome;
  };
  const vendor = await world.fetchAs('vendor');
  for (let i = 0; i < 8; i++) expect((await append(vendor, 250)).ok).toBe(true);
  const before = (await stat(file)).size;

  // Start one more PATCH and kill the server as soon as the rewrite has begun:
  // the document shrinks (an in-place rewrite) or a temporary file appears.
  let caught = false;
  for (let attempt = 0; attempt < 5 && !caught; attempt++) {
    let settled = false;
    const patch = append(vendor, 1).finally(() => { settled = true; });
    while (!settled) {
      const shrunk = (await stat(file).catch(() => ({ size: 0 }))).size < before;
      const temporary = (await readdir(writes).catch(() => [])).length > 0;
      if (shrunk || temporary) {
        world.server.kill('SIGKILL');
        await world.server.exited;
        caught = true;
        break;
      }
    }
    await patch.catch(() => undefined);
  }
  expect(caught, 'the pod server was never caught rewriting the document').toBe(true);

  // On disk, before anything could repair it: a whole document.
  const onDisk = parseMeasurementsTurtle(await readFile(file, 'utf8'), document);
  expect(onDisk.problems).toEqual([]);
  const stored = new Set(onDisk.measurements.map((m) => m.iri));
  expect([...acknowledged].filter((iri) => !stored.has(iri))).toEqual([]);

  // And after the restart the pod serves it and takes appends again.
  await world.restart();
  const fetchAsHans = await world.fetchAs('hans');
  const vendorAgain = await world.fetchAs('vendor');
  expect((await append(vendorAgain, 1)).ok).toBe(true);
  const response = await fetchAsHans(document, { headers: { accept: 'text/turtle' } });
  expect(response.status).toBe(200);
  const served = parseMeasurementsTurtle(await response.text(), document);
  expect(served.problems).toEqual([]);
  const servedIris = new Set(served.measurements.map((m) => m.iri));
  expect([...acknowledged].filter((iri) => !servedIris.has(iri))).toEqual([]);
  expect(await readdir(writes)).toEqual([]);
}, 180_000);
