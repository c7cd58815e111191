/**
 * The consent page (apps/consent): the patient logs in to their own pod with
 * Solid-OIDC and decides who may read what, browses their data and sees who
 * has looked, enters a measurement by hand, and reads the plan their clinicians wrote for them. Everything happens between this page and the pod server; the
 * consent app's own server only hands out these files and config.json.
 *
 * The page is never blank: before the script runs it says "loading", and
 * every failure ends in a message a person can act on (errors below).
 */
import type { Directory } from '../../shared/directory.ts';
import { PlanError } from '../access.ts';
import { LANGS, translate, type Lang, type MessageKey } from '../i18n.ts';
import { PodError, readDirectory, readPatient, toPodError, type Patient } from '../pod.ts';
import { PodResponseError } from '../../shared/health-acl-pod.ts';
import { GatewayError } from '../../shared/pairing.ts';
import type { PageConfig, ViewContext } from './context.ts';
import { dataLoaded, loadData, renderData, resetData } from './data-view.ts';
import { h, replace } from '../../shared/web/dom.ts';
import { entryLoaded, loadEntry, renderEntry, resetEntry } from './entry-view.ts';
import { loadLog, logLoaded, renderLog, resetLog } from './log-view.ts';
import { loadMessages, messagesLoaded, renderMessages, resetMessages } from './messages-view.ts';
import { logIn, logOut, podFetch, startSession, usableClientId } from './session.ts';
import { describeDeviceError, devicesLoaded, loadDevices, renderDevices, resetDevices, takeCodeFromUrl } from './devices-view.ts';
import { loadSharing, renderSharing, resetSharing, sharingLoaded } from './sharing-view.ts';
import { loadPlan, planLoaded, renderPlan, resetPlan } from './plan-view.ts';
import { loadQuestionnaires, questionnairesLoaded, renderQuestionnaires, resetQuestionnaires } from './questionnaire-view.ts';

type ViewName = 'sharing' | 'devices' | 'data' | 'entry' | 'questionnaires' | 'plan' | 'log' | 'messages';

interface View {
  readonly nav: MessageKey;
  loaded(): boolean;
  load(ctx: ViewContext): Promise<void>;
  render(ctx: ViewContext): HTMLElement;
  reset(): void;
}

const VIEWS: Record<ViewName, View> = {
  sharing: { nav: 'nav.sharing', loaded: sharingLoaded, load: loadSharing, render: renderSharing, reset: resetSharing },
  devices: { nav: 'nav.devices', loaded: devicesLoaded, load: loadDevices, render: renderDevices, reset: resetDevices },
  data: { nav: 'nav.data', loaded: dataLoaded, load: loadData, render: renderData, reset: resetData },
  entry: { nav: 'nav.entry', loaded: entryLoaded, load: loadEntry, render: renderEntry, reset: resetEntry },
  questionnaires: { nav: 'nav.questionnaires', loaded: questionnairesLoaded, load: loadQuestionnaires, render: renderQuestionnaires, reset: resetQuestionnaires },
  plan: { nav: 'nav.plan', loaded: planLoaded, load: loadPlan, render: renderPlan, reset: resetPlan },
  log: { nav: 'nav.log', loaded: logLoaded, load: loadLog, render: renderLog, reset: resetLog },
  messages: { nav: 'nav.messages', loaded: messagesLoaded, load: loadMessages, render: renderMessages, reset: resetMessages },
};

const LANG_KEY = 'helsevev.consent.lang';

const page = {
  lang: (localStorage.getItem(LANG_KEY) as Lang | null) ?? 'nb',
  config: undefined as PageConfig | undefined,
  patient: undefined as Patient | undefined,
  directory: { url: '', title: { nb: '', en: '' }, entries: [] } as Directory,
  loggedIn: false,
  view: 'sharing' as ViewName,
  loading: undefined as ViewName | undefined,
  status: '',
  error: undefined as { text: string; action?: { label: string; run: () => void } } | undefined,
  loggingIn: false,
};
if (!LANGS.includes(page.lang)) page.lang = 'nb';

const t = (key: MessageKey, params?: Record<string, string | number>) => translate(page.lang, key, params);

function podServer(): string {
  return page.config?.podBaseUrl ?? '';
}

/** An error in words a person can act on, and what they can do about it. */
function describe(error: unknown, retry?: () => void): NonNullable<typeof page.error> {
  const again = retry ? { label: t('error.retry'), run: retry } : undefined;
  const device = describeDeviceError(t, page.config?.gatewayUrl ?? '', error);
  if (device) {
    const relogin = error instanceof GatewayError && error.status === 401;
    return { text: device, ...(relogin ? { action: { label: t('error.login'), run: () => void startLogin() } } : again ? { action: again } : {}) };
  }
  // The pod side of pairing (apps/shared) reports the pod's answers as they are; said here like the page's own.
  if (error instanceof PodResponseError) error = toPodError(error, error.url);
  if (error instanceof PodError) {
    const what = error.url.replace(page.patient?.pod ?? '', '') || error.url;
    switch (error.kind) {
      case 'unreachable': return { text: t('error.unreachable', { server: podServer() }), ...(again ? { action: again } : {}) };
      case 'expired': return { text: t('error.expired'), action: { label: t('error.login'), run: () => void startLogin() } };
      case 'forbidden': return { text: t('error.forbidden', { what }), ...(again ? { action: again } : {}) };
      case 'not-found': return { text: t('error.notFound', { what }), ...(again ? { action: again } : {}) };
      case 'conflict': return { text: t('error.conflict') };
      case 'server': return { text: t('error.server', { status: error.status ?? '?' }), ...(again ? { action: again } : {}) };
    }
  }
  if (error instanceof PlanError) {
    if (error.reason === 'invalid-decision') return { text: t('error.invalidDecision', { detail: error.detail }) };
    return { text: error.reason === 'owner-as-reader' ? t('error.ownAccess') : t('error.locked', { what: error.detail.replace(/:.*$/, '') }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { text: /^Failed to fetch|NetworkError|Load failed/i.test(message) ? t('error.unreachable', { server: podServer() }) : t('error.unknown', { message }) };
}

function context(): ViewContext {
  return {
    lang: page.lang,
    config: page.config!,
    patient: page.patient!,
    directory: page.directory,
    fetch: podFetch,
    t,
    status: (text) => { page.status = text; renderStatus(); },
    fail: (error, retry) => { page.error = describe(error, retry); render(); },
    rerender: () => render(),
  };
}

async function startLogin(): Promise<void> {
  if (!page.config) return;
  page.loggingIn = true;
  render();
  try {
    await logIn(page.config.oidcIssuer, 'Helsevev', page.config.clientId);
  } catch (error) {
    page.loggingIn = false;
    page.error = describe(new PodError('unreachable', page.config.oidcIssuer));
    void error;
    render();
  }
}

async function ensureLoaded(view: ViewName): Promise<void> {
  const v = VIEWS[view];
  if (!page.patient || v.loaded() || page.loading === view) return;
  page.loading = view;
  try {
    await v.load(context());
  } catch (error) {
    page.error = describe(error, () => { page.error = undefined; void ensureLoaded(view); render(); });
  } finally {
    page.loading = undefined;
  }
  render();
}

function renderStatus(): void {
  const el = document.getElementById('status');
  if (el) el.textContent = page.status;
}

function header(): HTMLElement {
  const langs = h('div', { class: 'langs', role: 'group', 'aria-label': t('lang.label') },
    LANGS.map((lang) => h('button', {
      type: 'button', lang, 'aria-pressed': page.lang === lang ? 'true' : 'false', 'data-focus': `lang-${lang}`,
      onclick: () => { page.lang = lang; localStorage.setItem(LANG_KEY, lang); render(); },
    }, t(`lang.${lang}`))));
  const who = page.loggedIn
    ? h('div', { class: 'who' },
      h('span', {}, t('session.loggedInAs', { name: page.patient?.name ?? page.patient?.webId ?? '' })),
      h('button', { type: 'button', class: 'secondary', id: 'logout', onclick: () => void logOut().then(() => {
        page.loggedIn = false; delete page.patient; Object.values(VIEWS).forEach((v) => v.reset()); page.status = ''; render();
      }) }, t('logout.button')))
    : null;
  return h('header', { class: 'top' },
    h('div', { class: 'brand' }, h('h1', {}, t('app.title')), h('p', { class: 'tagline' }, t('app.tagline'))),
    h('div', { class: 'tools' }, langs, who));
}

function nav(): HTMLElement | null {
  if (!page.loggedIn) return null;
  return h('nav', { 'aria-label': t('nav.label') }, h('ul', {},
    (Object.keys(VIEWS) as ViewName[]).map((name) => h('li', {},
      h('a', { href: `#${name}`, 'aria-current': page.view === name ? 'page' : undefined, 'data-focus': `nav-${name}` }, t(VIEWS[name].nav))))));
}

function errorBox(): HTMLElement | null {
  const error = page.error;
  if (!error) return null;
  return h('div', { class: 'error', role: 'alert' },
    h('h2', {}, t('error.heading')),
    h('p', {}, error.text),
    h('div', { class: 'actions' },
      error.action ? h('button', { type: 'button', 'data-focus': 'error-action', onclick: () => { page.error = undefined; error.action!.run(); render(); } }, error.action.label) : null,
      h('button', { type: 'button', class: 'secondary', 'data-focus': 'error-dismiss', onclick: () => { page.error = undefined; render(); } }, t('error.dismiss'))));
}

/**
 * The page's origin on the login button and what the pod server's consent
 * screen will show for this app: a look-alike page on another origin cannot
 * show this origin there.
 */
function loginView(): HTMLElement {
  const origin = window.location.origin;
  const clientId = usableClientId(page.config?.clientId, origin);
  return h('section', { 'aria-labelledby': 'view-heading', class: 'login' },
    h('h2', { id: 'view-heading', tabindex: -1 }, t('login.heading')),
    h('p', {}, t('login.intro')),
    h('p', { id: 'login-check' }, clientId ? t('login.checkClientId', { clientId }) : t('login.checkOrigin', { origin })),
    h('button', {
      type: 'button', id: 'login', 'data-focus': 'login', 'aria-describedby': 'login-check',
      disabled: page.loggingIn || !page.config, onclick: () => void startLogin(),
    }, page.loggingIn ? t('login.busy') : t('login.button', { origin })));
}

function render(): void {
  const focusKey = (document.activeElement as HTMLElement | null)?.dataset?.focus;
  document.documentElement.lang = page.lang;
  document.title = t('app.title');
  const root = document.getElementById('app')!;
  let content: HTMLElement;
  if (!page.config) content = h('p', { class: 'loading' }, t('loading'));
  else if (!page.loggedIn) content = loginView();
  else if (!page.patient) content = h('p', { class: 'loading' }, t('loading'));
  else content = VIEWS[page.view].render(context());
  replace(root,
    h('a', { href: '#main', class: 'skip' }, t('app.skip')),
    header(),
    nav(),
    h('main', { id: 'main', tabindex: -1 },
      errorBox(),
      h('p', { id: 'status', role: 'status', 'aria-live': 'polite', class: 'status' }, page.status),
      content));
  if (focusKey) (root.querySelector(`[data-focus="${focusKey}"]`) as HTMLElement | null)?.focus();
  if (page.loggedIn && page.patient && !VIEWS[page.view].loaded()) void ensureLoaded(page.view);
}

const VIEW_KEY = 'helsevev.consent.view';

/** The view named in the URL; after a login redirect (which drops the hash) the one the patient was on. */
function routeFromHash(): ViewName {
  // A code in the URL (the gateway's verification_uri_complete) opens "My devices", also after the login redirect.
  const withoutCode = takeCodeFromUrl(new URL(window.location.href));
  if (withoutCode) window.history.replaceState(null, '', withoutCode.href);
  const name = window.location.hash.replace(/^#/, '').replace(/\?.*$/, '');
  if (name in VIEWS) {
    sessionStorage.setItem(VIEW_KEY, name);
    return name as ViewName;
  }
  const remembered = sessionStorage.getItem(VIEW_KEY) ?? '';
  return remembered in VIEWS ? (remembered as ViewName) : 'sharing';
}

window.addEventListener('hashchange', () => {
  if (window.location.hash === '#main') return;
  page.view = routeFromHash();
  page.status = '';
  // The access log grows while the page is open, devices pair and send, plans change: read them again on every visit.
  if (page.view === 'log' || page.view === 'devices' || page.view === 'plan') VIEWS[page.view].reset();
  render();
  document.getElementById('view-heading')?.focus();
});
window.addEventListener('error', (event) => { page.error = describe(event.error ?? event.message); render(); });
window.addEventListener('unhandledrejection', (event) => { page.error = describe(event.reason); render(); });

async function boot(): Promise<void> {
  page.view = routeFromHash();
  render();
  try {
    const response = await fetch('/config.json', { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
    page.config = (await response.json()) as PageConfig;
  } catch {
    page.error = { text: t('error.noConfig') };
    render();
    return;
  }
  render();
  let webId: string | undefined;
  try {
    const session = await startSession(() => {
      page.error = describe(new PodError('expired', page.config!.podBaseUrl));
      render();
    });
    page.loggedIn = session.loggedIn;
    webId = session.webId;
  } catch (error) {
    page.error = describe(error instanceof PodError ? error : new PodError('unreachable', page.config.oidcIssuer), () => void boot());
    render();
    return;
  }
  render();
  if (!page.loggedIn || !webId) return;
  try {
    const [patient, directory] = await Promise.all([
      readPatient(podFetch, webId),
      readDirectory(podFetch, page.config.directoryUrl).catch((error: unknown) => {
        page.error = { text: t('error.directory', { url: page.config!.directoryUrl }) };
        void error;
        return page.directory;
      }),
    ]);
    page.patient = patient;
    page.directory = directory;
  } catch (error) {
    page.error = describe(error, () => void boot());
  }
  render();
}

void boot();
