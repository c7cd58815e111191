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
 * `worklists/` itself (and what no team ACL covers) is the organisation's alone. Written as the
 * organisation; rewriting the ACLs whole is idempotent. This module never
 * writes a task (the alert service and the clinician service do).
 */
import { aclQuads, aclTurtle, type AclRule } from '../../apps/shared/acl.ts';
import { worklistOf } from '../../apps/shared/team-tasks.ts';
import { withSlash } from '../../apps/shared/pod-urls.ts';
import { DEMO_GROUPS, groupIriOf, webIdOf, type DemoGroup } from './demo-world.ts';
import { ensureContainer, putTurtle } from './pod-writes.ts';

type Fetch = typeof fetch;

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
