/**
 * The self-treatment plan's pure logic (apps/shared/plan/): input checks,
 * contradictions between steps, which step a reading crosses, the RDF round
 * trip against the SHACL shape, and which plan may be shown (only by the
 * pod server's attestation, never by dct:creator).
 */
import { DataFactory, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { parsePlanInput, planToThreshold, stepFor, MAX_INSTRUCTION_LENGTH, type PlanInput } from '../../../apps/shared/plan/plan.ts';
import { planDocument, planToQuads, quadsToPlans, shownPlans } from '../../../apps/shared/plan/plan-rdf.ts';
import { HV, XSD } from '../../../vocab/terms.ts';
import { validateShapes } from '../../../shapes/validate.ts';

const { namedNode, literal, quad } = DataFactory;
const POD = 'http://pods.example/kari/';
const KARI = 'http://pods.example/kari/profile/card#me';
const DAHL = 'http://pods.example/dahl/profile/card#me';
const LUNDE = 'http://pods.example/lunde/profile/card#me';
const WHO = { patient: KARI, author: DAHL, created: '2026-12-03T10:15:00+01:00' };

const GLUCOSE: PlanInput = {
  kind: 'blood-glucose', unit: 'mmol/L',
  steps: [
    { direction: 'above', threshold: '10', instruction: { nb: 'Drikk vann og mål igjen om to timer.', en: 'Drink water and measure again in two hours.' } },
    { direction: 'above', threshold: '15,0', instruction: { nb: 'Ta ekstra insulin etter planen og ring legekontoret.' } },
  ],
};

function parsed(input: PlanInput = GLUCOSE) {
  const result = parsePlanInput(input, WHO);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const fields = (input: PlanInput) => {
  const result = parsePlanInput(input, WHO);
  return result.ok ? [] : result.errors.map((e) => e.field);
};

describe('a plan from a form', () => {
  it('takes decimal commas, orders steps from level 1 and states the kind\'s unit', () => {
    const plan = parsed();
    expect(plan.unit).toBe('mmol/L');
    expect(plan.steps.map((s) => [s.level, s.direction, s.threshold])).toEqual([[1, 'above', 10], [2, 'above', 15]]);
    expect(plan.steps[1]!.instruction).toEqual({ nb: 'Ta ekstra insulin etter planen og ring legekontoret.' });
  });

  it('refuses a stronger step that starts below a milder one (red below yellow), naming both', () => {
    const result = parsePlanInput({ ...GLUCOSE, steps: [GLUCOSE.steps && (GLUCOSE.steps as object[])[0], { direction: 'above', threshold: 8, instruction: { nb: 'Ring.' } }] }, WHO);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([{ field: 'steps/1/threshold', message: expect.stringContaining('step 2 is stronger than step 1, so it must start higher') }]);
  });

  it('refuses equal thresholds, a falling "below" ladder the wrong way round, and overlapping below/above steps', () => {
    const step = (direction: string, threshold: number) => ({ direction, threshold, instruction: { nb: 'Gjør noe.' } });
    expect(fields({ kind: 'blood-glucose', steps: [step('above', 10), step('above', 10)] })).toEqual(['steps/1/threshold']);
    expect(fields({ kind: 'blood-glucose', steps: [step('below', 3), step('below', 4)] })).toEqual(['steps/1/threshold']);
    expect(fields({ kind: 'blood-glucose', steps: [step('above', 10), step('below', 12)] })).toEqual(['steps/1/threshold']);
    expect(fields({ kind: 'blood-glucose', steps: [step('below', 4), step('above', 10), step('below', 3), step('above', 15)] })).toEqual([]);
  });

  it('refuses unknown kinds, blood pressure, a wrong unit, and thresholds outside the plausible range', () => {
    expect(fields({ ...GLUCOSE, kind: 'mood' })).toEqual(['kind']);
    expect(fields({ ...GLUCOSE, kind: 'blood-pressure' })).toEqual(['kind']);
    expect(fields({ ...GLUCOSE, unit: 'mg/dL' })).toEqual(['unit']);
    expect(fields({ kind: 'blood-glucose', steps: [{ direction: 'above', threshold: '120', instruction: { nb: 'x' } }] })).toEqual(['steps/0/threshold']);
    expect(fields({ kind: 'blood-glucose', steps: [{ direction: 'over', threshold: 'ti', instruction: { nb: 'x' } }] })).toEqual(['steps/0/direction', 'steps/0/threshold']);
  });

  it('refuses empty, blank, huge and control-character instructions, and no steps or too many', () => {
    const withText = (nb: unknown, en?: unknown) => ({ kind: 'blood-glucose', steps: [{ direction: 'above', threshold: 10, instruction: { nb, en } }] });
    expect(fields(withText(''))).toEqual(['steps/0/instruction/nb']);
    expect(fields(withText('   '))).toEqual(['steps/0/instruction/nb']);
    expect(fields(withText('x'.repeat(MAX_INSTRUCTION_LENGTH + 1)))).toEqual(['steps/0/instruction/nb']);
    expect(fields(withText('x'.repeat(MAX_INSTRUCTION_LENGTH)))).toEqual([]);
    expect(fields(withText('ok', 'bad\u0007'))).toEqual(['steps/0/instruction/en']);
    expect(fields(withText(42))).toEqual(['steps/0/instruction/nb']);
    expect(fields({ kind: 'blood-glucose', steps: [] })).toEqual(['steps']);
    expect(fields({ kind: 'blood-glucose', steps: Array.from({ length: 6 }, (_, i) => ({ direction: 'above', threshold: 5 + i, instruction: { nb: 'x' } })) })).toEqual(['steps']);
  });
});

describe('which step a reading crosses', () => {
  it('16,2 shows the >15 step, 11 the >10 step, 7 none; a "below" step catches a low', () => {
    const plan = parsed({ ...GLUCOSE, steps: [...(GLUCOSE.steps as object[]), { direction: 'below', threshold: 4, instruction: { nb: 'Spis noe søtt.' } }] });
    expect(stepFor(plan, 16.2)?.threshold).toBe(15);
    expect(stepFor(plan, 11)?.threshold).toBe(10);
    expect(stepFor(plan, 15)?.threshold).toBe(10);
    expect(stepFor(plan, 7)).toBeUndefined();
    expect(stepFor(plan, 3.1)?.direction).toBe('below');
  });

  it('gives the team\'s alert threshold from the mildest steps (the seam to thresholds.ts)', () => {
    expect(planToThreshold(parsed(), 'doc#plan')).toEqual({ patient: KARI, kind: 'blood-glucose', above: 10, source: 'doc#plan' });
  });
});

describe('a plan as RDF', () => {
  const plan = parsed();
  const document = planDocument(POD, plan);

  it('round-trips, conforms to its SHACL shape and lives in health/plans/', async () => {
    expect(document).toMatch(/^http:\/\/pods\.example\/kari\/health\/plans\/blood-glucose-20261203T101500-[0-9a-f]{12}\.ttl$/);
    const quads = planToQuads(plan, document);
    expect(quadsToPlans(quads)).toEqual([{ ...plan, iri: `${document}#plan` }]);
    expect(await validateShapes(quads)).toMatchObject({ conforms: true });
  });

  it('the shape refuses a step with no instruction and one with two thresholds', async () => {
    const quads = planToQuads(plan, document).filter((q) => !(q.subject.value.endsWith('#step-2') && q.predicate.value === HV.instruction));
    expect((await validateShapes(quads)).conforms).toBe(false);
    const both = [...planToQuads(plan, document), quad(namedNode(`${document}#step-1`), namedNode(HV.whenBelow), literal('3', namedNode(XSD.decimal)))];
    expect((await validateShapes(both)).conforms).toBe(false);
    expect(quadsToPlans(both)).toEqual([]);
  });

  it('reads back only plans that pass the form\'s checks (contradicting steps are not a plan)', () => {
    const quads = planToQuads(plan, document).map((q) => (q.predicate.value === HV.whenAbove && q.object.value === '15'
      ? quad(q.subject, q.predicate, literal('8', namedNode(XSD.decimal))) : q));
    expect(quadsToPlans(quads)).toEqual([]);
  });
});

describe('which plan is shown, and whose', () => {
  const stamp = (quads: Quad[], author: string, at: string, only?: (s: string) => boolean): Quad[] => {
    const subjects = [...new Set(quads.map((q) => q.subject.value))].filter((s) => !only || only(s));
    return [...quads, ...subjects.flatMap((s) => [
      quad(namedNode(s), namedNode(HV.attestedAuthor), namedNode(author)),
      quad(namedNode(s), namedNode(HV.attestedAt), literal(at, namedNode(XSD.dateTime))),
    ])];
  };
  const version = (input: PlanInput, created: string, claimed = DAHL) => {
    const plan = parsePlanInput(input, { ...WHO, created, author: claimed });
    if (!plan.ok) throw new Error('bad');
    const document = planDocument(POD, plan.value);
    return { document, quads: planToQuads(plan.value, document) };
  };

  it('shows the attested author, not the claimed one, and the newest verified version per kind', () => {
    const first = version(GLUCOSE, '2026-12-01T09:00:00+01:00');
    const forged = version({ ...GLUCOSE, steps: [(GLUCOSE.steps as object[])[0]] }, '2026-12-03T09:00:00+01:00', DAHL);
    const seen = shownPlans(new Map([
      [first.document, stamp(first.quads, DAHL, '2026-12-01T08:00:00.000Z')],
      [forged.document, stamp(forged.quads, LUNDE, '2026-12-03T08:00:00.000Z')],
    ]), KARI);
    expect(seen.current).toHaveLength(1);
    expect(seen.current[0]).toMatchObject({ document: forged.document, attestedAuthor: LUNDE, author: DAHL, attestedAt: '2026-12-03T09:00:00+01:00' });
    expect(seen.notVerified).toEqual([]);
  });

  it('never shows a plan with no attestation, a step stamped by someone else, or a plan for another patient', () => {
    const plain = version(GLUCOSE, '2026-12-01T09:00:00+01:00');
    const mixed = version(GLUCOSE, '2026-12-02T09:00:00+01:00');
    const other = parsePlanInput(GLUCOSE, { ...WHO, patient: 'http://pods.example/ola/profile/card#me', created: '2026-12-04T09:00:00+01:00' });
    if (!other.ok) throw new Error('bad');
    const otherDocument = planDocument(POD, other.value);
    const mixedQuads = [
      ...stamp(mixed.quads, DAHL, '2026-12-02T08:00:00.000Z'),
      quad(namedNode(`${mixed.document}#step-2`), namedNode(HV.attestedAuthor), namedNode(LUNDE)),
    ];
    const seen = shownPlans(new Map([
      [plain.document, plain.quads],
      [mixed.document, mixedQuads],
      [otherDocument, stamp(planToQuads(other.value, otherDocument), DAHL, '2026-12-04T08:00:00.000Z')],
    ]), KARI);
    expect(seen.current).toEqual([]);
    expect(seen.notVerified).toEqual([plain.document, mixed.document, otherDocument].sort());
  });
});
