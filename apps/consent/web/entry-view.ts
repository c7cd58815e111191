/**
 * "Enter a measurement": the patient types in a reading taken without a
 * connected device. The entry is validated by the same rules as a device's
 * (apps/shared/measurement/own-entry.ts over the gateway's input check:
 * plausible range, not in the future) and, only when it passes, appended to
 * the month document where a device's reading of that kind goes, with the
 * patient's own session, as "entered by the patient". Bad input: the
 * problems beside the fields and in an alert, and nothing written. A saved
 * entry that crosses a step of the patient's plan shows that step (plan-view.ts).
 */
import { CATEGORIES, kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import type { FieldError } from '../../shared/measurement/errors.ts';
import { parseOwnEntry } from '../../shared/measurement/own-entry.ts';
import type { Measurement } from '../../shared/measurement/types.ts';
import { h } from '../../shared/web/dom.ts';
import { formatDateTime, formatNumber } from '../i18n.ts';
import { appendOwnEntry } from '../pod.ts';
import type { ViewContext } from './context.ts';
import { resetData } from './data-view.ts';
import { adviseOnEntry, forgetAdvice, renderPlanAdvice } from './plan-view.ts';

type Field = 'kind' | 'value' | 'systolic' | 'diastolic' | 'time';

interface EntryState {
  kind: KindId;
  value: string;
  systolic: string;
  diastolic: string;
  /** `YYYY-MM-DDTHH:mm` in the browser's (the patient's) time zone, as <input type=datetime-local> has it. */
  time: string;
  saving: boolean;
  errors: Partial<Record<Field, string>>;
}

const state: EntryState = { kind: 'blood-glucose', value: '', systolic: '', diastolic: '', time: '', saving: false, errors: {} };

/** Now, to the minute, as a datetime-local value. */
function localNow(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}T${pad(now.getHours())}:${pad(now.getMinutes())}`;
}

export function resetEntry(): void {
  Object.assign(state, { value: '', systolic: '', diastolic: '', time: '', saving: false, errors: {} });
}

export const entryLoaded = () => true;
export async function loadEntry(): Promise<void> {}

const FIELD_OF: Record<string, Field> = {
  kind: 'kind', value: 'value', 'components/systolic': 'systolic', 'components/diastolic': 'diastolic', components: 'diastolic', effectiveTime: 'time',
};

/** The shared check's errors, said in the page's language next to the field they are about. */
export function describeEntryErrors(ctx: Pick<ViewContext, 't' | 'lang'>, kind: KindId, errors: readonly FieldError[], typed: Record<'value' | 'systolic' | 'diastolic', string>): Partial<Record<Field, string>> {
  const spec = kindSpec(kind);
  const said: Partial<Record<Field, string>> = {};
  for (const error of errors) {
    const field = FIELD_OF[error.field] ?? 'value';
    if (said[field]) continue;
    const range = field === 'systolic' || field === 'diastolic' ? spec.components?.[field]?.range ?? spec.range : spec.range;
    const number = (n: number) => new Intl.NumberFormat(ctx.lang === 'nb' ? 'nb-NO' : 'en-GB', { maximumFractionDigits: spec.decimals }).format(n);
    if (field === 'kind') said.kind = ctx.t('entry.error.kind');
    else if (field === 'time') said.time = /future/.test(error.message) ? ctx.t('entry.error.future') : ctx.t('entry.error.time');
    else if (error.field === 'components') said.diastolic = ctx.t('entry.error.order');
    else if (/must be a number/.test(error.message)) said[field] = ctx.t('entry.error.number', { example: number((range.min + range.max) / 4) });
    else if (/plausible/.test(error.message)) {
      said[field] = ctx.t('entry.error.range', { value: typed[field as 'value' | 'systolic' | 'diastolic'].trim(), min: number(range.min), max: number(range.max), unit: spec.canonicalUnit });
    } else said[field] = error.message;
  }
  return said;
}

function shown(ctx: ViewContext, m: Measurement): string {
  const spec = kindSpec(m.kind);
  return m.kind === 'blood-pressure'
    ? `${m.systolic}/${m.diastolic} ${m.unit}`
    : `${formatNumber(ctx.lang, m.value, spec.decimals)} ${m.unit}`;
}

async function save(ctx: ViewContext): Promise<void> {
  if (state.saving) return;
  ctx.status('');
  forgetAdvice();
  const local = new Date(state.time);
  const checked = parseOwnEntry(ctx.patient.webId, {
    kind: state.kind, value: state.value, systolic: state.systolic, diastolic: state.diastolic,
    effectiveTime: Number.isNaN(local.getTime()) ? '' : local.toISOString(),
  }, { now: new Date() });
  if (!checked.ok) {
    state.errors = describeEntryErrors(ctx, state.kind, checked.errors, state);
    ctx.rerender();
    document.getElementById('entry-errors')?.focus();
    return;
  }
  state.errors = {};
  state.saving = true;
  ctx.rerender();
  try {
    await appendOwnEntry(ctx.fetch, ctx.patient, checked.value);
    // The step of her plan this reading crosses, if any: found before the page says "saved", so both show at once.
    await adviseOnEntry(ctx, checked.value);
    // Said in the page's status line, which screen readers read out.
    ctx.status(ctx.t('entry.saved', { kind: kindSpec(checked.value.kind).names[ctx.lang], value: shown(ctx, checked.value), when: formatDateTime(ctx.lang, checked.value.effectiveTime) }));
    Object.assign(state, { value: '', systolic: '', diastolic: '', time: '' });
    resetData(); // "My data" reads the new reading on its next visit
  } catch (error) {
    ctx.fail(error, () => void save(ctx));
  } finally {
    state.saving = false;
    ctx.rerender();
  }
  document.getElementById('plan-advice')?.focus(); // what to do now, read out first
}

function input(ctx: ViewContext, field: Exclude<Field, 'kind' | 'time'>, label: string): HTMLElement {
  const error = state.errors[field];
  return h('div', { class: 'field' },
    h('label', { for: `entry-${field}` }, label),
    h('input', {
      id: `entry-${field}`, 'data-focus': `entry-${field}`, type: 'text', inputmode: 'decimal', autocomplete: 'off',
      value: state[field], 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': error ? `entry-${field}-error` : undefined,
      oninput: (event: Event) => { state[field] = (event.target as HTMLInputElement).value; },
    }),
    error ? h('p', { id: `entry-${field}-error`, class: 'field-error' }, error) : null);
}

export function renderEntry(ctx: ViewContext): HTMLElement {
  if (!state.time) state.time = localNow();
  const spec = kindSpec(state.kind);
  const errors = Object.values(state.errors);
  const unit = spec.canonicalUnit;
  const timeError = state.errors.time;
  const form = h('form', {
    id: 'entry-form', novalidate: true, 'aria-labelledby': 'view-heading',
    onsubmit: (event: Event) => { event.preventDefault(); void save(ctx); },
  },
  h('div', { class: 'field' },
    h('label', { for: 'entry-kind' }, ctx.t('entry.kind')),
    h('select', {
      id: 'entry-kind', 'data-focus': 'entry-kind',
      onchange: (event: Event) => { state.kind = (event.target as HTMLSelectElement).value as KindId; state.errors = {}; ctx.rerender(); },
    }, CATEGORIES.map((c) => h('option', { value: c, selected: c === state.kind }, kindSpec(c).names[ctx.lang])))),
  spec.components
    ? [input(ctx, 'systolic', ctx.t('entry.systolic', { unit })), input(ctx, 'diastolic', ctx.t('entry.diastolic', { unit }))]
    : input(ctx, 'value', ctx.t('entry.value', { unit })),
  h('div', { class: 'field' },
    h('label', { for: 'entry-time' }, ctx.t('entry.time')),
    h('input', {
      id: 'entry-time', 'data-focus': 'entry-time', type: 'datetime-local', value: state.time,
      'aria-invalid': timeError ? 'true' : undefined, 'aria-describedby': timeError ? 'entry-time-error' : undefined,
      oninput: (event: Event) => { state.time = (event.target as HTMLInputElement).value; },
    }),
    timeError ? h('p', { id: 'entry-time-error', class: 'field-error' }, timeError) : null),
  h('div', { class: 'actions' },
    h('button', { type: 'submit', id: 'entry-save', 'data-focus': 'entry-save', disabled: state.saving }, state.saving ? ctx.t('entry.saving') : ctx.t('entry.save'))));
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('entry.heading')),
    h('p', {}, ctx.t('entry.intro')),
    errors.length > 0
      ? h('div', { id: 'entry-errors', class: 'error', role: 'alert', tabindex: -1 },
        h('p', {}, ctx.t('entry.errors')), h('ul', {}, errors.map((e) => h('li', {}, e))))
      : null,
    renderPlanAdvice(ctx),
    form);
}

