/**
 * RFC 9457 problem details (`application/problem+json`) for Helsevev's HTTP
 * APIs: one shape for every error, with a message a person can act on and,
 * for bad input, every wrong field and why. Never a stack trace.
 */
import type { FieldError } from './measurement/errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem type URIs; docs/gateway.md describes each. */
export const PROBLEM_BASE = 'https://w3id.org/helsevev/problems#';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  /**
   * Every wrong field: `field` is a path like `readings/3/unit`; `pointer` is
   * the same as a JSON Pointer (RFC 6901), when the path is one.
   */
  readonly errors?: readonly (FieldError & { pointer?: string })[];
  readonly [extension: string]: unknown;
}

/**
 * An error that knows its own answer: every domain error a route may throw
 * is one (or extends it), so the HTTP edge (http-errors.ts) sends
 * `problem` as it is and keeps no list of error classes.
 */
export class ProblemError extends Error {
  constructor(readonly problem: Problem, message = problem.detail ?? problem.title) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * A JSON Pointer (RFC 6901) for a field path like `entry/2/resource/valueQuantity/code`;
 * undefined for paths that name no single JSON value (`component(systolic)/...`).
 */
export function toPointer(field: string): string | undefined {
  if (field === '') return '';
  if (/[()]/.test(field)) return undefined;
  return `/${field.split('/').map((p) => p.replace(/~/g, '~0')).join('/')}`;
}

export function problem(
  status: number,
  kind: string,
  title: string,
  detail?: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { type: `${PROBLEM_BASE}${kind}`, title, status, ...(detail ? { detail } : {}), ...extensions };
}

/** 422 naming each wrong field. */
export function invalidInput(errors: readonly FieldError[], detail: string): Problem {
  return problem(422, 'invalid-input', 'The input is not valid', detail, {
    errors: errors.map((e) => {
      const pointer = toPointer(e.field);
      return { field: e.field, message: e.message, ...(pointer === undefined ? {} : { pointer }) };
    }),
  });
}
