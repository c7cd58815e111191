/**
 * The clinician API's HTTP edge, shared by its routers: problem+json
 * answers, parameters read once and strictly, and the problem for any error
 * a route throws (never a stack trace).
 */
import type { NextFunction, Request, Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE, ProblemError, type Problem } from '../../shared/problem.ts';
import { ParameterError } from '../engine/params.ts';
import { AUTHENTICATE_HEADER } from './auth.ts';

export function send(res: Response, p: Problem): void {
  if (p.status === 401) res.set('www-authenticate', AUTHENTICATE_HEADER);
  if (p.status === 429 && typeof p.retryAfterSeconds === 'number') res.set('retry-after', String(p.retryAfterSeconds));
  res.status(p.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}

export function methodNotAllowed(allowed: string[]) {
  return (req: Request, res: Response) => {
    res.set('allow', allowed.join(', '));
    send(res, problem(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not allowed on ${req.path}; use ${allowed.join(' or ')}`));
  };
}

/** Values of a query-string or form parameter, repeated or not; a nested value (`name[x]=`) is refused. */
export function values(source: unknown, name: string): string[] {
  const v = (source as Record<string, unknown> | undefined)?.[name];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  if (list.some((x) => typeof x !== 'string')) throw new ParameterError(name, `${name}: give it as a plain value (${name}=...), not as a list or object`);
  return list as string[];
}

/** Query-string names with brackets (`kind[x]=`): the parser would turn them into objects or drop them unseen. */
export function refuseBracketedParameters(req: Request, _res: Response, next: NextFunction): void {
  const query = req.originalUrl.indexOf('?');
  if (query >= 0) {
    for (const key of new URLSearchParams(req.originalUrl.slice(query + 1)).keys()) {
      if (/[[\]]/.test(key)) return next(new ParameterError(key.replace(/\[.*$/, ''), `${key.slice(0, 60)}: parameters are plain name=value pairs; repeat a name for several values`));
    }
  }
  next();
}

export function one(source: unknown, name: string): string | undefined {
  const all = values(source, name);
  if (all.length > 1) throw new ParameterError(name, `${name}: give it once, not ${all.length} times`);
  return all[0];
}

/** The problem for an error a route threw. */
export function problemFor(error: unknown): Problem {
  if (error instanceof ProblemError) return error.problem;
  if (error instanceof ParameterError) {
    return problem(400, 'invalid-parameter', 'A parameter is not valid', error.message, { errors: [{ field: error.parameter, message: error.message }] });
  }
  const e = error as { type?: string; status?: number; limit?: number };
  if (e?.type === 'entity.too.large') return problem(413, 'too-large', 'The request is too large', `the body may be at most ${e.limit === undefined ? 'the allowed size' : `${Math.round(e.limit / 1024)} kB`} (a query 200 kB, a mark 16 kB)`);
  if (e?.type === 'entity.parse.failed') return problem(400, 'malformed-json', 'The body is not valid JSON', 'the request body could not be parsed as a JSON object; check quotes, commas and brackets');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return problem(415, 'unsupported-media-type', 'Unsupported encoding', 'send the body as UTF-8');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return problem(e.status, 'unreadable-body', 'The request body could not be read', 'the body was cut short or is not in the declared format; send it again');
  console.error(`clinician api: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  return problem(500, 'internal-error', 'Internal error', 'something went wrong in the clinician API; try again, and tell the operators if it persists');
}
