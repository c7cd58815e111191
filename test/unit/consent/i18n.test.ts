import { describe, expect, it } from 'vitest';
import { LANGS, MESSAGES, translate } from '../../../apps/consent/i18n.ts';
import { MEASUREMENT_KINDS } from '../../../vocab/catalogue.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('consent page texts', () => {
  it('has every key in Norwegian and English, filled in, with the same placeholders', () => {
    const keys = Object.keys(MESSAGES.nb).sort();
    for (const lang of LANGS) {
      expect(Object.keys(MESSAGES[lang]).sort()).toEqual(keys);
      for (const key of keys) {
        const text = MESSAGES[lang][key as keyof typeof MESSAGES.nb];
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(MESSAGES.nb[key as keyof typeof MESSAGES.nb]));
      }
    }
  });

  it('differs between the languages except for names of things', () => {
    const same = Object.keys(MESSAGES.nb).filter((k) => MESSAGES.nb[k as keyof typeof MESSAGES.nb] === MESSAGES.en[k as keyof typeof MESSAGES.nb]);
    expect(same.sort()).toEqual(['lang.en', 'lang.nb', 'log.agentInTeam']);
  });

  it('names every measurement category in both languages (from the catalogue)', () => {
    for (const kind of MEASUREMENT_KINDS) for (const lang of LANGS) expect(kind.names[lang]).toBeTruthy();
  });

  it('fills in placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'sharing.cell', { org: 'The GPs', category: 'Blood glucose' })).toBe('Let The GPs read Blood glucose');
    expect(translate('nb', 'sharing.cell', { org: 'Fastlegene' })).toBe('La Fastlegene lese {category}');
  });
});
