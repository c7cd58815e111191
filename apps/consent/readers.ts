/**
 * Who a reader in the access log verifiably is. The log gives a WebID, the
 * one the pod server checked in the reader's access token; anything a
 * reader says about themself (their profile's foaf:name, "org:memberOf OUS")
 * is theirs to set, so any account holder could call themself "Dr. Lunde,
 * OUS". The page therefore names a reader only from what organisations
 * publish: the directory (apps/shared/directory.ts) names each team and its
 * organisation, and each team's public group document, which only the
 * organisation can write, lists its members (vcard:hasMember) and their
 * names (vcard:fn). That document is also what the pod server reads to let
 * the team in (acl:agentGroup), so the page shows exactly the identity the
 * access was granted to. A WebID in no team of the directory is shown as
 * just that: a WebID nobody vouches for. Pure: no fetch, no DOM.
 */
import { Parser, Store } from 'n3';
import type { Names } from '../../vocab/catalogue.ts';
import { NS } from '../../vocab/terms.ts';
import { granteeIri, type Directory, type DirectoryEntry } from '../shared/directory.ts';

export interface GroupMember {
  readonly webId: string;
  /** The member's name as the organisation publishes it in the group document. */
  readonly name?: string;
}

/** The members of `groupIri` stated in its own document (other groups or claims in it are ignored). */
export function parseGroupMembers(turtle: string, groupIri: string): GroupMember[] {
  const document = groupIri.replace(/#.*$/, '');
  const store = new Store(new Parser({ baseIRI: document }).parse(turtle));
  return store.getObjects(groupIri, `${NS.vcard}hasMember`, null)
    .filter((m) => m.termType === 'NamedNode')
    .map((m) => {
      const name = store.getObjects(m, `${NS.vcard}fn`, null).find((o) => o.termType === 'Literal')?.value;
      return { webId: m.value, ...(name ? { name } : {}) };
    });
}

export type ReaderIdentity =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'you' }
  /** In a team of the directory: the name its organisation publishes (if any), and the team(s). */
  | { readonly kind: 'verified'; readonly webId: string; readonly name?: string; readonly teams: readonly DirectoryEntry[] }
  /** Logged in, but no organisation of the directory lists this WebID. */
  | { readonly kind: 'unverified'; readonly webId: string };

/**
 * `members` maps each directory group IRI to its members as read from the
 * group's document; a group whose document could not be read vouches for nobody.
 */
export function identifyReader(
  agent: string | undefined,
  patientWebId: string,
  directory: Directory,
  members: ReadonlyMap<string, readonly GroupMember[]>,
): ReaderIdentity {
  if (!agent) return { kind: 'anonymous' };
  if (agent === patientWebId) return { kind: 'you' };
  const listedIn = (entry: DirectoryEntry) => members.get(granteeIri(entry.grantee))?.filter((m) => m.webId === agent) ?? [];
  const teams = directory.entries.filter((entry) => ('agent' in entry.grantee && entry.grantee.agent === agent) || listedIn(entry).length > 0);
  if (teams.length === 0) return { kind: 'unverified', webId: agent };
  const name = teams.flatMap(listedIn).find((m) => m.name)?.name;
  return { kind: 'verified', webId: agent, ...(name ? { name } : {}), teams };
}

/** The organisations vouching for a verified reader, once each, in the directory's order. */
export function organisationsOf(identity: Extract<ReaderIdentity, { kind: 'verified' }>): Names[] {
  const seen = new Map<string, Names>();
  for (const team of identity.teams) seen.set(team.organisation.webId, team.organisation.names);
  return [...seen.values()];
}
