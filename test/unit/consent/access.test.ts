/**
 * The consent page's access logic: reading ACLs back into who may read what,
 * and the plans that carry out a patient's decisions. Whatever is decided,
 * a plan never takes the patient's Control or the vendor's Append away.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, type KindId } from '../../../vocab/catalogue.ts';
import { aclQuads, EVERYONE } from '../../../apps/shared/acl.ts';
import { healthAclQuads, type Grantee, type HealthAccess } from '../../../apps/shared/health-acl.ts';
import { healthContainers, type HealthContainer } from '../../../apps/shared/health-layout.ts';
import {
  canRead, planDecisions, PlanError, readContainerAccess, unlistedReaders, type CurrentAccess, type Decision,
} from '../../../apps/consent/access.ts';

const POD = 'http://pods.example/kari/';
const OWNER = 'http://pods.example/kari/profile/card#me';
const VENDOR = 'http://pods.example/vendor/profile/card#me';
const GPS: Grantee = { group: 'http://pods.example/legekontor/groups/fastleger#group' };
const LUNG: Grantee = { group: 'http://pods.example/ous/groups/lungeteam#group' };
const NURSE: Grantee = { agent: 'http://pods.example/nilsen/profile/card#me' };
const NOW = new Date('2026-05-12T08:43:00Z');

const containers = healthContainers(POD);
const categoryContainer = (c: KindId) => containers.find((x) => x.kind === 'category' && x.category === c)!;
const notesContainer = containers.find((x) => x.kind === 'notes')!;
const aclOf = (c: HealthContainer) => `${c.url}.acl`;

/** The pod as provisioning leaves it: the ACLs healthAclQuads builds for `readers`. */
function currentFor(readers: HealthAccess['readers'], appenders: HealthAccess['appenders'] = { 'body-weight': [VENDOR], 'blood-glucose': [VENDOR] }): CurrentAccess {
  const access: HealthAccess = { owner: OWNER, appenders, readers };
  const read = (c: HealthContainer) =>
    readContainerAccess({ container: c, aclUrl: aclOf(c), etag: `"${c.url}"`, quads: healthAclQuads(c, access, aclOf(c)) }, OWNER);
  return {
    owner: OWNER,
    categories: new Map(CATEGORIES.map((c) => [c, read(categoryContainer(c))])),
    notes: read(notesContainer),
  };
}

describe('reading ACLs', () => {
  it('reads back the access model that healthAclQuads wrote', () => {
    const current = currentFor({ 'body-weight': [GPS], 'oxygen-saturation': [LUNG, NURSE] });
    const weight = current.categories.get('body-weight')!;
    expect(weight).toMatchObject({ ownerHasControl: true, appenders: [VENDOR], readers: [GPS], unknownRules: [] });
    expect(current.categories.get('heart-rate')!.appenders).toEqual([]);
    expect(current.categories.get('oxygen-saturation')!.readers).toEqual([LUNG, NURSE]);
    expect(current.categories.get('blood-glucose')!.readers).toEqual([]);
    expect(current.notes).toMatchObject({ ownerHasControl: true, appenders: [], unknownRules: [] });
    expect(current.notes.readers).toEqual(expect.arrayContaining([GPS, LUNG, NURSE]));
  });

  it.each([
    ['public read', { who: [EVERYONE], modes: ['Read'] }],
    ['Write for another agent', { who: [{ agent: VENDOR }], modes: ['Write'] }],
  ] as const)('marks a rule it does not manage (%s) and refuses to rewrite that document', (_, other) => {
    const c = categoryContainer('blood-glucose');
    const quads = [
      ...healthAclQuads(c, { owner: OWNER, appenders: { 'blood-glucose': [VENDOR] }, readers: {} }, aclOf(c)),
      ...aclQuads(aclOf(c), c.url, [{ name: 'other', ...other, inherited: true }]),
    ];
    const access = readContainerAccess({ container: c, aclUrl: aclOf(c), quads }, OWNER);
    expect(access.unknownRules).toHaveLength(1);
    const current = currentFor({});
    const categories = new Map(current.categories).set('blood-glucose', access);
    expect(() => planDecisions({ ...current, categories }, [{ grantee: GPS, category: 'blood-glucose', give: true }], NOW)).toThrow(PlanError);
  });
});

describe('planning decisions', () => {
  const kari = () => currentFor({ 'body-weight': [GPS] });

  it('grants one cell: the category ACL gets Read for the group, notes/ already had it', () => {
    const plan = planDecisions(kari(), [{ grantee: GPS, category: 'blood-glucose', give: true }], NOW);
    expect(plan.writes.map((w) => w.container.url)).toEqual([categoryContainer('blood-glucose').url]);
    const after = readContainerAccess({ ...plan.writes[0]!, quads: plan.writes[0]!.quads }, OWNER);
    expect(canRead(after, GPS)).toBe(true);
    expect(after.appenders).toEqual([VENDOR]);
    expect(after.ownerHasControl).toBe(true);
    expect(plan.writes[0]!.etag).toBe(`"${categoryContainer('blood-glucose').url}"`);
    expect(plan.records).toEqual([{
      dataSubject: OWNER, recipient: GPS.group, data: categoryContainer('blood-glucose').url, status: 'given', created: '2026-05-12T10:43:00+02:00',
    }]);
  });

  it('writes exactly what provisioning writes for the same access', () => {
    const plan = planDecisions(kari(), [{ grantee: GPS, category: 'blood-glucose', give: true }], NOW);
    const c = categoryContainer('blood-glucose');
    expect(plan.writes[0]!.quads).toEqual(healthAclQuads(c, { owner: OWNER, appenders: { 'blood-glucose': [VENDOR] }, readers: { 'blood-glucose': [GPS] } }, aclOf(c)));
  });

  it('leaves out decisions that change nothing', () => {
    expect(planDecisions(kari(), [{ grantee: GPS, category: 'body-weight', give: true }, { grantee: LUNG, category: 'heart-rate', give: false }], NOW))
      .toEqual({ writes: [], records: [] });
  });

  it('a new organisation gets notes/ with its first category and loses it with its last', () => {
    const granted = planDecisions(kari(), [{ grantee: LUNG, category: 'heart-rate', give: true }], NOW);
    expect(granted.writes.map((w) => w.container.kind)).toEqual(['category', 'notes']);
    expect(canRead(readContainerAccess(granted.writes[1]!, OWNER), LUNG)).toBe(true);

    const withLung = currentFor({ 'body-weight': [GPS], 'heart-rate': [LUNG] });
    const revoked = planDecisions(withLung, [{ grantee: LUNG, category: 'heart-rate', give: false }], NOW);
    const notes = readContainerAccess(revoked.writes.at(-1)!, OWNER);
    expect(notes.document.container.kind).toBe('notes');
    expect(canRead(notes, LUNG)).toBe(false);
    expect(canRead(notes, GPS)).toBe(true);
    expect(revoked.records.map((r) => r.status)).toEqual(['withdrawn']);
  });

  it('a whole row and a whole column are one plan with a record per changed cell', () => {
    const row = planDecisions(kari(), CATEGORIES.map((category) => ({ grantee: GPS, category, give: false })), NOW);
    expect(row.records).toHaveLength(1);
    expect(row.writes.map((w) => w.container.kind)).toEqual(['category', 'notes']);
    const column = planDecisions(kari(), [GPS, LUNG, NURSE].map((grantee) => ({ grantee, category: 'blood-glucose' as KindId, give: true })), NOW);
    expect(column.records.map((r) => r.recipient)).toEqual([GPS.group, LUNG.group, NURSE.agent]);
    expect(column.writes.map((w) => w.container.kind)).toEqual(['category', 'notes']);
  });

  it('refuses to make the patient a reader of their own data (their Control is not the page\'s to change)', () => {
    expect(() => planDecisions(kari(), [{ grantee: { agent: OWNER }, category: 'blood-glucose', give: false }], NOW)).toThrow(/own access/);
  });

  it.each([
    ['an unknown category', { grantee: GPS, category: 'evil', give: true }, /not a category/],
    ['a category with ../', { grantee: GPS, category: '../notes', give: true }, /not a category/],
    ['a group IRI with Turtle injection', { grantee: { group: `${GPS.group}"> ; <x> <y> "z` }, category: 'body-weight', give: true }, /not a web address/],
    ['an agent that is a urn', { grantee: { agent: 'urn:x:everyone' }, category: 'body-weight', give: true }, /not a web address/],
    ['a grantee with group and agent', { grantee: { ...GPS, ...NURSE }, category: 'body-weight', give: true }, /one team \(group\) or one person/],
    ['give that is not a boolean', { grantee: GPS, category: 'body-weight', give: 'yes' }, /give or take away/],
    ['null', null, /must say who/],
    ['a group on another server', { grantee: { group: 'http://evil.example/groups/all#group' }, category: 'body-weight', give: true }, /not on your pod server/],
  ])('refuses a decision the page could never make: %s, before anything is planned', (_, decision, message) => {
    const current = currentFor({});
    expect(() => planDecisions(current, [{ grantee: LUNG, category: 'heart-rate', give: true }, decision as Decision], NOW)).toThrow(PlanError);
    expect(() => planDecisions(current, [decision as Decision], NOW)).toThrow(message);
  });

  it('with the directory given, grants go only to its teams; anyone may still be taken away', () => {
    const current = currentFor({ 'body-weight': [NURSE] });
    expect(() => planDecisions(current, [{ grantee: LUNG, category: 'body-weight', give: true }], NOW, { grantable: [GPS] })).toThrow(/not in the directory/);
    expect(planDecisions(current, [{ grantee: GPS, category: 'body-weight', give: true }], NOW, { grantable: [GPS] }).writes.length).toBeGreaterThan(0);
    expect(planDecisions(current, [{ grantee: NURSE, category: 'body-weight', give: false }], NOW, { grantable: [GPS] }).records).toHaveLength(1);
  });

  it('lists readers the directory does not know about', () => {
    const current = currentFor({ 'body-weight': [GPS, NURSE], 'heart-rate': [NURSE] });
    expect(unlistedReaders(current, [GPS, LUNG])).toEqual([{ grantee: NURSE, categories: ['heart-rate', 'body-weight'] }]);
  });

  const grantee = fc.constantFrom<Grantee>(GPS, LUNG, NURSE);
  const category = fc.constantFrom(...CATEGORIES);
  const decisions = fc.array(fc.record({ grantee, category, give: fc.boolean() }), { maxLength: 25 });
  const startState = fc.dictionary(category, fc.uniqueArray(grantee, { selector: (g) => JSON.stringify(g) }), { maxKeys: 10 });
  const writers = fc.dictionary(category, fc.uniqueArray(fc.constantFrom(VENDOR, 'http://pods.example/vendor2/profile/card#me'), { minLength: 1 }), { maxKeys: 6 });

  it('for any start and any decisions: Control and Append are kept, and the result is exactly the decided state', () => {
    fc.assert(
      fc.property(startState, writers, decisions, (start, appenders, ds: Decision[]) => {
        const current = currentFor(start as HealthAccess['readers'], appenders as HealthAccess['appenders']);
        const plan = planDecisions(current, ds, NOW);
        const written = new Map(plan.writes.map((w) => [w.container.url, readContainerAccess(w, OWNER)]));
        for (const access of written.values()) {
          expect(access.ownerHasControl).toBe(true);
          expect(access.unknownRules).toEqual([]);
          const container = access.document.container;
          expect(new Set(access.appenders)).toEqual(new Set(container.kind === 'category' ? appenders[container.category] ?? [] : []));
        }
        // The final state of each cell is the last decision about it, or what it was.
        for (const c of CATEGORIES) {
          const after = written.get(categoryContainer(c).url) ?? current.categories.get(c)!;
          for (const g of [GPS, LUNG, NURSE]) {
            const last = ds.filter((d) => d.category === c && JSON.stringify(d.grantee) === JSON.stringify(g)).at(-1);
            expect(canRead(after, g)).toBe(last ? last.give : canRead(current.categories.get(c)!, g));
          }
        }
        // notes/ is readable by exactly those who read some category.
        const notes = written.get(notesContainer.url) ?? current.notes;
        for (const g of [GPS, LUNG, NURSE]) {
          const readsSome = CATEGORIES.some((c) => canRead(written.get(categoryContainer(c).url) ?? current.categories.get(c)!, g));
          expect(canRead(notes, g)).toBe(readsSome);
        }
      }),
      { numRuns: 300 },
    );
  });
});
