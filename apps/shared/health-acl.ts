/**
 * The WAC documents for a patient's health containers, derived from one
 * description of who may do what (the access model in docs/pod-server.md):
 *
 * - the patient: Read, Write, Control everywhere;
 * - device writers (the vendor's WebID): Append only, on measurements/ and below;
 * - granted organisations (a vcard:Group they publish, or an agent): Read on
 *   the category containers the patient chose, and Read + Append on notes/;
 * - nobody else anything (consent/ is the patient's alone);
 * - access-log/ is the pod server's: the patient may Read it, nobody may
 *   write it (pod-server/css/extensions writes this ACL itself and refuses
 *   every write under access-log/, docs/access-log.md). It is listed here so
 *   the whole access model stays in one place; provisioning never writes it.
 *
 * Every container gets its own .acl with acl:accessTo and acl:default: in WAC a
 * container's own .acl replaces what it would inherit, so each document repeats
 * the patient's and the device writers' rules. Used by the demo world and by
 * the consent app when a patient grants or revokes access.
 */
import { DataFactory, Writer, type Quad } from 'n3';
import type { KindId } from '../../vocab/catalogue.ts';
import { ACL, NS, RDF } from '../../vocab/terms.ts';
import type { HealthContainer } from './health-layout.ts';

const { namedNode, quad } = DataFactory;

/** Who is granted: an organisation's group document (`...#group`) or a single agent's WebID. */
export type Grantee = { readonly group: string } | { readonly agent: string };

export interface HealthAccess {
  /** The patient's WebID. */
  readonly owner: string;
  /** WebIDs that may append measurements (the device vendor's gateway). */
  readonly deviceWriters: readonly string[];
  /** Per category: who may read it. Categories not listed are readable by the patient only. */
  readonly readers: Readonly<Partial<Record<KindId, readonly Grantee[]>>>;
}

type Mode = keyof Pick<typeof ACL, 'Read' | 'Write' | 'Append' | 'Control'>;

interface Rule {
  readonly name: string;
  readonly agents: readonly Grantee[];
  readonly modes: readonly Mode[];
}

/** Everyone granted read access to at least one category (they may read and add notes). */
export function allReaders(access: HealthAccess): Grantee[] {
  const seen = new Map<string, Grantee>();
  for (const grantees of Object.values(access.readers)) {
    for (const g of grantees ?? []) seen.set('group' in g ? `g ${g.group}` : `a ${g.agent}`, g);
  }
  return [...seen.values()];
}

function rulesFor(container: HealthContainer, access: HealthAccess): Rule[] {
  const owner: Rule = { name: 'owner', agents: [{ agent: access.owner }], modes: ['Read', 'Write', 'Control'] };
  const devices: Rule = { name: 'device-writers', agents: access.deviceWriters.map((agent) => ({ agent })), modes: ['Append'] };
  switch (container.kind) {
    case 'measurements':
      return [owner, devices];
    case 'category':
      return [owner, devices, { name: 'readers', agents: access.readers[container.category] ?? [], modes: ['Read'] }];
    case 'notes':
      return [owner, { name: 'readers', agents: allReaders(access), modes: ['Read', 'Append'] }];
    case 'health':
    case 'consent':
      return [owner];
    case 'access-log':
      return [{ ...owner, modes: ['Read'] }];
  }
}

/** The quads of `container`'s .acl document at `aclUrl`. */
export function healthAclQuads(container: HealthContainer, access: HealthAccess, aclUrl: string): Quad[] {
  const target = namedNode(container.url);
  return rulesFor(container, access)
    .filter((rule) => rule.agents.length > 0)
    .flatMap((rule) => {
      const auth = namedNode(`${aclUrl}#${rule.name}`);
      return [
        quad(auth, namedNode(RDF.type), namedNode(ACL.Authorization)),
        ...rule.agents.map((g) =>
          'group' in g ? quad(auth, namedNode(ACL.agentGroup), namedNode(g.group)) : quad(auth, namedNode(ACL.agent), namedNode(g.agent)),
        ),
        quad(auth, namedNode(ACL.accessTo), target),
        quad(auth, namedNode(ACL.default), target),
        ...rule.modes.map((mode) => quad(auth, namedNode(ACL.mode), namedNode(ACL[mode]))),
      ];
    });
}

/** The Turtle of `container`'s .acl document at `aclUrl`. */
export function healthAclTurtle(container: HealthContainer, access: HealthAccess, aclUrl: string): Promise<string> {
  const writer = new Writer({ prefixes: { acl: NS.acl } });
  writer.addQuads(healthAclQuads(container, access, aclUrl));
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}
