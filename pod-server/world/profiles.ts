/**
 * Human-readable profiles and the organisations' public groups.
 *
 * - Every WebID profile gets foaf:name and vcard:fn; clinicians also get their
 *   organisation (org:memberOf its WebID, and its name as text) and their role.
 * - Each organisation publishes its groups as public `vcard:Group` documents,
 *   with each member's name (vcard:fn) as the organisation vouches for it
 *   (the consent page shows readers by these, never by their own profile):
 *   CSS fetches a group document *unauthenticated* when it evaluates
 *   acl:agentGroup, so the document must be readable by anyone.
 */
import {
  getSolidDataset,
  getThing,
  saveSolidDatasetAt,
  setStringNoLocale,
  setThing,
  setUrl,
  addUrl,
  buildThing,
} from '@inrupt/solid-client';
import { DataFactory, Writer, type Quad } from 'n3';
import { aclQuads, aclTurtle, publicReadRules } from '../../apps/shared/acl.ts';
import { NS, RDF } from '../../vocab/terms.ts';
import type { DemoAccount, DemoGroup } from './demo-world.ts';
import { DEMO_ACCOUNTS, groupDocumentOf, groupIriOf, organisationsOf, webIdOf } from './demo-world.ts';
import { aclUrlOf, putTurtle } from './pod-writes.ts';

const { namedNode, literal, quad } = DataFactory;
type Fetch = typeof fetch;

const ORG_NS = 'http://www.w3.org/ns/org#';
const FOAF = { name: `${NS.foaf}name`, Person: `${NS.foaf}Person`, Organization: `${NS.foaf}Organization` };
const VCARD = {
  fn: `${NS.vcard}fn`,
  role: `${NS.vcard}role`,
  organizationName: `${NS.vcard}organization-name`,
  Group: `${NS.vcard}Group`,
  hasMember: `${NS.vcard}hasMember`,
};

function account(name: string): DemoAccount {
  const found = DEMO_ACCOUNTS.find((a) => a.name === name);
  if (!found) throw new Error(`No demo account named ${name}`);
  return found;
}

/** Sets name, type and (for clinicians) organisation and role on the account's WebID profile. */
export async function describeProfile(fetch: Fetch, baseUrl: string, who: DemoAccount): Promise<void> {
  const webId = webIdOf(baseUrl, who.name);
  const card = webId.replace(/#.*$/, '');
  const dataset = await getSolidDataset(card, { fetch });
  let me = buildThing(getThing(dataset, webId) ?? { url: webId })
    .setUrl(RDF.type, who.role === 'organisation' ? FOAF.Organization : FOAF.Person)
    .setStringNoLocale(FOAF.name, who.displayName)
    .setStringNoLocale(VCARD.fn, who.displayName)
    .build();
  if (who.organisation) {
    const organisation = account(who.organisation);
    me = setUrl(me, `${ORG_NS}memberOf`, webIdOf(baseUrl, organisation.name));
    // A cross-level team's members also name the organisation that runs it, so their teams are found there.
    for (const other of organisationsOf(who).slice(1)) me = addUrl(me, `${ORG_NS}memberOf`, webIdOf(baseUrl, other));
    me = setStringNoLocale(me, VCARD.organizationName, organisation.displayName);
    me = setStringNoLocale(me, VCARD.role, who.description);
  }
  await saveSolidDatasetAt(card, setThing(dataset, me), { fetch });
}

function turtle(quads: Quad[], prefixes: Record<string, string>): Promise<string> {
  const writer = new Writer({ prefixes });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}

/** Writes (or rewrites) the group document and its public-read ACL. Run as the owning organisation. */
export async function publishGroup(fetch: Fetch, baseUrl: string, group: DemoGroup): Promise<void> {
  const document = groupDocumentOf(baseUrl, group);
  const iri = namedNode(groupIriOf(baseUrl, group));
  await putTurtle(
    fetch,
    document,
    await turtle(
      [
        quad(iri, namedNode(RDF.type), namedNode(VCARD.Group)),
        quad(iri, namedNode(VCARD.fn), literal(group.displayName)),
        ...group.members.flatMap((m) => [
          quad(iri, namedNode(VCARD.hasMember), namedNode(webIdOf(baseUrl, m))),
          // The member's name as the organisation vouches for it: what the patient's "who has looked" shows.
          quad(namedNode(webIdOf(baseUrl, m)), namedNode(VCARD.fn), literal(account(m).displayName)),
        ]),
      ],
      { vcard: NS.vcard },
    ),
  );
  const acl = await aclUrlOf(fetch, document);
  await putTurtle(fetch, acl, await aclTurtle(aclQuads(acl, document, publicReadRules(webIdOf(baseUrl, group.owner)))));
}
