/**
 * SPARQL 1.1 results formats: what results.ts writes is valid JSON, XML, CSV
 * and TSV results (checked by independent parsers and the formats' grammars)
 * and reads back to the same terms, awkward strings included.
 */
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { writeBoolean, writeSolutions, type Row } from '../../../apps/clinician/engine/results.ts';
import { checkSparqlResults } from '../../support/sparql-results.ts';

const { namedNode, literal, blankNode } = DataFactory;
const XSD = 'http://www.w3.org/2001/XMLSchema#';

const vars = ['patient', 'value', 'note', 'unbound'];
const rows: Row[] = [
  new Map<string, RDF.Term>([['patient', namedNode('http://pods.example/hans/profile/card#me')], ['value', literal('88', namedNode(`${XSD}decimal`))], ['note', literal('målt "etter" trapp,\tkald\nfinger <b>&', 'nb')]]),
  new Map<string, RDF.Term>([['patient', blankNode('b0')], ['value', literal('2026-03-10T08:00:00+01:00', namedNode(`${XSD}dateTime`))]]),
  new Map<string, RDF.Term>([['note', literal('plain')]]),
];

describe('SELECT results', () => {
  it.each(['json', 'xml', 'csv', 'tsv'] as const)('%s is valid and reads back', async (format) => {
    const text = writeSolutions(vars, rows, format, format === 'json' || format === 'xml' ? ['http://api.example/reports/1?a=1&b=2'] : []);
    const back = await checkSparqlResults(format, text);
    expect(back.vars).toEqual(vars);
    expect(back.rows).toEqual([
      { patient: 'http://pods.example/hans/profile/card#me', value: '88', note: 'målt "etter" trapp,\tkald\nfinger <b>&' },
      { patient: format === 'csv' ? '_:b0' : 'b0', value: '2026-03-10T08:00:00+01:00' },
      { note: 'plain' },
    ]);
    if (format === 'json' || format === 'xml') expect(back.links).toEqual(['http://api.example/reports/1?a=1&b=2']);
  });

  it('keeps datatypes and languages in JSON and TSV', () => {
    const json = JSON.parse(writeSolutions(vars, rows, 'json')) as { results: { bindings: Record<string, Record<string, string>>[] } };
    expect(json.results.bindings[0]!.value).toEqual({ type: 'literal', value: '88', datatype: `${XSD}decimal` });
    expect(json.results.bindings[0]!.note!['xml:lang']).toBe('nb');
    expect(json.results.bindings[2]!.note).toEqual({ type: 'literal', value: 'plain' });
    const tsv = writeSolutions(vars, rows, 'tsv').split('\n')[1]!;
    expect(tsv.split('\t')[1]).toBe(`"88"^^<${XSD}decimal>`);
  });

  it('writes no rows as a header only', async () => {
    expect(writeSolutions(['a'], [], 'csv')).toBe('a\r\n');
    expect((await checkSparqlResults('json', writeSolutions(['a'], [], 'json'))).rows).toEqual([]);
  });
});

describe('ASK results', () => {
  it('JSON and XML', () => {
    expect(JSON.parse(writeBoolean(true, 'json'))).toEqual({ head: {}, boolean: true });
    expect(writeBoolean(false, 'xml')).toContain('<boolean>false</boolean>');
    expect(writeBoolean(false, 'xml', ['http://x/r'])).toContain('<link href="http://x/r"/>');
  });
});
