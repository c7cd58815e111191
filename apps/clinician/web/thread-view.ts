/**
 * One task's thread: the request and its answers with the authors the pod
 * server attested (a message without exactly one attestation says "author
 * not verified"), the linked measurements and period, and the answer form
 * (free text plus one action of a short list) while the task is open.
 */
import { h, replace } from '../../shared/web/dom.ts';
import { api } from './api.ts';
import { main, status, type Page } from './context.ts';
import { when } from './i18n.ts';
import { ACTIONS, tt } from './i18n-tasks.ts';
import { whenTasksChange } from './task-alerts.ts';
import type { Message, TaskRow } from './tasks-model.ts';
import { act, statusText } from './tasks-view.ts';

export async function renderThread(page: Page, team: string, task: string): Promise<void> {
  const draw = async () => {
    const body = (await api<{ task: TaskRow; messages: Message[] }>(`/dashboard/api/thread?team=${encodeURIComponent(team)}&task=${encodeURIComponent(task)}`)).body!;
    drawThread(page, body.task, body.messages);
  };
  whenTasksChange(() => { if (!document.activeElement?.closest('form')) void draw(); });
  await draw();
}

function drawThread(page: Page, t: TaskRow, messages: readonly Message[]): void {
  const { state } = page;
  const l = (key: Parameters<typeof tt>[1], params?: Record<string, string | number>) => tt(state.lang, key, params);
  const name = t.patientName ?? t.patient;
  const text = h('textarea', { id: 'answer-text', required: true, maxlength: 2000, rows: 4 });
  const action = h('select', { id: 'answer-action' }, h('option', { value: '' }, l('noAction')), ACTIONS.map((a) => h('option', { value: a }, l(a))));
  const send = async (e: Event) => {
    e.preventDefault();
    try {
      await api('/dashboard/api/tasks/answer', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ team: t.teamName, task: t.url, text: text.value, ...(action.value ? { action: action.value } : {}) }),
      });
      await page.route();
    } catch (error) {
      (document.getElementById('answer-error') as HTMLElement).textContent = (error as Error).message;
    }
  };
  replace(main(),
    h('p', {}, h('a', { href: '#tasks=mine' }, `← ${l('myTasks')}`)),
    h('h2', { id: 'thread-heading' }, l('thread', { name })),
    h('p', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }),
    h('p', { id: 'task-summary', class: t.overdue ? 'overdue' : '' },
      `${l(t.type)} · ${l(t.priority)} · ${statusText(page, t)} · ${l('deadline')}: ${when(state.lang, t.deadline)}`,
      t.overdue ? h('strong', { class: 'overdue-word' }, ` ${l('overdue')}`) : null),
    h('p', {}, h('a', { class: 'button secondary', id: 'open-patient', href: `#team=${encodeURIComponent(t.teamName)}&patient=${encodeURIComponent(t.patient)}` }, l('openPatient')),
      ' ', t.status === 'new' ? h('button', { type: 'button', id: 'take', onclick: () => act(page, t, 'take') }, l('take')) : null),
    h('ol', { id: 'thread', class: 'thread' }, messages.map((m) => h('li', { class: `message ${m.type}`, 'data-type': m.type, 'data-author': m.author ?? '' },
      h('p', { class: 'meta' }, h('strong', {}, l(m.type)), ' — ',
        m.author ? l('by', { who: m.authorName ? `${m.authorName} (${m.author})` : m.author, when: when(state.lang, m.created) }) : l('notVerified')),
      h('p', { class: 'text' }, m.text),
      m.action ? h('p', { class: 'action' }, `${l('action').replace(/ \(.*\)$/, '')}: ${l(m.action as Parameters<typeof tt>[1])}`) : null,
      m.regards.length > 0 ? h('p', { class: 'muted small' }, l('regards', { n: m.regards.length })) : null,
      m.periodStart && m.periodEnd ? h('p', { class: 'muted small' }, l('period', { from: when(state.lang, m.periodStart), to: when(state.lang, m.periodEnd) })) : null))),
    t.status !== 'closed' && t.thread && !(t.status === 'taken' && !t.mine)
      ? h('form', { id: 'answer-form', class: 'answer', onsubmit: send },
        h('h3', {}, l('answer')),
        h('label', { for: 'answer-text' }, l('answerText')), text,
        h('label', { for: 'answer-action' }, l('action')), action,
        h('p', { id: 'answer-error', class: 'error', role: 'alert' }),
        h('button', { type: 'submit', id: 'answer-send' }, l('sendAnswer')))
      : null);
  status('');
}
