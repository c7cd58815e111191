import { describe, expect, it } from 'vitest';
import {
  consentDocument, consentRecordToQuads, notesDocument, parseUnreliableMark, quadsToConsentRecords,
  quadsToUnreliableMarks, unreliableMarkToQuads, validateShapes,
} from '../../../apps/shared/measurement/index.ts';
import { PATIENT, STORAGE } from './fixtures.ts';

const MEASUREMENT = `${STORAGE}health/measurements/oxygen-saturation/2026-02.ttl#m-0123456789abcdef01234567`;
const DOCTOR = 'http://localhost:3000/lunde/profile/card#me';

describe('unreliable mark (clinician note)', () => {
  it('round-trips, conforms to its shape and lives in notes/', async () => {
    const parsed = parseUnreliableMark({ measurement: MEASUREMENT, author: DOCTOR, reason: '  Cold fingers, probe slipped ', created: new Date('2026-02-14T10:00:00Z') });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.reason).toBe('Cold fingers, probe slipped');
    const quads = unreliableMarkToQuads(parsed.value, STORAGE);
    expect(await validateShapes(quads)).toEqual({ conforms: true, violations: [] });
    expect(quads[0]!.subject.value.startsWith(`${notesDocument(STORAGE, parsed.value.created)}#note-`)).toBe(true);
    expect(notesDocument(STORAGE, parsed.value.created)).toBe(`${STORAGE}health/notes/2026-02.ttl`);
    expect(quadsToUnreliableMarks(quads)).toEqual([{ ...parsed.value, iri: quads[0]!.subject.value }]);
  });

  it('refuses an empty or overlong reason and a non-IRI target', () => {
    const result = parseUnreliableMark({ measurement: 'not an iri', author: DOCTOR, reason: ' ' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual(['measurement', 'reason']);
    expect(parseUnreliableMark({ measurement: MEASUREMENT, author: DOCTOR, reason: 'x'.repeat(501) }).ok).toBe(false);
  });
});

describe('consent record (DPV)', () => {
  it('round-trips, conforms to its shape and lives in consent/', async () => {
    const record = {
      dataSubject: PATIENT,
      recipient: 'http://localhost:3000/ous/groups/lungeteam#group',
      data: `${STORAGE}health/measurements/oxygen-saturation/`,
      status: 'withdrawn' as const,
      created: '2026-02-14T11:00:00+01:00',
    };
    const quads = consentRecordToQuads(record, STORAGE);
    expect(await validateShapes(quads)).toEqual({ conforms: true, violations: [] });
    expect(consentDocument(STORAGE, record.created)).toBe(`${STORAGE}health/consent/2026-02.ttl`);
    expect(quadsToConsentRecords(quads)).toEqual([{ ...record, iri: quads[0]!.subject.value }]);
  });

  it('fails SHACL without a status', async () => {
    const quads = consentRecordToQuads({
      dataSubject: PATIENT, recipient: DOCTOR, data: `${STORAGE}health/measurements/heart-rate/`, status: 'given', created: '2026-02-14T11:00:00+01:00',
    }, STORAGE).filter((q) => !q.predicate.value.endsWith('hasConsentStatus'));
    const report = await validateShapes(quads);
    expect(report.conforms).toBe(false);
    expect(report.violations[0]!.message).toMatch(/dpv:ConsentGiven or dpv:ConsentWithdrawn/);
  });
});
