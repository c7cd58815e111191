/**
 * appendQuads is the one place that decides which answers of a pod server are
 * worth retrying; the gateway's delivery follows its `retry` flag.
 */
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { appendQuads } from '../../../apps/shared/append.ts';

const { namedNode, quad, literal } = DataFactory;
const DOC = 'http://localhost:3000/hans/health/measurements/heart-rate/2026-01.ttl';
const QUADS = [quad(namedNode(`${DOC}#m-1`), namedNode('http://www.w3.org/ns/sosa/hasSimpleResult'), literal('71'))];

const answering = (status: number): typeof fetch => async () => new Response(status === 205 ? null : 'because', { status });

describe('appendQuads', () => {
  it.each([
    [205, 'ok'],
    [401, 'retry'],
    [403, 'refused'],
    [400, 'refused'],
    [404, 'refused'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('HTTP %i: %s', async (status, expected) => {
    const outcome = await appendQuads(answering(status), DOC, QUADS);
    expect(outcome.ok ? 'ok' : outcome.retry ? 'retry' : 'refused').toBe(expected);
    if (!outcome.ok) expect(outcome.status).toBe(status);
  });

  it('retries when the pod server cannot be reached', async () => {
    const outcome = await appendQuads(async () => { throw new TypeError('fetch failed'); }, DOC, QUADS);
    expect(outcome).toMatchObject({ ok: false, retry: true });
  });

  it('says what a 401 and a 403 mean', async () => {
    expect(await appendQuads(answering(401), DOC, QUADS)).toMatchObject({ reason: expect.stringMatching(/did not accept the writer's login/) });
    expect(await appendQuads(answering(403), DOC, QUADS)).toMatchObject({ reason: expect.stringMatching(/has not granted this writer Append/) });
  });
});
