/**
 * The questionnaires Helsevev knows, with the score each gives (if any) and
 * the measurement kind that score is stored as (vocab/catalogue.ts). One
 * table: the patient's page, a team's request and the scoring read it.
 */
import type { Questionnaire } from 'fhir/r4.js';
import { CAT_QUESTIONNAIRE } from './cat.ts';
import { COPD_FOLLOW_UP_QUESTIONNAIRE } from './copd-follow-up.ts';
import { MMRC_QUESTIONNAIRE } from './mmrc.ts';

export type QuestionnaireId = 'cat' | 'mmrc' | 'copd-follow-up';

/** How a score is computed from the answers' ordinal values (published rules: CAT sums its 8 items; mMRC is the grade chosen). */
export type ScoreRule = 'sum-of-ordinals' | 'single-ordinal';

export interface QuestionnaireEntry {
  readonly id: QuestionnaireId;
  readonly questionnaire: Questionnaire & { readonly url: string };
  /** The score, when the instrument has a published scoring rule. */
  readonly score?: { readonly kind: 'cat-score' | 'mmrc-grade'; readonly rule: ScoreRule; readonly min: number; readonly max: number };
}

export const QUESTIONNAIRES: readonly QuestionnaireEntry[] = [
  { id: 'cat', questionnaire: CAT_QUESTIONNAIRE as QuestionnaireEntry['questionnaire'], score: { kind: 'cat-score', rule: 'sum-of-ordinals', min: 0, max: 40 } },
  { id: 'mmrc', questionnaire: MMRC_QUESTIONNAIRE as QuestionnaireEntry['questionnaire'], score: { kind: 'mmrc-grade', rule: 'single-ordinal', min: 0, max: 4 } },
  { id: 'copd-follow-up', questionnaire: COPD_FOLLOW_UP_QUESTIONNAIRE as QuestionnaireEntry['questionnaire'] },
];

export function questionnaireById(id: string): QuestionnaireEntry | undefined {
  return QUESTIONNAIRES.find((q) => q.id === id);
}

export function questionnaireByUrl(url: string): QuestionnaireEntry | undefined {
  return QUESTIONNAIRES.find((q) => q.questionnaire.url === url);
}

/** The questionnaire whose score is stored as `kind`. */
export function questionnaireOfScore(kind: string): QuestionnaireEntry | undefined {
  return QUESTIONNAIRES.find((q) => q.score?.kind === kind);
}
