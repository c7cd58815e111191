/**
 * Every term the catalogue uses has a Norwegian and an English name in the
 * published vocab/labels.ttl (read as a generic RDF client reads it), and the
 * link written with the data is one constant triple (idempotent appends).
 */
import { readFileSync } from 'node:fs';
import { Parser, Store } from 'n3';
import { describe, expect, it } from 'vitest';
import { MEASUREMENT_KINDS, observedPropertyIri, type KindSpec } from '../../../vocab/catalogue.ts';
import { LABELS_PATH, labelLinkQuads, labelsUrlFor } from '../../../vocab/labels.ts';
import { NS, loincIri, snomedIri } from '../../../vocab/terms.ts';

const published = new Store(new Parser().parse(readFileSync(new URL('../../../vocab/labels.ttl', import.meta.url), 'utf8')));

/** Every term IRI the catalogue names: SNOMED CT (aliases too), LOINC, QUDT units; panel members included. */
function catalogueTerms(): string[] {
  return (MEASUREMENT_KINDS as readonly KindSpec[]).flatMap((k) => [
    ...[k, ...Object.values(k.components ?? {})].flatMap((q) => [
      observedPropertyIri(q), ...q.snomedAliases.map(snomedIri), ...q.loinc.map(loincIri),
    ]),
    k.qudtUnit,
  ]);
}

function labelsOf(term: string, predicate = `${NS.rdfs}label`): Record<string, string[]> {
  const byLang: Record<string, string[]> = {};
  for (const o of published.getObjects(term, predicate, null)) {
    const lang = o.termType === 'Literal' ? o.language : '';
    (byLang[lang] ??= []).push(o.value);
  }
  return byLang;
}

describe('names of the catalogue terms (vocab/labels.ttl)', () => {
  it.each([...new Set(catalogueTerms())])('%s has one nb and one en rdfs:label and skos:prefLabel', (term) => {
    const labels = labelsOf(term);
    expect(Object.keys(labels).sort()).toEqual(['en', 'nb']);
    expect(labels.nb).toHaveLength(1);
    expect(labels.en).toHaveLength(1);
    expect(labels.nb![0]!.trim()).not.toBe('');
    expect(labels.en![0]!.trim()).not.toBe('');
    expect(labelsOf(term, 'http://www.w3.org/2004/02/skos/core#prefLabel')).toEqual(labels);
  });

  it('uses the catalogue\'s own names for SNOMED CT concepts (434912009 is Blodsukker / Blood glucose)', () => {
    expect(labelsOf(snomedIri('434912009'))).toEqual({ nb: ['Blodsukker'], en: ['Blood glucose'] });
    for (const k of MEASUREMENT_KINDS as readonly KindSpec[]) {
      expect(labelsOf(observedPropertyIri(k))).toEqual({ nb: [k.names.nb], en: [k.names.en] });
    }
  });

  it('lists Norwegian first, since SolidOS shows the first label it loaded', () => {
    const text = readFileSync(new URL('../../../vocab/labels.ttl', import.meta.url), 'utf8');
    const line = text.split('\n').find((l) => l.includes('rdfs:label "Blodsukker"'));
    expect(line).toMatch(/"Blodsukker"@nb , "Blood glucose"@en/);
  });
});

describe('labelLinkQuads', () => {
  const document = 'http://localhost:3000/kari/health/measurements/blood-glucose/2026-12.ttl';

  it('links the document to the names the pod server publishes, with one constant triple', () => {
    const quads = labelLinkQuads(document);
    expect(quads).toHaveLength(1);
    expect([quads[0]!.subject.value, quads[0]!.predicate.value, quads[0]!.object.value])
      .toEqual([document, `${NS.rdfs}seeAlso`, `http://localhost:3000/${LABELS_PATH}`]);
    expect(labelLinkQuads(document)[0]!.equals(quads[0]!)).toBe(true);
  });

  it('points at the origin of the document\'s pod server, or where it is told', () => {
    expect(labelsUrlFor('https://pods.example/kari/health/x.ttl')).toBe(`https://pods.example/${LABELS_PATH}`);
    expect(labelLinkQuads(document, 'https://vocab.example/labels.ttl')[0]!.object.value).toBe('https://vocab.example/labels.ttl');
  });
});
