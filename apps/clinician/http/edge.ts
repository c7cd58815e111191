/**
 * The clinician API's HTTP edge, shared by its routers: problem+json
 * answers, parameters read once and strictly, and the problem for any error
 * a route throws (never a stack trace).
 */
import type { NextFunction, Request, Response } from 'express';
import { problemFor as anyProblemFor, sendProblem } from '../../shared/http-errors.ts';
import { problem, type Problem } from '../../shared/problem.ts';
import { ParameterError } from '../engine/params.ts';
import { AUTHENTICATE_HEADER } from './auth.ts';

/** sendProblem, and a 401 says how to log in (WWW-Authenticate). */
export function send(res: Response, p: Problem): void {
  if (p.status === 401) res.set('www-authenticate', AUTHENTICATE_HEADER);
  sendProblem(res, p);
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
export const problemFor = (error: unknown): Problem => anyProblemFor(error, {
  service: 'clinician api',
  internalDetail: 'something went wrong in the clinician API; try again, and tell the operators if it persists',
  tooLargeHint: 'a query may be at most 200 kB and a mark 16 kB',
});
