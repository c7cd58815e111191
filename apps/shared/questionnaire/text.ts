/**
 * Norwegian first, English too, the FHIR way: an element's own text is the
 * Norwegian, and the English sits beside it in the standard translation
 * extension (http://hl7.org/fhir/StructureDefinition/translation) on the
 * primitive's `_text` / `_display` / `_title`. These helpers build and read
 * that; they never decide wording.
 */
import type { Element, Extension } from 'fhir/r4.js';

export type QuestionnaireLang = 'nb' | 'en';

export const TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';
/** R4's ordinal value of a Coding (the points an answer counts for in a score). */
export const ORDINAL_VALUE = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';
export const MIN_VALUE = 'http://hl7.org/fhir/StructureDefinition/minValue';
export const MAX_VALUE = 'http://hl7.org/fhir/StructureDefinition/maxValue';

/** The `_text` (or `_display`, `_title`) element carrying the English of a Norwegian primitive. */
export function english(en: string): Element {
  return { extension: [{ url: TRANSLATION, extension: [{ url: 'lang', valueCode: 'en' }, { url: 'content', valueString: en }] }] };
}

/** The text in `lang`: the primitive itself for Norwegian, its translation for English (the Norwegian if there is none). */
export function textIn(lang: QuestionnaireLang, nb: string | undefined, meta: Element | undefined): string {
  if (lang === 'nb' || !meta) return nb ?? '';
  for (const ext of meta.extension ?? []) {
    if (ext.url !== TRANSLATION) continue;
    const parts = ext.extension ?? [];
    if (parts.find((p) => p.url === 'lang')?.valueCode !== lang) continue;
    const content = parts.find((p) => p.url === 'content')?.valueString;
    if (content) return content;
  }
  return nb ?? '';
}

export function extensionValue(extensions: readonly Extension[] | undefined, url: string): Extension | undefined {
  return extensions?.find((e) => e.url === url);
}
