/**
 * Who a reader in the access log verifiably is: only what the directory and
 * the organisations' group documents say counts; a reader's own claims, and
 * claims a group document makes about other groups, do not.
 */
import { describe, expect, it } from 'vitest';
import { identifyReader, organisationsOf, parseGroupMembers, type GroupMember } from '../../../apps/consent/readers.ts';
import { demoDirectory } from '../../../pod-server/world/directory.ts';
import { DEMO_GROUPS, groupIriOf, webIdOf } from '../../../pod-server/world/demo-world.ts';

const BASE = 'http://localhost:3000/';
const LUNGS = groupIriOf(BASE, DEMO_GROUPS.find((g) => g.name === 'lungeteam')!);
const HANS = webIdOf(BASE, 'hans');
const LUNDE = webIdOf(BASE, 'lunde');
const STRANGER = webIdOf(BASE, 'stranger');
const directory = demoDirectory(BASE);

const groupDocument = `
@prefix vcard: <http://www.w3.org/2006/vcard/ns#>.
<#group> a vcard:Group; vcard:hasMember <${LUNDE}>.
<${LUNDE}> vcard:fn "Ingrid Lunde".
<#other> a vcard:Group; vcard:hasMember <${STRANGER}>.
<${STRANGER}> vcard:fn "Per Hagen".
`;

describe('group documents', () => {
  it('give the members of the named group with the names the organisation publishes, nothing about other groups', () => {
    expect(parseGroupMembers(groupDocument, LUNGS)).toEqual([{ webId: LUNDE, name: 'Ingrid Lunde' }]);
  });

  it('give a member without a name as just the WebID', () => {
    expect(parseGroupMembers(`<#group> <http://www.w3.org/2006/vcard/ns#hasMember> <${LUNDE}>.`, LUNGS)).toEqual([{ webId: LUNDE }]);
  });
});

describe('identifyReader', () => {
  const members = new Map<string, readonly GroupMember[]>([[LUNGS, [{ webId: LUNDE, name: 'Ingrid Lunde' }]]]);

  it('names a team member by the group document and vouches with the team\'s organisation', () => {
    const identity = identifyReader(LUNDE, HANS, directory, members);
    expect(identity).toMatchObject({ kind: 'verified', webId: LUNDE, name: 'Ingrid Lunde' });
    if (identity.kind !== 'verified') throw new Error('not verified');
    expect(identity.teams.map((t) => t.names.en)).toEqual(['OUS lung team']);
    expect(organisationsOf(identity)).toEqual([{ nb: 'Oslo universitetssykehus', en: 'Oslo University Hospital' }]);
  });

  it('leaves anyone else unverified, whatever they call themselves', () => {
    expect(identifyReader(STRANGER, HANS, directory, members)).toEqual({ kind: 'unverified', webId: STRANGER });
  });

  it('vouches for nobody when a group document could not be read', () => {
    expect(identifyReader(LUNDE, HANS, directory, new Map())).toEqual({ kind: 'unverified', webId: LUNDE });
  });

  it('tells the patient and anonymous attempts apart', () => {
    expect(identifyReader(HANS, HANS, directory, members)).toEqual({ kind: 'you' });
    expect(identifyReader(undefined, HANS, directory, members)).toEqual({ kind: 'anonymous' });
  });

  it('verifies a single agent the directory itself lists, with the directory\'s name for it', () => {
    const agentDirectory = { ...directory, entries: [{ ...directory.entries[0]!, grantee: { agent: LUNDE } }] };
    const identity = identifyReader(LUNDE, HANS, agentDirectory, new Map());
    expect(identity).toMatchObject({ kind: 'verified', webId: LUNDE });
  });
});
