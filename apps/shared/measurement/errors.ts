/**
 * Typed input errors: each names the field and says what to do, so an HTTP
 * edge can turn them into an application/problem+json answer as they are.
 */

export interface FieldError {
  /** JSON-pointer-like path of the offending field, e.g. `readings/3/unit`. */
  readonly field: string;
  readonly message: string;
}

export class MeasurementInputError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
    this.name = 'MeasurementInputError';
  }
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
