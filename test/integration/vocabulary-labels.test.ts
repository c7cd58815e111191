/**
 * Names a generic Solid app can show: a patient opens her own month document
 * in a real pod server, and a client that does what SolidOS does (solid-panes
 * outlineExpand: load the document, then fetcher.lookUpThing for every
 * `subject rdfs:seeAlso x`; solid-ui label(): the first rdfs:label of the term
 * in anything loaded) names SNOMED CT 434912009 "Blodsukker" / "Blood glucose",
 * its LOINC codes and its unit. The data is the demo seed, written by the
 * vendor with insert-only patches, as the gateway writes. docs/catalogue.md.
 */
import { DataFactory, Parser, Store, type Term } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurementDocument } from '../../apps/shared/measurement/identity.ts';
import { demoMeasurements, seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import { kindSpec, type KindId } from '../../vocab/catalogue.ts';
import { LABELS_PATH } from '../../vocab/labels.ts';
import { NS, QUDT, SOSA, loincIri, snomedIri } from '../../vocab/terms.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

const { namedNode } = DataFactory;
const RDFS_LABEL = `${NS.rdfs}label`;
const SEE_ALSO = `${NS.rdfs}seeAlso`;
const CLOSE_MATCH = 'http://www.w3.org/2004/02/skos/core#closeMatch';

let world: TestWorld;
let end: Date;
const DAYS = 2;

/** The patient's month document that holds her latest seeded reading of `kind`. */
function monthDocument(patient: 'kari' | 'ola', kind: KindId): string {
  const account = world.accounts[patient]!;
  const latest = demoMeasurements({ baseUrl: world.baseUrl, end, days: DAYS })
    .filter((m) => m.patient === account.webId && m.kind === kind).at(-1);
  if (!latest) throw new Error(`the demo seed has no ${kind} for ${patient}`);
  return measurementDocument(account.podUrl, kind, latest.effectiveTime);
}

beforeAll(async () => {
  end = new Date();
  world = await startTestWorld({
    seedMeasurements: async (ctx) => {
      await seedDemoMeasurements((await ctx.sessionFor('vendor')).fetch, { baseUrl: ctx.baseUrl, end, days: DAYS });
    },
  });
});

afterAll(async () => {
  await world?.stop();
});

/** Loads a document into the store, in its own graph, as rdflib's fetcher does. */
async function load(store: Store, fetchFn: typeof fetch, url: string): Promise<Response> {
  const documentUrl = url.replace(/#.*$/, '');
  const response = await fetchFn(documentUrl, { headers: { accept: 'text/turtle' } });
  expect(response.status, documentUrl).toBe(200);
  const text = await response.clone().text();
  store.addQuads(new Parser({ baseIRI: documentUrl }).parse(text).map((q) =>
    DataFactory.quad(q.subject, q.predicate, q.object, namedNode(documentUrl))));
  return response;
}

/** solid-ui's label(): the first rdfs:label of `term` in anything loaded, or undefined. */
function labels(store: Store, term: string): string[] {
  return store.getObjects(term, RDFS_LABEL, null).map((o: Term) => `${o.value}@${(o as { language?: string }).language}`);
}

describe('a month document names its terms for generic Solid apps', () => {
  it('follows rdfs:seeAlso from the document to the published names of its SNOMED CT, LOINC and unit terms', async () => {
    const document = monthDocument('kari', 'blood-glucose');
    const store = new Store();
    // The patient browsing her own pod: logged in as herself.
    await load(store, await world.fetchAs('kari'), document);
    const glucose = snomedIri('434912009');
    expect(store.getSubjects(SOSA.observedProperty, glucose, null).length).toBeGreaterThan(0);
    expect(labels(store, glucose), 'the data itself carries no names: they come from the link').toEqual([]);

    // outlineExpand: lookUpThing for each `<document> rdfs:seeAlso x`, x's document part.
    const seeAlso = store.getObjects(document, SEE_ALSO, null).map((o) => o.value);
    expect(seeAlso).toEqual([new URL(LABELS_PATH, world.baseUrl).href]);
    // Public read: fetched without the patient's login, as any app would.
    for (const x of seeAlso) await load(store, fetch, x);

    expect(labels(store, glucose)).toEqual(['Blodsukker@nb', 'Blood glucose@en']);
    const loinc = store.getObjects(glucose, CLOSE_MATCH, null).map((o) => o.value);
    expect(loinc).toEqual(kindSpec('blood-glucose').loinc.map(loincIri));
    expect(labels(store, loincIri('15074-8'))).toEqual(['Blodsukker (LOINC 15074-8)@nb', 'Blood glucose (LOINC 15074-8)@en']);

    const results = store.getSubjects(SOSA.observedProperty, glucose, null).flatMap((o) => store.getObjects(o, SOSA.hasResult, null));
    const units = [...new Set(results.flatMap((r) => store.getObjects(r, QUDT.unit, null).map((u) => u.value)))];
    expect(units).toEqual(['http://qudt.org/vocab/unit/MilliMOL-PER-L']);
    expect(labels(store, units[0]!)).toEqual(['millimol per liter (mmol/L)@nb', 'millimoles per litre (mmol/L)@en']);
  });

  it('names every term of a blood-pressure panel, members included', async () => {
    const document = monthDocument('ola', 'blood-pressure');
    const store = new Store();
    await load(store, await world.fetchAs('ola'), document);
    for (const x of store.getObjects(document, SEE_ALSO, null)) await load(store, fetch, x.value);
    const properties = new Set(store.getObjects(null, SOSA.observedProperty, null).map((o) => o.value));
    expect(properties.size).toBeGreaterThanOrEqual(3);
    for (const p of properties) expect(labels(store, p).map((l) => l.slice(l.lastIndexOf('@'))), p).toEqual(['@nb', '@en']);
    expect(labels(store, snomedIri('271649006'))).toContain('Systolic blood pressure@en');
  });

  it('serves the names as Turtle that a browser app on another origin may read', async () => {
    const response = await fetch(new URL(LABELS_PATH, world.baseUrl), {
      headers: { accept: 'text/turtle', origin: 'https://solidos.example' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/turtle/);
    expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|https:\/\/solidos\.example)$/);
    await response.body?.cancel();
  });
});
