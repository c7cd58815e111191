/**
 * "Questionnaires": what the patient's teams ask them to answer (and who
 * asks, as the pod server attested it), and the questionnaires themselves,
 * rendered from their FHIR Questionnaire (questionnaire-form.ts). Answers are
 * checked and scored by apps/shared/questionnaire/answers.ts; only a complete,
 * allowed set is written, with its score, by the patient's own session. Bad
 * answers: the problems beside the questions and in an alert, nothing written.
 */
import { kindSpec } from '../../../vocab/catalogue.ts';
import { h } from '../../shared/web/dom.ts';
import { scoreAnswers, type AnswerError } from '../../shared/questionnaire/answers.ts';
import { questionnaireById, type QuestionnaireId } from '../../shared/questionnaire/catalogue.ts';
import { isDue, REQUESTABLE, type ShownRequest } from '../../shared/questionnaire/request.ts';
import { answersOf } from '../../shared/questionnaire/response.ts';
import { textIn } from '../../shared/questionnaire/text.ts';
import { formatDateTime } from '../i18n.ts';
import { readGroupMembers } from '../pod.ts';
import { appendQuestionnaireResponse, readQuestionnaireState, type QuestionnaireState } from '../questionnaire-pod.ts';
import { identifyReader, type GroupMember } from '../readers.ts';
import type { ViewContext } from './context.ts';
import { resetData } from './data-view.ts';
import { questionnaireTitle, renderQuestionnaireItems } from './questionnaire-form.ts';

interface ViewState {
  data?: QuestionnaireState;
  members: Map<string, readonly GroupMember[]>;
  open?: QuestionnaireId;
  values: Record<string, string>;
  errors: Record<string, string>;
  saving: boolean;
  /** The score of the answers just sent, shown until another form is opened. */
  result?: { kind: string; value: number; max: number };
}

const state: ViewState = { members: new Map(), values: {}, errors: {}, saving: false };

export function resetQuestionnaires(): void {
  delete state.data;
  delete state.open;
  delete state.result;
  Object.assign(state, { values: {}, errors: {}, saving: false });
  state.members.clear();
}

export const questionnairesLoaded = () => state.data !== undefined;

/** Group documents are public: read without the patient's token (see readGroupMembers). */
const publicFetch: typeof fetch = (input, init) => fetch(input, init);

export async function loadQuestionnaires(ctx: ViewContext): Promise<void> {
  const groups = ctx.directory.entries.flatMap((e) => ('group' in e.grantee ? [e.grantee.group] : []));
  const [data, members] = await Promise.all([readQuestionnaireState(ctx.fetch, ctx.patient), Promise.all(groups.map((g) => readGroupMembers(publicFetch, g)))]);
  groups.forEach((g, i) => state.members.set(g, members[i]!));
  state.data = data;
}

function title(ctx: ViewContext, id: QuestionnaireId): string {
  return questionnaireTitle(ctx.lang, questionnaireById(id)!.questionnaire).title;
}

function describeError(ctx: ViewContext, id: QuestionnaireId, error: AnswerError): string {
  const item = questionnaireById(id)!.questionnaire.item?.find((i) => i.linkId === error.linkId);
  const question = item ? textIn(ctx.lang, item.text, item._text).replace(/:.*$/, '') : error.linkId;
  switch (error.problem) {
    case 'required': return ctx.t('quest.error.required', { question });
    case 'not-a-whole-number': return ctx.t('quest.error.number', { question });
    case 'out-of-range': return ctx.t('quest.error.range', { question });
    case 'too-long': return ctx.t('quest.error.tooLong', { question });
    default: return ctx.t('quest.error.notAllowed', { question });
  }
}

async function send(ctx: ViewContext): Promise<void> {
  const id = state.open;
  if (!id || state.saving) return;
  ctx.status('');
  const checked = scoreAnswers(id, state.values);
  if (!checked.ok) {
    state.errors = Object.fromEntries(checked.errors.map((e) => [e.linkId, describeError(ctx, id, e)]));
    ctx.rerender();
    document.getElementById('quest-errors')?.focus();
    return;
  }
  state.errors = {};
  state.saving = true;
  ctx.rerender();
  try {
    const answers = answersOf(ctx.patient.webId, checked.value, new Date());
    await appendQuestionnaireResponse(ctx.fetch, ctx.patient, answers);
    const entry = questionnaireById(id)!;
    if (checked.value.score && entry.score) {
      state.result = { kind: kindSpec(checked.value.score.kind).names[ctx.lang], value: checked.value.score.value, max: entry.score.max };
    }
    ctx.status(ctx.t('quest.saved'));
    delete state.open;
    state.values = {};
    delete state.data; // read again: the request is now answered
    resetData();
  } catch (error) {
    ctx.fail(error, () => void send(ctx));
  } finally {
    state.saving = false;
    ctx.rerender();
  }
}

function open(ctx: ViewContext, id: QuestionnaireId): void {
  Object.assign(state, { open: id, values: {}, errors: {} });
  delete state.result;
  ctx.rerender();
  document.getElementById('quest-form-heading')?.focus();
}

function requestLine(ctx: ViewContext, request: ShownRequest, answeredAt: readonly string[]): HTMLElement {
  const name = title(ctx, request.questionnaire);
  const identity = request.author ? identifyReader(request.author, ctx.patient.webId, ctx.directory, state.members) : undefined;
  const who = identity?.kind === 'verified'
    ? (identity.name ? `${identity.name} (${identity.teams[0]!.names[ctx.lang]})` : identity.teams[0]!.names[ctx.lang])
    : undefined;
  const due = isDue(request, answeredAt, new Date());
  const last = [...answeredAt].sort().at(-1);
  return h('li', { class: 'request' },
    h('p', {}, who
      ? ctx.t('quest.asked.by', { who, title: name, schedule: ctx.t(`quest.schedule.${request.schedule}`) })
      : ctx.t('quest.asked.unverified', { title: name })),
    h('p', { class: due ? 'due' : 'hint' }, due ? ctx.t('quest.asked.due') : ctx.t('quest.asked.done', { when: formatDateTime(ctx.lang, last!) })),
    due ? h('button', { type: 'button', 'data-focus': `quest-open-request-${request.iri}`, onclick: () => open(ctx, request.questionnaire) }, ctx.t('quest.answer', { title: name })) : null);
}

function form(ctx: ViewContext, id: QuestionnaireId): HTMLElement {
  const q = questionnaireById(id)!.questionnaire;
  const { title: name, description } = questionnaireTitle(ctx.lang, q);
  const errors = Object.values(state.errors);
  const texts = {
    required: ctx.t('quest.required'), optional: ctx.t('quest.optional'), yes: ctx.t('quest.yes'), no: ctx.t('quest.no'),
    range: (min: number, max: number) => ctx.t('quest.range', { min, max }),
  };
  return h('section', { 'aria-labelledby': 'quest-form-heading', class: 'questionnaire' },
    h('h3', { id: 'quest-form-heading', tabindex: -1 }, name),
    h('p', {}, description),
    errors.length > 0
      ? h('div', { id: 'quest-errors', class: 'error', role: 'alert', tabindex: -1 }, h('p', {}, ctx.t('quest.errors')), h('ul', {}, errors.map((e) => h('li', {}, e))))
      : null,
    h('form', { id: 'quest-form', novalidate: true, 'aria-labelledby': 'quest-form-heading', onsubmit: (event: Event) => { event.preventDefault(); void send(ctx); } },
      renderQuestionnaireItems('quest', ctx.lang, q, state, texts, (linkId, value) => { state.values[linkId] = value; }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', id: 'quest-send', 'data-focus': 'quest-send', disabled: state.saving }, state.saving ? ctx.t('quest.sending') : ctx.t('quest.send')),
        h('button', { type: 'button', class: 'secondary', 'data-focus': 'quest-cancel', onclick: () => { delete state.open; state.errors = {}; ctx.rerender(); } }, ctx.t('quest.cancel')))));
}

export function renderQuestionnaires(ctx: ViewContext): HTMLElement {
  const data = state.data;
  const answeredAt = (id: QuestionnaireId) => (data?.responses ?? []).filter((r) => r.questionnaire === id).map((r) => r.authored);
  const latest = [...(data?.responses ?? [])].reverse().slice(0, 5);
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('quest.heading')),
    h('p', {}, ctx.t('quest.intro')),
    state.result ? h('p', { id: 'quest-score', class: 'score-result' }, ctx.t('quest.score', { kind: state.result.kind, value: state.result.value, max: state.result.max })) : null,
    state.open ? form(ctx, state.open) : null,
    h('h3', {}, ctx.t('quest.asked.heading')),
    !data ? h('p', { class: 'loading' }, ctx.t('loading'))
      : data.requests.length === 0 ? h('p', { id: 'quest-no-requests' }, ctx.t('quest.asked.none'))
        : h('ul', { class: 'requests', id: 'quest-requests' }, data.requests.map((r) => requestLine(ctx, r, answeredAt(r.questionnaire)))),
    h('h3', {}, ctx.t('quest.all.heading')),
    h('ul', { class: 'questionnaires' }, REQUESTABLE.map((id) => h('li', {},
      h('button', { type: 'button', class: 'secondary', 'data-focus': `quest-open-${id}`, id: `quest-open-${id}`, onclick: () => open(ctx, id) }, ctx.t('quest.answer', { title: title(ctx, id) }))))),
    h('h3', {}, ctx.t('quest.history.heading')),
    latest.length === 0 ? h('p', {}, ctx.t('quest.history.none'))
      : h('ul', { id: 'quest-history' }, latest.map((r) => h('li', {}, ctx.t('quest.history.item', { when: formatDateTime(ctx.lang, r.authored), title: title(ctx, r.questionnaire), value: r.score?.value ?? '–' })))));
}
