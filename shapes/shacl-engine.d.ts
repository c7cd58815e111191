// Minimal typings for shacl-engine (it ships none). `shapes` and a shape's
// `targetResolver` are the engine's own (untyped) internals, read by
// shapes/validate.ts to skip shapes without targets; re-check on an upgrade
// (test/unit/shapes/narrowed.test.ts compares with the unpruned validation).
declare module 'shacl-engine' {
  import type { DatasetCore, Term } from '@rdfjs/types';
  /** A grapoi pointer to a shape in the shapes graph. */
  export interface ShapePointer { readonly terms: Term[] }
  export interface ShapeTargets {
    readonly ptr: ShapePointer;
    readonly targetResolver: {
      readonly targetClass: { readonly size: number; has(term: Term): boolean };
      readonly targetNode: readonly Term[];
      readonly targetObjectsOf: readonly Term[];
      readonly targetSubjectsOf: readonly Term[];
      readonly targets: readonly unknown[];
    };
  }
  export class Validator {
    constructor(shapes: DatasetCore, options: { factory: unknown; debug?: boolean; details?: boolean });
    /** Every shape compiled so far, by its term (grows as nested shapes are compiled). */
    readonly shapes: Map<Term, ShapeTargets>;
    /** With `shapes`, only those shapes' targets are resolved and validated. */
    validate(data: { dataset: DatasetCore; terms?: Iterable<unknown> }, shapes?: readonly ShapePointer[]): Promise<{ conforms: boolean; results: unknown[] }>;
  }
}
