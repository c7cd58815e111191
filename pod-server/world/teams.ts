/**
 * Teams' patient lists: which patients a follow-up team follows. Each
 * organisation publishes them in its own pod, `{org pod}teams/{team}`, as an
 * `hv:PatientList` naming the team's group (`hv:followedBy`) and the
 * patients' WebIDs (`hv:patient`), with an `hv:entry` per patient giving the
 * record identifier (fødselsnummer) the organisation knows them by. The clinician query side starts from here
 * (apps/clinician/team.ts).
 *
 * A list names patients, never their data: what a team may read is still
 * each patient's decision (the category ACLs). Who may read a list:
 *
 * - `teams/` (the container): the organisation RWC; every group of the
 *   organisation Read on the container itself, so a clinician can see which
 *   teams exist (names only: the lists inherit nothing from it);
 * - `teams/{team}`: the organisation RWC, the team's group Read.
 *
 * Written as the organisation; rewriting a list and its ACL whole is idempotent.
 */
import { DataFactory, Writer, type Quad } from 'n3';
import { aclQuads, aclTurtle } from '../../apps/shared/acl.ts';
import { withSlash } from '../../apps/shared/pod-urls.ts';
import { DEMO_NATIONAL_IDS } from '../../apps/shared/demo-national-ids.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { NS, HV, RDF, XSD } from '../../vocab/terms.ts';
import { DEMO_GROUPS, demoGroup, groupIriOf, webIdOf, type GroupName } from './demo-world.ts';
import { aclUrlOf, ensureContainer, putTurtle } from './pod-writes.ts';

const { namedNode, literal, quad } = DataFactory;
type Fetch = typeof fetch;

const VCARD_FN = `${NS.vcard}fn`;

export interface TeamList {
  /** The list's name and path segment: `{org pod}teams/{name}`. */
  readonly name: string;
  /** The organisation account that publishes it. */
  readonly owner: string;
  readonly displayName: string;
  /** The group whose members may read the list (and whom patients grant access to). */
  readonly group: string;
  /** Every group of the organisation (they may list `teams/`). */
  readonly organisationGroups: readonly string[];
  /** The patients' WebIDs. */
  readonly patients: readonly string[];
  /** Record identifiers the organisation knows patients by (an hv:entry each), for identifier search. */
  readonly identifiers?: readonly { readonly patient: string; readonly system: string; readonly value: string }[];
}

/** The demo teams: one per group, each listing the patients who follow it (docs/pod-server.md). */
export const DEMO_TEAMS: readonly { readonly group: GroupName; readonly patients: readonly string[] }[] = [
  { group: 'lungeteam', patients: ['hans'] },
  { group: 'oppfolgingsteam-a', patients: ['hans'] },
  { group: 'fastleger', patients: ['kari', 'ola'] },
];

export const teamsContainerOf = (orgPod: string) => `${withSlash(orgPod)}teams/`;
export const teamListOf = (orgPod: string, name: string) => `${teamsContainerOf(orgPod)}${name}`;

/** The demo teams as TeamLists on the pod server at `baseUrl`. */
export function demoTeamLists(baseUrl: string): TeamList[] {
  return DEMO_TEAMS.map(({ group, patients }) => {
    const g = demoGroup(group);
    return {
      name: g.name,
      owner: g.owner,
      displayName: g.displayName,
      group: groupIriOf(baseUrl, g),
      organisationGroups: DEMO_GROUPS.filter((o) => o.owner === g.owner).map((o) => groupIriOf(baseUrl, o)),
      patients: patients.map((p) => webIdOf(baseUrl, p)),
      identifiers: patients.map((p) => ({ patient: webIdOf(baseUrl, p), system: NO_NATIONAL_ID_SYSTEM, value: DEMO_NATIONAL_IDS[p as keyof typeof DEMO_NATIONAL_IDS] })),
    };
  });
}

function turtle(quads: Quad[], prefixes: Record<string, string>): Promise<string> {
  const writer = new Writer({ prefixes });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}

/** The Turtle of a patient list (the document at `teamListOf(orgPod, list.name)`). */
export function teamListTurtle(list: TeamList): Promise<string> {
  const me = namedNode('#list'); // relative: resolved against the list's own URL
  return turtle(
    [
      quad(me, namedNode(RDF.type), namedNode(HV.PatientList)),
      quad(me, namedNode(VCARD_FN), literal(list.displayName)),
      quad(me, namedNode(HV.followedBy), namedNode(list.group)),
      ...list.patients.map((p) => quad(me, namedNode(HV.patient), namedNode(p))),
      ...(list.identifiers ?? []).flatMap((id, i) => {
        const entry = namedNode(`#entry-${i + 1}`);
        const identifier = namedNode(`#entry-${i + 1}-identifier`);
        return [
          quad(me, namedNode(HV.entry), entry),
          quad(entry, namedNode(RDF.type), namedNode(HV.PatientListEntry)),
          quad(entry, namedNode(HV.patient), namedNode(id.patient)),
          quad(entry, namedNode(HV.identifier), identifier),
          quad(identifier, namedNode(RDF.type), namedNode(HV.RecordIdentifier)),
          quad(identifier, namedNode(HV.identifierSystem), literal(id.system, namedNode(XSD.anyURI))),
          quad(identifier, namedNode(HV.identifierValue), literal(id.value)),
        ];
      }),
    ],
    { hv: NS.hv, vcard: NS.vcard, xsd: NS.xsd },
  );
}

/** Writes (or rewrites) the team's patient list and the ACLs of it and of `teams/`. Run as the organisation. */
export async function publishTeamList(fetch: Fetch, baseUrl: string, list: TeamList): Promise<string> {
  const orgPod = `${baseUrl}${list.owner}/`;
  const owner = webIdOf(baseUrl, list.owner);
  const container = teamsContainerOf(orgPod);
  const { acl: containerAcl } = await ensureContainer(fetch, container);
  await putTurtle(
    fetch,
    containerAcl,
    await aclTurtle(aclQuads(containerAcl, container, [
      { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: true },
      { name: 'organisation-groups', who: list.organisationGroups.map((group) => ({ group })), modes: ['Read'], inherited: false },
    ])),
  );
  const document = teamListOf(orgPod, list.name);
  await putTurtle(fetch, document, await teamListTurtle(list));
  const acl = await aclUrlOf(fetch, document);
  await putTurtle(
    fetch,
    acl,
    await aclTurtle(aclQuads(acl, document, [
      { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: false },
      { name: 'team', who: [{ group: list.group }], modes: ['Read'], inherited: false },
    ])),
  );
  return document;
}
