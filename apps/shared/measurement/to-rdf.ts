/**
 * Typed measurement -> RDF, the only place that decides the triples of a
 * measurement (SOSA Observation + SNOMED CT observedProperty + QUDT/UCUM
 * result + PROV attribution + Helsevev setting). No blank nodes: every node
 * has a deterministic IRI, so the same reading always gives the same triples.
 */
import { DataFactory, Writer, type Quad } from 'n3';
import { kindSpec, type QuantitySpec } from '../../../vocab/catalogue.ts';
import { HV, NS, PROV, QUDT, RDF, SOSA, SSN_EXT, XSD, snomedIri } from '../../../vocab/terms.ts';
import { measurementDocument, measurementIri, sensorIri } from './identity.ts';
import { SETTINGS, type Measurement } from './types.ts';

const { namedNode, literal, quad } = DataFactory;

/**
 * The quads of one measurement stored in the pod whose storage root is
 * `storage` (e.g. `http://localhost:3000/hans/`).
 */
export function measurementToQuads(m: Measurement, storage: string): Quad[] {
  const spec = kindSpec(m.kind);
  const document = measurementDocument(storage, m.kind, m.effectiveTime);
  const iri = measurementIri(storage, m);
  const sensor = sensorIri(document, m.source, m.device);
  const quads: Quad[] = [];
  const add = (s: string, p: string, o: ReturnType<typeof namedNode> | ReturnType<typeof literal>) =>
    quads.push(quad(namedNode(s), namedNode(p), o));

  const observation = (subject: string, quantity: QuantitySpec, value: number | undefined) => {
    add(subject, RDF.type, namedNode(SOSA.Observation));
    add(subject, SOSA.observedProperty, namedNode(snomedIri(quantity.snomed)));
    add(subject, SOSA.hasFeatureOfInterest, namedNode(m.patient));
    add(subject, SOSA.resultTime, literal(m.effectiveTime, namedNode(XSD.dateTime)));
    add(subject, SOSA.madeBySensor, namedNode(sensor));
    add(subject, PROV.wasAttributedTo, namedNode(m.source));
    add(subject, HV.setting, namedNode(SETTINGS[m.setting]));
    if (value === undefined) return;
    const result = `${subject}-result`;
    add(subject, SOSA.hasResult, namedNode(result));
    add(result, RDF.type, namedNode(QUDT.QuantityValue));
    add(result, QUDT.numericValue, literal(value.toFixed(spec.decimals), namedNode(XSD.decimal)));
    add(result, QUDT.unit, namedNode(spec.qudtUnit));
    add(result, HV.ucumCode, literal(spec.canonicalUnit));
  };

  if (m.kind === 'blood-pressure') {
    const components = spec.components!;
    observation(iri, spec, undefined);
    add(iri, RDF.type, namedNode(SSN_EXT.ObservationCollection));
    for (const name of ['systolic', 'diastolic'] as const) {
      const member = `${iri}-${name}`;
      add(iri, SSN_EXT.hasMember, namedNode(member));
      observation(member, components[name]!, m[name]);
    }
  } else {
    observation(iri, spec, m.value);
  }
  add(sensor, RDF.type, namedNode(SOSA.Sensor));
  add(sensor, HV.deviceId, literal(m.device));
  return quads;
}

/** Prefixes for readable Turtle of measurements, notes and consent records. */
export const TURTLE_PREFIXES = {
  sosa: NS.sosa, 'ssn-ext': NS.ssnExt, prov: NS.prov, qudt: NS.qudt, unit: NS.unit,
  hv: NS.hv, sct: NS.snomed, xsd: NS.xsd, oa: NS.oa, dct: NS.dct, dpv: NS.dpv,
};

/** Serialises quads as Turtle (used for downloads and tests; writes use N3 Patch). */
export function quadsToTurtle(quads: readonly Quad[], baseIri?: string): Promise<string> {
  const writer = new Writer({ prefixes: TURTLE_PREFIXES, baseIRI: baseIri });
  writer.addQuads([...quads]);
  return new Promise((resolve, reject) => writer.end((err, out) => (err ? reject(err) : resolve(out))));
}

/**
 * Groups measurements by the month document they belong to, with their quads,
 * so a writer sends one patch per document (`storageOf` gives each patient's
 * pod root).
 */
export function measurementsByDocument(
  measurements: readonly Measurement[],
  storageOf: (patient: string) => string,
): Map<string, Quad[]> {
  const documents = new Map<string, Quad[]>();
  for (const m of measurements) {
    const storage = storageOf(m.patient);
    const document = measurementDocument(storage, m.kind, m.effectiveTime);
    const quads = documents.get(document) ?? [];
    quads.push(...measurementToQuads(m, storage));
    documents.set(document, quads);
  }
  return documents;
}
