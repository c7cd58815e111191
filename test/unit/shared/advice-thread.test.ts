/** The thread format and what a request or an answer may say (apps/shared/advice-thread.ts). */
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import {
  MAX_DEADLINE_DAYS, MAX_MESSAGE_LENGTH, messageQuads, parseAdviceRequest, parseRecommendation, parseThread, threadDocumentOf,
} from '../../../apps/shared/advice-thread.ts';
import { HV } from '../../../vocab/terms.ts';

const { namedNode, quad } = DataFactory;
const POD = 'https://pods.example/hans/';
const NOW = new Date('2026-12-06T09:00:00Z');
const HOUR = 3_600_000;
const request = (over: Record<string, unknown> = {}) => ({ text: 'SpO2 falling. Advice?', deadline: '2026-12-06T12:00:00+01:00', priority: 'red', ...over });
const fields = (raw: Record<string, unknown>) => {
  const parsed = parseAdviceRequest(raw, POD, NOW);
  return parsed.ok ? [] : parsed.errors.map((e) => e.field);
};

describe('parseAdviceRequest', () => {
  it('takes a good request, deadline in UTC, links deduplicated', () => {
    const m = `${POD}health/measurements/oxygen-saturation/2026-12.ttl#m-1`;
    expect(parseAdviceRequest(request({ regards: [m, m] }), POD, NOW)).toEqual({
      ok: true, value: { text: 'SpO2 falling. Advice?', regards: [m], deadline: '2026-12-06T11:00:00.000Z', priority: 'red' },
    });
  });

  it.each([
    ['a deadline in the past', { deadline: new Date(NOW.getTime() - HOUR).toISOString() }, 'deadline'],
    ['a deadline now', { deadline: NOW.toISOString() }, 'deadline'],
    [`a deadline more than ${MAX_DEADLINE_DAYS} days ahead`, { deadline: new Date(NOW.getTime() + (MAX_DEADLINE_DAYS * 24 + 1) * HOUR).toISOString() }, 'deadline'],
    ['no deadline', { deadline: undefined }, 'deadline'],
    ['a deadline that is no time', { deadline: 'tomorrow' }, 'deadline'],
    ['empty text', { text: ' ' }, 'text'],
    ['text over the limit', { text: 'x'.repeat(MAX_MESSAGE_LENGTH + 1) }, 'text'],
    ['control characters', { text: 'a\u0007b' }, 'text'],
    ['an unknown priority', { priority: 'urgent!' }, 'priority'],
    ['a link to another pod', { regards: ['https://pods.example/kari/health/measurements/blood-glucose/2026-12.ttl#m-1'] }, 'regards/0'],
    ['a link that is not a measurement', { regards: [`${POD}health/consent/x.ttl#c`] }, 'regards/0'],
    ['a period that ends before it starts', { periodStart: '2026-12-05T00:00:00Z', periodEnd: '2026-12-04T00:00:00Z' }, 'periodEnd'],
  ])('refuses %s', (_what, over, field) => {
    expect(fields(request(over))).toContain(field);
  });

  it('accepts a deadline exactly at the limit', () => {
    expect(fields(request({ deadline: new Date(NOW.getTime() + MAX_DEADLINE_DAYS * 24 * HOUR).toISOString() }))).toEqual([]);
  });
});

describe('parseRecommendation', () => {
  it('takes text and an optional action of the list', () => {
    expect(parseRecommendation({ text: 'Start the plan', action: 'start-self-treatment' })).toEqual({ ok: true, value: { text: 'Start the plan', action: 'start-self-treatment' } });
    expect(parseRecommendation({ text: 'Wait', action: '' })).toEqual({ ok: true, value: { text: 'Wait' } });
    expect(parseRecommendation({ text: 'x', action: 'amputate' }).ok).toBe(false);
    expect(parseRecommendation({ text: '' }).ok).toBe(false);
  });
});

describe('a thread document', () => {
  const doc = threadDocumentOf(POD, 'request-1');
  const base = { team: 'https://pods.example/oslo/groups/a#group', task: 'https://pods.example/oslo/worklists/a/request-1#task', regards: [], created: '2026-12-06T09:00:00.000Z' };

  it('reads back what was written; the author is the attested one, never dct:creator', () => {
    const asked = messageQuads(doc, { ...base, type: 'request', text: 'Advice?', claimedAuthor: 'https://pods.example/nilsen/profile/card#me' });
    const answered = messageQuads(doc, { ...base, type: 'recommendation', text: 'Start', action: 'start-self-treatment', claimedAuthor: 'https://pods.example/nilsen/profile/card#me', created: '2026-12-06T10:00:00.000Z' });
    const stamp = quad(namedNode(answered.iri), namedNode(HV.attestedAuthor), namedNode('https://pods.example/lunde/profile/card#me'));
    const shown = parseThread([...answered.quads, ...asked.quads, stamp]);
    expect(shown.map((m) => [m.type, m.text, m.author, m.action])).toEqual([
      ['request', 'Advice?', undefined, undefined],
      ['recommendation', 'Start', 'https://pods.example/lunde/profile/card#me', 'start-self-treatment'],
    ]);
    expect(doc).toBe('https://pods.example/hans/health/notes/thread-request-1.ttl');
  });

  it('shows no author when two attestations disagree', () => {
    const m = messageQuads(doc, { ...base, type: 'request', text: 'x', claimedAuthor: 'https://a.example/#me' });
    const stamps = ['https://a.example/#me', 'https://b.example/#me'].map((a) => quad(namedNode(m.iri), namedNode(HV.attestedAuthor), namedNode(a)));
    expect(parseThread([...m.quads, ...stamps])[0]!.author).toBeUndefined();
  });
});
