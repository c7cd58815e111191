/**
 * Told within seconds: while the dashboard is open, the clinician service
 * relays the pod server's notifications on the worklists of every team the
 * clinician is in (/dashboard/api/tasks/live); on each change the page asks
 * for "My tasks" again and shows how many open tasks the clinician has not
 * seen yet, in the header and in the page title ("(2) …"). Opening "My tasks"
 * marks them seen (kept in this browser's localStorage, per WebID).
 * `window.hvTasks` counts changes for the browser tests.
 */
import { api } from './api.ts';
import type { Page } from './context.ts';
import { tt } from './i18n-tasks.ts';
import type { TaskRow } from './tasks-model.ts';

declare global {
  interface Window { hvTasks?: { changes: number; ready: boolean; unread: number } }
}

const POLL_MS = 30_000;
let stream: EventSource | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let latest: TaskRow[] = [];
/** Tasks the pod server said were added, not yet in `latest`: counted at once, before the list is fetched again. */
const added = new Set<string>();
let onChange: (() => void) | undefined;

const seenKey = (page: Page) => `hv-seen-tasks:${page.state.webId}`;
const seen = (page: Page) => new Set<string>(JSON.parse(localStorage.getItem(seenKey(page)) ?? '[]') as string[]);

/** Open tasks of the clinician's teams not yet seen in "My tasks". */
export function unread(page: Page): number {
  const known = seen(page);
  const listed = new Set(latest.map((t) => t.url));
  return latest.filter((t) => (t.status === 'new' || t.status === 'taken') && !known.has(t.url)).length
    + [...added].filter((u) => !listed.has(u) && !known.has(u)).length;
}

export function markAllSeen(page: Page, tasks: readonly TaskRow[]): void {
  latest = [...tasks];
  added.clear();
  localStorage.setItem(seenKey(page), JSON.stringify(tasks.map((t) => t.url)));
  show(page);
}

/** The unread count in the header's "My tasks" link and in the title. */
export function show(page: Page): void {
  const n = unread(page);
  const badge = document.getElementById('unread');
  if (badge) {
    badge.textContent = n > 0 ? tt(page.state.lang, 'unread', { n }) : '';
    badge.hidden = n === 0;
  }
  document.title = `${n > 0 ? `(${n}) ` : ''}${page.tr('title')}`;
  (window.hvTasks ??= { changes: 0, ready: false, unread: 0 }).unread = n;
}

async function refresh(page: Page): Promise<void> {
  try {
    latest = (await api<{ tasks: TaskRow[] }>('/dashboard/api/tasks/mine')).body?.tasks ?? [];
    for (const t of latest) added.delete(t.url);
    show(page);
    onChange?.();
  } catch { /* the next change or poll tries again */ }
}

/** Starts listening once per login; `changed` runs after each refresh (the open task list redraws). */
export function watchTasks(page: Page): void {
  if (stream || !page.state.webId) return;
  const counter = (window.hvTasks ??= { changes: 0, ready: false, unread: 0 });
  stream = new EventSource('/dashboard/api/tasks/live');
  stream.addEventListener('ready', () => { counter.ready = true; });
  stream.addEventListener('change', (e) => {
    counter.changes += 1;
    const { type, object } = JSON.parse((e as MessageEvent).data as string) as { type?: string; object?: string };
    // A new task document in a worklist: count it now; the list (names, status) follows.
    if (type === 'Add' && object && !object.endsWith('/')) {
      added.add(object);
      show(page);
    }
    void refresh(page);
  });
  const poll = () => { timer = setTimeout(async () => { await refresh(page); poll(); }, POLL_MS); };
  poll();
  void refresh(page);
}

export function whenTasksChange(fn: (() => void) | undefined): void {
  onChange = fn;
}

export function stopWatching(): void {
  stream?.close();
  stream = undefined;
  if (timer) clearTimeout(timer);
  latest = [];
  added.clear();
}
