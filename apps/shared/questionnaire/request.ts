/**
 * A team's request that the patient answer a questionnaire, now or weekly,
 * as RDF in the patient's `health/notes/` (docs/questionnaires.md says why
 * there): only those the patient has granted may append there, and the pod
 * server attests who wrote it (hv:attestedAuthor, NoteAttestingHandler.js),
 * so the page shows that agent as the one who asks, never dct:creator.
 *
 * Whether a request is due is decided from the patient's own responses: a
 * one-off request until it is answered after it was made; a weekly one when
 * it has not been answered in the last seven days. Pure: no pod access.
 */
import { DataFactory, Store, type Quad } from 'n3';
import { DCT, HV, RDF, SOSA, XSD } from '../../../vocab/terms.ts';
import type { FieldError, Validated } from '../measurement/errors.ts';
import { identityHash, toOsloIso } from '../measurement/identity.ts';
import { isSafeHttpIri } from '../measurement/iri.ts';
import { notesDocument } from '../measurement/notes.ts';
import { QUESTIONNAIRES, questionnaireById, questionnaireByUrl, type QuestionnaireId } from './catalogue.ts';

const { namedNode, literal, quad } = DataFactory;

export const SCHEDULES = ['once', 'weekly'] as const;
export type Schedule = (typeof SCHEDULES)[number];

export interface QuestionnaireRequest {
  readonly patient: string;
  readonly questionnaire: QuestionnaireId;
  readonly schedule: Schedule;
  /** The clinician's WebID, as the writer claims it (dct:creator). */
  readonly author: string;
  readonly created: string;
}

/** Questionnaires a team may ask for: those whose answers have a place in the pod (a score kind). */
export const REQUESTABLE: readonly QuestionnaireId[] = QUESTIONNAIRES.filter((q) => q.score).map((q) => q.id);

export function parseQuestionnaireRequest(raw: { patient?: unknown; questionnaire?: unknown; schedule?: unknown; author?: unknown; created?: Date }): Validated<QuestionnaireRequest> {
  const errors: FieldError[] = [];
  if (!isSafeHttpIri(raw.patient)) errors.push({ field: 'patient', message: 'must be the patient\'s WebID' });
  if (!isSafeHttpIri(raw.author)) errors.push({ field: 'author', message: 'must be the WebID of the clinician asking' });
  if (typeof raw.questionnaire !== 'string' || !REQUESTABLE.includes(raw.questionnaire as QuestionnaireId)) {
    errors.push({ field: 'questionnaire', message: `ask for one of ${REQUESTABLE.join(', ')}` });
  }
  if (!SCHEDULES.includes(raw.schedule as Schedule)) errors.push({ field: 'schedule', message: `say how often: ${SCHEDULES.join(' or ')}` });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      patient: raw.patient as string, questionnaire: raw.questionnaire as QuestionnaireId, schedule: raw.schedule as Schedule,
      author: raw.author as string, created: toOsloIso(raw.created ?? new Date()),
    },
  };
}

export function requestToQuads(r: QuestionnaireRequest, storage: string): Quad[] {
  const iri = `${notesDocument(storage, r.created)}#request-${identityHash(r.patient, r.questionnaire, r.author, r.created)}`;
  const s = namedNode(iri);
  return [
    quad(s, namedNode(RDF.type), namedNode(HV.QuestionnaireRequest)),
    quad(s, namedNode(HV.requestedQuestionnaire), namedNode(questionnaireById(r.questionnaire)!.questionnaire.url)),
    quad(s, namedNode(HV.schedule), literal(r.schedule)),
    quad(s, namedNode(SOSA.hasFeatureOfInterest), namedNode(r.patient)),
    quad(s, namedNode(DCT.creator), namedNode(r.author)),
    quad(s, namedNode(DCT.created), literal(r.created, namedNode(XSD.dateTime))),
  ];
}

/** A request as it may be shown to the patient. */
export interface ShownRequest {
  readonly iri: string;
  readonly questionnaire: QuestionnaireId;
  readonly schedule: Schedule;
  /** The agent the pod server attested (exactly one); absent: "not verified", and the request is not shown as a team's. */
  readonly author?: string;
  readonly created: string;
}

export function quadsToShownRequests(quads: Iterable<Quad>): ShownRequest[] {
  const store = new Store([...quads]);
  return store.getSubjects(RDF.type, HV.QuestionnaireRequest, null).flatMap((s) => {
    const get = (p: string) => store.getObjects(s, p, null);
    const entry = questionnaireByUrl(get(HV.requestedQuestionnaire)[0]?.value ?? '');
    const schedule = get(HV.schedule)[0]?.value as Schedule | undefined;
    const created = get(DCT.created)[0]?.value;
    if (!entry || !schedule || !SCHEDULES.includes(schedule) || !created || !REQUESTABLE.includes(entry.id)) return [];
    const authors = get(HV.attestedAuthor).filter((t) => t.termType === 'NamedNode');
    const at = get(HV.attestedAt).map((t) => Date.parse(t.value)).filter(Number.isFinite).sort((a, b) => a - b);
    const author = authors.length === 1 ? authors[0]!.value : undefined;
    return [{
      iri: s.value, questionnaire: entry.id, schedule,
      created: author && at.length > 0 ? toOsloIso(new Date(at[0]!)) : created, ...(author ? { author } : {}),
    }];
  }).sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
}

const WEEK_MS = 7 * 86_400_000;

/** Whether the patient still has to answer `request`, given when they answered its questionnaire (ISO times). */
export function isDue(request: ShownRequest, answeredAt: readonly string[], now: Date): boolean {
  const since = request.schedule === 'weekly' ? Math.max(Date.parse(request.created), now.getTime() - WEEK_MS) : Date.parse(request.created);
  return !answeredAt.some((t) => Date.parse(t) >= since);
}
