/**
 * The one ACL builder (apps/shared/acl.ts): the exact quads it makes, written
 * out here as N-Triples so that any change to a document's meaning shows.
 */
import { Parser, Writer, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { aclQuads, aclTurtle, EVERYONE, publicReadRules } from '../../../apps/shared/acl.ts';
import { healthAclQuads } from '../../../apps/shared/health-acl.ts';
import { healthContainers } from '../../../apps/shared/health-layout.ts';

const POD = 'http://pods.example/kari/';
const OWNER = 'http://pods.example/kari/profile/card#me';
const GPS = 'http://pods.example/legekontor/groups/fastleger#group';
const A = 'http://www.w3.org/ns/auth/acl#';
const TYPE = '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>';

const nTriples = (quads: readonly Quad[]) => new Writer({ format: 'N-Triples' }).quadsToString([...quads]).trim().split('\n').sort();
const sorted = (lines: string[]) => [...lines].sort();

describe('aclQuads', () => {
  it('grants a group Read on a container and its contents (acl:default)', () => {
    const container = `${POD}health/measurements/blood-glucose/`;
    const acl = `${container}.acl`;
    const quads = aclQuads(acl, container, [{ name: 'readers', who: [{ group: GPS }], modes: ['Read'], inherited: true }]);
    expect(nTriples(quads)).toEqual(sorted([
      `<${acl}#readers> ${TYPE} <${A}Authorization> .`,
      `<${acl}#readers> <${A}agentGroup> <${GPS}> .`,
      `<${acl}#readers> <${A}accessTo> <${container}> .`,
      `<${acl}#readers> <${A}default> <${container}> .`,
      `<${acl}#readers> <${A}mode> <${A}Read> .`,
    ]));
  });

  it('gives owner-only access as one rule: the patient RWC, nobody else (health/consent/)', () => {
    const consent = healthContainers(POD).find((c) => c.kind === 'consent')!;
    const acl = `${consent.url}.acl`;
    const quads = healthAclQuads(consent, { owner: OWNER, appenders: { 'body-weight': ['http://pods.example/vendor/profile/card#me'] }, readers: { 'body-weight': [{ group: GPS }] } }, acl);
    expect(nTriples(quads)).toEqual(sorted([
      `<${acl}#owner> ${TYPE} <${A}Authorization> .`,
      `<${acl}#owner> <${A}agent> <${OWNER}> .`,
      `<${acl}#owner> <${A}accessTo> <${consent.url}> .`,
      `<${acl}#owner> <${A}default> <${consent.url}> .`,
      `<${acl}#owner> <${A}mode> <${A}Read> .`,
      `<${acl}#owner> <${A}mode> <${A}Write> .`,
      `<${acl}#owner> <${A}mode> <${A}Control> .`,
    ]));
  });

  it('gives anyone Read on a public document (acl:agentClass foaf:Agent), its owner RWC, without acl:default', () => {
    const group = 'http://pods.example/legekontor/groups/fastleger';
    const acl = `${group}.acl`;
    const quads = aclQuads(acl, group, publicReadRules(OWNER));
    expect(nTriples(quads)).toEqual(sorted([
      `<${acl}#public> ${TYPE} <${A}Authorization> .`,
      `<${acl}#public> <${A}agentClass> <http://xmlns.com/foaf/0.1/Agent> .`,
      `<${acl}#public> <${A}accessTo> <${group}> .`,
      `<${acl}#public> <${A}mode> <${A}Read> .`,
      `<${acl}#owner> ${TYPE} <${A}Authorization> .`,
      `<${acl}#owner> <${A}agent> <${OWNER}> .`,
      `<${acl}#owner> <${A}accessTo> <${group}> .`,
      `<${acl}#owner> <${A}mode> <${A}Read> .`,
      `<${acl}#owner> <${A}mode> <${A}Write> .`,
      `<${acl}#owner> <${A}mode> <${A}Control> .`,
    ]));
  });

  it('leaves out a rule that names nobody (it would grant nothing)', () => {
    const quads = aclQuads(`${POD}x/.acl`, `${POD}x/`, [
      { name: 'owner', who: [{ agent: OWNER }], modes: ['Control'], inherited: true },
      { name: 'readers', who: [], modes: ['Read'], inherited: true },
    ]);
    expect(quads.every((q) => q.subject.value === `${POD}x/.acl#owner`)).toBe(true);
    expect(quads).toHaveLength(5);
  });
});

describe('aclTurtle', () => {
  it('writes Turtle that parses back to the same quads', async () => {
    const acl = `${POD}health/.acl`;
    const quads = aclQuads(acl, `${POD}health/`, [
      { name: 'owner', who: [{ agent: OWNER }], modes: ['Read', 'Write', 'Control'], inherited: true },
      { name: 'public', who: [EVERYONE, { group: GPS }], modes: ['Read'], inherited: false },
    ]);
    const turtle = await aclTurtle(quads);
    expect(nTriples(new Parser({ baseIRI: acl }).parse(turtle))).toEqual(nTriples(quads));
  });
});
