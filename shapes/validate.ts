/**
 * SHACL validation of everything Helsevev writes, with the maintained RDF/JS
 * engine `shacl-engine`. Shapes are the Turtle files in this folder, loaded
 * once. Reports carry the shapes' own messages so callers can show them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataFactory, Parser, Store, type Quad } from 'n3';
import { Validator } from 'shacl-engine';

export interface ShapeViolation {
  focusNode: string;
  path?: string;
  message: string;
}

export interface ShapeReport {
  conforms: boolean;
  violations: ShapeViolation[];
}

const factory = { ...DataFactory, dataset: (quads?: Quad[]) => new Store(quads) };
const SHAPES_DIR = fileURLToPath(new URL('.', import.meta.url));

let validator: Validator | undefined;

function loadShapes(): Validator {
  const store = new Store();
  for (const file of readdirSync(SHAPES_DIR).filter((f) => f.endsWith('.ttl')).sort()) {
    store.addQuads(new Parser({ baseIRI: `file:///shapes/${file}` }).parse(readFileSync(`${SHAPES_DIR}${file}`, 'utf8')));
  }
  return new Validator(store, { factory });
}

/** Validates quads against all shapes (measurements, notes, consent records). */
export async function validateShapes(quads: Iterable<Quad>): Promise<ShapeReport> {
  validator ??= loadShapes();
  const report = await validator.validate({ dataset: new Store([...quads]) });
  const violations = (report.results as ShaclResult[]).map((r) => ({
    focusNode: r.focusNode?.term?.value ?? '',
    path: pathText(r.path),
    message: r.message.map((m) => m.value).join(' ') || `violates ${r.constraintComponent?.value ?? 'a constraint'}`,
  }));
  return { conforms: report.conforms, violations };
}

interface ShaclResult {
  focusNode?: { term?: { value: string } };
  path?: unknown;
  message: { value: string }[];
  constraintComponent?: { value: string };
}

function pathText(path: unknown): string | undefined {
  if (!Array.isArray(path)) return undefined;
  return path.flatMap((step: { predicates?: { value: string }[] }) => step.predicates?.map((p) => p.value) ?? []).join('/') || undefined;
}
