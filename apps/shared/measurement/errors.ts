/**
 * Input errors as values: each names the field and says what to do, so an
 * HTTP edge can turn them into an application/problem+json answer as they are.
 */

export interface FieldError {
  /** JSON-pointer-like path of the offending field, e.g. `readings/3/unit`. */
  readonly field: string;
  readonly message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
