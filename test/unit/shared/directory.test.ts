import { Writer } from 'n3';
import { describe, expect, it } from 'vitest';
import { directoryToQuads, parseDirectory } from '../../../apps/shared/directory.ts';
import { demoDirectory, directoryUrlOf } from '../../../pod-server/world/directory.ts';
import { DEMO_GROUPS, groupIriOf } from '../../../pod-server/world/demo-world.ts';

const BASE = 'http://localhost:3000/';

const toTurtle = (quads: ReturnType<typeof directoryToQuads>) => new Writer().quadsToString(quads);

describe('organisation directory', () => {
  it('reads back what it writes: grantee, names in nb and en, organisation and kind', () => {
    const directory = demoDirectory(BASE);
    const parsed = parseDirectory(toTurtle(directoryToQuads(directory)), directoryUrlOf(BASE));
    expect(parsed.title).toEqual(directory.title);
    expect(new Set(parsed.entries.map((e) => JSON.stringify(e)))).toEqual(new Set(directory.entries.map((e) => JSON.stringify(e))));
  });

  it('lists every demo group, each with a hospital, GP office or municipality', () => {
    const { entries } = demoDirectory(BASE);
    expect(entries.map((e) => e.grantee)).toEqual(expect.arrayContaining(DEMO_GROUPS.map((g) => ({ group: groupIriOf(BASE, g) }))));
    expect(entries.map((e) => e.organisation.kind.code).sort()).toEqual(['gp-office', 'hospital', 'municipality']);
  });

  it('reads a single agent as an agent grantee and falls back to any label', () => {
    const doc = 'https://dir.example/orgs';
    const parsed = parseDirectory(
      `@prefix skos: <http://www.w3.org/2004/02/skos/core#>. @prefix org: <http://www.w3.org/ns/org#>.
       <#directory> <http://purl.org/dc/terms/hasPart> <https://dr.example/card#me>, <https://nobody.example/#x>.
       <https://dr.example/card#me> skos:prefLabel "Dr. Nilsen"; org:memberOf <https://clinic.example/#org>.
       <https://clinic.example/#org> skos:prefLabel "Klinikken"@nb.`,
      doc,
    );
    expect(parsed.entries).toEqual([{
      grantee: { agent: 'https://dr.example/card#me' },
      names: { nb: 'Dr. Nilsen', en: 'Dr. Nilsen' },
      organisation: { webId: 'https://clinic.example/#org', names: { nb: 'Klinikken', en: 'Klinikken' }, kind: { code: 'organisation', names: { nb: 'Organisasjon', en: 'Organisation' } } },
    }]);
  });
});
