/**
 * The RDF of a measurement, both ways, in one file so the two directions are
 * read (and changed) side by side:
 *
 * - typed measurement -> RDF: the only place that decides the triples of a
 *   measurement (SOSA Observation + SNOMED CT observedProperty + QUDT/UCUM
 *   result + PROV attribution + Helsevev setting). No blank nodes: every node
 *   has a deterministic IRI, so the same reading always gives the same triples.
 * - RDF -> typed measurements: reads month documents back (the clinician
 *   side and the patient's "my data" view). Anything that does not read as a
 *   complete measurement is reported in `problems`, never guessed at.
 */
import { DataFactory, Parser, Store, Writer, type Quad, type Term } from 'n3';
import { kindForSnomedIri, kindSpec, observedPropertyIri, type KindId, type QuantitySpec } from '../../../vocab/catalogue.ts';
import { HV, NS, PROV, QUDT, RDF, SOSA, SSN_EXT, XSD, snomedIri } from '../../../vocab/terms.ts';
import { measurementDocument, measurementIri, sensorIri } from './identity.ts';
import { provenanceQuads, readProvenance } from './rdf-provenance.ts';
import { SETTINGS, type Measurement, type Setting, type StoredMeasurement } from './types.ts';

const { namedNode, literal, quad } = DataFactory;

/** The panel's members in the order they are written (mean arterial and pulse pressure only when sent). */
const BP_COMPONENTS = ['systolic', 'diastolic', 'meanArterial', 'pulsePressure'] as const;

/**
 * The quads of one measurement stored in the pod whose storage root is
 * `storage` (e.g. `http://localhost:3000/hans/`).
 */
export function measurementToQuads(m: Measurement, storage: string): Quad[] {
  const spec = kindSpec(m.kind);
  const document = measurementDocument(storage, m.kind, m.effectiveTime);
  const iri = measurementIri(storage, m);
  const sensor = m.device === undefined ? undefined : sensorIri(document, m.source, m.device);
  const quads: Quad[] = [];
  const add = (s: string, p: string, o: ReturnType<typeof namedNode> | ReturnType<typeof literal>) =>
    quads.push(quad(namedNode(s), namedNode(p), o));

  const observation = (subject: string, quantity: QuantitySpec, value: number | undefined) => {
    add(subject, RDF.type, namedNode(SOSA.Observation));
    add(subject, SOSA.observedProperty, namedNode(observedPropertyIri(quantity)));
    add(subject, SOSA.hasFeatureOfInterest, namedNode(m.patient));
    add(subject, SOSA.resultTime, literal(m.effectiveTime, namedNode(XSD.dateTime)));
    if (sensor) add(subject, SOSA.madeBySensor, namedNode(sensor));
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
    for (const name of BP_COMPONENTS) {
      if (m[name] === undefined) continue;
      const member = `${iri}-${name}`;
      add(iri, SSN_EXT.hasMember, namedNode(member));
      observation(member, components[name]!, m[name]);
    }
  } else {
    observation(iri, spec, m.value);
  }
  if (sensor) {
    add(sensor, RDF.type, namedNode(SOSA.Sensor));
    add(sensor, HV.deviceId, literal(m.device!));
  }
  quads.push(...provenanceQuads(iri, m));
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

// RDF -> typed measurements.


export interface ParsedMeasurements {
  measurements: StoredMeasurement[];
  /** Observations that could not be read, with why. */
  problems: { iri: string; problem: string }[];
}

const settingByIri = new Map<string, Setting>(Object.entries(SETTINGS).map(([k, v]) => [v, k as Setting]));

export function parseMeasurementsTurtle(turtle: string, documentUrl: string): ParsedMeasurements {
  const quads = new Parser({ baseIRI: documentUrl }).parse(turtle);
  return quadsToMeasurements(quads);
}

export function quadsToMeasurements(quads: Iterable<Quad> | Store): ParsedMeasurements {
  const store = quads instanceof Store ? quads : new Store([...quads]);
  const members = new Set(store.getObjects(null, SSN_EXT.hasMember, null).map((t) => t.value));
  const result: ParsedMeasurements = { measurements: [], problems: [] };

  for (const subject of store.getSubjects(SOSA.observedProperty, null, null)) {
    if (subject.termType !== 'NamedNode' || members.has(subject.value)) continue;
    try {
      result.measurements.push(readObservation(store, subject));
    } catch (e) {
      result.problems.push({ iri: subject.value, problem: (e as Error).message });
    }
  }
  result.measurements.sort((a, b) => Date.parse(a.effectiveTime) - Date.parse(b.effectiveTime) || a.iri.localeCompare(b.iri));
  return result;
}

function one(store: Store, subject: Term, predicate: string): Term {
  const objects = store.getObjects(subject, predicate, null);
  if (objects.length !== 1) throw new Error(`expected exactly one <${predicate}>, found ${objects.length}`);
  return objects[0]!;
}

function numericResult(store: Store, observation: Term): number {
  const result = one(store, observation, SOSA.hasResult);
  const value = Number(one(store, result, QUDT.numericValue).value);
  if (!Number.isFinite(value)) throw new Error('result is not a number');
  return value;
}

function readObservation(store: Store, subject: Term): StoredMeasurement {
  const kind: KindId | undefined = kindForSnomedIri(one(store, subject, SOSA.observedProperty).value);
  if (!kind) throw new Error('observed property is not a known SNOMED CT concept');
  const spec = kindSpec(kind);
  const sensors = store.getObjects(subject, SOSA.madeBySensor, null);
  if (sensors.length > 1) throw new Error(`expected at most one <${SOSA.madeBySensor}>, found ${sensors.length}`);
  const stated = readProvenance(store, subject);
  if (sensors.length === 0 && !stated.identifier) throw new Error('observation has neither a device (sosa:madeBySensor) nor an identifier (hv:identifier)');
  const setting = settingByIri.get(one(store, subject, HV.setting).value);
  if (!setting) throw new Error('unknown setting');
  const base = {
    iri: subject.value,
    patient: one(store, subject, SOSA.hasFeatureOfInterest).value,
    effectiveTime: one(store, subject, SOSA.resultTime).value,
    ...(sensors[0] ? { device: one(store, sensors[0], HV.deviceId).value } : {}),
    source: one(store, subject, PROV.wasAttributedTo).value,
    setting,
    ...stated,
  };
  if (kind === 'blood-pressure') {
    const values: Record<string, number> = {};
    for (const member of store.getObjects(subject, SSN_EXT.hasMember, null)) {
      const property = one(store, member, SOSA.observedProperty).value;
      const name = Object.entries(spec.components!).find(([, c]) => observedPropertyIri(c) === property)?.[0];
      if (!name) throw new Error(`unknown blood pressure component <${property}>`);
      if (values[name] !== undefined) throw new Error(`blood pressure panel has two ${name} members`);
      values[name] = numericResult(store, member);
    }
    if (values.systolic === undefined || values.diastolic === undefined) throw new Error('blood pressure panel lacks systolic or diastolic');
    const { meanArterial, pulsePressure } = values;
    return {
      ...base, kind, systolic: values.systolic, diastolic: values.diastolic,
      ...(meanArterial !== undefined ? { meanArterial } : {}), ...(pulsePressure !== undefined ? { pulsePressure } : {}), unit: 'mm[Hg]',
    };
  }
  const unit = one(store, one(store, subject, SOSA.hasResult), HV.ucumCode).value;
  if (unit !== spec.canonicalUnit) throw new Error(`unit '${unit}' is not the canonical '${spec.canonicalUnit}'`);
  return { ...base, kind, value: numericResult(store, subject), unit } as StoredMeasurement;
}
