/**
 * SHACL validation of everything Helsevev writes, with the maintained RDF/JS
 * engine `shacl-engine`. Shapes are the Turtle files in this folder, loaded
 * once. Reports carry the shapes' own messages so callers can show them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataFactory, Parser, Store, type Quad, type Term } from 'n3';
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

const SH = 'http://www.w3.org/ns/shacl#';
const OBSERVED_PROPERTY = 'http://www.w3.org/ns/sosa/observedProperty';

let loaded: { validator: Validator; shapes: Store } | undefined;

function loadShapes(): { validator: Validator; shapes: Store } {
  const shapes = new Store();
  for (const file of readdirSync(SHAPES_DIR).filter((f) => f.endsWith('.ttl')).sort()) {
    shapes.addQuads(new Parser({ baseIRI: `file:///shapes/${file}` }).parse(readFileSync(`${SHAPES_DIR}${file}`, 'utf8')));
  }
  return { validator: new Validator(shapes, { factory, details: true }), shapes };
}

/** Validates quads against all shapes (measurements, notes, consent records). */
export async function validateShapes(quads: Iterable<Quad>): Promise<ShapeReport> {
  loaded ??= loadShapes();
  const report = await loaded.validator.validate({ dataset: new Store([...quads]) });
  const violations = (report.results as ShaclResult[]).flatMap((r) => explain(r, loaded!.shapes));
  return { conforms: report.conforms, violations };
}

interface ShaclResult {
  focusNode?: { term?: { value: string } };
  path?: unknown;
  message: { value: string }[];
  constraintComponent?: { value: string };
  shape: { ptr: { term: Term } };
  results?: ShaclResult[];
}

function violation(r: ShaclResult, focusNode: string): ShapeViolation {
  return {
    focusNode,
    path: pathText(r.path),
    message: r.message.map((m) => m.value).join(' ') || `violates ${r.constraintComponent?.value ?? 'a constraint'}`,
  };
}

/**
 * A failed sh:xone over the kinds says only "not exactly one kind". Its
 * details hold every alternative's failures; keep those of the kinds whose
 * SNOMED CT concept the observation does carry, so the message is the
 * specific one ("SpO2 must be between 50 and 100 %").
 */
function explain(r: ShaclResult, shapes: Store): ShapeViolation[] {
  const focus = r.focusNode?.term?.value ?? '';
  if (r.constraintComponent?.value !== `${SH}XoneConstraintComponent` || !r.results?.length) return [violation(r, focus)];
  const owner = (nested: ShaclResult) => {
    const term = nested.shape.ptr.term;
    return shapes.getSubjects(`${SH}property`, term, null)[0]?.value ?? term.value;
  };
  const otherKinds = new Set(r.results
    .filter((n) => n.constraintComponent?.value === `${SH}HasValueConstraintComponent` && pathText(n.path) === OBSERVED_PROPERTY)
    .map(owner));
  const specific = r.results.filter((n) => !otherKinds.has(owner(n)));
  return specific.length > 0 ? specific.map((n) => violation(n, focus)) : [violation(r, focus)];
}

function pathText(path: unknown): string | undefined {
  if (!Array.isArray(path)) return undefined;
  return path.flatMap((step: { predicates?: { value: string }[] }) => step.predicates?.map((p) => p.value) ?? []).join('/') || undefined;
}
