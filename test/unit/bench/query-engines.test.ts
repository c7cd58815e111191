/**
 * The engine comparison (bench/query-engines.ts) is only worth its numbers
 * if the engines answer the same question: Comunica, the hand-planned n3
 * Store and Oxigraph must give the same rows on a small panel, and the row
 * check must catch an engine that does not.
 */
import { describe, expect, it } from 'vitest';
import { assertSameRows, engineDataset, engineQueries, termKey } from '../../../bench/query-engines-data.ts';
import { ENGINE_NAMES, engineUnderTest } from '../../../bench/query-engines-engines.ts';

const END = new Date('2026-11-30T12:00:00Z');

describe('query engines under comparison', () => {
  it('give the same rows for every query on a small panel', async () => {
    const data = engineDataset('tiny', 3, 20, END);
    const rows: Record<string, Record<string, string[]>> = {};
    for (const name of ENGINE_NAMES) {
      const engine = engineUnderTest(name);
      await engine.load(data.quads);
      for (const query of engineQueries(data)) (rows[query.name] ??= {})[name] = await engine.rows(query);
    }
    const counts = Object.fromEntries(Object.entries(rows).map(([query, byEngine]) => [query, assertSameRows(query, byEngine)]));
    // Not vacuous: a week of one patient's SpO2 twice a day, all 4 kinds (5 properties) for 20 days, and some low SpO2 in 48 h.
    expect(counts['q1-patient-spo2-week']).toBe(14);
    expect(counts['q2-patient-90d-4-kinds']).toBeGreaterThan(100);
    expect(counts['q3-panel-spo2-48h']).toBeGreaterThan(0);
  }, 30_000);

  it('fails loudly when one engine misses or adds a row', () => {
    expect(() => assertSameRows('q', { comunica: ['a', 'b'], oxigraph: ['a'] })).toThrow(/oxigraph gave 1 rows, comunica 2; missing from oxigraph: b/);
    expect(() => assertSameRows('q', { comunica: ['a', 'b'], n3: ['a', 'c'] })).toThrow(/missing from n3: b; extra: c/);
    expect(assertSameRows('q', { comunica: ['b', 'a'], n3: ['a', 'b'] })).toBe(2);
  });

  it('compares numbers by value and everything else by its spelling', () => {
    const decimal = (value: string) => ({ termType: 'Literal', value, datatype: { value: 'http://www.w3.org/2001/XMLSchema#decimal' } });
    expect(termKey(decimal('80.0'))).toBe(termKey(decimal('80')));
    expect(termKey(decimal('80.5'))).not.toBe(termKey(decimal('80')));
    const time = (value: string) => ({ termType: 'Literal', value, datatype: { value: 'http://www.w3.org/2001/XMLSchema#dateTime' } });
    expect(termKey(time('2026-11-30T10:00:00+01:00'))).not.toBe(termKey(time('2026-11-30T09:00:00Z')));
  });
});
