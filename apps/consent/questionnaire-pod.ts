/**
 * The questionnaire part of the consent page's conversation with the
 * patient's own pod: reads the teams' requests (health/notes/) and the
 * patient's responses (beside their scores, in the score kinds' month
 * documents), and appends a response with its score in one insert-only
 * N3 Patch through the one write path (apps/shared/append.ts), with the
 * patient's own session. No DOM here; every failure is a PodError.
 */
import { SCORE_KINDS } from '../../vocab/catalogue.ts';
import { appendQuads } from '../shared/append.ts';
import { measurementToQuads } from '../shared/measurement/rdf.ts';
import { responseToQuads, quadsToResponses, type StoredAnswers } from '../shared/questionnaire/rdf.ts';
import { quadsToShownRequests, type ShownRequest } from '../shared/questionnaire/request.ts';
import { responseDocument, scoreMeasurement, type QuestionnaireAnswers } from '../shared/questionnaire/response.ts';
import { listContainer, PodError, readCategory, readQuads, type Patient } from './pod.ts';

type Fetch = typeof fetch;

export interface QuestionnaireState {
  readonly requests: ShownRequest[];
  readonly responses: StoredAnswers[];
}

export async function readQuestionnaireState(fetchFn: Fetch, patient: Patient): Promise<QuestionnaireState> {
  const notes = (await listContainer(fetchFn, `${patient.pod}health/notes/`)).filter((u) => u.endsWith('.ttl'));
  const [noteQuads, categories] = await Promise.all([
    Promise.all(notes.map(async (url) => (await readQuads(fetchFn, url)).quads)),
    Promise.all(SCORE_KINDS.map((kind) => readCategory(fetchFn, patient, kind))),
  ]);
  return {
    requests: quadsToShownRequests(noteQuads.flat()),
    responses: quadsToResponses(categories.flatMap((c) => c.quads)).responses,
  };
}

/** Appends checked answers and their score to the score's month document, in one patch. */
export async function appendQuestionnaireResponse(fetchFn: Fetch, patient: Patient, answers: QuestionnaireAnswers): Promise<void> {
  const document = responseDocument(patient.pod, answers);
  const score = scoreMeasurement(patient.pod, answers);
  if (!document || !score) throw new Error(`questionnaire ${answers.questionnaire} gives no score, so its answers have no place in the pod yet`);
  const outcome = await appendQuads(fetchFn, document, [...responseToQuads(answers, patient.pod), ...measurementToQuads(score, patient.pod)]);
  if (outcome.ok) return;
  throw outcome.status === undefined ? new PodError('unreachable', document) : new PodError(outcome.status === 401 ? 'expired' : outcome.status === 403 ? 'forbidden' : 'server', document, outcome.status);
}
