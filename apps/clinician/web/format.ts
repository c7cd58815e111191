/** Texts and links that both the team view and the patient view show. */
import { h } from '../../shared/web/dom.ts';
import type { Page } from './context.ts';
import { num } from './i18n.ts';
import type { Point, Threshold } from './model.ts';
import { NO_HPR_SYSTEM, NO_ORGANISATION_NUMBER_SYSTEM, NO_RESH_SYSTEM } from '../../shared/fhir/identifiers.ts';

const IDENTIFIER_LABELS: Record<string, string> = { [NO_HPR_SYSTEM]: 'HPR', [NO_ORGANISATION_NUMBER_SYSTEM]: 'org.nr.', [NO_RESH_SYSTEM]: 'RESH' };

/**
 * Who performed a reading and from which system, as the sender states it
 * (performers, meta.source): labelled as the sender's claim, never as the
 * author. The author of data is only ever the writer that was authenticated.
 */
export function statedSource(page: Page, p: Point): HTMLElement | null {
  const who = [
    ...(p.performers ?? []).map((x) => {
      const id = x.identifier ? `${IDENTIFIER_LABELS[x.identifier.system] ?? x.identifier.system} ${x.identifier.value}` : '';
      return x.display && id ? `${x.display} (${id})` : x.display ?? id;
    }),
    ...(p.metaSource ? [p.metaSource] : []),
  ].filter(Boolean);
  return who.length > 0 ? h('div', { class: 'stated muted' }, page.tr('statedBy', { who: who.join(', ') })) : null;
}

export function thresholdText(page: Page, th: Threshold, unit: string): string {
  const { lang } = page.state;
  return [th.below !== undefined ? page.tr('below', { value: num(lang, th.below), unit }) : '', th.above !== undefined ? page.tr('above', { value: num(lang, th.above), unit }) : ''].filter(Boolean).join(', ');
}

/** A link to the document a value came from (the fragment dropped: browsers show the document). */
export function sourceLink(url: string): HTMLElement {
  const doc = url.replace(/#.*$/, '');
  return h('a', { href: doc, class: 'source', rel: 'noreferrer' }, new URL(doc).pathname);
}
