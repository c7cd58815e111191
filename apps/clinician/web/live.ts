/**
 * Keeping an open patient view current without reloading: listens to
 * /dashboard/api/live (Server-Sent Events relaying the pod server's Solid
 * Notifications) and refreshes on each `change`; also polls (the refresh asks
 * with If-None-Match), every 15 s while the stream is open and every 2 s when
 * it is not. `window.hvLive` counts changes for the browser tests.
 */
import { main, type Page } from './context.ts';

/** Polling when the live stream is not open (fallback), and as a safety net while it is. */
const POLL_MS = 2_000;
const POLL_LIVE_MS = 15_000;

declare global {
  interface Window { hvLive?: { changes: number; ready: boolean } }
}

/** Ends the current patient view's stream and timers (on every route). */
export function stopPolling(page: Page): void {
  const { state } = page;
  if (state.poll) clearTimeout(state.poll);
  state.poll = 0;
  state.etag = '';
  state.live?.close();
  state.live = undefined;
  state.liveOpen = false;
  state.view += 1;
}

/**
 * Runs `refresh` on every change and poll of this patient until the view ends;
 * never two at once (a change during a refresh runs one more after it).
 */
export function followPatient(page: Page, team: string, patient: string, refresh: () => Promise<void>): void {
  const { state } = page;
  const view = ++state.view;
  let busy = false;
  let again = false;
  const once = async () => {
    if (state.view !== view) return;
    if (busy) { again = true; return; }
    busy = true;
    try {
      await refresh();
    } catch { /* the next poll tries again */ } finally {
      busy = false;
      if (again) { again = false; void once(); }
    }
  };
  const schedule = () => {
    if (state.poll) clearTimeout(state.poll);
    state.poll = setTimeout(async () => {
      if (!document.hidden) await once();
      if (state.view === view) schedule();
    }, state.liveOpen ? POLL_LIVE_MS : POLL_MS);
  };
  const counter = (window.hvLive ??= { changes: 0, ready: false });
  counter.ready = false;
  let live: EventSource | undefined;
  if (typeof EventSource === 'function') {
    live = new EventSource(`/dashboard/api/live?team=${encodeURIComponent(team)}&patient=${encodeURIComponent(patient)}`);
    state.live = live;
    live.addEventListener('ready', (e) => {
      const topics = Number((JSON.parse((e as MessageEvent).data) as { topics?: number }).topics ?? 0);
      state.liveOpen = topics > 0;
      counter.ready = state.liveOpen;
      main().setAttribute('data-live', state.liveOpen ? 'open' : 'polling');
      schedule();
    });
    live.addEventListener('change', () => {
      counter.changes += 1;
      void once();
    });
    live.addEventListener('error', () => {
      // The browser reconnects by itself; poll fast until the stream says it is ready again.
      if (state.live !== live) return;
      state.liveOpen = false;
      counter.ready = false;
      main().setAttribute('data-live', 'polling');
      schedule();
    });
  }
  schedule();
}
