/** A team's questionnaire request: checked input, SHACL-valid RDF, shown with the attested author only, due by schedule. */
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { validateShapes } from '../../../apps/shared/measurement/index.ts';
import { isDue, parseQuestionnaireRequest, quadsToShownRequests, requestToQuads } from '../../../apps/shared/questionnaire/request.ts';
import { HV } from '../../../vocab/terms.ts';
import { PATIENT, STORAGE } from '../measurement/fixtures.ts';

const LUNDE = 'http://localhost:3000/lunde/profile/card#me';
const { namedNode, literal, quad } = DataFactory;
const created = new Date('2026-03-02T08:00:00Z');

describe('questionnaire request', () => {
  const parsed = parseQuestionnaireRequest({ patient: PATIENT, questionnaire: 'cat', schedule: 'weekly', author: LUNDE, created });
  if (!parsed.ok) throw new Error('fixture');
  const quads = requestToQuads(parsed.value, STORAGE);

  it('is written to notes/ and passes its shape', async () => {
    expect(quads[0]!.subject.value.startsWith(`${STORAGE}health/notes/2026-03.ttl#request-`)).toBe(true);
    expect(await validateShapes(quads)).toEqual({ conforms: true, violations: [] });
  });

  it('refuses an unknown questionnaire, one without a place to store answers, and an unknown schedule', () => {
    const bad = parseQuestionnaireRequest({ patient: PATIENT, questionnaire: 'phq-9', schedule: 'daily', author: LUNDE });
    expect(!bad.ok && bad.errors.map((e) => e.field)).toEqual(['questionnaire', 'schedule']);
    expect(parseQuestionnaireRequest({ patient: PATIENT, questionnaire: 'copd-follow-up', schedule: 'once', author: LUNDE }).ok).toBe(false);
  });

  it('shows the author the pod server attested, never dct:creator; unattested has no author', () => {
    const subject = quads[0]!.subject;
    expect(quadsToShownRequests(quads)[0]).toMatchObject({ questionnaire: 'cat', schedule: 'weekly' });
    expect(quadsToShownRequests(quads)[0]!.author).toBeUndefined();
    const attested = [...quads, quad(subject, namedNode(HV.attestedAuthor), namedNode(LUNDE)), quad(subject, namedNode(HV.attestedAt), literal('2026-03-02T08:00:01Z'))];
    expect(quadsToShownRequests(attested)[0]!.author).toBe(LUNDE);
  });

  it('is due weekly until answered within the last seven days; once until answered after it was made', () => {
    const [r] = quadsToShownRequests(quads);
    const now = new Date('2026-03-20T12:00:00Z');
    expect(isDue(r!, [], now)).toBe(true);
    expect(isDue(r!, ['2026-03-10T09:00:00+01:00'], now)).toBe(true);
    expect(isDue(r!, ['2026-03-15T09:00:00+01:00'], now)).toBe(false);
    const once = { ...r!, schedule: 'once' as const };
    expect(isDue(once, ['2026-03-01T09:00:00+01:00'], now)).toBe(true);
    expect(isDue(once, ['2026-03-03T09:00:00+01:00'], now)).toBe(false);
  });
});
