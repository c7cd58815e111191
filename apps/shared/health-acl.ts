/**
 * The WAC documents for a patient's health containers, derived from one
 * description of who may do what (the access model in docs/pod-server.md):
 *
 * - the patient: Read, Write, Control everywhere;
 * - device writers (a paired device's vendor WebID): Append only, on exactly the
 *   category containers of the kinds the patient approved (issue #18: nothing on
 *   measurements/ itself, so a new kind needs a new decision);
 * - granted organisations (a vcard:Group they publish, or an agent): Read on
 *   the category containers the patient chose, Read + Append on notes/, and
 *   Read on plans/ (self-treatment plans);
 * - plan writers (the teams the patient lets write "my plan"): Read + Append
 *   on plans/: a plan is replaced by a newer version, never overwritten, and
 *   the pod server attests who wrote each (apps/shared/plan/plan-rdf.ts);
 * - nobody else anything (consent/ is the patient's alone);
 * - access-log/ is the pod server's: the patient may Read it, nobody may
 *   write it (pod-server/css/extensions writes this ACL itself and refuses
 *   every write under access-log/, docs/access-log.md). It is listed here so
 *   the whole access model stays in one place; provisioning never writes it.
 *
 * Every container gets its own .acl with acl:accessTo and acl:default: in WAC a
 * container's own .acl replaces what it would inherit, so each document repeats
 * the patient's and the device writers' rules. Used by the demo world and by
 * the consent app when a patient grants or revokes access; the documents
 * themselves are built by the one ACL builder, acl.ts.
 *
 * readContainerAccess reads such a document back into this model (the consent
 * page and syncDeviceAccess plan from it), marking every rule it does not
 * manage so that nobody rewrites a document whose meaning they would lose.
 */
import { Parser, Store, type Quad } from 'n3';
import type { KindId } from '../../vocab/catalogue.ts';
import { ACL, NS, RDF } from '../../vocab/terms.ts';
import { aclQuads, aclTurtle, type AclRule } from './acl.ts';
import type { HealthContainer } from './health-layout.ts';

/** Who is granted: an organisation's group document (`...#group`) or a single agent's WebID. */
export type Grantee = { readonly group: string } | { readonly agent: string };

export interface HealthAccess {
  /** The patient's WebID. */
  readonly owner: string;
  /** Per category: WebIDs that may append measurements to it (the vendors of devices paired for that kind). */
  readonly appenders: Readonly<Partial<Record<KindId, readonly string[]>>>;
  /** Per category: who may read it. Categories not listed are readable by the patient only. */
  readonly readers: Readonly<Partial<Record<KindId, readonly Grantee[]>>>;
  /** Who may write the patient's self-treatment plans (plans/); none when absent. */
  readonly planWriters?: readonly Grantee[];
}

/** Everyone granted read access to at least one category (they may read and add notes). */
export function allReaders(access: HealthAccess): Grantee[] {
  const seen = new Map<string, Grantee>();
  for (const grantees of Object.values(access.readers)) {
    for (const g of grantees ?? []) seen.set('group' in g ? `g ${g.group}` : `a ${g.agent}`, g);
  }
  return [...seen.values()];
}

function rulesFor(container: HealthContainer, access: HealthAccess): AclRule[] {
  const rule = (name: string, who: readonly Grantee[], modes: AclRule['modes']): AclRule => ({ name, who, modes, inherited: true });
  const owner = rule('owner', [{ agent: access.owner }], ['Read', 'Write', 'Control']);
  switch (container.kind) {
    case 'category':
      return [
        owner,
        rule('device-writers', (access.appenders[container.category] ?? []).map((agent) => ({ agent })), ['Append']),
        rule('readers', access.readers[container.category] ?? [], ['Read']),
      ];
    case 'notes':
      return [owner, rule('readers', allReaders(access), ['Read', 'Append'])];
    case 'plans':
      return [owner, rule('readers', allReaders(access), ['Read']), rule('plan-writers', access.planWriters ?? [], ['Read', 'Append'])];
    case 'health':
    case 'measurements':
    case 'consent':
      return [owner];
    case 'access-log':
      return [{ ...owner, modes: ['Read'] }];
  }
}

/** The quads of `container`'s .acl document at `aclUrl`. */
export function healthAclQuads(container: HealthContainer, access: HealthAccess, aclUrl: string): Quad[] {
  return aclQuads(aclUrl, container.url, rulesFor(container, access));
}

/** The Turtle of `container`'s .acl document at `aclUrl`. */
export function healthAclTurtle(container: HealthContainer, access: HealthAccess, aclUrl: string): Promise<string> {
  return aclTurtle(healthAclQuads(container, access, aclUrl));
}

/** A container's ACL document as read from the pod. */
export interface AclDocument {
  readonly container: HealthContainer;
  readonly aclUrl: string;
  /** The document's ETag, for a conditional write (If-Match). */
  readonly etag?: string;
  readonly quads: readonly Quad[];
}

/** An ACL document to write (PUT, If-Match its ETag). */
export type AclWrite = AclDocument;

/** What was understood of one ACL document. */
export interface ContainerAccess {
  readonly document: AclDocument;
  /** The patient has Read, Write and Control on the container and everything in it. */
  readonly ownerHasControl: boolean;
  /** Agents with Append only (device writers). */
  readonly appenders: readonly string[];
  /** Read-only grantees (category containers), or Read + Append grantees (notes/). */
  readonly readers: readonly Grantee[];
  /** Rules not managed here (public access, Write for others ...): such a document is never rewritten. */
  readonly unknownRules: readonly string[];
}

export const granteeKey = (g: Grantee): string => ('group' in g ? `group ${g.group}` : `agent ${g.agent}`);
export const sameGrantee = (a: Grantee, b: Grantee): boolean => granteeKey(a) === granteeKey(b);

export function parseAclTurtle(turtle: string, aclUrl: string): Quad[] {
  return new Parser({ baseIRI: aclUrl }).parse(turtle);
}

/** Reads one ACL document into the access model; `owner` is the patient's WebID. */
export function readContainerAccess(document: AclDocument, owner: string): ContainerAccess {
  const store = new Store([...document.quads]);
  const target = document.container.url;
  let ownerHasControl = false;
  const appenders: string[] = [];
  const readers: Grantee[] = [];
  const unknownRules: string[] = [];
  const readerModes = document.container.kind === 'notes' ? [ACL.Read, ACL.Append] : [ACL.Read];

  for (const auth of store.getSubjects(RDF.type, ACL.Authorization, null)) {
    const values = (p: string) => store.getObjects(auth, p, null).map((o) => o.value);
    const modes = new Set(values(ACL.mode));
    const agents = values(ACL.agent);
    const groups = values(ACL.agentGroup);
    const otherWho = store.getQuads(auth, null, null, null).filter((q) =>
      q.predicate.value.startsWith(NS.acl) && ![ACL.mode, ACL.agent, ACL.agentGroup, ACL.accessTo, ACL.default].includes(q.predicate.value as never));
    const coversTarget = values(ACL.accessTo).includes(target) && values(ACL.default).includes(target);
    const is = (wanted: readonly string[]) => modes.size === wanted.length && wanted.every((m) => modes.has(m));
    const name = auth.value.replace(/^.*#/, '#');

    if (otherWho.length > 0 || !coversTarget) {
      unknownRules.push(`${name}: ${otherWho.length > 0 ? otherWho.map((q) => q.predicate.value.replace(NS.acl, 'acl:')).join(', ') : 'does not cover the container and its contents'}`);
    } else if (is([ACL.Read, ACL.Write, ACL.Control]) && groups.length === 0 && agents.length === 1 && agents[0] === owner) {
      ownerHasControl = true;
    } else if (document.container.kind !== 'notes' && is([ACL.Append]) && groups.length === 0 && agents.length > 0) {
      appenders.push(...agents);
    } else if (is(readerModes) && agents.length + groups.length > 0 && !agents.includes(owner)) {
      readers.push(...groups.map((group) => ({ group })), ...agents.map((agent) => ({ agent })));
    } else if (agents.length + groups.length > 0) {
      unknownRules.push(`${name}: ${[...modes].map((m) => m.replace(NS.acl, '')).join('+')} for ${[...agents, ...groups].join(', ')}`);
    }
  }
  const unique = new Map(readers.map((g) => [granteeKey(g), g]));
  return { document, ownerHasControl, appenders: [...new Set(appenders)], readers: [...unique.values()], unknownRules };
}
