/**
 * ownFacts (engine/plan.ts) and notes.ts quadsToShownMarks: what of a document
 * counts as facts about its patient, and which author a mark shows.
 */
import { DataFactory, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import { inDocument, ownFacts, type PlannedDocument } from '../../../apps/clinician/engine/plan.ts';
import { measurementIri, measurementToQuads, quadsToMeasurements, quadsToShownMarks, unreliableMarkToQuads, type Measurement } from '../../../apps/shared/measurement/index.ts';
import { HV, XSD } from '../../../vocab/terms.ts';

const { namedNode, literal, quad } = DataFactory;
const POD = (p: string) => `http://pods.example/${p}/`;
const ME = (p: string) => `${POD(p)}profile/card#me`;
const AT = '2026-02-14T08:30:00+01:00';
const reading = (patient: string, device = 'oxi-1'): Measurement =>
  ({ patient: ME(patient), kind: 'oxygen-saturation', value: 91, unit: '%', effectiveTime: AT, device, source: ME('vendor'), setting: 'home-hospital' }) as Measurement;
const doc = (patient: string): PlannedDocument =>
  ({ role: 'measurements', url: `${POD(patient)}health/measurements/oxygen-saturation/2026-02.ttl`, patient: ME(patient), kind: 'oxygen-saturation', month: '2026-02' });

describe('ownFacts', () => {
  it('keeps a patient\'s own reading', () => {
    const quads = measurementToQuads(reading('kari'), POD('kari'));
    expect(ownFacts(doc('kari'), quads)).toHaveLength(quads.length);
  });

  it('drops a reading about another patient, and one whose IRI lies in another pod', () => {
    const aboutOla = measurementToQuads(reading('ola'), POD('kari'));
    const inOlasPod = measurementToQuads(reading('kari', 'oxi-2'), POD('ola'));
    const kept = ownFacts(doc('kari'), [...aboutOla, ...inOlasPod]);
    expect(quadsToMeasurements(kept).measurements).toEqual([]);
  });

  it('drops a note on a reading of another pod, keeps one on its own', () => {
    const notes: PlannedDocument = { role: 'notes', url: `${POD('kari')}health/notes/2026-02.ttl`, patient: ME('kari'), month: '2026-02' };
    const mark = (target: string) => unreliableMarkToQuads({ measurement: target, reason: 'r', author: ME('dahl'), created: AT }, POD('kari'));
    const own = mark(measurementIri(POD('kari'), reading('kari')));
    const foreign = mark(measurementIri(POD('ola'), reading('ola')));
    expect(ownFacts(notes, [...own, ...foreign])).toEqual(own);
  });

  it('a document is itself or its fragments, not a longer path', () => {
    expect(inDocument('http://a/x.ttl#m', 'http://a/x.ttl')).toBe(true);
    expect(inDocument('http://a/x.ttl', 'http://a/x.ttl')).toBe(true);
    expect(inDocument('http://a/x.ttl2#m', 'http://a/x.ttl')).toBe(false);
  });
});

describe('quadsToShownMarks', () => {
  const quads = unreliableMarkToQuads({ measurement: measurementIri(POD('hans'), reading('hans')), reason: 'r', author: ME('nilsen'), created: AT }, POD('hans'));
  const note = quads[0]!.subject;
  const attest = (who: string, at = '2026-02-14T07:31:00.000Z'): Quad[] => [
    quad(note, namedNode(HV.attestedAuthor), namedNode(ME(who))),
    quad(note, namedNode(HV.attestedAt), literal(at, namedNode(XSD.dateTime))),
  ];

  it('shows the attested writer, and the differing claim only as a claim', () => {
    const [mark] = quadsToShownMarks([...quads, ...attest('lunde')]);
    expect(mark).toMatchObject({ author: ME('lunde'), claimedAuthor: ME('nilsen'), created: '2026-02-14T08:31:00+01:00' });
  });

  it('no attestation, or two writers: author not verified', () => {
    expect(quadsToShownMarks(quads)[0]!.author).toBeUndefined();
    expect(quadsToShownMarks([...quads, ...attest('lunde'), ...attest('dahl')])[0]!.author).toBeUndefined();
  });

  it('the same writer retried: one author, the earliest time', () => {
    const [mark] = quadsToShownMarks([...quads, ...attest('nilsen', '2026-02-14T07:32:00Z'), ...attest('nilsen', '2026-02-14T07:31:00Z')]);
    expect(mark).toMatchObject({ author: ME('nilsen'), created: '2026-02-14T08:31:00+01:00' });
    expect(mark!.claimedAuthor).toBeUndefined();
  });
});
