/**
 * SPARQL 1.1 query results in the four standard formats: JSON
 * (application/sparql-results+json), XML (application/sparql-results+xml),
 * CSV (text/csv) and TSV (text/tab-separated-values), for SELECT and (JSON,
 * XML) ASK.
 *
 * Written here rather than with Comunica's serialisers because, in Comunica
 * 5.4, the JSON one adds a non-standard top-level "metadata" member, the XML
 * one fails on ASK, and the CSV one ends rows with LF where the CSV format
 * (RFC 4180) wants CRLF. Links (e.g. to the access report of partial
 * answers) go where the formats allow them: `head.link` in JSON, `<link>` in
 * XML's head; CSV and TSV have no place for them (the HTTP Link header does).
 *
 * Graph results (CONSTRUCT, DESCRIBE) are written by Comunica (engine.ts).
 */
import type * as RDF from '@rdfjs/types';

export type ResultsFormat = 'json' | 'xml' | 'csv' | 'tsv';

export const RESULTS_MEDIA_TYPES: Readonly<Record<string, ResultsFormat>> = {
  'application/sparql-results+json': 'json',
  'application/sparql-results+xml': 'xml',
  'text/csv': 'csv',
  'text/tab-separated-values': 'tsv',
};

export const MEDIA_TYPE_OF: Readonly<Record<ResultsFormat, string>> = {
  json: 'application/sparql-results+json',
  xml: 'application/sparql-results+xml',
  csv: 'text/csv; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
};

/** A solution: variable name (without '?') -> term; unbound variables are absent. */
export type Row = ReadonlyMap<string, RDF.Term>;

const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

function jsonTerm(t: RDF.Term): Record<string, string> {
  switch (t.termType) {
    case 'NamedNode':
      return { type: 'uri', value: t.value };
    case 'BlankNode':
      return { type: 'bnode', value: t.value };
    case 'Literal': {
      if (t.language) return { type: 'literal', value: t.value, 'xml:lang': t.language };
      if (t.datatype.value === XSD_STRING) return { type: 'literal', value: t.value };
      return { type: 'literal', value: t.value, datatype: t.datatype.value };
    }
    default:
      return { type: 'literal', value: t.value };
  }
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmlTerm(t: RDF.Term): string {
  switch (t.termType) {
    case 'NamedNode':
      return `<uri>${xmlEscape(t.value)}</uri>`;
    case 'BlankNode':
      return `<bnode>${xmlEscape(t.value)}</bnode>`;
    case 'Literal':
      if (t.language) return `<literal xml:lang="${xmlEscape(t.language)}">${xmlEscape(t.value)}</literal>`;
      if (t.datatype.value === XSD_STRING || t.datatype.value === RDF_LANG_STRING) return `<literal>${xmlEscape(t.value)}</literal>`;
      return `<literal datatype="${xmlEscape(t.datatype.value)}">${xmlEscape(t.value)}</literal>`;
    default:
      return `<literal>${xmlEscape(t.value)}</literal>`;
  }
}

function csvField(t: RDF.Term | undefined): string {
  if (!t) return '';
  const text = t.termType === 'BlankNode' ? `_:${t.value}` : t.value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const tsvString = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

function tsvTerm(t: RDF.Term | undefined): string {
  if (!t) return '';
  switch (t.termType) {
    case 'NamedNode':
      return `<${t.value}>`;
    case 'BlankNode':
      return `_:${t.value}`;
    case 'Literal':
      if (t.language) return `"${tsvString(t.value)}"@${t.language}`;
      if (t.datatype.value === XSD_STRING) return `"${tsvString(t.value)}"`;
      return `"${tsvString(t.value)}"^^<${t.datatype.value}>`;
    default:
      return `"${tsvString(t.value)}"`;
  }
}

/** SELECT results as text in `format`. `vars` in order, without '?'. */
export function writeSolutions(vars: readonly string[], rows: readonly Row[], format: ResultsFormat, links: readonly string[] = []): string {
  switch (format) {
    case 'json': {
      const head = { vars, ...(links.length > 0 ? { link: links } : {}) };
      const bindings = rows.map((row) => Object.fromEntries(vars.filter((v) => row.has(v)).map((v) => [v, jsonTerm(row.get(v)!)])));
      return `${JSON.stringify({ head, results: { bindings } })}\n`;
    }
    case 'xml': {
      const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', '  <head>'];
      for (const v of vars) out.push(`    <variable name="${xmlEscape(v)}"/>`);
      for (const l of links) out.push(`    <link href="${xmlEscape(l)}"/>`);
      out.push('  </head>', '  <results>');
      for (const row of rows) {
        out.push('    <result>');
        for (const v of vars) {
          const t = row.get(v);
          if (t) out.push(`      <binding name="${xmlEscape(v)}">${xmlTerm(t)}</binding>`);
        }
        out.push('    </result>');
      }
      out.push('  </results>', '</sparql>');
      return `${out.join('\n')}\n`;
    }
    case 'csv':
      return [vars.join(','), ...rows.map((row) => vars.map((v) => csvField(row.get(v))).join(','))].map((line) => `${line}\r\n`).join('');
    case 'tsv':
      return [vars.map((v) => `?${v}`).join('\t'), ...rows.map((row) => vars.map((v) => tsvTerm(row.get(v))).join('\t'))].map((line) => `${line}\n`).join('');
  }
}

/** ASK results (JSON and XML only: CSV and TSV define none). */
export function writeBoolean(value: boolean, format: 'json' | 'xml', links: readonly string[] = []): string {
  if (format === 'json') return `${JSON.stringify({ head: links.length > 0 ? { link: links } : {}, boolean: value })}\n`;
  const head = links.length > 0 ? `  <head>\n${links.map((l) => `    <link href="${xmlEscape(l)}"/>`).join('\n')}\n  </head>` : '  <head/>';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n${head}\n  <boolean>${value}</boolean>\n</sparql>\n`;
}

/** Rows from Comunica bindings (RDF/JS Bindings: iterable of [variable, term]). */
export function rowOf(bindings: Iterable<[RDF.Variable, RDF.Term]>): Row {
  return new Map([...bindings].map(([v, t]) => [v.value, t]));
}
