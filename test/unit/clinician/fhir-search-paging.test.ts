/**
 * FHIR searchset paging and identifier search, as pure logic: page tokens
 * open only for the same caller, search and process within their hour;
 * keyset pages cover every match exactly once in both directions; _count,
 * patient.identifier and unknown parameters are read as documented; an
 * identifier resolves only through the caller's readable team lists.
 */
import { describe, expect, it } from 'vitest';
import { Parser } from 'n3';
import { FhirSearchError, observationBundle, parseObservationSearch } from '../../../apps/clinician/http/fhir.ts';
import { compareKeys, PAGE_EXPIRED, pageOf, PageTokens, type PageCursor, type PageKey } from '../../../apps/clinician/http/fhir-page.ts';
import { searchTarget } from '../../../apps/clinician/http/fhir-patients.ts';
import { parseTeamList, type TeamSummary } from '../../../apps/clinician/engine/team.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../../apps/shared/fhir/identifiers.ts';
import { teamListTurtle } from '../../../pod-server/world/teams.ts';

const cursor: PageCursor = { direction: 'after', key: { time: 1_700_000_000_000, id: 'hv-abc' }, from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-31T00:00:00Z') };
const refusedAsExpired = (f: () => unknown) => {
  try {
    f();
    throw new Error('opened');
  } catch (error) {
    expect(error).toBeInstanceOf(FhirSearchError);
    expect((error as FhirSearchError).status).toBe(410);
    expect((error as Error).message).toBe(PAGE_EXPIRED);
  }
};

describe('page tokens', () => {
  it('open for the same caller and search, with the cursor and the pinned window', () => {
    const tokens = new PageTokens();
    const token = tokens.seal('nilsen\nsubject=hans', cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(tokens.open('nilsen\nsubject=hans', token)).toEqual(cursor);
  });

  it.each([
    ['another caller', (t: PageTokens, token: string) => t.open('lunde\nsubject=hans', token)],
    ['another search', (t: PageTokens, token: string) => t.open('nilsen\nsubject=kari', token)],
    ['another process (a restart)', (_t: PageTokens, token: string) => new PageTokens().open('nilsen\nsubject=hans', token)],
    ['an altered token', (t: PageTokens, token: string) => t.open('nilsen\nsubject=hans', `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`)],
    ['a cut token', (t: PageTokens, token: string) => t.open('nilsen\nsubject=hans', token.slice(0, 30))],
    ['not a token', (t: PageTokens) => t.open('nilsen\nsubject=hans', '../../etc/passwd')],
  ])('%s: the one "expired" answer', (_name, open) => {
    const tokens = new PageTokens();
    const token = tokens.seal('nilsen\nsubject=hans', cursor);
    refusedAsExpired(() => open(tokens, token));
  });

  it('expire after an hour', () => {
    let now = 1_000_000;
    const tokens = new PageTokens(60 * 60_000, () => now);
    const token = tokens.seal('b', cursor);
    now += 60 * 60_000 - 1;
    expect(tokens.open('b', token).key).toEqual(cursor.key);
    now += 1;
    refusedAsExpired(() => tokens.open('b', token));
  });
});

describe('keyset pages', () => {
  const items: PageKey[] = Array.from({ length: 23 }, (_, i) => ({ time: Math.floor(i / 3) * 1000, id: `hv-${String.fromCharCode(97 + (i % 3))}` })).sort(compareKeys);
  const id = (k: PageKey) => k;

  it('next links cover every item once, in order; previous links walk back the same pages', () => {
    const pages = [pageOf(items, id, 5)];
    while (pages.at(-1)!.hasNext) pages.push(pageOf(items, id, 5, { direction: 'after', key: pages.at(-1)!.items.at(-1)! }));
    expect(pages.flatMap((p) => p.items)).toEqual(items);
    expect(pages.map((p) => p.hasPrevious)).toEqual([false, true, true, true, true]);
    for (let i = pages.length - 1; i > 0; i--) {
      const back = pageOf(items, id, 5, { direction: 'before', key: pages[i]!.items[0]! });
      expect(back.items).toEqual(pages[i - 1]!.items);
    }
  });

  it('an item added before the cursor while paging neither repeats nor skips the others', () => {
    const first = pageOf(items, id, 5);
    const grown = [...items, { time: 500, id: 'hv-new' }].sort(compareKeys);
    const second = pageOf(grown, id, 5, { direction: 'after', key: first.items.at(-1)! });
    expect(second.items).toEqual(items.slice(5, 10));
  });

  it('_count=0: no items and no links', () => {
    expect(pageOf(items, id, 0)).toEqual({ items: [], hasPrevious: false, hasNext: false });
  });
});

describe('search parameters', () => {
  it('reads _count (default 100) and refuses one outside 0..1000', () => {
    expect(parseObservationSearch({ subject: 'x' }).count).toBe(100);
    expect(parseObservationSearch({ subject: 'x', _count: '0' }).count).toBe(0);
    expect(parseObservationSearch({ subject: 'x', _count: '1000' }).count).toBe(1000);
    for (const bad of ['1001', '-1', '2.5', 'ten', '']) expect(() => parseObservationSearch({ subject: 'x', _count: bad })).toThrow(/_count: give a whole number from 0 to 1000/);
  });

  it.each(['patient.identifier', 'subject.identifier', 'subject:Patient.identifier', 'patient:identifier', 'subject:identifier'])('reads %s as system|value', (name) => {
    const s = parseObservationSearch(new URLSearchParams([[name, `${NO_NATIONAL_ID_SYSTEM}|12854810098`]]));
    expect(s.identifier).toEqual({ system: NO_NATIONAL_ID_SYSTEM, value: '12854810098' });
    expect(s.used).toEqual([['patient.identifier', `${NO_NATIONAL_ID_SYSTEM}|12854810098`]]);
  });

  it('ignores unknown parameters (named in `ignored`, not in `used`), or refuses them when strict', () => {
    const params = new URLSearchParams('subject=x&_sort=-date&foo=1&foo=2');
    const lenient = parseObservationSearch(params);
    expect(lenient.ignored).toEqual(['_sort', 'foo']);
    expect(lenient.used).toEqual([['subject', 'x']]);
    expect(() => parseObservationSearch(params, { strict: true })).toThrow(/"_sort", "foo": not a search parameter this server supports/);
  });

  it('the Bundle names ignored parameters in an OperationOutcome entry and carries next and previous links', () => {
    const bundle = observationBundle([], [], { complete: true, patients: { total: 0, read: 0, partly: 0, unreadable: 0 }, unreadable: [] },
      { self: 'http://api/fhir/Observation?subject=x', next: 'http://n', previous: 'http://p' }, { total: 42, ignored: ['foo'] }) as {
      total: number; link: { relation: string }[]; entry: { search: { mode: string }; resource: { issue: { diagnostics: string }[] } }[];
    };
    expect(bundle.total).toBe(42);
    expect(bundle.link.map((l) => l.relation)).toEqual(['self', 'next', 'previous']);
    expect(bundle.entry[0]!.search.mode).toBe('outcome');
    expect(bundle.entry[0]!.resource.issue[0]!.diagnostics).toMatch(/"foo" is not supported and was ignored/);
  });
});

describe('identifier search through the caller\'s own team lists', () => {
  const hans = 'http://pods.example/hans/profile/card#me';
  const kari = 'http://pods.example/kari/profile/card#me';
  const team = (name: string, member: boolean, patients: string[], ids: [string, string][]): TeamSummary => ({
    name, organisation: 'http://pods.example/oslo/profile/card#me', url: `http://pods.example/oslo/teams/${name}`, member,
    ...(member ? { patients, identifiers: ids.map(([patient, value]) => ({ patient, system: NO_NATIONAL_ID_SYSTEM, value })) } : {}),
  });
  const teams = [team('lungeteam', false, [], []), team('oppfolgingsteam-a', true, [hans], [[hans, '12854810098']])];
  const search = (q: string) => parseObservationSearch(new URLSearchParams(q));

  it('finds the patient and their team', () => {
    expect(searchTarget(search(`patient.identifier=${NO_NATIONAL_ID_SYSTEM}|12854810098`), teams)).toEqual({ team: 'oppfolgingsteam-a', patient: hans });
    expect(searchTarget(search('patient.identifier=12854810098'), teams)).toEqual({ team: 'oppfolgingsteam-a', patient: hans });
  });

  it.each([
    ['another system', 'urn:oid:2.16.578.1.12.4.1.4.2|12854810098'],
    ['no system', '|12854810098'],
    ['someone not on the lists', `${NO_NATIONAL_ID_SYSTEM}|03916210085`],
  ])('%s: nothing (an empty searchset, not an error)', (_name, value) => {
    expect(searchTarget(search(`patient.identifier=${encodeURIComponent(value)}`), teams)).toBe('none');
  });

  it('a subject that is not the identifier\'s patient: nothing', () => {
    expect(searchTarget(search(`subject=${encodeURIComponent(kari)}&patient.identifier=12854810098`), teams)).toBe('none');
  });

  it('reads a list\'s entries, and only for patients the list itself names', async () => {
    const url = 'http://pods.example/oslo/teams/oppfolgingsteam-a';
    const turtle = await teamListTurtle({
      name: 'oppfolgingsteam-a', owner: 'oslo', displayName: 'A', group: 'http://pods.example/oslo/groups#a', organisationGroups: [], patients: [hans],
      identifiers: [{ patient: hans, system: NO_NATIONAL_ID_SYSTEM, value: '12854810098' }, { patient: kari, system: NO_NATIONAL_ID_SYSTEM, value: '03916210085' }],
    });
    const list = parseTeamList(new Parser({ baseIRI: url }).parse(turtle), url);
    expect(list.patients).toEqual([hans]);
    expect(list.identifiers).toEqual([{ patient: hans, system: NO_NATIONAL_ID_SYSTEM, value: '12854810098' }]);
  });
});
