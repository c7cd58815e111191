/**
 * A form rendered from a FHIR R4 Questionnaire, generically: whatever the
 * questionnaire says (item text, type, required, answer options, min/max,
 * maxLength), never a hand-built form per questionnaire. Choice and yes/no
 * items are radio groups in a fieldset with a legend (keyboard: Tab to the
 * group, arrows between options); whole numbers and text are labelled inputs.
 * Norwegian or English from the questionnaire's translation extensions.
 *
 * It only renders and reports what the patient typed or chose (`onInput`);
 * checking and scoring are apps/shared/questionnaire/answers.ts's, and it
 * never writes anything.
 */
import type { Questionnaire, QuestionnaireItem } from 'fhir/r4.js';
import { h } from '../../shared/web/dom.ts';
import { extensionValue, MAX_VALUE, MIN_VALUE, textIn, type QuestionnaireLang } from '../../shared/questionnaire/text.ts';

export interface FormTexts {
  readonly required: string;
  readonly optional: string;
  readonly yes: string;
  readonly no: string;
  /** "A whole number from {min} to {max}". */
  range(min: number, max: number): string;
}

export interface FormState {
  readonly values: Readonly<Record<string, string>>;
  /** Per linkId, the problem said in the page's language. */
  readonly errors: Readonly<Record<string, string>>;
}

const idOf = (prefix: string, linkId: string) => `${prefix}-${linkId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function radios(prefix: string, item: QuestionnaireItem, options: readonly { value: string; label: string }[], state: FormState, onInput: (linkId: string, value: string) => void, describedBy: string | undefined) {
  return options.map((o, n) => {
    const id = `${idOf(prefix, item.linkId)}-${n}`;
    return h('div', { class: 'choice' },
      h('input', {
        type: 'radio', id, name: idOf(prefix, item.linkId), value: o.value, 'data-focus': id,
        checked: state.values[item.linkId] === o.value, 'aria-describedby': describedBy,
        // What the form says, not what was rendered: a changed option is then refused by the check, not trusted.
        onchange: (event: Event) => onInput(item.linkId, (event.target as HTMLInputElement).value),
      }),
      h('label', { for: id }, o.label));
  });
}

function itemField(prefix: string, lang: QuestionnaireLang, item: QuestionnaireItem, state: FormState, texts: FormTexts, onInput: (linkId: string, value: string) => void): HTMLElement {
  const id = idOf(prefix, item.linkId);
  const error = state.errors[item.linkId];
  const errorId = `${id}-error`;
  const label = [textIn(lang, item.text, item._text), h('span', { class: 'hint' }, ` (${item.required ? texts.required : texts.optional})`)];
  const errorLine = error ? h('p', { id: errorId, class: 'field-error' }, error) : null;
  const described = error ? errorId : undefined;
  if (item.type === 'choice' || item.type === 'boolean') {
    const options = item.type === 'boolean'
      ? [{ value: 'true', label: texts.yes }, { value: 'false', label: texts.no }]
      : (item.answerOption ?? []).map((o) => ({ value: o.valueCoding?.code ?? '', label: textIn(lang, o.valueCoding?.display, o.valueCoding?._display) }));
    // A radiogroup (not the fieldset's implicit group) so that required and invalid are said of the question.
    return h('fieldset', { class: 'question', id, role: 'radiogroup', 'aria-invalid': error ? 'true' : undefined, 'aria-required': item.required ? 'true' : undefined },
      h('legend', {}, ...label), errorLine, radios(prefix, item, options, state, onInput, described));
  }
  const min = extensionValue(item.extension, MIN_VALUE)?.valueInteger;
  const max = extensionValue(item.extension, MAX_VALUE)?.valueInteger;
  const hintId = `${id}-hint`;
  const common = {
    id: `${id}-input`, 'data-focus': `${id}-input`, value: state.values[item.linkId] ?? '',
    'aria-invalid': error ? 'true' : undefined, 'aria-required': item.required ? 'true' : undefined,
    'aria-describedby': [item.type === 'integer' && min !== undefined && max !== undefined ? hintId : '', described ?? ''].filter(Boolean).join(' ') || undefined,
    oninput: (event: Event) => onInput(item.linkId, (event.target as HTMLInputElement).value),
  };
  const control = item.type === 'integer'
    ? h('input', { ...common, type: 'text', inputmode: 'numeric', autocomplete: 'off' })
    : item.type === 'text'
      ? h('textarea', { ...common, rows: 3, maxlength: item.maxLength }, state.values[item.linkId] ?? '')
      : h('input', { ...common, type: 'text', maxlength: item.maxLength });
  return h('div', { class: 'field question' },
    h('label', { for: `${id}-input` }, ...label),
    item.type === 'integer' && min !== undefined && max !== undefined ? h('p', { id: hintId, class: 'hint' }, texts.range(min, max)) : null,
    errorLine, control);
}

/** The questionnaire's items as form fields (the caller supplies the form element and the submit button). */
export function renderQuestionnaireItems(prefix: string, lang: QuestionnaireLang, questionnaire: Questionnaire, state: FormState, texts: FormTexts, onInput: (linkId: string, value: string) => void): HTMLElement[] {
  return (questionnaire.item ?? []).map((item) => itemField(prefix, lang, item, state, texts, onInput));
}

/** The questionnaire's title and description in `lang`. */
export function questionnaireTitle(lang: QuestionnaireLang, q: Questionnaire): { title: string; description: string } {
  return { title: textIn(lang, q.title, q._title), description: textIn(lang, q.description, q._description) };
}
