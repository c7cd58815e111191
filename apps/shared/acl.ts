/**
 * The one builder of Web Access Control documents: the health containers'
 * ACLs (health-acl.ts, written by the demo world and by the consent page)
 * and the demo world's other ACLs (groups, directory, team lists,
 * thresholds) all come from here. A pure function of its arguments: it
 * fetches nothing, and the same rules always give the same quads, so
 * rewriting a document whole is idempotent and tests can compare quads.
 *
 * Each rule becomes one `acl:Authorization` named `{aclUrl}#{name}`, with
 * `acl:accessTo` the target and, when it is `inherited`, `acl:default` the
 * target too (on one rule, so that the consent page's reader, which only
 * manages rules covering a container and its contents, recognises it).
 *
 * Why not `@inrupt/solid-client`'s ACL API (v3: createAcl,
 * setAgentResourceAccess, setAgentDefaultAccess, setGroup*, setPublic*):
 * createAcl needs the target's server resource info (its ACL URL from a
 * fetch, or a test mock), and each set* call adds a rule under a random
 * UUID, with accessTo and default in two separate rules. The documents
 * would mean the same to the pod server, but would differ on every run and
 * no longer be read back by apps/consent/access.ts.
 */
import { DataFactory, Writer, type Quad } from 'n3';
import { ACL, NS, RDF } from '../../vocab/terms.ts';

const { namedNode, quad } = DataFactory;

export type AclMode = 'Read' | 'Write' | 'Append' | 'Control';

/** Who a rule names: an agent's WebID (acl:agent), a group (acl:agentGroup), or anyone at all (acl:agentClass foaf:Agent). */
export type AclSubject = { readonly agent: string } | { readonly group: string } | { readonly public: true };

export const EVERYONE: AclSubject = { public: true };

export interface AclRule {
  /** The Authorization's fragment in the ACL document (`#owner`, `#readers`). */
  readonly name: string;
  readonly who: readonly AclSubject[];
  readonly modes: readonly AclMode[];
  /** acl:default as well: the rule also covers the container's contents (containers only). */
  readonly inherited: boolean;
}

function subjectQuad(auth: ReturnType<typeof namedNode>, who: AclSubject): Quad {
  if ('agent' in who) return quad(auth, namedNode(ACL.agent), namedNode(who.agent));
  if ('group' in who) return quad(auth, namedNode(ACL.agentGroup), namedNode(who.group));
  return quad(auth, namedNode(ACL.agentClass), namedNode(`${NS.foaf}Agent`));
}

/**
 * The quads of the ACL document at `aclUrl` guarding `target`. A rule that
 * names nobody is left out (it would grant nothing).
 */
export function aclQuads(aclUrl: string, target: string, rules: readonly AclRule[]): Quad[] {
  const resource = namedNode(target);
  return rules
    .filter((rule) => rule.who.length > 0)
    .flatMap((rule) => {
      const auth = namedNode(`${aclUrl}#${rule.name}`);
      return [
        quad(auth, namedNode(RDF.type), namedNode(ACL.Authorization)),
        ...rule.who.map((who) => subjectQuad(auth, who)),
        quad(auth, namedNode(ACL.accessTo), resource),
        ...(rule.inherited ? [quad(auth, namedNode(ACL.default), resource)] : []),
        ...rule.modes.map((mode) => quad(auth, namedNode(ACL.mode), namedNode(ACL[mode]))),
      ];
    });
}

/** A public document (a group, the directory): anyone may read it, only `owner` may change it or its ACL. */
export function publicReadRules(owner: string): AclRule[] {
  return [
    { name: 'public', who: [EVERYONE], modes: ['Read'], inherited: false },
    { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: false },
  ];
}

/** The Turtle of an ACL document's quads (what a PUT to the .acl carries). */
export function aclTurtle(quads: readonly Quad[]): Promise<string> {
  const writer = new Writer({ prefixes: { acl: NS.acl, foaf: NS.foaf } });
  writer.addQuads([...quads]);
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}
