/**
 * Solid N3 Patch documents (Solid Protocol, "N3 Patch"), sent with
 * `Content-Type: text/n3`. An insert-only patch needs only acl:Append, so it is
 * how device data and clinicians' notes are added to a pod; and since triples
 * are a set, inserting the same triples twice is a no-op.
 */
import { Writer, type Quad } from 'n3';

export const N3_PATCH_CONTENT_TYPE = 'text/n3';

const SOLID = 'http://www.w3.org/ns/solid/terms#';

function formula(quads: readonly Quad[]): string {
  return new Writer({ format: 'N-Triples' }).quadsToString([...quads]).trim();
}

/** A patch that only inserts `quads` (allowed with Append; creates the document if missing). */
export function insertOnlyPatch(quads: readonly Quad[]): string {
  return `@prefix solid: <${SOLID}>.\n_:patch a solid:InsertDeletePatch;\n  solid:inserts {\n${formula(quads)}\n  }.\n`;
}

/** A patch that deletes `deletes` and inserts `inserts` (needs Read and Write); empty clauses are left out. */
export function insertDeletePatch(inserts: readonly Quad[], deletes: readonly Quad[]): string {
  const clauses = [
    deletes.length > 0 ? `  solid:deletes {\n${formula(deletes)}\n  }` : undefined,
    inserts.length > 0 ? `  solid:inserts {\n${formula(inserts)}\n  }` : undefined,
  ].filter((c) => c !== undefined);
  return `@prefix solid: <${SOLID}>.\n_:patch a solid:InsertDeletePatch${clauses.length > 0 ? ';\n' : ''}${clauses.join(';\n')}.\n`;
}
