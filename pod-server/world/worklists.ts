/**
 * The teams' worklists and the alert service's place in its team, in the
 * demo world (docs/teamwork.md):
 *
 * - `{org pod}worklists/` (the organisation alone, RWC inherited) and
 *   `{org pod}worklists/{team}/`: the organisation RWC, the team's group
 *   Read and Write, both inherited by every task document in it
 *   (apps/shared/team-tasks.ts defines a task);
 * - the organisation's own WebID is made a member of each team group whose
 *   alerts it runs (ALERT_TEAMS): patients grant the team's group, so the
 *   alert service (apps/alerts), logged in as the organisation, reads exactly
 *   what the patient granted the team and nothing else. The patient sees it
 *   in "who has looked" under the organisation's name.
 *
 * Written as the organisation; every step is idempotent (PUT of the ACLs,
 * insert-only N3 Patch of the membership).
 */
import { DataFactory } from 'n3';
import { aclQuads, aclTurtle } from '../../apps/shared/acl.ts';
import { N3_PATCH_CONTENT_TYPE, insertOnlyPatch } from '../../apps/shared/n3-patch.ts';
import { worklistOf } from '../../apps/shared/team-tasks.ts';
import { NS } from '../../vocab/terms.ts';
import { DEMO_ACCOUNTS, demoGroup, groupDocumentOf, groupIriOf, podUrlOf, webIdOf, type GroupName } from './demo-world.ts';
import { ensureContainer, putTurtle } from './pod-writes.ts';

const { namedNode, literal, quad } = DataFactory;
type Fetch = typeof fetch;

/** The teams whose alerts their organisation's alert service runs (apps/start.ts starts one per team). */
export const ALERT_TEAMS: readonly GroupName[] = ['oppfolgingsteam-a'];

/** Creates the team's worklist with its ACL, and makes the organisation a member of the team's group. Returns the worklist's URL. */
export async function publishWorklist(fetch: Fetch, baseUrl: string, groupName: GroupName): Promise<string> {
  const group = demoGroup(groupName);
  const orgPod = podUrlOf(baseUrl, group.owner);
  const owner = webIdOf(baseUrl, group.owner);
  const groupIri = groupIriOf(baseUrl, group);
  const parent = `${orgPod}worklists/`;
  const { acl: parentAcl } = await ensureContainer(fetch, parent);
  await putTurtle(fetch, parentAcl, await aclTurtle(aclQuads(parentAcl, parent, [
    { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: true },
  ])));
  const worklist = worklistOf(orgPod, group.name);
  const { acl } = await ensureContainer(fetch, worklist);
  await putTurtle(fetch, acl, await aclTurtle(aclQuads(acl, worklist, [
    { name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: true },
    { name: 'team', who: [{ group: groupIri }], modes: ['Read', 'Write'], inherited: true },
  ])));
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
  return worklist;
}
