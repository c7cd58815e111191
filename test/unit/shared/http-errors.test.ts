/**
 * The one HTTP error edge (apps/shared/http-errors.ts): which status and
 * problem type each error becomes, as a table, and the same errors as FHIR
 * OperationOutcome issue codes (apps/shared/fhir/outcome.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FhirSearchError } from '../../../apps/clinician/http/fhir.ts';
import { ParameterError } from '../../../apps/clinician/engine/params.ts';
import { ProfileError } from '../../../apps/gateway/pairing/profile.ts';
import { parsePairingRequest } from '../../../apps/gateway/pairing/requests.ts';
import { operationOutcomeFor, sendOperationOutcome } from '../../../apps/shared/fhir/outcome.ts';
import { problemFor, problemHandler } from '../../../apps/shared/http-errors.ts';
import { PROBLEM_BASE, problem, ProblemError } from '../../../apps/shared/problem.ts';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected it to throw');
}

const options = { service: 'test', internalDetail: 'something went wrong; nothing was stored' };
/** What body-parser throws (an http-errors error with a `type`). */
const parserError = (type: string, status: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(type), { type, status, statusCode: status, expose: true, ...extra });

describe('problemFor', () => {
  it.each([
    ['malformed JSON', parserError('entity.parse.failed', 400), 400, 'malformed-json'],
    ['a body over the limit', parserError('entity.too.large', 413, { limit: 1024 }), 413, 'body-too-large'],
    ['an unsupported Content-Encoding', parserError('encoding.unsupported', 415), 415, 'unsupported-media-type'],
    ['an unsupported charset', parserError('charset.unsupported', 415), 415, 'unsupported-media-type'],
    ['an aborted body', parserError('request.aborted', 400), 400, 'request-aborted'],
    ['another 4xx from a parser', parserError('stream.not.readable', 400), 400, 'bad-request'],
    ['a domain ProblemError', new ProblemError(problem(422, 'query-too-large', 'Too large', 'read fewer')), 422, 'query-too-large'],
    ['a parameter error', new ParameterError('team', 'team: say which team'), 400, 'invalid-parameter'],
    ['an invalid pairing request', thrownBy(() => parsePairingRequest({ kinds: [] })), 422, 'invalid-input'],
    ['a profile naming no pod', new ProfileError('the profile names no pod'), 422, 'profile-without-pod'],
    ['an unreadable profile', new ProfileError('could not read it', 502), 502, 'profile-unavailable'],
    ['a refused FHIR search', new FhirSearchError(400, 'required', 'give subject='), 400, 'invalid-search'],
    ['a plain Error', new Error('secret /etc/passwd at line 3'), 500, 'internal-error'],
    ['a thrown string', 'boom', 500, 'internal-error'],
    ['a 5xx with a type', parserError('entity.verify.failed', 503), 500, 'internal-error'],
  ] as const)('%s -> %i %s', (_name, error, status, kind) => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const p = problemFor(error, options);
    log.mockRestore();
    expect(p.status).toBe(status);
    expect(p.type).toBe(`${PROBLEM_BASE}${kind}`);
    expect(p.detail?.length).toBeGreaterThan(5);
  });

  it('says nothing of an unexpected error\'s insides', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const p = problemFor(new Error('secret /etc/passwd at line 3'), options);
    expect(log).toHaveBeenCalledOnce();
    log.mockRestore();
    expect(JSON.stringify(p)).not.toMatch(/secret|passwd|at line/);
    expect(p.detail).toBe(options.internalDetail);
  });

  it('keeps the field errors of a pairing request', () => {
    const error = thrownBy(() => parsePairingRequest({ device: { id: 'OX-1', model: 'PulseOx' }, kinds: ['oxygen-saturation', 'x-ray'] }));
    expect(problemFor(error, options).errors).toEqual([{ field: 'kinds/1', message: expect.stringContaining('is not a kind'), pointer: '/kinds/1' }]);
  });
});

describe('operationOutcomeFor', () => {
  it.each([
    [new FhirSearchError(400, 'code-invalid', 'unknown code'), 'code-invalid'],
    [new ParameterError('team', 'team: say which team'), 'invalid'],
    [new ProblemError(problem(401, 'unauthenticated', 'Log in first', 'log in')), 'login'],
    [new ProblemError(problem(403, 'not-team-member', 'Not in the team', 'ask')), 'forbidden'],
    [new ProblemError(problem(422, 'query-too-large', 'Too large', 'read fewer')), 'processing'],
  ])('%s -> %s', (error, code) => {
    const outcome = operationOutcomeFor(error.problem);
    expect(outcome).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: error.message }] });
  });
});

describe('problemHandler behind a real body parser', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    app.post('/', express.json({ limit: 100 }), (_req, res) => { res.sendStatus(204); });
    app.get('/fhir/busy', (_req, res) => {
      sendOperationOutcome(res, problem(429, 'too-many-queries', 'Too many queries at once', 'wait', { retryAfterSeconds: 7 }));
    });
    app.use(problemHandler(options));
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['malformed JSON', '{"a":', 400, 'malformed-json'],
    ['a body over the limit', JSON.stringify({ a: 'x'.repeat(200) }), 413, 'body-too-large'],
  ])('%s -> %i %s as problem+json', async (_name, body, status, kind) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await response.json()) as { type: string }).type).toBe(`${PROBLEM_BASE}${kind}`);
  });

  it('a 429 OperationOutcome says when to come back, as a 429 problem does', async () => {
    const response = await fetch(`${url}fhir/busy`);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    expect(response.headers.get('retry-after')).toBe('7');
  });
});
