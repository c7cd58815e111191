/**
 * A patient's answered questionnaire, typed: who answered (the patient, who
 * is also its subject), when, the checked answers, and the score made from
 * them as a measurement like any other (kind cat-score / mmrc-grade, setting
 * patient-entered, source the patient), identified by the response it came
 * from. Pure: built from answers already checked by scoreAnswers.
 */
import { kindSpec } from '../../../vocab/catalogue.ts';
import { identityHash, measurementDocument, toOsloIso } from '../measurement/identity.ts';
import { parseMeasurementInput } from '../measurement/input.ts';
import type { Measurement } from '../measurement/types.ts';
import type { ItemAnswer, ScoredAnswers } from './answers.ts';
import { questionnaireById, type QuestionnaireId } from './catalogue.ts';

/** The identifier system of a score: its value is the IRI of the response the score was computed from. */
export const RESPONSE_SYSTEM = 'urn:helsevev:questionnaire-response';

export interface QuestionnaireAnswers {
  readonly questionnaire: QuestionnaireId;
  /** The patient's WebID: author and subject. */
  readonly patient: string;
  /** When the patient sent the answers, ISO 8601 in Europe/Oslo's offset. */
  readonly authored: string;
  readonly items: readonly ItemAnswer[];
  readonly score?: ScoredAnswers['score'];
}

export function answersOf(patient: string, scored: ScoredAnswers, authored: Date): QuestionnaireAnswers {
  return { questionnaire: scored.questionnaire, patient, authored: toOsloIso(authored), items: scored.items, ...(scored.score ? { score: scored.score } : {}) };
}

/**
 * The document a response is stored in: the month document of its score's
 * kind, so whoever the patient lets read the score reads the answers behind
 * it, and nobody else. A questionnaire without a score has no home yet.
 */
export function responseDocument(storage: string, answers: Pick<QuestionnaireAnswers, 'questionnaire' | 'authored'>): string | undefined {
  const kind = questionnaireById(answers.questionnaire)?.score?.kind;
  return kind ? measurementDocument(storage, kind, answers.authored) : undefined;
}

/** `{document}#response-{hash of patient, questionnaire, time}`: answering the same form at the same instant twice is one response. */
export function responseIri(storage: string, answers: Pick<QuestionnaireAnswers, 'questionnaire' | 'authored' | 'patient'>): string | undefined {
  const document = responseDocument(storage, answers);
  return document ? `${document}#response-${identityHash(answers.patient, answers.questionnaire, answers.authored)}` : undefined;
}

/** The score as a measurement, checked like any other reading (range, unit); undefined when the questionnaire gives none. */
export function scoreMeasurement(storage: string, answers: QuestionnaireAnswers): Measurement | undefined {
  const iri = responseIri(storage, answers);
  if (!answers.score || !iri) return undefined;
  const checked = parseMeasurementInput({
    patient: answers.patient, kind: answers.score.kind, value: answers.score.value, unit: kindSpec(answers.score.kind).canonicalUnit,
    effectiveTime: answers.authored, identifier: { system: RESPONSE_SYSTEM, value: iri }, source: answers.patient, setting: 'patient-entered',
  }, { maxClockSkewMs: Number.POSITIVE_INFINITY });
  if (!checked.ok) throw new Error(`score does not check as a measurement: ${checked.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
  return checked.value;
}
