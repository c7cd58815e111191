/**
 * Per-patient alert thresholds, as RDF the team keeps in its organisation's
 * pod: `{org pod}thresholds/{team}` (next to `teams/{team}`, readable by the
 * team's group only). One `hv:Threshold` per patient and kind:
 *
 *   <#hans-oxygen-saturation> a hv:Threshold ;
 *       hv:forPatient <http://localhost:3000/hans/profile/card#me> ;
 *       sosa:observedProperty sct:431314004 ;
 *       hv:lowerLimit 90 .            # in the kind's canonical unit (%)
 *
 * A value below hv:lowerLimit or above hv:upperLimit is flagged. Two levels,
 * as DHO services triage: `hv:level hv:Yellow` or `hv:level hv:Red`; a
 * threshold without hv:level is red (documents written before levels existed
 * keep their meaning). A patient and kind has at most one threshold per level,
 * and the levels may not contradict each other (threshold-levels.ts refuses
 * red below 90 with yellow below 88, and writes nothing). The team's alert
 * rules (deadlines, expected measurements) live in the same document
 * (alert-rules.ts). The
 * dashboard shows the document each threshold comes from. Written by
 * pod-server/world/thresholds.ts in the demo; read by the clinician dashboard
 * (apps/clinician/dashboard/routes.ts) with the clinician's own session (a
 * team without thresholds has no document: 404, none). Shared because both
 * write or read the format, and the world may not import a service.
 */
import { DataFactory, Parser, Writer, type Quad } from 'n3';
import { noRedirects } from './same-origin.ts';
import { kindForSnomedIri, kindSpec, observedPropertyIri, type KindId } from '../../vocab/catalogue.ts';
import { HV, NS, RDF, SOSA, snomedIri, XSD } from '../../vocab/terms.ts';
import { checkThresholds, ThresholdsError, type Level } from './threshold-levels.ts';

export type { Level } from './threshold-levels.ts';

const { namedNode, literal, quad } = DataFactory;

export interface Threshold {
  readonly patient: string;
  readonly kind: KindId;
  readonly below?: number;
  readonly above?: number;
  /** Absent: red (the meaning of a threshold written before levels existed). */
  readonly level?: Level;
  /** The document (and resource) it comes from. */
  readonly source: string;
}

/** `{org pod}thresholds/{team}` for the team list at `{org pod}teams/{team}`. */
export function thresholdsDocumentOf(teamListUrl: string): string {
  return teamListUrl.replace(/teams\/([^/]+)$/, 'thresholds/$1');
}

export function parseThresholds(quads: readonly Quad[]): Threshold[] {
  const subjects = quads.filter((q) => q.predicate.value === RDF.type && q.object.value === HV.Threshold).map((q) => q.subject.value);
  return subjects.flatMap((s) => {
    const get = (p: string) => quads.find((q) => q.subject.value === s && q.predicate.value === p)?.object.value;
    const patient = get(HV.forPatient);
    const property = get(SOSA.observedProperty);
    const kind = property ? kindForSnomedIri(property) : undefined;
    const below = get(HV.lowerLimit);
    const above = get(HV.upperLimit);
    const levelIri = get(HV.level);
    const level = levelIri === undefined ? undefined : LEVEL_BY_IRI.get(levelIri);
    if (!patient || !kind || (below === undefined && above === undefined)) return [];
    if (levelIri !== undefined && level === undefined) return []; // a level we do not know: never guess
    return [{
      patient, kind, source: s, ...(level ? { level } : {}),
      ...(below !== undefined && Number.isFinite(Number(below)) ? { below: Number(below) } : {}),
      ...(above !== undefined && Number.isFinite(Number(above)) ? { above: Number(above) } : {}),
    }];
  }).sort((a, b) => (a.patient === b.patient && a.kind === b.kind ? levelRank(a) - levelRank(b) : 0));
}

const LEVEL_BY_IRI = new Map<string, Level>([[HV.Yellow, 'yellow'], [HV.Red, 'red']]);
/** Yellow first: a reader that takes the first threshold of a kind flags at the earliest warning. */
const levelRank = (t: Pick<Threshold, 'level'>) => (t.level === 'yellow' ? 0 : 1);
/** The level of a threshold (red when it names none). */
export const levelOf = (t: Pick<Threshold, 'level'>): Level => t.level ?? 'red';

/** The team's thresholds; none when the document is missing or unreadable. */
export async function readThresholds(fetchFn: typeof fetch, url: string): Promise<{ thresholds: Threshold[]; status: number }> {
  const response = await fetchFn(url, noRedirects({ headers: { accept: 'text/turtle' }, signal: AbortSignal.timeout(10_000) })).catch(() => undefined);
  if (!response) return { thresholds: [], status: 0 };
  if (!response.ok) {
    await response.body?.cancel();
    return { thresholds: [], status: response.status };
  }
  const quads = new Parser({ baseIRI: url }).parse(await response.text());
  return { thresholds: parseThresholds(quads), status: response.status };
}

/** True when `value` crosses the threshold. */
export function crosses(t: Pick<Threshold, 'below' | 'above'>, value: number): boolean {
  return (t.below !== undefined && value < t.below) || (t.above !== undefined && value > t.above);
}

/**
 * Turtle of thresholds (subjects relative to the document). Throws
 * ThresholdsError, and writes nothing, when the thresholds contradict each
 * other (threshold-levels.ts). `extra` is appended as is (the team's rules).
 */
export function thresholdsTurtle(items: readonly Omit<Threshold, 'source'>[], extra: readonly Quad[] = []): Promise<string> {
  const errors = checkThresholds(items);
  if (errors.length > 0) return Promise.reject(new ThresholdsError(errors));
  const quads = items.flatMap((t) => {
    const s = namedNode(`#${new URL(t.patient).pathname.split('/')[1]}-${t.kind}${t.level === 'yellow' ? '-yellow' : ''}`);
    return [
      quad(s, namedNode(RDF.type), namedNode(HV.Threshold)),
      quad(s, namedNode(HV.forPatient), namedNode(t.patient)),
      quad(s, namedNode(SOSA.observedProperty), namedNode(observedPropertyIri(kindSpec(t.kind)))),
      ...(t.below !== undefined ? [quad(s, namedNode(HV.lowerLimit), literal(String(t.below), namedNode(XSD.decimal)))] : []),
      ...(t.above !== undefined ? [quad(s, namedNode(HV.upperLimit), literal(String(t.above), namedNode(XSD.decimal)))] : []),
      ...(t.level ? [quad(s, namedNode(HV.level), namedNode(t.level === 'yellow' ? HV.Yellow : HV.Red))] : []),
    ];
  }).concat(extra);
  const writer = new Writer({ prefixes: { hv: NS.hv, sosa: NS.sosa, sct: NS.snomed } });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}
