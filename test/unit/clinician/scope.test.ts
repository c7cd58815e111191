/**
 * Query scope extraction: which kinds, which window, whether notes, read
 * from the algebra Comunica evaluates; and the operations that are refused.
 * Table-driven: each row is a query and what the planner must conclude.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClinicianQueryEngine } from '../../../apps/clinician/engine/engine.ts';
import { parseDuration } from '../../../apps/clinician/engine/restrictions.ts';
import { ProblemError } from '../../../apps/shared/problem.ts';

const engine = new ClinicianQueryEngine({ podServers: ['http://pods.example/'] });
const NOW = new Date('2026-03-10T12:00:00Z');
const P = `PREFIX sosa: <http://www.w3.org/ns/sosa/> PREFIX sct: <http://snomed.info/id/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX qudt: <http://qudt.org/schema/qudt/> PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX hv: <https://w3id.org/helsevev#>\n`;
const needs = async (q: string) => (await engine.parse(P + q, NOW)).needs;
const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3600_000);

describe('kinds', () => {
  it.each([
    ['a constant SNOMED CT concept', 'SELECT * { ?o sosa:observedProperty sct:431314004 }', ['oxygen-saturation']],
    ['two patterns with constants', 'SELECT * { { ?o sosa:observedProperty sct:431314004 } UNION { ?o sosa:observedProperty sct:27113001 } }', ['oxygen-saturation', 'body-weight']],
    ['a panel component counts as its panel', 'SELECT * { ?o sosa:observedProperty sct:271649006 }', ['blood-pressure']],
    ['the heart rate alias 78564009 is not stored, but names heart rate', 'SELECT * { ?o sosa:observedProperty sct:364075005 }', ['heart-rate']],
    ['VALUES restricting the variable', 'SELECT * { VALUES ?p { sct:431314004 sct:364075005 } ?o sosa:observedProperty ?p }', ['oxygen-saturation', 'heart-rate']],
    ['FILTER IN', 'SELECT * { ?o sosa:observedProperty ?p FILTER(?p IN (sct:27113001)) }', ['body-weight']],
    ['FILTER =', 'SELECT * { ?o sosa:observedProperty ?p FILTER(?p = sct:434912009) }', ['blood-glucose']],
    ['VALUES after the WHERE clause', 'SELECT * { ?o sosa:observedProperty ?p } VALUES ?p { sct:27113001 }', ['body-weight']],
  ])('%s', async (_name, query, kinds) => {
    expect((await needs(query)).kinds).toEqual(kinds);
  });

  it.each([
    ['an unrestricted variable', 'SELECT * { ?o sosa:observedProperty ?p }'],
    ['no observedProperty at all', 'SELECT * { ?o sosa:resultTime ?t }'],
    ['a variable predicate', 'SELECT * { ?o sosa:observedProperty sct:431314004 . ?x ?p ?y }'],
    ['FILTER != does not restrict', 'SELECT * { ?o sosa:observedProperty ?p FILTER(?p != sct:431314004) }'],
    ['FILTER || does not restrict', 'SELECT * { ?o sosa:observedProperty ?p FILTER(?p = sct:431314004 || ?p = sct:1) }'],
  ])('%s means every kind', async (_name, query) => {
    expect((await needs(query)).kinds).toBeUndefined();
  });

  it('an unknown SNOMED CT concept matches no stored kind', async () => {
    expect((await needs('SELECT * { ?o sosa:observedProperty sct:1 }')).kinds).toEqual([]);
  });
});

describe('time window', () => {
  it.each([
    ['NOW() minus a duration', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t >= NOW() - "PT48H"^^xsd:dayTimeDuration) }', hoursBefore(48), undefined],
    ['constants on both sides', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t >= "2026-02-01T00:00:00+01:00"^^xsd:dateTime && ?t < "2026-03-01T00:00:00+01:00"^^xsd:dateTime) }',
      new Date('2026-01-31T23:00:00Z'), new Date('2026-02-28T23:00:00Z')],
    ['the constant on the left', 'SELECT * { ?o sosa:resultTime ?t FILTER("2026-03-01T00:00:00Z"^^xsd:dateTime <= ?t) }', new Date('2026-03-01T00:00:00Z'), undefined],
    ['an xsd:dateTime() cast', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t > xsd:dateTime("2026-03-09T00:00:00Z")) }', new Date('2026-03-09T00:00:00Z'), undefined],
    ['two filters, the narrower wins', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t >= NOW() - "P7D"^^xsd:dayTimeDuration) FILTER(?t >= NOW() - "P1D"^^xsd:dayTimeDuration) }', hoursBefore(24), undefined],
    ['a filter above an OPTIONAL', 'SELECT * { ?o sosa:resultTime ?t OPTIONAL { ?o sosa:hasResult ?r } FILTER(?t > NOW() - "P2D"^^xsd:dayTimeDuration) }', hoursBefore(48), undefined],
    ['UNION branches: the hull', 'SELECT * { { ?o sosa:resultTime ?t FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration) } UNION { ?o sosa:resultTime ?t FILTER(?t > NOW() - "P3D"^^xsd:dayTimeDuration) } }', hoursBefore(72), undefined],
    ['a projected subquery', 'SELECT ?t { { SELECT ?o ?t { ?o sosa:resultTime ?t } } FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration) }', hoursBefore(24), undefined],
  ])('%s', async (_name, query, from, to) => {
    const time = (await needs(query)).time;
    expect(time?.from?.toISOString()).toBe(from.toISOString());
    expect(time?.to?.toISOString()).toBe(to?.toISOString());
  });

  it.each([
    ['no filter', 'SELECT * { ?o sosa:resultTime ?t }'],
    ['only an upper bound', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t < NOW()) }'],
    ['an OR', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration || ?t < "2020-01-01T00:00:00Z"^^xsd:dateTime) }'],
    ['a negation', 'SELECT * { ?o sosa:resultTime ?t FILTER(!(?t < NOW() - "P1D"^^xsd:dayTimeDuration)) }'],
    ['one of two patterns unbounded', 'SELECT * { { ?o sosa:resultTime ?t FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration) } UNION { ?o sosa:resultTime ?t } }'],
    ['the bound is on an aggregate, not the data', 'SELECT ?p (MAX(?t) AS ?last) { ?o sosa:observedProperty ?p; sosa:resultTime ?t } GROUP BY ?p HAVING (MAX(?t) > NOW() - "P1D"^^xsd:dayTimeDuration)'],
    ['the right side of MINUS', 'SELECT * { { ?o sosa:resultTime ?t FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration) } MINUS { ?o sosa:resultTime ?u } }'],
    ['inside NOT EXISTS', 'SELECT * { ?o sosa:resultTime ?t FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration) FILTER NOT EXISTS { ?x sosa:resultTime ?u FILTER(?u > ?t) } }'],
    ['a variable not projected by the subquery', 'SELECT ?o { { SELECT ?o { ?o sosa:resultTime ?t } } FILTER(?t > NOW() - "P1D"^^xsd:dayTimeDuration) }'],
  ])('%s leaves the window to the declared or default scope', async (_name, query) => {
    expect((await needs(query)).time?.from).toBeUndefined();
  });
});

describe('the example queries in apps/clinician/queries/', () => {
  const dir = new URL('../../../apps/clinician/queries/', import.meta.url);
  it.each([
    ['spo2-below-90-last-48h.rq', ['oxygen-saturation'], 48, false],
    ['latest-per-patient.rq', undefined, 14 * 24, false],
    ['weekly-means.rq', ['oxygen-saturation', 'heart-rate'], 56 * 24, false],
    ['marked-unreliable.rq', undefined, 90 * 24, true],
  ] as const)('%s: kinds %j, the last %i hours, notes %s', async (file, kinds, hours, notes) => {
    const parsed = await engine.parse(readFileSync(new URL(file, dir), 'utf8'), NOW);
    expect(parsed.form).toBe('select');
    expect(parsed.needs.kinds).toEqual(kinds);
    expect(parsed.needs.time?.from).toEqual(hoursBefore(hours));
    expect(parsed.needs.notes).toBe(notes);
  });
});

describe('notes and query forms', () => {
  it('fetches notes when the query uses the Web Annotation vocabulary or hv:UnreliableMark', async () => {
    expect((await needs('SELECT * { ?n oa:hasTarget ?o }')).notes).toBe(true);
    expect((await needs('SELECT * { ?n a hv:UnreliableMark }')).notes).toBe(true);
    expect((await needs('SELECT * { ?o sosa:resultTime ?t }')).notes).toBe(false);
  });

  it.each([
    ['SELECT * { ?s ?p ?o }', 'select'], ['ASK { ?s ?p ?o }', 'ask'],
    ['CONSTRUCT WHERE { ?s ?p ?o }', 'construct'], ['DESCRIBE ?s WHERE { ?s ?p ?o }', 'describe'],
  ])('%s is a %s query', async (query, form) => {
    expect((await engine.parse(query, NOW)).form).toBe(form);
  });
});

describe('refused input, as problem details', () => {
  const problemOf = async (query: string) => {
    try {
      await engine.parse(query, NOW);
    } catch (error) {
      if (error instanceof ProblemError) return error.problem;
      throw error;
    }
    throw new Error('parsed');
  };

  it.each([
    ['malformed SPARQL', 'SELECT * WHERE { ?s ?p }', 400, 'malformed-query'],
    ['an empty query', '  ', 400, 'missing-query'],
    ['INSERT DATA', 'INSERT DATA { <http://a/b> <http://a/c> 1 }', 403, 'update-refused'],
    ['DELETE WHERE', 'DELETE WHERE { ?s ?p ?o }', 403, 'update-refused'],
    ['LOAD', 'LOAD <http://evil.example/data.ttl>', 403, 'update-refused'],
    ['SERVICE', 'SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }', 400, 'operation-refused'],
    ['SERVICE in a subquery', 'SELECT * { { SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } } } }', 400, 'operation-refused'],
    ['FROM', 'SELECT * FROM <http://evil.example/x> { ?s ?p ?o }', 400, 'operation-refused'],
    ['FROM NAMED', 'SELECT * FROM NAMED <http://evil.example/x> { GRAPH ?g { ?s ?p ?o } }', 400, 'operation-refused'],
  ])('%s', async (_name, query, status, kind) => {
    const p = await problemOf(query);
    expect(p.status).toBe(status);
    expect(p.type).toBe(`https://w3id.org/helsevev/problems#${kind}`);
    expect(p.detail).toBeTruthy();
  });

  it('says where a syntax error is, without the parser\'s token list', async () => {
    const p = await problemOf('SELECT * WHERE { ?s ?p }');
    expect(p.detail).toMatch(/line 1/);
    expect(p.detail).not.toMatch(/Expecting/);
  });
});

describe('durations', () => {
  it.each([
    ['PT48H', { months: 0, ms: 48 * 3600_000 }], ['P2D', { months: 0, ms: 2 * 86_400_000 }],
    ['P1M', { months: 1, ms: 0 }], ['P1Y2M', { months: 14, ms: 0 }], ['-P1D', { months: 0, ms: -86_400_000 }],
    ['PT1.5S', { months: 0, ms: 1500 }], ['P', undefined], ['PT', undefined], ['2D', undefined],
  ])('%s', (text, expected) => {
    expect(parseDuration(text)).toEqual(expected);
  });
});
