/**
 * The demo world's self-treatment plans (docs/data-model.md, "Self-treatment
 * plans"): kari's GP, Erik Dahl (group `fastleger`, which kari lets write her
 * plan: DEMO_PLAN_WRITERS), writes her blood glucose plan into her pod with
 * his own session, as he would from the dashboard, so the pod server attests
 * him as its author. Older data folders made before plans existed get the
 * plans/ container and its ACL first (only when it is missing, so a
 * patient's later choices are never rewritten).
 */
import { healthAclTurtle, type HealthAccess } from '../../apps/shared/health-acl.ts';
import { healthContainers } from '../../apps/shared/health-layout.ts';
import { toOsloIso } from '../../apps/shared/measurement/identity.ts';
import { parsePlanInput, type PlanInput } from '../../apps/shared/plan/plan.ts';
import { writePlan } from '../../apps/shared/plan/plan-pod.ts';
import { type PatientName, podUrlOf, webIdOf } from './demo-world.ts';
import { ensureContainer, putTurtle } from './pod-writes.ts';

type Fetch = typeof fetch;

/** kari's plan for blood glucose, written by dahl. */
export const KARI_GLUCOSE_PLAN: PlanInput = {
  kind: 'blood-glucose',
  unit: 'mmol/L',
  steps: [
    {
      direction: 'above', threshold: 10,
      instruction: {
        nb: 'Drikk et par glass vann og gå en rolig tur hvis du kan. Mål igjen om to timer.',
        en: 'Drink a couple of glasses of water and take a gentle walk if you can. Measure again in two hours.',
      },
    },
    {
      direction: 'above', threshold: 15,
      instruction: {
        nb: 'Ta 2 enheter ekstra hurtigvirkende insulin. Mål igjen om én time. Er det fortsatt over 15, ring legekontoret (eller legevakten på 116 117).',
        en: 'Take 2 extra units of rapid-acting insulin. Measure again in one hour. If it is still above 15, call the GP office (or the out-of-hours service on 116 117).',
      },
    },
  ],
};

export const DEMO_PLANS: readonly { patient: PatientName; writer: string; plan: PlanInput }[] = [
  { patient: 'kari', writer: 'dahl', plan: KARI_GLUCOSE_PLAN },
];

/** plans/ with its ACL, for a pod provisioned before plans existed; untouched when it exists. */
async function ensurePlansContainer(fetch: Fetch, pod: string, access: HealthAccess): Promise<void> {
  const container = healthContainers(pod).find((c) => c.kind === 'plans')!;
  const { acl, created } = await ensureContainer(fetch, container.url);
  if (created) await putTurtle(fetch, acl, await healthAclTurtle(container, access, acl));
}

/** Writes each demo plan as its writer; returns the documents written. `accessOf`: the patient's grants (world.ts). */
export async function seedDemoPlans(
  sessionFor: (name: string) => Promise<{ fetch: Fetch }>, baseUrl: string, accessOf: (patient: PatientName) => HealthAccess, now = new Date(),
): Promise<string[]> {
  const out: string[] = [];
  for (const { patient, writer, plan } of DEMO_PLANS) {
    await ensurePlansContainer((await sessionFor(patient)).fetch, podUrlOf(baseUrl, patient), accessOf(patient));
    const checked = parsePlanInput(plan, { patient: webIdOf(baseUrl, patient), author: webIdOf(baseUrl, writer), created: toOsloIso(now) });
    if (!checked.ok) throw new Error(`The demo plan for ${patient} is not valid: ${JSON.stringify(checked.errors)}`);
    const { document, outcome } = await writePlan((await sessionFor(writer)).fetch, podUrlOf(baseUrl, patient), checked.value);
    if (!outcome.ok) throw new Error(`${writer} could not write ${patient}'s plan: ${outcome.reason}`);
    out.push(document);
  }
  return out;
}
