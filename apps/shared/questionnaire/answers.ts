/**
 * The patient's answers to a questionnaire, checked once against the
 * Questionnaire itself (required items, allowed answer options, whole numbers
 * within minValue/maxValue, text length) into typed answers, and the score
 * computed by the instrument's published rule (catalogue.ts): the CAT is the
 * sum of its eight 0-5 items (0-40), the mMRC is the grade chosen (0-4).
 * Pure: it never writes and never decides who answered. A form with any
 * problem gives only the problems, never a partial score.
 */
import type { Coding, QuestionnaireItem } from 'fhir/r4.js';
import type { FieldError } from '../measurement/errors.ts';
import { questionnaireById, type QuestionnaireEntry, type QuestionnaireId } from './catalogue.ts';
import { extensionValue, MAX_VALUE, MIN_VALUE, ORDINAL_VALUE } from './text.ts';

export type AnswerValue =
  | { readonly type: 'coding'; readonly system: string; readonly code: string; readonly display?: string }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'integer'; readonly value: number }
  | { readonly type: 'string'; readonly value: string };

export interface ItemAnswer {
  readonly linkId: string;
  readonly answer: AnswerValue;
}

export interface ScoredAnswers {
  readonly questionnaire: QuestionnaireId;
  /** In the questionnaire's item order; items left empty (optional ones) are absent. */
  readonly items: readonly ItemAnswer[];
  /** The score by the instrument's rule, when it has one. */
  readonly score?: { readonly kind: 'cat-score' | 'mmrc-grade'; readonly value: number };
}

export type AnswerProblem = 'required' | 'not-allowed' | 'not-a-whole-number' | 'out-of-range' | 'too-long' | 'unknown-item' | 'unknown-questionnaire';

/** A FieldError (`field` = `item/{linkId}`) that also says which problem, so a page can say it in its own words. */
export interface AnswerError extends FieldError {
  readonly linkId: string;
  readonly problem: AnswerProblem;
}

/** What a form sends: per linkId, the code chosen, true/false, or the text typed. */
export type RawAnswers = Readonly<Record<string, string | boolean | number | undefined>>;

const WHOLE = /^\s*[+-]?\d+\s*$/;

function ordinal(coding: Coding): number | undefined {
  return extensionValue(coding.extension, ORDINAL_VALUE)?.valueDecimal;
}

function checkItem(item: QuestionnaireItem, raw: unknown): { answer?: AnswerValue; error?: Omit<AnswerError, 'field' | 'linkId'> } {
  const empty = raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
  if (empty) return item.required ? { error: { problem: 'required', message: 'answer this question; it is required' } } : {};
  switch (item.type) {
    case 'choice': {
      const option = (item.answerOption ?? []).find((o) => o.valueCoding?.code === String(raw));
      if (!option?.valueCoding) {
        const codes = (item.answerOption ?? []).map((o) => o.valueCoding?.code).join(', ');
        return { error: { problem: 'not-allowed', message: `'${String(raw).slice(0, 40)}' is not one of the answers; choose one of ${codes}` } };
      }
      const { system, code, display } = option.valueCoding;
      return { answer: { type: 'coding', system: system!, code: code!, ...(display ? { display } : {}) } };
    }
    case 'boolean': {
      if (raw === true || raw === 'true') return { answer: { type: 'boolean', value: true } };
      if (raw === false || raw === 'false') return { answer: { type: 'boolean', value: false } };
      return { error: { problem: 'not-allowed', message: 'answer yes (true) or no (false)' } };
    }
    case 'integer': {
      if (!(typeof raw === 'number' ? Number.isInteger(raw) : typeof raw === 'string' && WHOLE.test(raw))) {
        return { error: { problem: 'not-a-whole-number', message: 'must be a whole number' } };
      }
      const value = Number(raw);
      const min = extensionValue(item.extension, MIN_VALUE)?.valueInteger;
      const max = extensionValue(item.extension, MAX_VALUE)?.valueInteger;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
        return { error: { problem: 'out-of-range', message: `must be between ${min ?? '-∞'} and ${max ?? '∞'}` } };
      }
      return { answer: { type: 'integer', value } };
    }
    case 'string':
    case 'text': {
      const value = String(raw).trim();
      if (item.maxLength !== undefined && value.length > item.maxLength) return { error: { problem: 'too-long', message: `at most ${item.maxLength} characters` } };
      if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) return { error: { problem: 'not-allowed', message: 'text only, no control characters' } };
      return { answer: { type: 'string', value } };
    }
    default:
      return { error: { problem: 'not-allowed', message: `items of type ${item.type} are not answered here` } };
  }
}

function scoreOf(entry: QuestionnaireEntry, items: readonly ItemAnswer[]): ScoredAnswers['score'] {
  if (!entry.score) return undefined;
  const options = new Map((entry.questionnaire.item ?? []).flatMap((i) => (i.answerOption ?? []).map((o) => [`${i.linkId} ${o.valueCoding?.code}`, o.valueCoding!] as const)));
  const points = items.flatMap((a) => (a.answer.type === 'coding' ? [ordinal(options.get(`${a.linkId} ${a.answer.code}`)!)] : []));
  if (points.some((p) => p === undefined)) throw new Error(`questionnaire ${entry.id} has an answer option without an ordinal value`);
  const value = entry.score.rule === 'sum-of-ordinals' ? (points as number[]).reduce((a, b) => a + b, 0) : (points as number[])[0]!;
  return { kind: entry.score.kind, value };
}

/** Checks `raw` against the questionnaire `id` and scores it. */
export function scoreAnswers(id: string, raw: RawAnswers): { ok: true; value: ScoredAnswers } | { ok: false; errors: AnswerError[] } {
  const entry = questionnaireById(id);
  if (!entry) {
    return { ok: false, errors: [{ field: 'questionnaire', linkId: '', problem: 'unknown-questionnaire', message: `unknown questionnaire '${String(id).slice(0, 40)}'` }] };
  }
  const items = entry.questionnaire.item ?? [];
  const errors: AnswerError[] = [];
  const answers: ItemAnswer[] = [];
  for (const linkId of Object.keys(raw)) {
    if (!items.some((i) => i.linkId === linkId)) errors.push({ field: `item/${linkId}`, linkId, problem: 'unknown-item', message: `the questionnaire has no question '${linkId.slice(0, 40)}'` });
  }
  for (const item of items) {
    const { answer, error } = checkItem(item, raw[item.linkId]);
    if (error) errors.push({ field: `item/${item.linkId}`, linkId: item.linkId, ...error });
    else if (answer) answers.push({ linkId: item.linkId, answer });
  }
  if (errors.length > 0) return { ok: false, errors };
  const score = scoreOf(entry, answers);
  return { ok: true, value: { questionnaire: entry.id, items: answers, ...(score ? { score } : {}) } };
}
