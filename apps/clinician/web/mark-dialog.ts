/**
 * Marking a value as unreliable: one dialog, outside <main> so that a poll's
 * re-render of the patient view never closes it while someone types.
 */
import { h } from '../../shared/web/dom.ts';
import { api } from './api.ts';
import type { Page } from './context.ts';
import { kindName, num, when } from './i18n.ts';
import type { Point } from './model.ts';

/** Puts a fresh dialog on the page unless one is open; `saved` runs after a mark is stored. */
export function placeMarkDialog(page: Page, saved: () => Promise<void>): void {
  const dialog = document.getElementById('mark-dialog') as HTMLDialogElement | null;
  if (!dialog) document.body.append(markDialog(page, saved));
  else if (!dialog.open) dialog.replaceWith(markDialog(page, saved));
}

function markDialog(page: Page, saved: () => Promise<void>): HTMLDialogElement {
  const { tr } = page;
  const reason = h('textarea', { id: 'mark-reason', required: true, maxlength: 500, rows: 3 });
  const dialog = h('dialog', { id: 'mark-dialog', 'aria-labelledby': 'mark-title' },
    h('form', { method: 'dialog', id: 'mark-form', onsubmit: (e: Event) => { e.preventDefault(); void saveMark(page, reason.value, saved); } },
      h('h3', { id: 'mark-title' }, tr('markTitle')),
      h('p', { id: 'mark-what' }),
      h('label', { for: 'mark-reason' }, tr('reason')), reason,
      h('p', { id: 'mark-error', class: 'error', role: 'alert' }),
      h('div', { class: 'actions' },
        h('button', { type: 'submit', id: 'mark-save' }, tr('save')),
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, tr('cancel')))));
  return dialog;
}

export function openMark(page: Page, p: Point): void {
  const { state, tr } = page;
  state.marking = p;
  const dialog = document.getElementById('mark-dialog') as HTMLDialogElement;
  (document.getElementById('mark-what') as HTMLElement).textContent = `${kindName(state.lang, p.kind)}: ${num(state.lang, p.value)} ${p.unit}, ${when(state.lang, p.effectiveTime)}, ${tr(p.setting)}`;
  (document.getElementById('mark-reason') as HTMLTextAreaElement).value = '';
  (document.getElementById('mark-error') as HTMLElement).textContent = '';
  dialog.showModal();
}

async function saveMark(page: Page, reason: string, saved: () => Promise<void>): Promise<void> {
  const { state } = page;
  const data = state.patient;
  if (!state.marking || !data) return;
  try {
    await api('/dashboard/api/marks', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ team: data.team, patient: data.patient, measurement: state.marking.iri, reason }),
    });
    (document.getElementById('mark-dialog') as HTMLDialogElement).close();
    await saved();
  } catch (error) {
    (document.getElementById('mark-error') as HTMLElement).textContent = (error as Error).message;
  }
}
