/** The dashboard shows answers only behind a score the patient wrote, from the patient's own pod, matched both ways. */
import { describe, expect, it } from 'vitest';
import { answersByScore } from '../../../apps/clinician/dashboard/answers.ts';
import { measurementToQuads, quadsToMeasurements } from '../../../apps/shared/measurement/index.ts';
import { scoreAnswers } from '../../../apps/shared/questionnaire/answers.ts';
import { responseToQuads } from '../../../apps/shared/questionnaire/rdf.ts';
import { answersOf, scoreMeasurement } from '../../../apps/shared/questionnaire/response.ts';
import { DataFactory } from 'n3';
import { HV } from '../../../vocab/terms.ts';
import { PATIENT, STORAGE } from '../measurement/fixtures.ts';

const scored = scoreAnswers('mmrc', { 'mmrc-grade': '2' });
if (!scored.ok) throw new Error('fixture');
const answers = answersOf(PATIENT, scored.value, new Date('2026-03-02T09:00:00Z'));
const score = scoreMeasurement(STORAGE, answers)!;

/** The stored quads, with the score's setting (hv:setting) replaced when `setting` is given: same IRIs, other claim. */
function shown(setting?: string, patientOfPod = PATIENT) {
  const quads = [...responseToQuads(answers, STORAGE), ...measurementToQuads(score, STORAGE)]
    .map((q) => (setting && q.predicate.value === HV.setting ? DataFactory.quad(q.subject, q.predicate, DataFactory.namedNode(setting)) : q));
  const doc = { role: 'measurements', patient: patientOfPod, kind: 'mmrc-grade' as const };
  return answersByScore([{ doc, quads }], quadsToMeasurements(quads).measurements);
}

describe('answers behind a score on the dashboard', () => {
  it('shows them behind the patient\'s own score', () => {
    expect([...shown().values()]).toEqual([expect.objectContaining({ questionnaire: 'mmrc', items: [{ linkId: 'mmrc-grade', answer: expect.objectContaining({ code: '2' }) }] })]);
  });

  it('not behind a score that does not say the patient entered it (only the patient may say so), nor from another patient\'s pod', () => {
    expect(shown(HV.HomeMunicipality).size).toBe(0);
    expect(shown(undefined, 'http://localhost:3000/kari/profile/card#me').size).toBe(0);
  });
});
