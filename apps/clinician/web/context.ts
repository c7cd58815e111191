/**
 * What every part of the dashboard shares: the page's one state object, its
 * texts in the chosen language, and the few places on the page they all write
 * to. No other module keeps state of its own; each gets the `Page` from main.ts.
 */
import { t, type Lang } from './i18n.ts';
import type { PatientData, Point, Setting } from './model.ts';

export interface Team { name: string; displayName?: string; member?: boolean }

export interface PageState {
  lang: Lang;
  webId: string;
  teams: Team[];
  /** Sources the clinician switched off in the legend; kept across patients. */
  hidden: Set<Setting>;
  /** Kinds whose table of values is open; kept across re-renders. */
  open: Set<string>;
  poll: number | ReturnType<typeof setTimeout>;
  live: EventSource | undefined;
  /** True while the live stream is open and listens to at least one topic. */
  liveOpen: boolean;
  /** Bumped when a patient view starts or ends, so an old view's timers stop. */
  view: number;
  /** Bumped when a team view starts or ends, so an old view's rows stop loading. */
  teamGeneration: number;
  etag: string;
  patient: PatientData | undefined;
  /** The value the mark dialog is open for. */
  marking: Point | undefined;
}

export type Tr = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => string;

export interface Page {
  readonly state: PageState;
  readonly tr: Tr;
  /** Reads the URL again and draws what it names (after login, logout, a change of language). */
  route(): Promise<void>;
}

export function createPage(route: () => Promise<void>): Page {
  const state: PageState = {
    lang: (localStorage.getItem('hv-lang') as Lang | null) ?? (navigator.language.startsWith('en') ? 'en' : 'nb') as Lang,
    webId: '',
    teams: [],
    hidden: new Set<Setting>(),
    open: new Set<string>(),
    poll: 0,
    live: undefined,
    liveOpen: false,
    view: 0,
    teamGeneration: 0,
    etag: '',
    patient: undefined,
    marking: undefined,
  };
  return { state, tr: (key, params) => t(state.lang, key, params), route };
}

export const main = () => document.getElementById('main')!;

/** The view's place in the URL: `#team=…&patient=…&weeks=…`. */
export function params(): URLSearchParams {
  return new URLSearchParams(location.hash.replace(/^#/, ''));
}

export function status(text: string): void {
  const el = document.getElementById('status');
  if (el) el.textContent = text;
}
