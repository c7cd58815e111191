/**
 * A patient's self-treatment plan ("Min plan", docs/data-model.md): for one
 * kind of measurement, ordered steps, each a threshold (above or below, in
 * the kind's canonical unit) and what to do, in Norwegian (required) and
 * English (optional). Step 1 is the mildest; a higher step is stronger and
 * its threshold lies further out, so a reading crossing several steps is
 * shown the strongest one.
 *
 * Untrusted input (the dashboard's form, a document read from a pod) is
 * validated once, here, into a typed plan or FieldErrors that become
 * problem+json. Pure: no fetch, no pod, no clock unless passed; it never
 * decides who wrote a plan (plan-rdf.ts: only the pod server's attestation).
 */
import { isKindId, isPanelKind, kindSpec, MEASUREMENT_KINDS, type KindId } from '../../../vocab/catalogue.ts';
import type { FieldError, Validated } from '../measurement/errors.ts';
import { isSafeHttpIri } from '../measurement/iri.ts';
import { parseDecimal } from '../measurement/own-entry.ts';
import type { Threshold } from '../thresholds.ts';

export type PlanDirection = 'above' | 'below';

export interface PlanInstruction {
  readonly nb: string;
  readonly en?: string;
}

export interface PlanStep {
  /** 1 for the mildest step, counting up. */
  readonly level: number;
  readonly direction: PlanDirection;
  /** In the kind's canonical unit. */
  readonly threshold: number;
  readonly instruction: PlanInstruction;
}

export interface SelfTreatmentPlan {
  /** The patient's WebID. */
  readonly patient: string;
  readonly kind: KindId;
  /** Always the kind's canonical unit (UCUM). */
  readonly unit: string;
  /** Ordered by level, levels 1..n. */
  readonly steps: readonly PlanStep[];
  /** The writer's WebID as claimed (dct:creator): never shown as the author. */
  readonly author: string;
  /** ISO 8601, as claimed (dct:created). */
  readonly created: string;
}

/** What a form or an API body sends: numbers as typed ("15" or "15,0"). */
export interface PlanInput {
  readonly kind?: unknown;
  readonly unit?: unknown;
  readonly steps?: unknown;
}

export const MAX_STEPS = 5;
export const MAX_INSTRUCTION_LENGTH = 1000;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The kinds a plan may be for: one value per reading (blood pressure's two are not supported yet). */
export const PLAN_KINDS: readonly KindId[] = MEASUREMENT_KINDS.map((k) => k.category).filter((k) => !isPanelKind(k));

function instructionText(value: unknown, field: string, required: boolean, errors: FieldError[]): string | undefined {
  const text = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : undefined;
  if (text === undefined || (required && text.length === 0) || text.length > MAX_INSTRUCTION_LENGTH || CONTROL.test(text)) {
    errors.push({ field, message: `${required ? 'say' : 'if given, say'} what the patient should do in 1-${MAX_INSTRUCTION_LENGTH} characters of text` });
    return undefined;
  }
  return text.length > 0 ? text : undefined;
}

function parseStep(raw: unknown, index: number, kind: KindId, errors: FieldError[]): PlanStep | undefined {
  const at = `steps/${index}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    errors.push({ field: at, message: 'each step is { direction, threshold, instruction: { nb, en } }' });
    return undefined;
  }
  const step = raw as Record<string, unknown>;
  const before = errors.length;
  const direction = step.direction === 'above' || step.direction === 'below' ? step.direction : undefined;
  if (!direction) errors.push({ field: `${at}/direction`, message: 'must be "above" or "below"' });
  const spec = kindSpec(kind);
  const threshold = typeof step.threshold === 'number' ? step.threshold : typeof step.threshold === 'string' ? parseDecimal(step.threshold) : undefined;
  if (threshold === undefined || !Number.isFinite(threshold)) {
    errors.push({ field: `${at}/threshold`, message: `must be a number in ${spec.canonicalUnit}, e.g. ${spec.range.min + (spec.range.max - spec.range.min) / 4}` });
  } else if (threshold < spec.range.min || threshold > spec.range.max) {
    errors.push({ field: `${at}/threshold`, message: `${threshold} ${spec.canonicalUnit} is outside the plausible range of ${spec.names.en.toLowerCase()} (${spec.range.min}-${spec.range.max} ${spec.canonicalUnit})` });
  }
  const instruction = typeof step.instruction === 'object' && step.instruction !== null ? step.instruction as Record<string, unknown> : {};
  const nb = instructionText(instruction.nb, `${at}/instruction/nb`, true, errors);
  const en = instructionText(instruction.en, `${at}/instruction/en`, false, errors);
  if (errors.length > before || !direction || threshold === undefined || !nb) return undefined;
  return { level: index + 1, direction, threshold, instruction: { nb, ...(en ? { en } : {}) } };
}

/**
 * Steps that contradict each other: a stronger "above" step must lie above
 * every milder one, a stronger "below" step below, and no "below" threshold
 * may reach an "above" one (a reading would be both too high and too low).
 */
export function contradictions(steps: readonly PlanStep[], unit: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const step of steps) {
    const milder = steps.filter((s) => s.level < step.level && s.direction === step.direction);
    const wrong = milder.find((s) => (step.direction === 'above' ? step.threshold <= s.threshold : step.threshold >= s.threshold));
    if (wrong) {
      errors.push({
        field: `steps/${step.level - 1}/threshold`,
        message: `step ${step.level} is stronger than step ${wrong.level}, so it must start ${step.direction === 'above' ? 'higher' : 'lower'}: `
          + `${step.direction} ${step.threshold} ${unit} is not ${step.direction === 'above' ? 'above' : 'below'} step ${wrong.level}'s ${wrong.threshold} ${unit}`,
      });
    }
  }
  const lowestAbove = Math.min(...steps.filter((s) => s.direction === 'above').map((s) => s.threshold));
  const highestBelow = steps.filter((s) => s.direction === 'below').sort((a, b) => b.threshold - a.threshold)[0];
  if (highestBelow && highestBelow.threshold >= lowestAbove) {
    errors.push({
      field: `steps/${highestBelow.level - 1}/threshold`,
      message: `below ${highestBelow.threshold} ${unit} overlaps a step for above ${lowestAbove} ${unit}: a reading cannot be both too low and too high`,
    });
  }
  return errors;
}

/** A plan from a form or API body; `patient`, `author` and `created` come from the caller, never the body. */
export function parsePlanInput(input: PlanInput, who: { patient: string; author: string; created: string }): Validated<SelfTreatmentPlan> {
  const errors: FieldError[] = [];
  if (!isSafeHttpIri(who.patient)) errors.push({ field: 'patient', message: 'must be the patient\'s WebID' });
  if (!isSafeHttpIri(who.author)) errors.push({ field: 'author', message: 'must be the writer\'s WebID' });
  const kind = typeof input.kind === 'string' ? input.kind : '';
  if (!isKindId(kind) || !PLAN_KINDS.includes(kind)) {
    errors.push({ field: 'kind', message: `"${kind}" is not a kind a plan can be for: one of ${PLAN_KINDS.join(', ')}` });
    return { ok: false, errors };
  }
  const unit = kindSpec(kind).canonicalUnit;
  if (input.unit !== undefined && input.unit !== unit) {
    errors.push({ field: 'unit', message: `a plan for ${kindSpec(kind).names.en.toLowerCase()} is in ${unit} (UCUM), not "${String(input.unit)}"` });
  }
  const rawSteps = Array.isArray(input.steps) ? input.steps : undefined;
  if (!rawSteps || rawSteps.length === 0 || rawSteps.length > MAX_STEPS) {
    errors.push({ field: 'steps', message: `a plan has 1-${MAX_STEPS} steps, the mildest first` });
    return { ok: false, errors };
  }
  const steps = rawSteps.map((raw, i) => parseStep(raw, i, kind, errors));
  if (errors.length > 0) return { ok: false, errors };
  const parsed = steps as PlanStep[];
  const contradicting = contradictions(parsed, unit);
  if (contradicting.length > 0) return { ok: false, errors: contradicting };
  return { ok: true, value: { patient: who.patient, kind, unit, steps: parsed, author: who.author, created: who.created } };
}

/** Whether `value` is on the far side of the step's threshold. */
export function crossesStep(step: Pick<PlanStep, 'direction' | 'threshold'>, value: number): boolean {
  return step.direction === 'above' ? value > step.threshold : value < step.threshold;
}

/** The strongest step `value` crosses, or none. */
export function stepFor(plan: Pick<SelfTreatmentPlan, 'steps'>, value: number): PlanStep | undefined {
  return [...plan.steps].sort((a, b) => b.level - a.level).find((s) => crossesStep(s, value));
}

/**
 * The seam to the team's alert thresholds (apps/shared/thresholds.ts): the
 * mildest step in each direction is where an alert starts. Nothing calls
 * this yet: the teamwork issue (alerts from plans) has not landed.
 */
export function planToThreshold(plan: SelfTreatmentPlan, source: string): Threshold | undefined {
  const above = plan.steps.filter((s) => s.direction === 'above').map((s) => s.threshold);
  const below = plan.steps.filter((s) => s.direction === 'below').map((s) => s.threshold);
  if (above.length === 0 && below.length === 0) return undefined;
  return {
    patient: plan.patient, kind: plan.kind, source,
    ...(above.length > 0 ? { above: Math.min(...above) } : {}),
    ...(below.length > 0 ? { below: Math.max(...below) } : {}),
  };
}
