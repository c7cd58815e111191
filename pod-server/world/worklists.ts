/**
 * The teams' worklists (apps/shared/team-tasks.ts defines what is in them):
 * one container per team, `{org pod}worklists/{team}/`, next to the team's
 * patient list. Its ACL, from the one builder (apps/shared/acl.ts):
 *
 * - the organisation that runs the team: Read, Write, Control (inherited);
 * - the team's group: Read, Write, Append (inherited): any member may add a
 *   task, take, answer or close one;
 * - nobody else: not the patient (his thread is in his own pod), not the
 *   organisation's other groups, not the public.
 *
 * `worklists/` itself (and what no team ACL covers) is the organisation's alone.
 *
 * The organisation's own WebID is made a member of each team group whose
 * alerts it runs (ALERT_TEAMS): patients grant the team's group, so the alert
 * service (apps/alerts), logged in as the organisation, reads exactly what the
 * patient granted the team and nothing else. The patient sees it in "who has
 * looked" under the organisation's name.
 *
 * Written as the organisation; rewriting the ACLs whole and the insert-only
 * membership patch are idempotent. This module never writes a task (the alert
 * service and the clinician service do).
 */
import { DataFactory } from 'n3';
import { aclQuads, aclTurtle, type AclRule } from '../../apps/shared/acl.ts';
import { N3_PATCH_CONTENT_TYPE, insertOnlyPatch } from '../../apps/shared/n3-patch.ts';
import { worklistOf } from '../../apps/shared/team-tasks.ts';
import { withSlash } from '../../apps/shared/pod-urls.ts';
import { NS } from '../../vocab/terms.ts';
import { DEMO_ACCOUNTS, DEMO_GROUPS, demoGroup, groupDocumentOf, groupIriOf, webIdOf, type DemoGroup, type GroupName } from './demo-world.ts';
import { ensureContainer, putTurtle } from './pod-writes.ts';

const { namedNode, literal, quad } = DataFactory;
type Fetch = typeof fetch;

/** The teams whose alerts their organisation's alert service runs (apps/start.ts starts one per team). */
export const ALERT_TEAMS: readonly GroupName[] = ['oppfolgingsteam-a'];

/** The rules of a team's worklist container. */
export function worklistAclRules(owner: string, group: string): AclRule[] {
  return [
    { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: true },
    { name: 'team', who: [{ group }], modes: ['Read', 'Write', 'Append'], inherited: true },
  ];
}

/** Makes the team's worklist container and writes its ACL (and that of `worklists/`). Returns the container. */
export async function publishWorklist(fetch: Fetch, baseUrl: string, group: DemoGroup): Promise<string> {
  const orgPod = `${baseUrl}${group.owner}/`;
  const owner = webIdOf(baseUrl, group.owner);
  const parent = `${withSlash(orgPod)}worklists/`;
  const { acl: parentAcl } = await ensureContainer(fetch, parent);
  await putTurtle(fetch, parentAcl, await aclTurtle(aclQuads(parentAcl, parent, [
    // Inherited: the organisation may make (and repair) each team's container below it.
    { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: true },
  ])));
  const container = worklistOf(orgPod, group.name);
  const { acl } = await ensureContainer(fetch, container);
  await putTurtle(fetch, acl, await aclTurtle(aclQuads(acl, container, worklistAclRules(owner, groupIriOf(baseUrl, group)))));
  return container;
}

/** Every demo team's worklist. */
export async function publishDemoWorklists(sessionFor: (name: string) => Promise<{ fetch: Fetch }>, baseUrl: string): Promise<string[]> {
  const out: string[] = [];
  for (const group of DEMO_GROUPS) out.push(await publishWorklist((await sessionFor(group.owner)).fetch, baseUrl, group));
  return out;
}

/** Makes the organisation that runs the team a member of the team's group, so its alert service reads what patients grant the team. */
export async function joinAlertTeam(fetch: Fetch, baseUrl: string, groupName: GroupName): Promise<void> {
  const group = demoGroup(groupName);
  const owner = webIdOf(baseUrl, group.owner);
  const groupIri = groupIriOf(baseUrl, group);
  const name = DEMO_ACCOUNTS.find((a) => a.name === group.owner)?.displayName ?? group.owner;
  const response = await fetch(groupDocumentOf(baseUrl, group), {
    method: 'PATCH',
    headers: { 'content-type': N3_PATCH_CONTENT_TYPE },
    body: insertOnlyPatch([
      quad(namedNode(groupIri), namedNode(`${NS.vcard}hasMember`), namedNode(owner)),
      quad(namedNode(owner), namedNode(`${NS.vcard}fn`), literal(name)),
    ]),
  });
  if (!response.ok) throw new Error(`Could not add ${owner} to ${groupIri}: ${response.status} ${await response.text()}`);
}
