/**
 * RDF -> typed measurements: reads month documents back (the clinician
 * side and the patient's "my data" view). Anything that does not read as a
 * complete measurement is reported in `problems`, never guessed at.
 */
import { Parser, Store, type Quad, type Term } from 'n3';
import { kindForSnomedIri, kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { HV, PROV, QUDT, SOSA, SSN_EXT, snomedIri } from '../../../vocab/terms.ts';
import { SETTINGS, type Setting, type StoredMeasurement } from './types.ts';

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
  const sensor = one(store, subject, SOSA.madeBySensor);
  const setting = settingByIri.get(one(store, subject, HV.setting).value);
  if (!setting) throw new Error('unknown setting');
  const base = {
    iri: subject.value,
    patient: one(store, subject, SOSA.hasFeatureOfInterest).value,
    effectiveTime: one(store, subject, SOSA.resultTime).value,
    device: one(store, sensor, HV.deviceId).value,
    source: one(store, subject, PROV.wasAttributedTo).value,
    setting,
  };
  if (kind === 'blood-pressure') {
    const values: Record<string, number> = {};
    for (const member of store.getObjects(subject, SSN_EXT.hasMember, null)) {
      const property = one(store, member, SOSA.observedProperty).value;
      const name = Object.entries(spec.components!).find(([, c]) => snomedIri(c.snomed) === property)?.[0];
      if (!name) throw new Error(`unknown blood pressure component <${property}>`);
      values[name] = numericResult(store, member);
    }
    if (values.systolic === undefined || values.diastolic === undefined) throw new Error('blood pressure panel lacks systolic or diastolic');
    return { ...base, kind, systolic: values.systolic, diastolic: values.diastolic, unit: 'mm[Hg]' };
  }
  const unit = one(store, one(store, subject, SOSA.hasResult), HV.ucumCode).value;
  if (unit !== spec.canonicalUnit) throw new Error(`unit '${unit}' is not the canonical '${spec.canonicalUnit}'`);
  return { ...base, kind, value: numericResult(store, subject), unit } as StoredMeasurement;
}
