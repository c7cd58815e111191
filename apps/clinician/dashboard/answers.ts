/**
 * The answers behind each score on the dashboard: the questionnaire
 * responses stored beside the scores (apps/shared/questionnaire/rdf.ts) in
 * the month documents the clinician's query has already read, matched to the
 * score they produced. A response counts only from the pod of the patient it
 * is about, only when it names that score and the score names it back, only
 * when the score is one the patient wrote (patient-entered, attested by the
 * pod server's guard), and only when its answers still check against the
 * questionnaire. Reads nothing
 * itself: the patient's grant on the score kind is what lets the answers be read.
 */
import type { Quad } from 'n3';
import { SCORE_KINDS, type KindId } from '../../../vocab/catalogue.ts';
import type { ItemAnswer } from '../../shared/questionnaire/answers.ts';
import type { QuestionnaireId } from '../../shared/questionnaire/catalogue.ts';
import { quadsToResponses } from '../../shared/questionnaire/rdf.ts';
import { RESPONSE_SYSTEM } from '../../shared/questionnaire/response.ts';
import type { StoredMeasurement } from '../../shared/measurement/types.ts';

export interface ScoreAnswers {
  readonly questionnaire: QuestionnaireId;
  readonly response: string;
  readonly items: readonly ItemAnswer[];
}

interface ReadDocument {
  readonly doc: { readonly role: string; readonly patient?: string; readonly kind?: KindId };
  readonly quads: readonly Quad[];
}

/** Score measurement IRI -> the answers behind it. */
export function answersByScore(documents: readonly ReadDocument[], measurements: readonly StoredMeasurement[]): Map<string, ScoreAnswers> {
  const byResponse = new Map<string, ScoreAnswers & { score?: string; patient: string }>();
  for (const { doc, quads } of documents) {
    if (doc.role !== 'measurements' || !doc.kind || !SCORE_KINDS.includes(doc.kind) || quads.length === 0) continue;
    for (const r of quadsToResponses(quads).responses) {
      if (r.patient !== doc.patient) continue;
      byResponse.set(r.iri, { questionnaire: r.questionnaire, response: r.iri, items: r.items, score: r.scoreIri, patient: r.patient });
    }
  }
  const result = new Map<string, ScoreAnswers>();
  for (const m of measurements) {
    // Only a score the patient wrote: the pod server lets nobody else state patient-entered (PatientEntryGuardHandler),
    // so answers appended by anyone else with Append on the kind are never shown as the patient's.
    if (m.identifier?.system !== RESPONSE_SYSTEM || m.setting !== 'patient-entered' || m.source !== m.patient) continue;
    const r = byResponse.get(m.identifier.value);
    if (!r || r.score !== m.iri || r.patient !== m.patient) continue;
    result.set(m.iri, { questionnaire: r.questionnaire, response: r.response, items: r.items });
  }
  return result;
}
