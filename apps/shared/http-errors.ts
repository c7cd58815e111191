/**
 * The one way an HTTP server here answers an error: `sendProblem` writes a
 * problem+json answer, and `problemHandler` is the last express middleware,
 * turning whatever a route or body parser threw into a problem. Domain errors
 * are ProblemErrors and carry their own status and type, so no list of error
 * classes is kept here; anything unknown is a 500 that says nothing of its
 * insides (the stack goes to the log, never to the client).
 */
import type { NextFunction, Request, Response } from 'express';
import { problem, PROBLEM_CONTENT_TYPE, ProblemError, type Problem } from './problem.ts';

/** A 429 says when to come back (Retry-After), whichever format the body is in. */
export function setRetryAfter(res: Response, p: Problem): void {
  if ((p.status === 429 || p.status === 503) && typeof p.retryAfterSeconds === 'number') res.set('retry-after', String(p.retryAfterSeconds));
}

export function sendProblem(res: Response, p: Problem): void {
  setRetryAfter(res, p);
  res.status(p.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(p));
}

/** The problem for an error body-parser raised (it marks them with `type`); undefined for any other error. */
export function bodyParserProblem(error: unknown, tooLargeHint = 'split the request'): Problem | undefined {
  const e = error as { type?: unknown; status?: unknown; limit?: unknown } | null;
  switch (e?.type) {
    case 'entity.parse.failed':
      return problem(400, 'malformed-json', 'The body is not valid JSON', 'the request body could not be parsed as a JSON object or array; check quotes, commas and brackets');
    case 'entity.too.large':
      return problem(413, 'body-too-large', 'The body is too large', `requests may be at most ${typeof e.limit === 'number' ? e.limit : 'the configured'} bytes; ${tooLargeHint}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'unsupported-media-type', 'Unsupported encoding', 'send the body as UTF-8');
    case 'request.aborted':
      return problem(400, 'request-aborted', 'The request was aborted', 'the body ended before it was complete');
  }
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return problem(e.status, 'bad-request', 'Bad request', 'the request could not be read');
  }
  return undefined;
}

export interface ProblemHandlerOptions {
  /** Names the server in the log line of an unexpected error. */
  readonly service: string;
  /** The detail of a 500: what the client may assume happened (never what went wrong inside). */
  readonly internalDetail: string;
  /** What to do about a body over the limit, in this service's terms (the gateway: split the batch). */
  readonly tooLargeHint?: string;
}

/** The problem for anything thrown: a domain error's own, a body-parser error's, else a silent 500. */
export function problemFor(error: unknown, options: ProblemHandlerOptions): Problem {
  if (error instanceof ProblemError) return error.problem;
  const parser = bodyParserProblem(error, options.tooLargeHint);
  if (parser) return parser;
  console.error(`${options.service}: unexpected error: ${(error as Error)?.stack ?? String(error)}`);
  return problem(500, 'internal-error', 'Internal error', options.internalDetail);
}

/** Express error middleware (install last); `send` lets a server add its own headers (e.g. WWW-Authenticate). */
export function problemHandler(options: ProblemHandlerOptions, send: (res: Response, p: Problem) => void = sendProblem) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    send(res, problemFor(error, options));
  };
}
