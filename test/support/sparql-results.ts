/**
 * Checks that a text is valid SPARQL 1.1 query results in its format, and
 * reads it back: JSON and XML with independent parsers (sparqljson-parse,
 * sparqlxml-parse) after a structural check of what the specs require; CSV
 * (RFC 4180, CRLF) and TSV (terms in Turtle syntax) by their grammars. Returns
 * rows as variable -> value text, for comparing with expected results.
 */
import { Readable } from 'node:stream';
import { Parser } from 'n3';
import { SparqlJsonParser } from 'sparqljson-parse';
import { SparqlXmlParser } from 'sparqlxml-parse';

export type Rows = Record<string, string>[];

function fail(message: string): never {
  throw new Error(`invalid SPARQL results: ${message}`);
}

function checkJson(text: string): { vars: string[]; rows: Rows; links: string[] } {
  const json = JSON.parse(text) as Record<string, unknown>;
  const keys = Object.keys(json).sort();
  if (JSON.stringify(keys) !== JSON.stringify(['head', 'results'])) fail(`top-level members must be head and results, got ${keys}`);
  const head = json.head as { vars?: unknown; link?: unknown };
  if (!Array.isArray(head.vars) || !head.vars.every((v) => typeof v === 'string')) fail('head.vars must be an array of strings');
  if (head.link !== undefined && (!Array.isArray(head.link) || !head.link.every((l) => typeof l === 'string'))) fail('head.link must be an array of strings');
  const bindings = (json.results as { bindings?: unknown }).bindings;
  if (!Array.isArray(bindings)) fail('results.bindings must be an array');
  for (const b of bindings as Record<string, Record<string, unknown>>[]) {
    for (const [name, term] of Object.entries(b)) {
      if (!(head.vars as string[]).includes(name)) fail(`binding of ${name}, which is not in head.vars`);
      if (!['uri', 'literal', 'bnode', 'triple'].includes(String(term.type))) fail(`type ${String(term.type)}`);
      if (typeof term.value !== 'string') fail('value must be a string');
      if (term.datatype !== undefined && term['xml:lang'] !== undefined) fail('a literal has a datatype or a language, not both');
    }
  }
  const parsed = new SparqlJsonParser().parseJsonResults(json);
  return { vars: head.vars as string[], rows: parsed.map((r) => Object.fromEntries(Object.entries(r).map(([k, t]) => [k.replace(/^\?/, ''), t.value]))), links: (head.link as string[] | undefined) ?? [] };
}

async function checkXml(text: string): Promise<{ vars: string[]; rows: Rows; links: string[] }> {
  if (!text.startsWith('<?xml')) fail('XML results start with an XML declaration');
  if (!/<sparql xmlns="http:\/\/www\.w3\.org\/2005\/sparql-results#">/.test(text)) fail('root element sparql in the results namespace');
  const head = /<head>([\s\S]*?)<\/head>/.exec(text)?.[1] ?? '';
  // In head, every <variable> comes before any <link>.
  const order = [...head.matchAll(/<(variable|link)\b/g)].map((m) => m[1]);
  if (order.lastIndexOf('variable') > order.indexOf('link') && order.includes('link')) fail('variables must come before links in head');
  const vars = [...head.matchAll(/<variable name="([^"]+)"\/>/g)].map((m) => m[1]!);
  const links = [...head.matchAll(/<link href="([^"]+)"\/>/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
  const rows: Rows = [];
  const stream = new SparqlXmlParser().parseXmlResultsStream(Readable.from([text]));
  await new Promise<void>((resolve, reject) => {
    stream.on('data', (r: Record<string, { value: string }>) => rows.push(Object.fromEntries(Object.entries(r).map(([k, t]) => [k.replace(/^\?/, ''), t.value]))));
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  return { vars, rows, links };
}

/** RFC 4180 records (fields may be quoted, with "" for a quote and line breaks inside). */
function csvRecords(text: string): string[][] {
  if (text.length > 0 && !text.endsWith('\r\n')) fail('CSV records end with CRLF');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) fail('unterminated quoted CSV field');
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (text[i] === '"') { i += 1; break; }
        field += text[i++];
      }
      if (text[i] !== ',' && text[i] !== '\r') fail(`unexpected ${JSON.stringify(text[i])} after a quoted CSV field`);
    } else if (text[i] === ',') {
      record.push(field); field = ''; i += 1;
    } else if (text[i] === '\r') {
      if (text[i + 1] !== '\n') fail('CR without LF in CSV');
      record.push(field); records.push(record); record = []; field = ''; i += 2;
    } else if (text[i] === '\n') {
      fail('bare LF in CSV (records end with CRLF)');
    } else {
      field += text[i++];
    }
  }
  return records;
}

function checkCsv(text: string): { vars: string[]; rows: Rows } {
  const [header, ...records] = csvRecords(text);
  if (!header) fail('CSV needs a header line');
  for (const r of records) if (r.length !== header.length) fail(`a CSV record has ${r.length} fields, the header ${header.length}`);
  return { vars: header, rows: records.map((r) => Object.fromEntries(header.map((v, i) => [v, r[i]!]).filter(([, value]) => value !== ''))) };
}

function checkTsv(text: string): { vars: string[]; rows: Rows } {
  if (!text.endsWith('\n')) fail('TSV lines end with a line break');
  const [header, ...lines] = text.slice(0, -1).split('\n');
  const vars = header!.split('\t');
  if (!vars.every((v) => /^\?\w+$/.test(v))) fail(`TSV header fields are ?variables, got ${header}`);
  const rows = lines.map((line) => {
    const fields = line.split('\t');
    if (fields.length !== vars.length) fail(`a TSV line has ${fields.length} fields, the header ${vars.length}`);
    const row: Record<string, string> = {};
    fields.forEach((f, i) => {
      if (f === '') return;
      if (/^_:[A-Za-z0-9_-]+$/.test(f)) {
        row[vars[i]!.slice(1)] = f.slice(2);
        return;
      }
      const [quad] = new Parser({ format: 'N-Triples' }).parse(`<urn:s> <urn:p> ${f} .`);
      if (!quad) fail(`TSV term ${f} does not parse`);
      row[vars[i]!.slice(1)] = quad.object.value;
    });
    return row;
  });
  return { vars: vars.map((v) => v.slice(1)), rows };
}

export async function checkSparqlResults(format: 'json' | 'xml' | 'csv' | 'tsv', text: string): Promise<{ vars: string[]; rows: Rows; links: string[] }> {
  switch (format) {
    case 'json':
      return checkJson(text);
    case 'xml':
      return checkXml(text);
    case 'csv':
      return { ...checkCsv(text), links: [] };
    case 'tsv':
      return { ...checkTsv(text), links: [] };
  }
}
