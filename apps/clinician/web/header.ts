/** The top bar (title, language, who is logged in) and logging in and out. */
import { h, replace } from '../../shared/web/dom.ts';
import { PAGE_HEADERS } from './api.ts';
import { main, type Page } from './context.ts';
import type { Lang } from './i18n.ts';
import { tt } from './i18n-tasks.ts';
import { show, stopWatching } from './task-alerts.ts';

export function renderHeader(page: Page): void {
  const { state, tr } = page;
  const langButton = (lang: Lang, label: string) => h('button', {
    type: 'button', lang, 'aria-pressed': String(state.lang === lang),
    onclick: () => { state.lang = lang; localStorage.setItem('hv-lang', lang); void page.route(); },
  }, label);
  replace(document.getElementById('top')!,
    h('h1', {}, tr('title')),
    h('div', { class: 'tools' },
      h('div', { class: 'langs', role: 'group', 'aria-label': 'Språk / Language' }, langButton('nb', 'Norsk'), langButton('en', 'English')),
      state.webId ? h('nav', { class: 'task-nav', 'aria-label': tt(state.lang, 'myTasks') },
        h('a', { id: 'my-tasks', href: '#tasks=mine' }, tt(state.lang, 'myTasks'), ' ', h('span', { id: 'unread', class: 'badge', hidden: true })),
        state.teams.map((x) => h('a', { href: `#tasks=team&team=${encodeURIComponent(x.name)}` }, `${tt(state.lang, 'teamTasks')}: ${x.displayName ?? x.name}`))) : null,
      state.webId ? h('span', { class: 'who' }, state.webId) : null,
      state.webId ? h('button', { type: 'button', class: 'secondary', onclick: () => logout(page) }, tr('logout')) : null));
  document.documentElement.lang = state.lang;
  document.title = tr('title');
  if (state.webId) show(page);
}

async function logout(page: Page): Promise<void> {
  await fetch('/logout', { method: 'POST', credentials: 'same-origin', headers: PAGE_HEADERS });
  stopWatching();
  page.state.webId = '';
  location.hash = '';
  await page.route();
}

export function renderLogin(page: Page): void {
  const { tr } = page;
  page.state.webId = '';
  renderHeader(page);
  replace(main(), h('h2', {}, tr('login')), h('p', {}, tr('loginIntro')),
    h('p', {}, h('a', { id: 'login', class: 'button', href: '/login?return=/' }, tr('login'))));
}
