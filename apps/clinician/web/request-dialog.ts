/**
 * "Ask the team for advice" from a patient's page: to one of the
 * clinician's teams, a question, a deadline and a priority; it links (never
 * copies) the shown values that cross the patient's threshold and the period
 * shown. One dialog outside <main>, like the mark dialog, so a poll's
 * re-render never closes it while someone types.
 */
import { h } from '../../shared/web/dom.ts';
import { api } from './api.ts';
import { status, type Page } from './context.ts';
import { tt } from './i18n-tasks.ts';
import type { PatientData } from './model.ts';

const MAX_LINKS = 50;
const pad = (n: number) => String(n).padStart(2, '0');
/** A `datetime-local` value in the browser's time zone. */
const local = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;

/** The values shown that cross the patient's threshold, latest first. */
function flagged(data: PatientData): string[] {
  return data.measurements.filter((m) => {
    const t = data.thresholds.find((x) => x.kind === m.kind);
    return t && ((t.below !== undefined && m.value < t.below) || (t.above !== undefined && m.value > t.above));
  }).sort((a, b) => b.effectiveTime.localeCompare(a.effectiveTime)).slice(0, MAX_LINKS).map((m) => m.iri);
}

export function openRequest(page: Page): void {
  const { state } = page;
  const data = state.patient;
  if (!data) return;
  const l = (key: Parameters<typeof tt>[1], params?: Record<string, string | number>) => tt(state.lang, key, params);
  document.getElementById('request-dialog')?.remove();
  const links = flagged(data);
  const noon = new Date();
  noon.setHours(12, 0, 0, 0);
  const deadline = noon.getTime() > Date.now() + 15 * 60_000 ? noon : new Date(Date.now() + 3 * 3_600_000);
  const team = h('select', { id: 'request-team' }, state.teams.map((x) => h('option', { value: x.name, selected: x.name === data.team }, x.displayName ?? x.name)));
  const text = h('textarea', { id: 'request-text', required: true, maxlength: 2000, rows: 4, 'aria-describedby': 'request-hint' });
  const when = h('input', { id: 'request-deadline', type: 'datetime-local', required: true, value: local(deadline) });
  const priority = h('select', { id: 'request-priority' }, (['yellow', 'red', 'routine'] as const).map((p) => h('option', { value: p }, l(p))));
  const error = h('p', { id: 'request-error', class: 'error', role: 'alert' });
  const dialog: HTMLDialogElement = h('dialog', { id: 'request-dialog', 'aria-labelledby': 'request-title' },
    h('form', { id: 'request-form', onsubmit: (e: Event) => { e.preventDefault(); void send(); } },
      h('h3', { id: 'request-title' }, l('requestTitle', { name: data.name })),
      h('label', { for: 'request-team' }, l('toTeam')), team,
      h('label', { for: 'request-text' }, l('text')), text,
      h('p', { id: 'request-hint', class: 'hint small' }, l('textHint', { max: 2000 }), ' ', l('linked', { n: links.length, weeks: data.weeks })),
      h('label', { for: 'request-deadline' }, l('deadlineLabel')), when,
      h('label', { for: 'request-priority' }, l('priority')), priority,
      error,
      h('div', { class: 'actions' },
        h('button', { type: 'submit', id: 'request-send' }, l('send')),
        h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, l('cancel')))));
  const send = async () => {
    const at = Date.parse(when.value);
    try {
      await api('/dashboard/api/requests', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          team: team.value, patient: data.patient, text: text.value, regards: links, priority: priority.value,
          deadline: Number.isNaN(at) ? when.value : new Date(at).toISOString(),
          periodStart: new Date(Date.now() - data.weeks * 7 * 86_400_000).toISOString(), periodEnd: new Date().toISOString(),
        }),
      });
      dialog.close();
      status(l('sent', { team: team.selectedOptions[0]?.textContent ?? team.value }));
    } catch (e) {
      error.textContent = (e as Error).message;
    }
  };
  document.body.append(dialog);
  dialog.showModal();
}
