/**
 * The demo teams' alert thresholds (apps/shared/thresholds.ts
 * defines the format): `{org pod}thresholds/{team}`, written as the
 * organisation, readable by the team's group only. hans's SpO2 below 90 %
 * for the lung team; for Oppfølgingsteam A yellow below 92 % and red below
 * 88 %, with the team's alert rules (red within 1 h, SpO2 expected at least
 * every 2 days: apps/shared/alert-rules.ts), so his seeded worsening week
 * gives the team a red alert; kari's blood glucose above 10 mmol/L for the
 * GP office. Rewriting them whole is idempotent.
 */
import { aclQuads, aclTurtle, type AclRule } from '../../apps/shared/acl.ts';
import { alertRulesQuads, type AlertRules } from '../../apps/shared/alert-rules.ts';
import { thresholdsDocumentOf, thresholdsTurtle, type Threshold } from '../../apps/shared/thresholds.ts';
import { demoGroup, groupIriOf, webIdOf, type GroupName } from './demo-world.ts';
import { aclUrlOf, ensureContainer, putTurtle } from './pod-writes.ts';
import { teamListOf } from './teams.ts';

type Fetch = typeof fetch;

export const DEMO_THRESHOLDS: readonly { readonly group: GroupName; readonly thresholds: readonly Omit<Threshold, 'source'>[]; readonly rules?: AlertRules }[] = [
  { group: 'lungeteam', thresholds: [{ patient: 'hans', kind: 'oxygen-saturation', below: 90 }] },
  {
    group: 'oppfolgingsteam-a',
    thresholds: [
      { patient: 'hans', kind: 'oxygen-saturation', below: 92, level: 'yellow' },
      { patient: 'hans', kind: 'oxygen-saturation', below: 88, level: 'red' },
    ],
    rules: { redWithinMinutes: 60, expects: { 'oxygen-saturation': 2 } },
  },
  { group: 'fastleger', thresholds: [{ patient: 'kari', kind: 'blood-glucose', above: 10 }] },
];

/** The container: the organisation alone (RWC, inherited). A document: the organisation RWC, the team's group Read. */
function thresholdsAcl(acl: string, target: string, owner: string, group: string, container: boolean): Promise<string> {
  const rules: AclRule[] = [{ name: 'owner', who: [{ agent: owner }], modes: ['Read', 'Write', 'Control'], inherited: container }];
  if (!container) rules.push({ name: 'team', who: [{ group }], modes: ['Read'], inherited: false });
  return aclTurtle(aclQuads(acl, target, rules));
}

/** Writes one team's thresholds and their ACLs; run as the organisation. Returns the document's URL. */
export async function publishThresholds(
  fetch: Fetch, baseUrl: string, groupName: GroupName, items: readonly Omit<Threshold, 'source'>[], rules?: AlertRules,
): Promise<string> {
  const group = demoGroup(groupName);
  const orgPod = `${baseUrl}${group.owner}/`;
  const owner = webIdOf(baseUrl, group.owner);
  const document = thresholdsDocumentOf(teamListOf(orgPod, group.name));
  const container = document.slice(0, document.lastIndexOf('/') + 1);
  const { acl: containerAcl } = await ensureContainer(fetch, container);
  await putTurtle(fetch, containerAcl, await thresholdsAcl(containerAcl, container, owner, groupIriOf(baseUrl, group), true));
  await putTurtle(fetch, document, await thresholdsTurtle(items, rules ? alertRulesQuads(rules) : []));
  const acl = await aclUrlOf(fetch, document);
  await putTurtle(fetch, acl, await thresholdsAcl(acl, document, owner, groupIriOf(baseUrl, group), false));
  return document;
}

/** Every demo team's thresholds. */
export async function publishDemoThresholds(sessionFor: (name: string) => Promise<{ fetch: Fetch }>, baseUrl: string): Promise<string[]> {
  const out: string[] = [];
  for (const { group, thresholds, rules } of DEMO_THRESHOLDS) {
    const items = thresholds.map((t) => ({ ...t, patient: webIdOf(baseUrl, t.patient) }));
    out.push(await publishThresholds((await sessionFor(demoGroup(group).owner)).fetch, baseUrl, group, items, rules));
  }
  return out;
}
