/**
 * Errors the FHIR way: an OperationOutcome (what FHIR clients expect) for the
 * same problems the rest of the API answers as problem+json, decided here
 * once for every FHIR route.
 */
import type { Response } from 'express';
import { setRetryAfter } from '../http-errors.ts';
import { PROBLEM_BASE, type Problem } from '../problem.ts';

export const FHIR_JSON = 'application/fhir+json';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export function operationOutcome(issues: { severity: IssueSeverity; code: string; diagnostics: string }[]) {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/**
 * The FHIR issue code of a problem: its own `fhirIssueCode` when it has one
 * (FHIR search errors), else one that says the same as its status and type.
 */
function issueCode(p: Problem): string {
  if (typeof p.fhirIssueCode === 'string') return p.fhirIssueCode;
  if (p.type === `${PROBLEM_BASE}invalid-parameter`) return 'invalid';
  if (p.status === 401) return 'login';
  if (p.status === 403) return 'forbidden';
  return 'processing';
}

/** The OperationOutcome saying `p`, to be sent with status `p.status`. */
export function operationOutcomeFor(p: Problem) {
  return operationOutcome([{ severity: 'error', code: issueCode(p), diagnostics: p.detail ?? p.title }]);
}

/** sendProblem's twin for FHIR routes: `p` as an OperationOutcome, with `p.status`. */
export function sendOperationOutcome(res: Response, p: Problem): void {
  setRetryAfter(res, p);
  res.status(p.status).type(FHIR_JSON).send(JSON.stringify(operationOutcomeFor(p)));
}
