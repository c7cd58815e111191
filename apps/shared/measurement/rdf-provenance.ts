/**
 * The RDF of what a record system states with a reading (identifier,
 * performers, vital-signs context), both ways, for rdf.ts. Written on the
 * panel (or simple) observation only. No blank nodes: every node is named
 * after the observation (`${iri}-performer-0`, `${iri}-method`, ...), so the
 * same reading always gives the same triples; hv:order keeps list order.
 *
 * FHIR element -> RDF:
 *   identifier           hv:identifier <-identifier> (hv:RecordIdentifier: hv:identifierSystem, hv:identifierValue)
 *   performer[i]         prov:qualifiedAttribution <-performer-i> (prov:Attribution, hv:order i,
 *                        prov:agent <-performer-i-agent> (prov:Person | prov:Organization, rdfs:label, hv:identifier))
 *   method               sosa:usedProcedure <-method> (sosa:Procedure, hv:Coding)
 *   body position ext.   hv:bodyPosition <-body-position> (hv:Coding)
 *   clothing state ext.  hv:clothingState <-clothing> (hv:Coding)
 *   confounding factor   hv:confoundingFactor <-confounding-i> (hv:order i; hv:Coding or hv:text)
 *   meta.source          hv:metaSource "..."
 * hv:Coding: hv:codeSystem (xsd:anyURI), hv:code, display as rdfs:label.
 */
import { DataFactory, type Quad, type Store, type Term } from 'n3';
import { HV, PROV, RDF, RDFS, SOSA, XSD } from '../../../vocab/terms.ts';
import type { Coded, MeasurementContext, Performer, RecordIdentifier } from './types.ts';

const { namedNode, literal, quad } = DataFactory;

type Stated = { identifier?: RecordIdentifier; performers?: readonly Performer[]; context?: MeasurementContext };

export function provenanceQuads(iri: string, m: Stated): Quad[] {
  const quads: Quad[] = [];
  const add = (s: string, p: string, o: ReturnType<typeof namedNode> | ReturnType<typeof literal>) =>
    quads.push(quad(namedNode(s), namedNode(p), o));
  const identifier = (subject: string, id: RecordIdentifier) => {
    const node = `${subject}-identifier`;
    add(subject, HV.identifier, namedNode(node));
    add(node, RDF.type, namedNode(HV.RecordIdentifier));
    add(node, HV.identifierSystem, literal(id.system, namedNode(XSD.anyURI)));
    add(node, HV.identifierValue, literal(id.value));
  };
  const coding = (node: string, c: Coded) => {
    add(node, RDF.type, namedNode(HV.Coding));
    add(node, HV.codeSystem, literal(c.system, namedNode(XSD.anyURI)));
    add(node, HV.code, literal(c.code));
    if (c.display !== undefined) add(node, RDFS.label, literal(c.display));
  };
  const order = (node: string, i: number) => add(node, HV.order, literal(String(i), namedNode(XSD.integer)));

  if (m.identifier) identifier(iri, m.identifier);
  m.performers?.forEach((p, i) => {
    const attribution = `${iri}-performer-${i}`;
    const agent = `${attribution}-agent`;
    add(iri, PROV.qualifiedAttribution, namedNode(attribution));
    add(attribution, RDF.type, namedNode(PROV.Attribution));
    order(attribution, i);
    add(attribution, PROV.agent, namedNode(agent));
    add(agent, RDF.type, namedNode(p.kind === 'person' ? PROV.Person : PROV.Organization));
    if (p.display !== undefined) add(agent, RDFS.label, literal(p.display));
    if (p.identifier) identifier(agent, p.identifier);
  });
  const c = m.context;
  if (!c) return quads;
  if (c.method) {
    add(iri, SOSA.usedProcedure, namedNode(`${iri}-method`));
    add(`${iri}-method`, RDF.type, namedNode(SOSA.Procedure));
    coding(`${iri}-method`, c.method);
  }
  if (c.bodyPosition) {
    add(iri, HV.bodyPosition, namedNode(`${iri}-body-position`));
    coding(`${iri}-body-position`, c.bodyPosition);
  }
  if (c.clothing) {
    add(iri, HV.clothingState, namedNode(`${iri}-clothing`));
    coding(`${iri}-clothing`, c.clothing);
  }
  c.confoundingFactors?.forEach((f, i) => {
    const node = `${iri}-confounding-${i}`;
    add(iri, HV.confoundingFactor, namedNode(node));
    order(node, i);
    if ('text' in f) add(node, HV.text, literal(f.text));
    else coding(node, f);
  });
  if (c.metaSource !== undefined) add(iri, HV.metaSource, literal(c.metaSource));
  return quads;
}

// RDF -> what was stated. Malformed data throws (rdf.ts reports it as a problem).

function atMostOne(store: Store, subject: Term, predicate: string): Term | undefined {
  const objects = store.getObjects(subject, predicate, null);
  if (objects.length > 1) throw new Error(`expected at most one <${predicate}>, found ${objects.length}`);
  return objects[0];
}

function required(store: Store, subject: Term, predicate: string): string {
  const term = atMostOne(store, subject, predicate);
  if (!term) throw new Error(`<${subject.value}> lacks <${predicate}>`);
  return term.value;
}

function readIdentifier(store: Store, subject: Term): RecordIdentifier | undefined {
  const node = atMostOne(store, subject, HV.identifier);
  return node && { system: required(store, node, HV.identifierSystem), value: required(store, node, HV.identifierValue) };
}

function readCoding(store: Store, node: Term): Coded {
  const display = atMostOne(store, node, RDFS.label)?.value;
  return { system: required(store, node, HV.codeSystem), code: required(store, node, HV.code), ...(display !== undefined ? { display } : {}) };
}

function byOrder(store: Store, nodes: Term[]): Term[] {
  const orderOf = (n: Term) => Number(required(store, n, HV.order));
  return [...nodes].sort((a, b) => orderOf(a) - orderOf(b));
}

export function readProvenance(store: Store, subject: Term): Stated {
  const identifier = readIdentifier(store, subject);
  const performers = byOrder(store, store.getObjects(subject, PROV.qualifiedAttribution, null)).map((a): Performer => {
    const agent = atMostOne(store, a, PROV.agent);
    if (!agent) throw new Error(`attribution <${a.value}> has no prov:agent`);
    const person = store.countQuads(agent, RDF.type, PROV.Person, null) > 0;
    const display = atMostOne(store, agent, RDFS.label)?.value;
    const id = readIdentifier(store, agent);
    return { kind: person ? 'person' : 'organisation', ...(id ? { identifier: id } : {}), ...(display !== undefined ? { display } : {}) };
  });
  const coded = (predicate: string) => {
    const node = atMostOne(store, subject, predicate);
    return node && readCoding(store, node);
  };
  const method = coded(SOSA.usedProcedure);
  const bodyPosition = coded(HV.bodyPosition);
  const clothing = coded(HV.clothingState);
  const confoundingFactors = byOrder(store, store.getObjects(subject, HV.confoundingFactor, null)).map((n) => {
    const text = atMostOne(store, n, HV.text)?.value;
    return text !== undefined ? { text } : readCoding(store, n);
  });
  const metaSource = atMostOne(store, subject, HV.metaSource)?.value;
  const context: MeasurementContext = {
    ...(bodyPosition ? { bodyPosition } : {}), ...(method ? { method } : {}), ...(clothing ? { clothing } : {}),
    ...(confoundingFactors.length > 0 ? { confoundingFactors } : {}), ...(metaSource !== undefined ? { metaSource } : {}),
  };
  return {
    ...(identifier ? { identifier } : {}),
    ...(performers.length > 0 ? { performers } : {}),
    ...(Object.keys(context).length > 0 ? { context } : {}),
  };
}
