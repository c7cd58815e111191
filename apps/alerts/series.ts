/**
 * Catching one series (a patient and kind of the team) up with the
 * patient's pod: read the month documents from the series' last reading (or
 * from when watching began) to now, skip what the checkpoint says was
 * processed (ETag revalidation, then reading IRIs), decide the new readings
 * in time order (decide.ts), write the actions (worklist.ts), and answer the
 * next checkpoint, which the caller saves only after all of it succeeded.
 *
 * Reads with the organisation's session, so the pod server lets it read
 * only what the patient granted the team; a refusal (401/403) reads nothing
 * and decides nothing.
 */
import { categoryContainer, monthsBetween, parseMeasurementsTurtle, type StoredMeasurement } from '../shared/measurement/index.ts';
import { isSafeHttpIri } from '../shared/measurement/iri.ts';
import { noRedirects } from '../shared/same-origin.ts';
import { seriesKey, type Checkpoint, type DocumentMark } from './checkpoint.ts';
import { decideReading, inDecisionOrder, type Reading, type SeriesState } from './decide.ts';
import type { Series, TeamSetup } from './team.ts';
import { applyAction } from './worklist.ts';

export type SeriesOutcome =
  | { readonly status: 'done'; readonly checkpoint: Checkpoint; readonly readings: number; readonly writes: readonly string[] }
  | { readonly status: 'not-granted'; readonly httpStatus: number };

const storageOf = (webId: string) => new URL('../', webId).href;

/** The month documents to look at: from the month of `from` to the month of `now`. */
export function documentsToRead(series: Pick<Series, 'patient' | 'kind'>, from: Date, now: Date): string[] {
  const container = categoryContainer(storageOf(series.patient), series.kind);
  return monthsBetween(from < now ? from : now, now).map((month) => `${container}${month}.ttl`);
}

function asReading(m: StoredMeasurement, series: Series, document: string): Reading | undefined {
  if (m.kind !== series.kind || !('value' in m) || m.patient !== series.patient) return undefined;
  if (!isSafeHttpIri(m.iri) || !m.iri.startsWith(`${document}#`)) return undefined;
  return { iri: m.iri, patient: m.patient, kind: m.kind, value: m.value, time: m.effectiveTime };
}

export async function catchUpSeries(
  fetch: typeof globalThis.fetch, team: TeamSetup, series: Series, checkpoint: Checkpoint, now: Date,
): Promise<SeriesOutcome> {
  const key = seriesKey(series.patient, series.kind);
  let state: SeriesState = checkpoint.series[key] ?? {};
  const watchingSince = Date.parse(checkpoint.watchingSince);
  const from = new Date(state.lastReadingAt ?? checkpoint.watchingSince);
  const fresh: Reading[] = [];
  const marks: Record<string, DocumentMark> = {};
  for (const document of documentsToRead(series, from, now)) {
    const mark = checkpoint.documents[document];
    const response = await fetch(document, noRedirects({
      headers: { accept: 'text/turtle', ...(mark?.etag ? { 'if-none-match': mark.etag } : {}) }, signal: AbortSignal.timeout(15_000),
    }));
    if (response.status === 304 || response.status === 404) {
      await response.body?.cancel();
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { status: 'not-granted', httpStatus: response.status };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`Could not read ${document}: the pod server answered ${response.status}`);
    }
    const etag = response.headers.get('etag') ?? undefined;
    const processed = new Set(mark?.processed ?? []);
    const { measurements } = parseMeasurementsTurtle(await response.text(), document);
    const readings = measurements.flatMap((m) => asReading(m, series, document) ?? [])
      .filter((r) => !processed.has(r.iri) && Date.parse(r.time) >= watchingSince);
    fresh.push(...readings);
    marks[document] = { ...(etag ? { etag } : {}), processed: [...processed, ...readings.map((r) => r.iri)] };
  }
  const writes: string[] = [];
  for (const reading of inDecisionOrder(fresh)) {
    const decided = decideReading(state, reading, { team: team.group, rules: team.rules, thresholds: series.thresholds, now });
    for (const action of decided.actions) writes.push(`${await applyAction(fetch, team.worklist, action)} ${action.taskId}`);
    state = decided.state;
  }
  return {
    status: 'done',
    readings: fresh.length,
    writes,
    checkpoint: {
      ...checkpoint,
      series: { ...checkpoint.series, [key]: state },
      documents: { ...checkpoint.documents, ...marks },
    },
  };
}
