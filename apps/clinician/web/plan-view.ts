/**
 * The patient's self-treatment plan on the patient view: the current plan
 * per kind with the author the pod server attested ("Plan from Erik Dahl,
 * Storgata legekontor, 3 Dec"), and a form to write a new version. The
 * form is checked by the service (apps/clinician/dashboard/plan-routes.ts);
 * its 422 problem+json errors are shown beside the fields they name, and
 * nothing is written. One section element per patient, kept across the
 * patient view's redraws so that a poll never wipes what someone is typing.
 */
import { kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { PLAN_KINDS, type PlanStep } from '../../shared/plan/plan.ts';
import { h, replace } from '../../shared/web/dom.ts';
import { api, PAGE_HEADERS } from './api.ts';
import { status, type Page } from './context.ts';
import { kindName, num } from './i18n.ts';

interface PlanJson {
  kind: KindId; unit: string; steps: PlanStep[]; document: string;
  author: string; authorName?: string; authorOrganisation?: string; at: string; claimedAuthor?: string;
}
interface PlansJson { status: 'read' | 'none' | 'forbidden' | 'failed'; plans: PlanJson[]; notVerified: number }
interface Row { direction: 'above' | 'below'; threshold: string; nb: string; en: string }

const ROWS = 3;
const emptyRow = (): Row => ({ direction: 'above', threshold: '', nb: '', en: '' });

interface PlanView {
  readonly key: string;
  readonly section: HTMLElement;
  data?: PlansJson;
  error?: string;
  kind: KindId;
  rows: Row[];
  touched: boolean;
  open: boolean;
  saving: boolean;
  /** Field id -> message; `''` for errors about the plan as a whole. */
  errors: [string, string][];
}

let view: PlanView | undefined;

/** The plan section for this patient: the same element on every redraw of the patient view. */
export function planSection(page: Page, team: string, patient: string): HTMLElement {
  const key = `${team} ${patient}`;
  if (view?.key === key) {
    draw(page, team, patient);
    return view.section;
  }
  view = { key, section: h('section', { id: 'plan', class: 'plan', 'aria-labelledby': 'plan-heading' }), kind: 'blood-glucose', rows: [], touched: false, open: false, saving: false, errors: [] };
  draw(page, team, patient);
  void load(page, team, patient);
  return view.section;
}

async function load(page: Page, team: string, patient: string): Promise<void> {
  const v = view!;
  try {
    const { body } = await api<PlansJson>(`/dashboard/api/plans?team=${encodeURIComponent(team)}&patient=${encodeURIComponent(patient)}`);
    v.data = body;
    delete v.error;
  } catch (error) {
    v.error = (error as Error).message;
  }
  if (view !== v) return;
  if (!v.touched) fill(v, v.data?.plans[0]?.kind ?? v.kind);
  draw(page, team, patient);
}

/** The form's rows from the current plan of `kind` (or empty). */
function fill(v: PlanView, kind: KindId): void {
  v.kind = kind;
  const plan = v.data?.plans.find((p) => p.kind === kind);
  v.rows = Array.from({ length: ROWS }, (_, i) => {
    const step = plan?.steps[i];
    return step ? { direction: step.direction, threshold: String(step.threshold), nb: step.instruction.nb, en: step.instruction.en ?? '' } : emptyRow();
  });
}

/** The kind's unit; none for a kind this page does not know (the service then says what is wrong). */
const unitOf = (kind: string) => ((PLAN_KINDS as readonly string[]).includes(kind) ? kindSpec(kind as KindId).canonicalUnit : '');

const day = (page: Page, iso: string) => new Intl.DateTimeFormat(page.state.lang === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'Europe/Oslo' }).format(new Date(iso));

function currentPlans(page: Page, v: PlanView): (HTMLElement | null)[] {
  const { tr, state } = page;
  if (v.error) return [h('p', { class: 'error' }, tr('error', { detail: v.error }))];
  if (!v.data) return [h('p', { class: 'loading' }, '…')];
  if (v.data.status === 'forbidden') return [h('p', { class: 'muted' }, tr('planForbidden'))];
  if (v.data.status === 'failed') return [h('p', { class: 'error' }, tr('planFailed'))];
  const plans = v.data.plans.map((p) => {
    const who = [p.authorName ?? p.author, p.authorOrganisation].filter(Boolean).join(', ');
    return h('div', { class: 'plan-current', id: `plan-${p.kind}`, 'data-kind': p.kind },
      h('h4', {}, kindName(state.lang, p.kind)),
      h('p', { class: 'plan-author' }, tr('planFrom', { who, when: day(page, p.at) })),
      p.claimedAuthor ? h('p', { class: 'muted small' }, tr('planAuthorClaimed', { who: p.claimedAuthor })) : null,
      h('ol', { class: 'plan-steps' }, p.steps.map((s) => h('li', { 'data-level': s.level },
        h('strong', {}, `${tr('planStepN', { n: s.level })}: ${tr(s.direction === 'above' ? 'planStepAbove' : 'planStepBelow', { value: num(state.lang, s.threshold), unit: p.unit })}`),
        h('span', {}, ' – '), h('span', { lang: 'nb' }, s.instruction.nb),
        s.instruction.en ? h('span', { class: 'muted', lang: 'en' }, ` (${s.instruction.en})`) : null))));
  });
  return [
    ...(plans.length > 0 ? plans : [h('p', { id: 'plan-none' }, tr('planNone'))]),
    v.data.notVerified > 0 ? h('p', { class: 'muted', id: 'plan-not-verified' }, tr('planNotVerified', { n: v.data.notVerified })) : null,
  ];
}

function fieldError(v: PlanView, id: string): HTMLElement | null {
  const message = v.errors.find(([field]) => field === id)?.[1];
  return message ? h('p', { class: 'error small', id: `${id}-error` }, message) : null;
}

function described(v: PlanView, id: string) {
  const invalid = v.errors.some(([field]) => field === id);
  return { 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': invalid ? `${id}-error` : undefined };
}

function form(page: Page, team: string, patient: string, v: PlanView): HTMLElement {
  const { tr } = page;
  const unit = unitOf(v.kind);
  const redraw = () => draw(page, team, patient);
  const text = (i: number, lang: 'nb' | 'en') => {
    const id = `plan-step-${i}-${lang}`;
    return h('div', { class: 'field' }, h('label', { for: id }, tr(lang === 'nb' ? 'planTextNb' : 'planTextEn')),
      h('textarea', { id, rows: 2, lang, ...described(v, id), oninput: (e: Event) => { v.rows[i]![lang] = (e.target as HTMLTextAreaElement).value; v.touched = true; } }, v.rows[i]![lang]),
      fieldError(v, id));
  };
  return h('form', { id: 'plan-form', novalidate: true, onsubmit: (e: Event) => { e.preventDefault(); void save(page, team, patient, v); } },
    v.errors.length > 0 ? h('div', { id: 'plan-errors', class: 'error', role: 'alert', tabindex: -1 },
      h('p', {}, tr('planErrors')), h('ul', {}, v.errors.map(([, message]) => h('li', {}, message)))) : null,
    h('div', { class: 'field' }, h('label', { for: 'plan-kind' }, tr('planKind')),
      h('select', { id: 'plan-kind', ...described(v, 'plan-kind'), onchange: (e: Event) => { fill(v, (e.target as HTMLSelectElement).value as KindId); v.touched = true; v.errors = []; redraw(); } },
        PLAN_KINDS.map((k) => h('option', { value: k, selected: k === v.kind }, kindName(page.state.lang, k)))),
      fieldError(v, 'plan-kind')),
    v.rows.map((row, i) => h('fieldset', { id: `plan-step-${i}`, class: 'plan-step-fields' },
      h('legend', {}, tr('planStepN', { n: i + 1 })),
      h('div', { class: 'field-row' },
        h('div', { class: 'field' }, h('label', { for: `plan-step-${i}-direction` }, tr('planDirection')),
          h('select', { id: `plan-step-${i}-direction`, onchange: (e: Event) => { row.direction = (e.target as HTMLSelectElement).value as Row['direction']; v.touched = true; } },
            (['above', 'below'] as const).map((d) => h('option', { value: d, selected: row.direction === d }, tr(d === 'above' ? 'planAbove' : 'planBelow'))))),
        h('div', { class: 'field' }, h('label', { for: `plan-step-${i}-threshold` }, tr('planThreshold', { unit })),
          h('input', { id: `plan-step-${i}-threshold`, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: row.threshold, size: 6, ...described(v, `plan-step-${i}-threshold`),
            oninput: (e: Event) => { row.threshold = (e.target as HTMLInputElement).value; v.touched = true; } }),
          fieldError(v, `plan-step-${i}-threshold`))),
      text(i, 'nb'), text(i, 'en'))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'plan-save', disabled: v.saving }, v.saving ? tr('planSaving') : tr('planSave'))));
}

function draw(page: Page, team: string, patient: string): void {
  const v = view!;
  const focused = document.activeElement?.id;
  const details = h('details', { id: 'plan-edit', open: v.open }, h('summary', {}, page.tr('planEdit')),
    h('p', { class: 'muted' }, page.tr('planEditIntro')), form(page, team, patient, v));
  details.addEventListener('toggle', () => { v.open = details.open; });
  replace(v.section, h('h3', { id: 'plan-heading' }, page.tr('planHeading')), currentPlans(page, v), details);
  if (focused && v.section.contains(document.getElementById(focused))) document.getElementById(focused)?.focus();
}

/** A problem's field (`plan/steps/1/threshold`, as sent) -> the form's field id (rows as shown). */
function fieldId(field: string, sentRows: number[]): string {
  const step = /^plan\/steps\/(\d+)\/(threshold|direction|instruction\/nb|instruction\/en)$/.exec(field);
  if (step) return `plan-step-${sentRows[Number(step[1])] ?? 0}-${step[2]!.replace('instruction/', '')}`;
  return field === 'plan/kind' || field === 'plan/unit' ? 'plan-kind' : '';
}

async function save(page: Page, team: string, patient: string, v: PlanView): Promise<void> {
  if (v.saving) return;
  const sentRows = v.rows.flatMap((r, i) => (r.threshold.trim() || r.nb.trim() || r.en.trim() ? [i] : []));
  const plan = { kind: v.kind, ...(unitOf(v.kind) ? { unit: unitOf(v.kind) } : {}), steps: sentRows.map((i) => {
    const r = v.rows[i]!;
    return { direction: r.direction, threshold: r.threshold, instruction: { nb: r.nb, ...(r.en.trim() ? { en: r.en } : {}) } };
  }) };
  v.saving = true;
  v.errors = [];
  draw(page, team, patient);
  try {
    const response = await fetch('/dashboard/api/plans', {
      method: 'POST', credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...PAGE_HEADERS },
      body: JSON.stringify({ team, patient, plan }),
    });
    const body = await response.json().catch(() => ({})) as { title?: string; detail?: string; errors?: { field: string; message: string }[] };
    if (response.ok) {
      v.touched = false;
      status(page.tr('planSaved'));
      await load(page, team, patient);
    } else if (body.errors?.length) {
      v.errors = body.errors.map((e) => {
        const id = fieldId(e.field, sentRows);
        const label = id ? document.querySelector(`label[for="${id}"]`)?.textContent : undefined;
        const legend = /^plan-step-(\d+)/.exec(id)?.[1];
        return [id, [legend !== undefined ? page.tr('planStepN', { n: Number(legend) + 1 }) : '', label, e.message].filter(Boolean).join(': ')] as [string, string];
      });
    } else {
      v.errors = [['', [body.title, body.detail].filter(Boolean).join(': ') || `HTTP ${response.status}`]];
    }
  } catch (error) {
    v.errors = [['', (error as Error).message]];
  } finally {
    v.saving = false;
    draw(page, team, patient);
  }
  if (v.errors.length > 0) document.getElementById('plan-errors')?.focus();
}
