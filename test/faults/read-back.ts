/**
 * The fault run's check: read every month document of every patient back,
 * as the patient, and hold what is there against what the gateway
 * acknowledged. Documents are found by listing the category containers, so
 * an observation in a document nobody expected is counted too.
 *
 * An observation's id is the gateway's reading id (a digest of its IRI).
 * quadsToMeasurements (apps/shared/measurement) already refuses an
 * observation without exactly one result, value, sensor, time...; here also
 * a blood pressure panel must have exactly two members and one result time.
 */
import { Parser, Store } from 'n3';
import { healthContainers } from '../../apps/shared/health-layout.ts';
import { identityHash, quadsToMeasurements, type StoredMeasurement } from '../../apps/shared/measurement/index.ts';
import type { PodSession } from '../../apps/shared/pod-session.ts';
import type { JsonReading } from '../../apps/simulator/devices.ts';
import { kindSpec } from '../../vocab/catalogue.ts';
import { NS, SOSA, SSN_EXT } from '../../vocab/terms.ts';
import type { ExtraPatient } from '../support/extra-patients.ts';

/** A reading a device sent, and whether the gateway acknowledged it. */
export interface SentReading {
  /** The gateway's id for it, computed from what was sent. */
  readonly id: string;
  readonly patient: ExtraPatient;
  readonly document: string;
  readonly reading: JsonReading;
  /** The first acknowledgement already said "duplicate": an earlier attempt was stored but its answer lost. */
  duplicateOnAck?: boolean;
  acked: boolean;
}

export interface ReadBack {
  /** Observations per reading id. */
  readonly found: Map<string, { count: number; measurement: StoredMeasurement }>;
  /** Observations per patient, device, kind and instant. */
  readonly byInstant: Map<string, number>;
  readonly unreadable: string[];
  readonly monthDocuments: number;
  readonly inPods: number;
}

/** Reads every measurement document of every patient, four patients at a time. */
export async function readBackPods(
  patients: readonly ExtraPatient[],
  sessions: ReadonlyMap<string, PodSession>,
  onPatientDone?: (checked: number) => void,
): Promise<ReadBack> {
  const result: ReadBack = { found: new Map(), byInstant: new Map(), unreadable: [], monthDocuments: 0, inPods: 0 };
  let monthDocuments = 0;
  let inPods = 0;
  let next = 0;
  let checked = 0;
  const readTurtle = async (fetchAs: typeof fetch, url: string, as: string) => {
    const response = await fetchAs(url, { headers: { accept: 'text/turtle' } });
    if (!response.ok) throw new Error(`reading ${url} as ${as} answered ${response.status}`);
    return new Store(new Parser({ baseIRI: url }).parse(await response.text()));
  };
  await Promise.all(Array.from({ length: 4 }, async () => {
    while (next < patients.length) {
      const patient = patients[next++]!;
      const fetchAs = sessions.get(patient.name)!.fetch;
      for (const container of healthContainers(patient.podUrl).filter((c) => c.kind === 'category')) {
        const listing = await readTurtle(fetchAs, container.url, patient.name);
        const documents = listing.getObjects(container.url, `${NS.ldp}contains`, null).map((t) => t.value).filter((d) => !d.endsWith('/'));
        for (const document of documents) {
          monthDocuments += 1;
          const quads = await readTurtle(fetchAs, document, patient.name);
          const { measurements, problems } = quadsToMeasurements(quads);
          for (const p of problems) result.unreadable.push(`${p.iri}: ${p.problem}`);
          for (const m of measurements) {
            inPods += 1;
            const members = quads.getObjects(m.iri, SSN_EXT.hasMember, null).length;
            if (m.kind === 'blood-pressure' && members !== 2) result.unreadable.push(`${m.iri}: a blood pressure panel with ${members} members`);
            if (quads.getObjects(m.iri, SOSA.resultTime, null).length !== 1) result.unreadable.push(`${m.iri}: not one result time`);
            const id = identityHash(m.iri);
            const f = result.found.get(id);
            if (f) f.count += 1;
            else result.found.set(id, { count: 1, measurement: m });
            const key = `${m.patient} ${m.device} ${m.kind} ${Date.parse(m.effectiveTime)}`;
            result.byInstant.set(key, (result.byInstant.get(key) ?? 0) + 1);
          }
        }
      }
      onPatientDone?.(++checked);
    }
  }));
  return { ...result, monthDocuments, inPods };
}

/** Lost, duplicated, changed and unexpected readings: what the pods hold against what was acknowledged. */
export function compareWithAcknowledged(sent: Iterable<SentReading>, readBack: ReadBack) {
  const lost: string[] = [];
  const duplicated: string[] = [];
  const wrongValue: string[] = [];
  const byId = new Map<string, SentReading>();
  let acknowledged = 0;
  let afterLostAnswer = 0;
  let bloodPressure = 0;
  for (const r of sent) {
    byId.set(r.id, r);
    if (!r.acked) continue;
    acknowledged += 1;
    if (r.duplicateOnAck) afterLostAnswer += 1;
    if (r.reading.kind === 'blood-pressure') bloodPressure += 1;
    const f = readBack.found.get(r.id);
    if (!f) {
      lost.push(`${r.id} (${r.reading.kind} ${r.reading.effectiveTime} ${r.reading.device} in ${r.document})`);
      continue;
    }
    if (f.count !== 1) duplicated.push(`${r.id}: ${f.count} observations`);
    const m = f.measurement;
    const decimals = kindSpec(r.reading.kind).decimals;
    const same = r.reading.kind === 'blood-pressure'
      ? 'systolic' in m && m.systolic === r.reading.components!.systolic && m.diastolic === r.reading.components!.diastolic
      : 'value' in m && m.value.toFixed(decimals) === r.reading.value!.toFixed(decimals);
    if (!same) wrongValue.push(`${r.id}: sent ${JSON.stringify(r.reading.components ?? r.reading.value)}, stored ${JSON.stringify(m)}`);
  }
  for (const [key, n] of readBack.byInstant) if (n > 1) duplicated.push(`${n} observations for ${key}`);
  let unacknowledgedInPods = 0;
  let foreign = 0;
  for (const id of readBack.found.keys()) {
    const r = byId.get(id);
    if (!r) foreign += 1;
    else if (!r.acked) unacknowledgedInPods += 1;
  }
  return { lost, duplicated, wrongValue, acknowledged, afterLostAnswer, bloodPressure, unacknowledgedInPods, foreign };
}
