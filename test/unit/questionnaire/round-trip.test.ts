/**
 * Answers -> RDF -> SHACL-valid -> FHIR QuestionnaireResponse -> RDF, equal;
 * the score stored as a measurement like any other, linked both ways; bad
 * RDF and bad FHIR refused with reasons.
 */
import { DataFactory, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { measurementIri, measurementToQuads, quadsToMeasurements, validateShapes } from '../../../apps/shared/measurement/index.ts';
import { scoreAnswers } from '../../../apps/shared/questionnaire/answers.ts';
import { fhirToAnswers, responseToFhir } from '../../../apps/shared/questionnaire/fhir.ts';
import { quadsToResponses, responseToQuads } from '../../../apps/shared/questionnaire/rdf.ts';
import { answersOf, RESPONSE_SYSTEM, scoreMeasurement } from '../../../apps/shared/questionnaire/response.ts';
import { HV } from '../../../vocab/terms.ts';
import { PATIENT, STORAGE } from '../measurement/fixtures.ts';

const key = (q: Quad) => `${q.subject.value} ${q.predicate.value} ${q.object.termType}:${q.object.value}:${'datatype' in q.object ? q.object.datatype?.value : ''}`;
const sorted = (quads: readonly Quad[]) => quads.map(key).sort();

function answered(id: 'cat' | 'mmrc', raw: Record<string, string>) {
  const scored = scoreAnswers(id, raw);
  if (!scored.ok) throw new Error(JSON.stringify(scored.errors));
  return answersOf(PATIENT, scored.value, new Date('2026-03-02T09:15:00Z'));
}

const CAT = answered('cat', { 'cat-1': '3', 'cat-2': '2', 'cat-3': '4', 'cat-4': '5', 'cat-5': '1', 'cat-6': '0', 'cat-7': '2', 'cat-8': '3' });
const MMRC = answered('mmrc', { 'mmrc-grade': '3' });

describe.each([['CAT', CAT, 20], ['mMRC', MMRC, 3]] as const)('%s response', (_name, answers, expected) => {
  const score = scoreMeasurement(STORAGE, answers)!;
  const quads = [...responseToQuads(answers, STORAGE), ...measurementToQuads(score, STORAGE)];

  it('is SHACL-valid with its score, and round-trips through FHIR QuestionnaireResponse to the same triples', async () => {
    expect(await validateShapes(quads)).toEqual({ conforms: true, violations: [] });
    const { responses, problems } = quadsToResponses(quads);
    expect(problems).toEqual([]);
    expect(responses).toHaveLength(1);
    const fhir = responseToFhir(responses[0]!);
    expect(fhir).toMatchObject({ resourceType: 'QuestionnaireResponse', status: 'completed', subject: { reference: PATIENT }, author: { reference: PATIENT } });
    const back = fhirToAnswers(JSON.parse(JSON.stringify(fhir)));
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    const again = [...responseToQuads(back.value, STORAGE), ...measurementToQuads(scoreMeasurement(STORAGE, back.value)!, STORAGE)];
    expect(sorted(again)).toEqual(sorted(quads));
  });

  it(`stores the score ${expected} as a patient-entered measurement that names its response, and the response names it`, () => {
    const [m] = quadsToMeasurements(quads).measurements;
    const response = quadsToResponses(quads).responses[0]!;
    expect(m).toMatchObject({ kind: answers.score!.kind, value: expected, setting: 'patient-entered', source: PATIENT, identifier: { system: RESPONSE_SYSTEM, value: response.iri } });
    expect(response.scoreIri).toBe(measurementIri(STORAGE, score));
    expect(response.iri.startsWith(`${STORAGE}health/measurements/${answers.score!.kind}/2026-03.ttl#response-`)).toBe(true);
  });
});

describe('refused', () => {
  const quads = responseToQuads(CAT, STORAGE);
  const { namedNode, literal, quad } = DataFactory;

  it('a response with an item that has two answers fails the shape and does not read back', async () => {
    const item = quads.find((q) => q.predicate.value === HV.item)!.object;
    const broken = [...quads, quad(item as never, namedNode(HV.valueBoolean), literal('true', namedNode('http://www.w3.org/2001/XMLSchema#boolean')))];
    expect((await validateShapes(broken)).conforms).toBe(false);
    expect(quadsToResponses(broken).problems).toHaveLength(1);
  });

  it('a stored answer the questionnaire does not allow (6 on a 0-5 item) does not read back as an answer', () => {
    const edited = quads.map((q) => (q.predicate.value === HV.code && q.object.value === '5' ? quad(q.subject, q.predicate, literal('6')) : q));
    expect(quadsToResponses(edited)).toMatchObject({ responses: [], problems: [{ problem: expect.stringContaining('cat-4') }] });
  });

  it.each([
    ['a missing required item', (r: Record<string, unknown>) => ({ ...r, item: (r.item as unknown[]).slice(1) }), 'item/cat-1'],
    ['an answer outside 0-5', (r: Record<string, unknown>) => ({ ...r, item: [{ linkId: 'cat-1', answer: [{ valueCoding: { code: '7' } }] }, ...(r.item as unknown[]).slice(1)] }), 'item/cat-1'],
    ['an author who is not the patient', (r: Record<string, unknown>) => ({ ...r, author: { reference: 'http://localhost:3000/lunde/profile/card#me' } }), 'author/reference'],
    ['an unknown questionnaire', (r: Record<string, unknown>) => ({ ...r, questionnaire: 'http://example.org/phq-9' }), 'questionnaire'],
    ['a response in progress', (r: Record<string, unknown>) => ({ ...r, status: 'in-progress' }), 'status'],
  ])('a FHIR QuestionnaireResponse with %s', (_what, edit, field) => {
    const fhir = JSON.parse(JSON.stringify(responseToFhir(quadsToResponses(quads).responses[0]!))) as Record<string, unknown>;
    const result = fhirToAnswers(edit(fhir));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toContain(field);
  });
});
