/**
 * One tenant must not change what a clinician sees about another (issue 17,
 * point 3; docs/security.md). Against a real pod server with the demo world
 * and the real clinician service:
 *
 * - kari (a patient of fastleger, like ola) writes into her OWN pod, where
 *   she has Write, triples about ola: a name ("Mallory"), fake readings (one
 *   about ola, one whose IRI lies in ola's pod) and an "unreliable" mark on
 *   one of ola's real readings signed as the GP. The team's views of ola must
 *   show his real name, his real readings only, and no mark.
 * - lunde (Append on hans's notes/) signs a mark as nilsen: the views show
 *   lunde, the agent the pod server authenticated.
 * - nobody, the pod's owner included, may write the server's attestation
 *   (hv:attestedAuthor) themselves: refused, nothing stored.
 * - the shipped SPARQL examples over the doctored data give no fake rows.
 * - only the patient may say a reading was entered by the patient (a hand
 *   entry's own source on every chart): the vendor's write saying so is 403.
 */
import { readFile } from 'node:fs/promises';
import { DataFactory, Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { measurementDocument, measurementIri, measurementToQuads, notesDocument, unreliableMarkToQuads, type Measurement } from '../../apps/shared/measurement/index.ts';
import { insertOnlyPatch, N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { webIdOf } from '../../pod-server/world/demo-world.ts';
import { HV, NS } from '../../vocab/terms.ts';
import { checkSparqlResults } from '../support/sparql-results.ts';
import { basicAuth, startSeededWorld } from '../support/clinician-world.ts';
import type { TestWorld } from '../support/test-world.ts';

const { namedNode, literal, quad } = DataFactory;
const DAY = 86_400_000;
let world: TestWorld;
let api: ClinicianApi;
let seeded: Measurement[];

const webId = (name: string) => webIdOf(world.baseUrl, name);
const pod = (name: string) => `${world.baseUrl}${name}/`;

async function call(who: string, path: string): Promise<Response> {
  return fetch(new URL(path, api.url), { headers: { authorization: basicAuth(world, who) } });
}

async function json<T>(who: string, path: string): Promise<T> {
  const response = await call(who, path);
  expect(response.status, `${path}: ${response.status}`).toBe(200);
  return (await response.json()) as T;
}

interface Mark { reason: string; author?: string | null; authorName?: string }
interface MeasurementsJson { measurements: { iri: string; kind: string; patient: string; unreliable: Mark[] }[] }

// kari's doctoring (written as kari into her own pod), made in beforeAll.
let olaTarget: string;
const fakeTime = () => new Date(Date.now() - 60 * 60_000).toISOString();
let fakeIris: string[];
/** lunde's note in hans's notes (signed as nilsen), written in the authorship test. */
let lundeNote = '';

beforeAll(async () => {
  ({ world, seeded } = await startSeededWorld());
  api = await startClinicianApi({ port: 0, podBaseUrl: world.baseUrl });

  const kari = await world.fetchAs('kari');
  const at = fakeTime();
  // A reading "of ola" in kari's body-weight document (fastleger reads it), and one whose IRI lies in ola's pod.
  const aboutOla: Measurement = { patient: webId('ola'), kind: 'oxygen-saturation', value: 81, unit: '%', effectiveTime: at, device: 'fake-1', source: webId('vendor'), setting: 'home-municipality' } as Measurement;
  const inOlasPod: Measurement = { ...aboutOla, patient: webId('kari'), kind: 'body-weight', value: 250, unit: 'kg', device: 'fake-2' } as Measurement;
  const kariWeight = measurementDocument(pod('kari'), 'body-weight', at);
  const fake = [...measurementToQuads(aboutOla, pod('kari')), ...measurementToQuads(inOlasPod, pod('ola'))];
  fakeIris = [measurementIri(pod('kari'), aboutOla), measurementIri(pod('ola'), inOlasPod)];
  const name = [quad(namedNode(webId('ola')), namedNode(`${NS.foaf}name`), literal('Mallory')), quad(namedNode(webId('ola')), namedNode(`${NS.vcard}fn`), literal('Mallory'))];
  for (const [document, quads] of [[kariWeight, [...fake, ...name]], [webId('kari').replace(/#.*$/, ''), name]] as const) {
    const outcome = await appendQuads(kari, document, quads);
    expect(outcome.ok, `kari writes ${document}: ${JSON.stringify(outcome)}`).toBe(true);
  }
  // A mark on one of ola's real readings, "by the GP", in kari's own notes.
  const olaWeight = seeded.filter((m) => m.patient === webId('ola') && m.kind === 'body-weight').at(-1)!;
  olaTarget = measurementIri(pod('ola'), olaWeight);
  const created = new Date().toISOString();
  const mark = unreliableMarkToQuads({ measurement: olaTarget, reason: 'Mallory says so', author: webId('dahl'), created }, pod('kari'));
  expect((await appendQuads(kari, notesDocument(pod('kari'), created), mark)).ok).toBe(true);
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await world?.stop();
});

describe('a patient cannot change what the team sees about another patient', () => {
  it('the team view (whole team, twice) names ola by his own profile only', async () => {
    for (let i = 0; i < 2; i++) {
      const team = await json<{ patients: { webId: string; name: string }[] }>('dahl', '/dashboard/api/team?team=fastleger');
      expect(team.patients.find((p) => p.webId === webId('ola'))?.name).toBe('Ola Berg');
      expect(team.patients.find((p) => p.webId === webId('kari'))?.name).toBe('Kari Nordmann');
    }
  });

  it('the measurements API has none of the fake readings and no mark from another pod', async () => {
    const body = await json<MeasurementsJson>('dahl', '/measurements?team=fastleger&from=P14D');
    const iris = body.measurements.map((m) => m.iri);
    for (const fake of fakeIris) expect(iris).not.toContain(fake);
    // Every measurement lies in a document of its own patient's pod.
    for (const m of body.measurements) expect(m.iri.startsWith(pod(new URL(m.patient).pathname.split('/')[1]!)), m.iri).toBe(true);
    expect(body.measurements.some((m) => m.patient === webId('ola') && m.kind === 'oxygen-saturation')).toBe(false);
    const target = body.measurements.find((m) => m.iri === olaTarget);
    expect(target).toBeDefined();
    expect(target!.unreliable).toEqual([]);
  });

  it('the patient view and FHIR out show ola\'s real data, unmarked', async () => {
    const view = await json<{ name: string; measurements: { iri: string; kind: string; unreliable: Mark[] }[] }>('dahl',
      `/dashboard/api/patient?team=fastleger&patient=${encodeURIComponent(webId('ola'))}&weeks=1`);
    expect(view.name).toBe('Ola Berg');
    expect(view.measurements.some((m) => m.kind === 'oxygen-saturation' || fakeIris.includes(m.iri))).toBe(false);
    expect(view.measurements.find((m) => m.iri === olaTarget)?.unreliable).toEqual([]);
    const day = new Date(Date.now() - 20 * DAY).toISOString().slice(0, 10);
    const bundle = await json<{ entry: { resource: { identifier: { value: string }[]; note?: unknown[] } }[] }>('dahl',
      `/fhir/Observation?subject=${encodeURIComponent(webId('ola'))}&code=http://loinc.org|29463-7&date=ge${day}&team=fastleger`);
    const entry = bundle.entry.find((e) => e.resource.identifier[0]!.value === olaTarget);
    expect(entry).toBeDefined();
    expect(entry!.resource.note).toBeUndefined();
  });

  it('the shipped SPARQL examples over the doctored data give no fake rows', async () => {
    const dir = new URL('../../apps/clinician/queries/', import.meta.url);
    for (const file of ['latest-per-patient.rq', 'spo2-below-90-last-48h.rq', 'weekly-means.rq', 'marked-unreliable.rq']) {
      const query = await readFile(new URL(file, dir), 'utf8');
      const response = await call('dahl', `/sparql?team=fastleger&query=${encodeURIComponent(query)}`);
      expect(response.status, `${file}: ${response.status === 200 ? "" : await response.clone().text()}`).toBe(200);
      const { rows } = await checkSparqlResults('json', await response.text());
      const text = JSON.stringify(rows);
      expect(text, file).not.toContain('Mallory');
      for (const fake of fakeIris) expect(text, file).not.toContain(fake);
      // ola has no SpO2 of his own: any SpO2 row for him is kari's invention.
      expect(rows.filter((r) => (r.patient === webId('ola') || r.name === 'Ola Berg') && (r.spo2 !== undefined || r.property === 'http://snomed.info/id/431314004')), file).toEqual([]);
      expect(rows.filter((r) => r.obs === olaTarget), file).toEqual([]);
    }
  });
});

describe('the author shown for a note is the agent the pod server authenticated', () => {
  it('lunde signs a mark as nilsen: every view shows lunde', async () => {
    const target = seeded.filter((m) => m.patient === webId('hans') && m.kind === 'oxygen-saturation').at(-1)!;
    const iri = measurementIri(pod('hans'), target);
    const created = new Date().toISOString();
    const quads = unreliableMarkToQuads({ measurement: iri, reason: 'Signed as someone else', author: webId('nilsen'), created }, pod('hans'));
    lundeNote = quads[0]!.subject.value;
    const outcome = await appendQuads(await world.fetchAs('lunde'), notesDocument(pod('hans'), created), quads);
    expect(outcome.ok).toBe(true);

    const view = await json<{ measurements: { iri: string; unreliable: Mark[] }[] }>('lunde',
      `/dashboard/api/patient?team=lungeteam&patient=${encodeURIComponent(webId('hans'))}&weeks=1`);
    const marks = view.measurements.find((m) => m.iri === iri)?.unreliable ?? [];
    expect(marks).toEqual([expect.objectContaining({ reason: 'Signed as someone else', author: webId('lunde'), authorName: 'Ingrid Lunde' })]);
    const api = await json<MeasurementsJson>('nilsen', `/measurements?team=oppfolgingsteam-a&kind=oxygen-saturation&from=P2D`);
    expect(api.measurements.find((m) => m.iri === iri)?.unreliable).toEqual([expect.objectContaining({ author: webId('lunde') })]);
  });
});

describe('nobody writes the pod server\'s attestation themselves', () => {
  const forged = (document: string) => `@prefix hv: <${NS.hv}>.\n<${document}#note-forged> <${NS.oa}bodyValue> "forged"; hv:attestedAuthor <${webId('hans')}>.\n`;
  const month = () => notesDocument(pod('hans'), new Date().toISOString());

  it.each([
    ['hans PUTs a notes document', 'hans', 'PUT', 'text/turtle', (d: string) => forged(d), '2019-01.ttl'],
    ['hans POSTs one into notes/', 'hans', 'POST', 'text/turtle', (d: string) => forged(d), ''],
    ['hans PATCHes one in', 'hans', 'PATCH', N3_PATCH_CONTENT_TYPE, (d: string) => `@prefix solid: <${NS.solid}>. @prefix hv: <${NS.hv}>.\n_:p a solid:InsertDeletePatch; solid:inserts { <${d}#note-forged> hv:attestedAt "2020-01-01T00:00:00Z" }.`, '2019-02.ttl'],
    ['lunde PATCHes one in', 'lunde', 'PATCH', N3_PATCH_CONTENT_TYPE, (d: string) => `@prefix solid: <${NS.solid}>. @prefix hv: <${NS.hv}>.\n_:p a solid:InsertDeletePatch; solid:inserts { <${d}#note-forged> hv:attestedAuthor <${webId('nilsen')}> }.`, '2019-03.ttl'],
    // lunde's note is the only triple whose object is lunde's WebID (its dct:creator says nilsen): ?p binds to the attestation.
    ['hans copies lunde\'s attestation with a variable predicate', 'hans', 'PATCH', N3_PATCH_CONTENT_TYPE,
      (d: string) => `@prefix solid: <${NS.solid}>.\n_:p a solid:InsertDeletePatch; solid:where { <${lundeNote}> ?p <${webId('lunde')}> } ; solid:inserts { <${d}#note-forged> ?p <${webId('lunde')}> }.`, 'current'],
  ] as const)('%s: refused, nothing stored', async (_name, who, method, type, body, file) => {
    const notes = `${pod('hans')}health/notes/`;
    const document = file === '' ? notes : file === 'current' ? month() : `${notes}${file}`;
    const before = await (await world.fetchAs('hans'))(document === notes ? month() : document, { headers: { accept: 'text/turtle' } });
    const beforeText = before.status === 200 ? await before.text() : String(before.status);
    const response = await (await world.fetchAs(who))(document, { method, headers: { 'content-type': type }, body: body(document === notes ? `${notes}forged` : document) });
    expect([403, 422], `${method} ${document}: ${response.status}`).toContain(response.status);
    expect(response.headers.get('content-type') ?? '').toMatch(/json|text/);
    const after = await (await world.fetchAs('hans'))(document === notes ? month() : document, { headers: { accept: 'text/turtle' } });
    expect(after.status === 200 ? await after.text() : String(after.status)).toBe(beforeText);
    if (document === notes) {
      const listing = await (await world.fetchAs('hans'))(notes, { headers: { accept: 'text/turtle' } });
      expect(await listing.text()).not.toContain('forged');
    }
  });

  it('the honest write path (insert-only N3 Patch) still works and is stamped', async () => {
    const response = await (await world.fetchAs('hans'))(month(), { headers: { accept: 'text/turtle' } });
    const quads = new Parser({ baseIRI: month() }).parse(await response.text());
    expect(quads.some((q) => q.predicate.value === HV.attestedAuthor && q.object.value === webId('lunde'))).toBe(true);
    expect(quads.some((q) => q.predicate.value === HV.attestedAt)).toBe(true);
  });

  it('the same patch sent again changes nothing (a retry is still a no-op)', async () => {
    const asHans = await world.fetchAs('hans');
    const before = await (await asHans(month(), { headers: { accept: 'text/turtle' } })).text();
    const again = (await new Parser({ baseIRI: month() }).parse(before)).filter((q) => q.subject.value === lundeNote && !q.predicate.value.startsWith(NS.hv));
    expect(again.length).toBeGreaterThan(3);
    expect((await appendQuads(await world.fetchAs('lunde'), month(), again)).ok).toBe(true);
    expect(await (await asHans(month(), { headers: { accept: 'text/turtle' } })).text()).toBe(before);
  });
});

describe('only the patient says a reading was entered by the patient', () => {
  // A hand entry (setting patient-entered) is its own source on every chart; the vendor has Append on kari's glucose.
  const entry = (device: string, value: number): Measurement => ({
    patient: webId('kari'), kind: 'blood-glucose', value, unit: 'mmol/L', effectiveTime: fakeTime(), device,
    source: webId('kari'), setting: 'patient-entered',
  } as Measurement);
  const glucoseDocument = (m: Measurement) => measurementDocument(pod('kari'), 'blood-glucose', m.effectiveTime);

  async function stored(m: Measurement): Promise<boolean> {
    const kari = await world.fetchAs('kari');
    const response = await kari(glucoseDocument(m), { headers: { accept: 'text/turtle' } });
    expect(response.status).toBe(200);
    const quads = new Parser({ baseIRI: glucoseDocument(m) }).parse(await response.text());
    return quads.some((q) => q.subject.value === measurementIri(pod('kari'), m));
  }

  it('the vendor (Append on kari\'s glucose) writing a patient-entered reading: 403 naming why, nothing stored', async () => {
    const forged = entry('forged-by-vendor', 16.2);
    const vendor = await world.fetchAs('vendor');
    const honest = { ...forged, device: 'honest-vendor', value: 6.1, source: webId('vendor'), setting: 'home-municipality' } as Measurement;
    expect((await appendQuads(vendor, glucoseDocument(honest), measurementToQuads(honest, pod('kari')))).ok).toBe(true);
    const refused = await vendor(glucoseDocument(forged), {
      method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: insertOnlyPatch(measurementToQuads(forged, pod('kari'))),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('may state that a reading was entered by the patient');
    expect(await stored(forged)).toBe(false);
    expect(await stored(honest)).toBe(true);
  });

  it('nor through a variable setting in an N3 Patch, or a PUT of a new month document', async () => {
    const vendor = await world.fetchAs('vendor');
    const document = glucoseDocument(entry('x', 5));
    const patch = `@prefix solid: <http://www.w3.org/ns/solid/terms#>.
_:p a solid:InsertDeletePatch; solid:where { ?r <${HV.setting}> ?s }; solid:inserts { <${document}#copied> <${HV.setting}> ?s }.`;
    const patched = await vendor(document, { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: patch });
    expect([401, 403]).toContain(patched.status);
    const put = await vendor(`${pod('kari')}health/measurements/blood-glucose/2019-02.ttl`, {
      method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: `<#r> <${HV.setting}> <${HV.PatientEntered}>.`,
    });
    expect(put.status).toBe(403);
    const kari = await world.fetchAs('kari');
    expect((await kari(`${pod('kari')}health/measurements/blood-glucose/2019-02.ttl`)).status).toBe(404);
  });

  it('kari herself writes it (she owns the pod)', async () => {
    const own = entry('kari-hand-entry', 16.2);
    const kari = await world.fetchAs('kari');
    expect((await appendQuads(kari, glucoseDocument(own), measurementToQuads(own, pod('kari')))).ok).toBe(true);
    expect(await stored(own)).toBe(true);
  });
});
