// Minimal typings for shacl-engine (it ships none).
declare module 'shacl-engine' {
  import type { DatasetCore } from '@rdfjs/types';
  export class Validator {
    constructor(shapes: DatasetCore, options: { factory: unknown; debug?: boolean; details?: boolean });
    validate(data: { dataset: DatasetCore; terms?: Iterable<unknown> }): Promise<{ conforms: boolean; results: unknown[] }>;
  }
}
