/** Texts and links that both the team view and the patient view show. */
import { h } from '../../shared/web/dom.ts';
import type { Page } from './context.ts';
import { num } from './i18n.ts';
import type { Threshold } from './model.ts';

export function thresholdText(page: Page, th: Threshold, unit: string): string {
  const { lang } = page.state;
  return [th.below !== undefined ? page.tr('below', { value: num(lang, th.below), unit }) : '', th.above !== undefined ? page.tr('above', { value: num(lang, th.above), unit }) : ''].filter(Boolean).join(', ');
}

/** A link to the document a value came from (the fragment dropped: browsers show the document). */
export function sourceLink(url: string): HTMLElement {
  const doc = url.replace(/#.*$/, '');
  return h('a', { href: doc, class: 'source', rel: 'noreferrer' }, new URL(doc).pathname);
}
