/**
 * Scoring against the published rules: CAT = sum of eight items scored 0-5
 * (0-40); mMRC = the grade chosen (0-4). A missing required item or an answer
 * outside the allowed values gives errors and no score.
 */
import { describe, expect, it } from 'vitest';
import { scoreAnswers } from '../../../apps/shared/questionnaire/answers.ts';
import { QUESTIONNAIRES } from '../../../apps/shared/questionnaire/catalogue.ts';

const cat = (values: (string | undefined)[]) => Object.fromEntries(values.map((v, i) => [`cat-${i + 1}`, v]));

describe('CAT', () => {
  it('all 0 scores 0 and all 5 scores 40', () => {
    const zero = scoreAnswers('cat', cat(Array(8).fill('0')));
    const five = scoreAnswers('cat', cat(Array(8).fill('5')));
    expect(zero.ok && zero.value.score).toEqual({ kind: 'cat-score', value: 0 });
    expect(five.ok && five.value.score).toEqual({ kind: 'cat-score', value: 40 });
  });

  it('sums the items as answered', () => {
    const r = scoreAnswers('cat', cat(['1', '2', '3', '4', '5', '0', '1', '2']));
    expect(r.ok && r.value.score?.value).toBe(18);
    expect(r.ok && r.value.items.map((i) => i.linkId)).toEqual(['cat-1', 'cat-2', 'cat-3', 'cat-4', 'cat-5', 'cat-6', 'cat-7', 'cat-8']);
  });

  it('refuses a missing required item, naming it, and gives no score', () => {
    const r = scoreAnswers('cat', cat(['1', '2', '3', undefined, '5', '0', '1', '2']));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([expect.objectContaining({ linkId: 'cat-4', problem: 'required', field: 'item/cat-4' })]);
  });

  it.each(['6', '-1', '2.5', 'x', '10'])('refuses %s as an answer (not one of 0-5)', (value) => {
    const r = scoreAnswers('cat', cat(['1', '1', '1', '1', '1', '1', '1', value]));
    expect(!r.ok && r.errors.map((e) => [e.linkId, e.problem])).toEqual([['cat-8', 'not-allowed']]);
  });

  it('refuses answers to questions the questionnaire does not have', () => {
    const r = scoreAnswers('cat', { ...cat(Array(8).fill('1')), 'cat-9': '3' });
    expect(!r.ok && r.errors.map((e) => [e.linkId, e.problem])).toEqual([['cat-9', 'unknown-item']]);
  });

  it('has eight required items with answers 0-5', () => {
    const q = QUESTIONNAIRES.find((e) => e.id === 'cat')!.questionnaire;
    expect(q.item).toHaveLength(8);
    for (const item of q.item!) {
      expect(item.required).toBe(true);
      expect(item.answerOption!.map((o) => o.valueCoding!.code)).toEqual(['0', '1', '2', '3', '4', '5']);
    }
  });
});

describe('mMRC', () => {
  it.each([0, 1, 2, 3, 4])('grade %i scores %i', (grade) => {
    const r = scoreAnswers('mmrc', { 'mmrc-grade': String(grade) });
    expect(r.ok && r.value.score).toEqual({ kind: 'mmrc-grade', value: grade });
  });

  it('refuses grade 5 (that is the original MRC scale\'s top, not the mMRC\'s) and no answer', () => {
    expect(scoreAnswers('mmrc', { 'mmrc-grade': '5' }).ok).toBe(false);
    const none = scoreAnswers('mmrc', {});
    expect(!none.ok && none.errors[0]!.problem).toBe('required');
  });
});

describe('municipal COPD follow-up', () => {
  const good = {
    breathlessness: 'worse', cough: 'usual', 'sputum-amount': 'more', 'sputum-colour': 'yellow',
    fever: false, 'medicine-use': 'more-reliever', 'feeling-today': '4',
  };

  it('takes a complete form and gives no score (no published scoring rule)', () => {
    const r = scoreAnswers('copd-follow-up', good);
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.score).toBeUndefined();
    expect(r.ok && r.value.items.find((i) => i.linkId === 'fever')!.answer).toEqual({ type: 'boolean', value: false });
  });

  it('refuses a feeling outside 0-10, a fraction, a yes/no that is neither, and a missing fever', () => {
    expect(!scoreAnswers('copd-follow-up', { ...good, 'feeling-today': '11' }).ok).toBe(true);
    const r = scoreAnswers('copd-follow-up', { ...good, 'feeling-today': '4.5', fever: 'maybe' });
    expect(!r.ok && r.errors.map((e) => [e.linkId, e.problem])).toEqual([['fever', 'not-allowed'], ['feeling-today', 'not-a-whole-number']]);
    const missing = scoreAnswers('copd-follow-up', { ...good, fever: undefined });
    expect(!missing.ok && missing.errors.map((e) => e.problem)).toEqual(['required']);
  });

  it('leaves the optional comment out when empty, keeps it when given', () => {
    const without = scoreAnswers('copd-follow-up', { ...good, comment: '  ' });
    const withIt = scoreAnswers('copd-follow-up', { ...good, comment: 'Tung i pusten om natta' });
    expect(without.ok && without.value.items.some((i) => i.linkId === 'comment')).toBe(false);
    expect(withIt.ok && withIt.value.items.at(-1)).toEqual({ linkId: 'comment', answer: { type: 'string', value: 'Tung i pusten om natta' } });
  });
});

it('refuses an unknown questionnaire', () => {
  expect(scoreAnswers('phq-9', {}).ok).toBe(false);
});
