/**
 * "My plan": the self-treatment plans the patient's clinicians wrote into
 * her pod (apps/shared/plan/), each with who wrote it as the pod server
 * attested it ("Plan from Erik Dahl, Storgata legekontor, 3 Dec"), its steps,
 * and the step her latest reading of that kind crosses. After a hand entry
 * (entry-view.ts) the step that entry crosses is shown there too.
 *
 * The writer's name and organisation come only from the directory and the
 * group documents organisations publish (apps/consent/readers.ts), never
 * from the plan or the writer's own profile. A plan whose writer the pod
 * server did not attest is never shown (plan-rdf.ts): the page says how
 * many were set aside. Reads only; never writes the pod.
 */
import { kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import type { Measurement, StoredMeasurement } from '../../shared/measurement/types.ts';
import { quadsToMeasurements } from '../../shared/measurement/rdf.ts';
import { categoryContainer } from '../../shared/measurement/identity.ts';
import { stepFor, type PlanStep } from '../../shared/plan/plan.ts';
import { readPlans, type PlansRead } from '../../shared/plan/plan-pod.ts';
import type { ShownPlan } from '../../shared/plan/plan-rdf.ts';
import { h } from '../../shared/web/dom.ts';
import { formatWhen } from '../i18n.ts';
import { listContainer, readGroupMembers, readQuads } from '../pod.ts';
import { identifyReader, organisationsOf, type GroupMember } from '../readers.ts';
import type { ViewContext } from './context.ts';

interface PlanState {
  plans?: PlansRead;
  members: Map<string, readonly GroupMember[]>;
  /** The latest reading of each planned kind (none: no readings). */
  latest: Map<KindId, StoredMeasurement | undefined>;
  /** The step the last hand entry crossed, shown on "Enter a measurement". */
  advice?: { plan: ShownPlan; step: PlanStep; value: number };
}

const state: PlanState = { members: new Map(), latest: new Map() };

export function resetPlan(): void {
  delete state.plans;
  delete state.advice;
  state.members.clear();
  state.latest.clear();
}

export const planLoaded = () => state.plans !== undefined;

/** Public documents: read without the patient's token (see readGroupMembers). */
const publicFetch: typeof fetch = (input, init) => fetch(input, init);

async function loadPlansAndWriters(ctx: ViewContext): Promise<PlansRead> {
  const groups = ctx.directory.entries.flatMap((e) => ('group' in e.grantee ? [e.grantee.group] : []));
  const [plans, members] = await Promise.all([
    readPlans(ctx.fetch, ctx.patient.pod, ctx.patient.webId),
    Promise.all(groups.map((g) => readGroupMembers(publicFetch, g))),
  ]);
  groups.forEach((g, i) => state.members.set(g, members[i]!));
  state.plans = plans;
  return plans;
}

/** The newest reading in the newest month document of `kind`. */
async function latestReading(ctx: ViewContext, kind: KindId): Promise<StoredMeasurement | undefined> {
  const months = (await listContainer(ctx.fetch, categoryContainer(ctx.patient.pod, kind))).filter((u) => /\/\d{4}-\d{2}\.ttl$/.test(u));
  const newest = months.at(-1);
  if (!newest) return undefined;
  const { measurements } = quadsToMeasurements((await readQuads(ctx.fetch, newest)).quads);
  return measurements.filter((m) => m.patient === ctx.patient.webId).sort((a, b) => Date.parse(a.effectiveTime) - Date.parse(b.effectiveTime)).at(-1);
}

export async function loadPlan(ctx: ViewContext): Promise<void> {
  const plans = await loadPlansAndWriters(ctx);
  if (plans.status !== 'read') return;
  const latest = await Promise.all(plans.current.map((p) => latestReading(ctx, p.kind).catch(() => undefined)));
  plans.current.forEach((p, i) => state.latest.set(p.kind, latest[i]));
}

/** After a hand entry is saved: the step of the plan it crosses, read afresh (a new plan may have come). */
export async function adviseOnEntry(ctx: ViewContext, m: Measurement): Promise<void> {
  delete state.advice;
  if (m.kind === 'blood-pressure') return;
  const plans = await loadPlansAndWriters(ctx).catch(() => undefined);
  state.latest.clear(); // "My plan" reads the latest readings again on its next visit
  if (plans?.status !== 'read') return;
  const plan = plans.current.find((p) => p.kind === m.kind);
  const step = plan ? stepFor(plan, m.value) : undefined;
  if (plan && step) state.advice = { plan, step, value: m.value };
}

export function forgetAdvice(): void {
  delete state.advice;
}

/** Who wrote the plan, as the directory and the organisations' group documents name the attested writer. */
function writer(ctx: ViewContext, plan: ShownPlan): string {
  const identity = identifyReader(plan.attestedAuthor, ctx.patient.webId, ctx.directory, state.members);
  switch (identity.kind) {
    case 'you': return ctx.t('plan.fromYou');
    case 'verified': {
      const org = organisationsOf(identity)[0]?.[ctx.lang];
      const name = identity.name ?? identity.webId;
      return org ? `${name}, ${org}` : name;
    }
    default: return ctx.t('plan.fromUnlisted', { webId: plan.attestedAuthor });
  }
}

const day = (ctx: ViewContext, iso: string) => new Intl.DateTimeFormat(ctx.lang === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'short', timeZone: 'Europe/Oslo' }).format(new Date(iso));
/** 16,2 and 15 (not 15,0): at most the kind's decimals. */
const number = (ctx: ViewContext, kind: KindId, value: number) => new Intl.NumberFormat(ctx.lang === 'nb' ? 'nb-NO' : 'en-GB', { maximumFractionDigits: kindSpec(kind).decimals }).format(value);

/** The instruction in the page's language, or the Norwegian one (marked as such) when there is no English. */
function instruction(ctx: ViewContext, step: PlanStep, id?: string): HTMLElement {
  const text = step.instruction[ctx.lang] ?? step.instruction.nb;
  return h('p', { class: 'plan-instruction', ...(id ? { id } : {}), lang: step.instruction[ctx.lang] ? undefined : 'nb' }, text);
}

function threshold(ctx: ViewContext, plan: ShownPlan, step: PlanStep): string {
  return ctx.t(step.direction === 'above' ? 'plan.step.above' : 'plan.step.below', { threshold: number(ctx, plan.kind, step.threshold), unit: plan.unit });
}

/** The box shown on "Enter a measurement" when the entry crossed a step of the plan. */
export function renderPlanAdvice(ctx: ViewContext): HTMLElement | null {
  const advice = state.advice;
  if (!advice) return null;
  const { plan, step, value } = advice;
  const params = { value: number(ctx, plan.kind, value), unit: plan.unit, threshold: number(ctx, plan.kind, step.threshold) };
  return h('section', { id: 'plan-advice', class: 'plan-advice', 'aria-labelledby': 'plan-advice-heading', 'data-level': step.level, tabindex: -1 },
    h('h3', { id: 'plan-advice-heading' }, ctx.t('plan.advice.heading')),
    h('p', {}, ctx.t(step.direction === 'above' ? 'plan.advice.above' : 'plan.advice.below', params)),
    instruction(ctx, step, 'plan-advice-instruction'),
    h('p', { class: 'plan-author' }, ctx.t('plan.from', { who: writer(ctx, plan), when: day(ctx, plan.attestedAt) })),
    h('p', {}, h('a', { href: '#plan' }, ctx.t('plan.advice.link'))));
}

function planSection(ctx: ViewContext, plan: ShownPlan): HTMLElement {
  const latest = state.latest.get(plan.kind);
  const value = latest && latest.kind !== 'blood-pressure' ? latest.value : undefined;
  const now = value !== undefined ? stepFor(plan, value) : undefined;
  const id = `plan-${plan.kind}`;
  return h('section', { id, class: 'plan', 'aria-labelledby': `${id}-heading`, 'data-kind': plan.kind },
    h('h3', { id: `${id}-heading` }, kindSpec(plan.kind).names[ctx.lang]),
    h('p', { class: 'plan-author' }, ctx.t('plan.from', { who: writer(ctx, plan), when: day(ctx, plan.attestedAt) })),
    latest && value !== undefined
      ? h('p', { class: 'plan-latest' }, ctx.t(now ? 'plan.latest' : 'plan.latestInside', { value: number(ctx, plan.kind, value), unit: plan.unit, when: formatWhen(ctx.lang, latest.effectiveTime) }))
      : null,
    h('ol', { class: 'plan-steps', 'aria-label': ctx.t('plan.stepsCaption') }, plan.steps.map((step) => h('li', {
      class: `plan-step level-${Math.min(step.level, 3)}${now?.level === step.level ? ' now' : ''}`,
      'data-level': step.level, 'aria-current': now?.level === step.level ? 'step' : undefined,
    },
    h('p', { class: 'plan-threshold' }, h('strong', {}, `${ctx.t('plan.step.level', { n: step.level })}: ${threshold(ctx, plan, step)}`),
      now?.level === step.level ? h('span', { class: 'plan-now' }, ` – ${ctx.t('plan.nowThisStep')}`) : null),
    instruction(ctx, step)))));
}

export function renderPlan(ctx: ViewContext): HTMLElement {
  const plans = state.plans;
  const body: (HTMLElement | null)[] = [];
  if (!plans) body.push(h('p', { class: 'loading' }, ctx.t('loading')));
  else if (plans.status === 'read') {
    body.push(...(plans.current.length > 0 ? plans.current.map((p) => planSection(ctx, p)) : [h('p', { id: 'plan-none' }, ctx.t('plan.none'))]));
    if (plans.notVerified.length > 0) body.push(h('p', { id: 'plan-not-verified', class: 'hint' }, ctx.t('plan.notVerified', { n: plans.notVerified.length })));
  } else if (plans.status === 'none') body.push(h('p', { id: 'plan-none' }, ctx.t('plan.none')));
  else body.push(h('p', { class: 'error' }, plans.status === 'forbidden' ? ctx.t('plan.forbidden', { status: plans.httpStatus ?? '?' }) : ctx.t('plan.failed')));
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('plan.heading')),
    h('p', {}, ctx.t('plan.intro')),
    body);
}
