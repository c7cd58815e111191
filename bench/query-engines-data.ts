/**
 * The query-engine comparison's data and queries, all in memory: the query
 * benchmark's panel readings (panelMeasurements, seeded PRNG) turned into
 * quads by the one mapping (measurementsByDocument), each quad in the named
 * graph of its month document, as a pod server's index would hold them.
 *
 * Each query has one SPARQL text (for the engines that take SPARQL) and a
 * hand-planned equivalent over an `n3` Store (store.match) that must give the
 * same rows. Rows are compared as sorted keys (rowKey). Never touches the
 * network or a pod server.
 */
import { DataFactory, Store, type Quad, type Term } from 'n3';
import { measurementsByDocument } from '../apps/shared/measurement/index.ts';
import { webIdOf } from '../pod-server/world/demo-world.ts';
import { SOSA, QUDT } from '../vocab/terms.ts';
import { panelMeasurements } from './query-panel.ts';

const BASE = 'http://localhost:3000/';
const HOUR = 3600_000;
const SCT = 'http://snomed.info/id/';
const XSD_DATETIME = 'http://www.w3.org/2001/XMLSchema#dateTime';
const SPO2 = `${SCT}431314004`;
/** SpO2, heart rate, systolic, diastolic, body weight: the 4 kinds' observed properties (blood pressure has two). */
const FOUR_KINDS = ['431314004', '364075005', '271649006', '271650006', '27113001'].map((c) => `${SCT}${c}`);

export interface EngineDataset {
  readonly name: string;
  readonly patients: readonly { webId: string; pod: string }[];
  readonly days: number;
  readonly end: Date;
  readonly measurements: number;
  readonly documents: number;
  /** Every quad in the named graph of its month document. */
  readonly quads: Quad[];
}

/** `patients` panel patients x `days` days x 4 kinds, ending at `end`: deterministic. */
export function engineDataset(name: string, patients: number, days: number, end: Date): EngineDataset {
  const vendor = webIdOf(BASE, 'vendor');
  const list = Array.from({ length: patients }, (_, i) => {
    const id = `panel-${String(i + 1).padStart(3, '0')}`;
    return { webId: webIdOf(BASE, id), pod: `${BASE}${id}/` };
  });
  const quads: Quad[] = [];
  let measurements = 0;
  let documents = 0;
  list.forEach((p, i) => {
    const readings = panelMeasurements(p.webId, i, end, days, vendor);
    measurements += readings.length;
    for (const [document, docQuads] of measurementsByDocument(readings, () => p.pod)) {
      documents += 1;
      const graph = DataFactory.namedNode(document);
      for (const q of docQuads) quads.push(DataFactory.quad(q.subject, q.predicate, q.object, graph));
    }
  });
  return { name, patients: list, days, end, measurements, documents, quads };
}

const NUMERIC = new Set(['decimal', 'integer', 'double', 'float'].map((t) => `http://www.w3.org/2001/XMLSchema#${t}`));

/**
 * A result term as a comparable string: IRIs as <iri>, literals as
 * "lexical"^^<datatype>, numbers in canonical form (oxigraph returns
 * xsd:decimal "80.0" as "80": the same value, another spelling).
 */
export function termKey(term: { termType: string; value: string; datatype?: { value: string } } | undefined): string {
  if (term === undefined) return 'UNBOUND';
  if (term.termType === 'Literal') {
    const datatype = term.datatype?.value ?? '';
    return `"${NUMERIC.has(datatype) ? String(Number(term.value)) : term.value}"^^<${datatype}>`;
  }
  return term.termType === 'NamedNode' ? `<${term.value}>` : `_:${term.value}`;
}

/** One row as a string over `vars` in order; rows of different engines are compared as sorted lists of these. */
export function rowKey(vars: readonly string[], get: (v: string) => Parameters<typeof termKey>[0]): string {
  return vars.map((v) => termKey(get(v))).join(' ');
}

export interface EngineQuery {
  readonly name: string;
  readonly description: string;
  readonly vars: readonly string[];
  readonly sparql: string;
  /** The same rows by hand-planned store.match calls (row keys, unsorted). */
  readonly plan: (store: Store) => string[];
}

const PREFIXES = `PREFIX sosa: <http://www.w3.org/ns/sosa/> PREFIX qudt: <http://qudt.org/schema/qudt/> PREFIX sct: <http://snomed.info/id/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n`;

const nn = DataFactory.namedNode;
const timeOf = (t: Term | undefined) => (t?.termType === 'Literal' && t.datatype.value === XSD_DATETIME ? Date.parse(t.value) : NaN);

/** The named graph (month document) an observation is in: its IRI without the fragment (measurementIri). */
const documentOf = (obs: Term) => nn(obs.value.replace(/#.*$/, ''));

/**
 * The observations `obs` (of one patient or of one property) whose time is
 * at or after `since` (and before `until`), with their result's numeric
 * value: the hand plan's common tail (sosa:resultTime, sosa:hasResult,
 * qudt:numericValue), each looked up in the observation's own document, as
 * the index knows it (n3 keeps one index per graph, so a lookup in every
 * graph costs one probe per document).
 */
function observationsWithValues(store: Store, obs: Iterable<Term>, since: number, until: number, keep: (obs: Term, value: number) => boolean) {
  const out: { obs: Term; time: Term; value: Term; graph: Term }[] = [];
  for (const o of obs) {
    const graph = documentOf(o);
    for (const time of store.getObjects(o, nn(SOSA.resultTime), graph)) {
      const t = timeOf(time);
      if (!(t >= since && t < until)) continue;
      for (const r of store.getObjects(o, nn(SOSA.hasResult), graph)) {
        for (const value of store.getObjects(r, nn(QUDT.numericValue), graph)) {
          if (keep(o, Number(value.value))) out.push({ obs: o, time, value, graph });
        }
      }
    }
  }
  return out;
}

/** Q1 one patient, one kind, a time range; Q2 one patient, all 4 kinds, every day; Q3 the panel's SpO2 < 92 % in the last 48 h. */
export function engineQueries(data: EngineDataset): EngineQuery[] {
  const first = data.patients[0]!;
  const since14 = new Date(data.end.getTime() - 14 * 24 * HOUR);
  const until7 = new Date(data.end.getTime() - 7 * 24 * HOUR);
  const sinceAll = new Date(data.end.getTime() - data.days * 24 * HOUR);
  const since48 = new Date(data.end.getTime() - 48 * HOUR);
  const lit = (d: Date) => `"${d.toISOString()}"^^xsd:dateTime`;
  const byPatient = (store: Store, patient: string) => store.getSubjects(nn(SOSA.hasFeatureOfInterest), nn(patient), null);
  return [
    {
      name: 'q1-patient-spo2-week',
      description: 'one patient, SpO2, one week (14 to 7 days ago)',
      vars: ['obs', 'time', 'value'],
      sparql: `${PREFIXES}SELECT ?obs ?time ?value WHERE {
  ?obs sosa:hasFeatureOfInterest <${first.webId}> ; sosa:observedProperty sct:431314004 ; sosa:resultTime ?time ; sosa:hasResult ?r .
  ?r qudt:numericValue ?value .
  FILTER (?time >= ${lit(since14)} && ?time < ${lit(until7)})
}`,
      plan: (store) => {
        const spo2 = byPatient(store, first.webId).filter((o) => store.countQuads(o, nn(SOSA.observedProperty), nn(SPO2), documentOf(o)) > 0);
        return observationsWithValues(store, spo2, since14.getTime(), until7.getTime(), () => true)
          .map((r) => rowKey(['obs', 'time', 'value'], (v) => (r as Record<string, Term>)[v]));
      },
    },
    {
      name: 'q2-patient-90d-4-kinds',
      description: `one patient, all 4 kinds, ${data.days} days`,
      vars: ['obs', 'property', 'time', 'value'],
      sparql: `${PREFIXES}SELECT ?obs ?property ?time ?value WHERE {
  ?obs sosa:hasFeatureOfInterest <${first.webId}> ; sosa:observedProperty ?property ; sosa:resultTime ?time ; sosa:hasResult ?r .
  ?r qudt:numericValue ?value .
  FILTER (?time >= ${lit(sinceAll)})
}
VALUES ?property { ${FOUR_KINDS.map((p) => `<${p}>`).join(' ')} }`,
      plan: (store) => {
        const rows: string[] = [];
        const hits = observationsWithValues(store, byPatient(store, first.webId), sinceAll.getTime(), Infinity, () => true);
        for (const h of hits) {
          for (const property of store.getObjects(h.obs, nn(SOSA.observedProperty), h.graph)) {
            if (FOUR_KINDS.includes(property.value)) rows.push(rowKey(['obs', 'property', 'time', 'value'], (v) => ({ ...h, property } as Record<string, Term>)[v]));
          }
        }
        return rows;
      },
    },
    {
      name: 'q3-panel-spo2-48h',
      description: `every SpO2 < 92 % in the last 48 h across ${data.patients.length} patients`,
      vars: ['patient', 'time', 'spo2'],
      sparql: `${PREFIXES}SELECT ?patient ?time ?spo2 WHERE {
  ?obs sosa:observedProperty sct:431314004 ; sosa:hasFeatureOfInterest ?patient ; sosa:resultTime ?time ; sosa:hasResult ?r .
  ?r qudt:numericValue ?spo2 .
  FILTER (?time >= ${lit(since48)} && ?spo2 < 92)
}`,
      plan: (store) => {
        const rows: string[] = [];
        const spo2 = store.getSubjects(nn(SOSA.observedProperty), nn(SPO2), null);
        for (const h of observationsWithValues(store, spo2, since48.getTime(), Infinity, (_o, value) => value < 92)) {
          for (const patient of store.getObjects(h.obs, nn(SOSA.hasFeatureOfInterest), h.graph)) {
            rows.push(rowKey(['patient', 'time', 'spo2'], (v) => ({ patient, time: h.time, spo2: h.value } as Record<string, Term>)[v]));
          }
        }
        return rows;
      },
    },
  ];
}

/** Fails loudly unless every engine gave the same rows (as multisets) for a query. */
export function assertSameRows(query: string, byEngine: Record<string, readonly string[]>): number {
  const entries = Object.entries(byEngine).map(([engine, rows]) => [engine, [...rows].sort()] as const);
  const [refName, ref] = entries[0]!;
  for (const [engine, rows] of entries.slice(1)) {
    if (rows.length !== ref.length || rows.some((r, i) => r !== ref[i])) {
      const [mine, theirs] = [new Set(rows), new Set(ref)];
      const missing = ref.filter((r) => !mine.has(r));
      const extra = rows.filter((r) => !theirs.has(r));
      throw new Error(`${query}: ${engine} gave ${rows.length} rows, ${refName} ${ref.length}; `
        + `missing from ${engine}: ${missing.slice(0, 3).join(' | ') || 'none'}; extra: ${extra.slice(0, 3).join(' | ') || 'none'}`);
    }
  }
  return ref.length;
}
