/** Small express pieces every gateway router uses. */
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from '../../shared/http-errors.ts';
import { problem, type Problem } from '../../shared/problem.ts';

/** How a router answers an error: problem+json, or (FHIR routes) an OperationOutcome. */
export type SendError = (res: Response, p: Problem) => void;

/** Answers 415 unless the body is one of `types` (before the body is parsed). */
export function requireContentType(types: string[], send: SendError = sendProblem) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.is(types)) return next();
    send(res, problem(415, 'unsupported-media-type', 'Unsupported content type',
      `send the body as ${types.join(' or ')} (got ${req.get('content-type') ?? 'no Content-Type'})`));
  };
}

export function methodNotAllowed(allowed: string[], send: SendError = sendProblem) {
  return (req: Request, res: Response) => {
    res.set('allow', allowed.join(', '));
    send(res, problem(405, 'method-not-allowed', 'Method not allowed', `${req.method} is not allowed on ${req.path}; use ${allowed.join(' or ')}`));
  };
}
