/**
 * Under a score's chart on the patient view: each score, newest first, with
 * the patient's answers behind it one click away (a <details> per point),
 * the questions and answers worded from the Questionnaire itself in the
 * page's language. Draws only what the clinician service sent; fetches nothing.
 */
import type { Questionnaire } from 'fhir/r4.js';
import { h } from '../../shared/web/dom.ts';
import type { AnswerValue } from '../../shared/questionnaire/answers.ts';
import { questionnaireById } from '../../shared/questionnaire/catalogue.ts';
import { textIn } from '../../shared/questionnaire/text.ts';
import { num, when, type Lang } from './i18n.ts';
import type { Point } from './model.ts';

const TEXTS = {
  nb: { heading: 'Svarene bak skårene', answers: 'svar', none: 'Svarene bak denne skåren kunne ikke leses.', yes: 'Ja', no: 'Nei' },
  en: { heading: 'The answers behind the scores', answers: 'answers', none: 'The answers behind this score could not be read.', yes: 'Yes', no: 'No' },
} as const;

function shownAnswer(lang: Lang, q: Questionnaire, linkId: string, a: AnswerValue): string {
  switch (a.type) {
    case 'coding': {
      const option = q.item?.find((i) => i.linkId === linkId)?.answerOption?.find((o) => o.valueCoding?.code === a.code)?.valueCoding;
      return option ? textIn(lang, option.display, option._display) : a.code;
    }
    case 'boolean': return a.value ? TEXTS[lang].yes : TEXTS[lang].no;
    case 'integer': return num(lang, a.value);
    case 'string': return a.value;
  }
}

export function scoreAnswersSection(lang: Lang, kind: string, points: readonly Point[]): HTMLElement {
  return h('section', { class: 'score-answers', id: `answers-${kind}`, 'aria-label': TEXTS[lang].heading },
    h('h4', {}, TEXTS[lang].heading),
    h('ul', {}, [...points].reverse().map((p) => {
      const q = p.answers ? questionnaireById(p.answers.questionnaire)?.questionnaire : undefined;
      return h('li', { 'data-iri': p.iri },
        h('details', { class: 'answers' },
          h('summary', {}, `${when(lang, p.effectiveTime)}: ${num(lang, p.value)}${p.answers ? ` (${p.answers.items.length} ${TEXTS[lang].answers})` : ''}`),
          p.answers && q
            ? h('dl', {}, p.answers.items.flatMap(({ linkId, answer }) => {
              const item = q.item?.find((i) => i.linkId === linkId);
              return [h('dt', {}, item ? textIn(lang, item.text, item._text) : linkId), h('dd', { 'data-link-id': linkId }, shownAnswer(lang, q, linkId, answer))];
            }))
            : h('p', { class: 'muted' }, TEXTS[lang].none)));
    })));
}
