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
 * the consent app when a patient grants or revokes access; the documents
 * themselves are built by the one ACL builder, acl.ts.
 */
import type { Quad } from 'n3';
import type { KindId } from '../../vocab/catalogue.ts';
import { aclQuads, aclTurtle, type AclRule } from './acl.ts';
import type { HealthContainer } from './health-layout.ts';

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
  const devices = rule('device-writers', access.deviceWriters.map((agent) => ({ agent })), ['Append']);
  switch (container.kind) {
    case 'measurements':
      return [owner, devices];
    case 'category':
      return [owner, devices, rule('readers', access.readers[container.category] ?? [], ['Read'])];
    case 'notes':
      return [owner, rule('readers', allReaders(access), ['Read', 'Append'])];
    case 'health':
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
