/**
 * Planning: kinds x Oslo months x patients -> exactly the documents to fetch;
 * scopes from query, declared parameters and defaults; limits.
 */
import { describe, expect, it } from 'vitest';
import { checkPlanSize, planDocuments, resolveScope, type Scope } from '../../../apps/clinician/engine/plan.ts';
import { withinWindow } from '../../../apps/clinician/engine/engine.ts';
import { measurementToQuads } from '../../../apps/shared/measurement/index.ts';
import { ProblemError } from '../../../apps/shared/problem.ts';

const NOW = new Date('2026-03-10T12:00:00Z');
const pods = [
  { webId: 'http://pods.example/ola/profile/card#me', storage: 'http://pods.example/ola/' },
  { webId: 'http://pods.example/kari/profile/card#me', storage: 'http://pods.example/kari/' },
];
const scope = (over: Partial<Scope>): Scope => ({
  kinds: ['oxygen-saturation'], from: new Date('2026-03-08T12:00:00Z'), to: NOW, notes: false, basis: { kinds: 'query', time: 'query' }, ...over,
});

describe('planDocuments', () => {
  it('48 hours inside one month: one document per patient and kind', () => {
    const plan = planDocuments(pods, scope({ kinds: ['oxygen-saturation', 'heart-rate'] }), NOW);
    expect(plan.map((d) => d.url)).toEqual([
      'http://pods.example/ola/health/measurements/oxygen-saturation/2026-03.ttl',
      'http://pods.example/ola/health/measurements/heart-rate/2026-03.ttl',
      'http://pods.example/kari/health/measurements/oxygen-saturation/2026-03.ttl',
      'http://pods.example/kari/health/measurements/heart-rate/2026-03.ttl',
    ]);
  });

  it('months are Europe/Oslo months: 23:30 UTC on 31 January is already February', () => {
    const plan = planDocuments(pods.slice(0, 1), scope({ from: new Date('2026-01-31T23:30:00Z'), to: new Date('2026-02-01T10:00:00Z') }), NOW);
    expect(plan.map((d) => d.month)).toEqual(['2026-02']);
  });

  it('newest month first, each month across every patient and kind before the next (a 403 is learnt early)', () => {
    const plan = planDocuments(pods, scope({ from: new Date('2026-01-15T00:00:00Z') }), NOW);
    expect(plan.map((d) => `${d.month} ${d.patient.split('/')[3]}`)).toEqual([
      '2026-03 ola', '2026-03 kari', '2026-02 ola', '2026-02 kari', '2026-01 ola', '2026-01 kari',
    ]);
  });

  it('notes: every month from the window\'s start until now (a mark may be written later)', () => {
    const plan = planDocuments(pods.slice(0, 1), scope({ notes: true, from: new Date('2026-01-15T00:00:00Z'), to: new Date('2026-01-20T00:00:00Z') }), NOW);
    expect(plan.filter((d) => d.role === 'notes').map((d) => d.url)).toEqual([
      'http://pods.example/ola/health/notes/2026-03.ttl', 'http://pods.example/ola/health/notes/2026-02.ttl', 'http://pods.example/ola/health/notes/2026-01.ttl',
    ]);
  });

  it('refuses plans larger than the limit, saying how to narrow them', () => {
    const plan = planDocuments(pods, scope({ kinds: ['oxygen-saturation', 'heart-rate'] }), NOW);
    expect(() => checkPlanSize(plan.length, 2, scope({}), 3)).toThrow(ProblemError);
    expect(() => checkPlanSize(plan.length, 2, scope({}), 4)).not.toThrow();
  });
});

describe('resolveScope', () => {
  const limits = { maxRangeDays: 366, defaultWindowDays: 30 };

  it('uses the query\'s window and kinds', () => {
    const s = resolveScope({ kinds: ['body-weight'], time: { from: new Date('2026-03-01T00:00:00Z') }, notes: false }, {}, NOW, limits);
    expect(s).toMatchObject({ kinds: ['body-weight'], from: new Date('2026-03-01T00:00:00Z'), to: NOW, basis: { kinds: 'query', time: 'query' } });
  });

  it('declared parameters win over the query', () => {
    const s = resolveScope({ kinds: ['body-weight'], time: { from: new Date('2026-03-01T00:00:00Z') }, notes: false },
      { kinds: ['heart-rate'], from: new Date('2026-02-01T00:00:00Z') }, NOW, limits);
    expect(s).toMatchObject({ kinds: ['heart-rate'], from: new Date('2026-02-01T00:00:00Z'), basis: { kinds: 'declared', time: 'declared' } });
  });

  it('falls back to every kind and the default window, and says so', () => {
    const s = resolveScope({ notes: false }, {}, NOW, limits);
    expect(s.kinds).toHaveLength(12);
    expect(s.from).toEqual(new Date(NOW.getTime() - 30 * 86_400_000));
    expect(s.basis).toEqual({ kinds: 'all', time: 'default' });
  });

  it('never reaches into the future', () => {
    expect(resolveScope({ notes: false }, { to: new Date('2027-01-01T00:00:00Z'), from: new Date('2026-03-01T00:00:00Z') }, NOW, limits).to).toEqual(NOW);
  });

  it.each([
    ['too wide', { from: new Date('2024-01-01T00:00:00Z') }, 'time-range-too-wide'],
    ['empty', { from: new Date('2026-03-09T00:00:00Z'), to: new Date('2026-03-01T00:00:00Z') }, 'empty-time-range'],
  ])('refuses a window that is %s (422)', (_name, declared, kind) => {
    try {
      resolveScope({ notes: false }, declared, NOW, limits);
      throw new Error('accepted');
    } catch (error) {
      expect((error as ProblemError).problem).toMatchObject({ status: 422, type: `https://w3id.org/helsevev/problems#${kind}` });
    }
  });
});

describe('withinWindow', () => {
  it('drops observations outside the window with their results, panel members included', () => {
    const base = { patient: 'http://pods.example/ola/profile/card#me', device: 'bt-1', source: 'http://pods.example/vendor/profile/card#me', setting: 'home-hospital' as const };
    const inside = measurementToQuads({ ...base, kind: 'blood-pressure', systolic: 120, diastolic: 80, unit: 'mm[Hg]', effectiveTime: '2026-03-09T08:00:00+01:00' }, 'http://pods.example/ola/');
    const outside = measurementToQuads({ ...base, kind: 'blood-pressure', systolic: 150, diastolic: 95, unit: 'mm[Hg]', effectiveTime: '2026-03-01T08:00:00+01:00' }, 'http://pods.example/ola/');
    const kept = withinWindow([...inside, ...outside], new Date('2026-03-08T00:00:00Z'), NOW);
    const key = (q: { subject: { value: string }; predicate: { value: string }; object: { value: string } }) => `${q.subject.value} ${q.predicate.value} ${q.object.value}`;
    // The sensor is the same node for both readings (same document and device): it stays.
    expect(new Set(kept.map(key))).toEqual(new Set(inside.map(key)));
  });
});
