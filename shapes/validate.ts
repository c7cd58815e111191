/**
 * SHACL validation of everything Helsevev writes, with the maintained RDF/JS
 * engine `shacl-engine`. Shapes are the Turtle files in this folder, loaded
 * once. Reports carry the shapes' own messages so callers can show them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DataFactory, Parser, Store, type Quad, type Term } from 'n3';
import { Validator, type ShapePointer, type ShapeTargets } from 'shacl-engine';

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

export interface ValidateOptions {
  /**
   * The SNOMED CT concept IRIs of every observation in the data, when the
   * caller knows them (the gateway knows each reading's kind). Validation then
   * checks each observation only against the kinds of these concepts, about
   * three times faster; see narrowedValidator.
   */
  observedProperties?: readonly string[];
}

/** Validates quads against all shapes (measurements, notes, consent records). */
export async function validateShapes(quads: Iterable<Quad>, options: ValidateOptions = {}): Promise<ShapeReport> {
  loaded ??= loadShapes();
  const validator = options.observedProperties ? narrowedValidator(options.observedProperties) : loaded.validator;
  const dataset = new Store([...quads]);
  const report = await validator.validate({ dataset }, shapesWithTargetsIn(validator, dataset));
  const violations = (report.results as ShaclResult[]).flatMap((r) => explain(r, loaded!.shapes));
  return { conforms: report.conforms, violations };
}

const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';
const targeting = new WeakMap<Validator, { known: number; always: ShapeTargets[]; byClass: ShapeTargets[] }>();

/**
 * The shapes that can have a focus node in `data`, in the validator's order.
 * shacl-engine resolves the targets of every shape it knows on every call
 * (every kind's shape, and each property shape once compiled), although only
 * three declare targets: the gateway measured that resolution as a sixth of
 * its SHACL time per reading. The same test as shacl-engine's own
 * TargetResolver, done once per shape: a shape with sh:targetNode,
 * sh:targetSubjectsOf, sh:targetObjectsOf or sh:target always stays; one
 * targeted by class (sh:targetClass, or a NodeShape's implicit class target,
 * with subclasses) stays if the data has an rdf:type among those classes;
 * any other has no focus node in any data. Same focus nodes, same verdict.
 */
function shapesWithTargetsIn(validator: Validator, data: Store): ShapePointer[] {
  let known = targeting.get(validator);
  if (!known || known.known !== validator.shapes.size) {
    known = { known: validator.shapes.size, always: [], byClass: [] };
    for (const shape of validator.shapes.values()) {
      const t = shape.targetResolver;
      if (t.targetNode.length > 0 || t.targetSubjectsOf.length > 0 || t.targetObjectsOf.length > 0 || t.targets.length > 0) known.always.push(shape);
      else if (t.targetClass.size > 0) known.byClass.push(shape);
    }
    targeting.set(validator, known);
  }
  const types = data.getObjects(null, RDF_TYPE, null);
  const typed = new Set(known.byClass.filter((shape) => types.some((type) => shape.targetResolver.targetClass.has(type))));
  return [...validator.shapes.values()].filter((shape) => known.always.includes(shape) || typed.has(shape)).map((shape) => shape.ptr);
}

const RDF_FIRST = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#first';
const RDF_REST = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#rest';
const RDF_NIL = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#nil';
const narrowed = new Map<string, Validator>();

/**
 * The same shapes with each sh:xone over measurement kinds narrowed to the
 * alternatives for `concepts`. Never weaker than the full shapes: every
 * alternative is pinned to its own concept by sh:hasValue on
 * sosa:observedProperty (checked here; a list where that does not hold is
 * left whole), so an observation of a kept concept meets the same
 * alternatives as before, and one of another concept now meets none and fails.
 */
function narrowedValidator(concepts: readonly string[]): Validator {
  const key = [...new Set(concepts)].sort().join(' ');
  let validator = narrowed.get(key);
  if (validator) return validator;
  const keep = new Set(concepts);
  const shapes = new Store(loaded!.shapes.getQuads(null, null, null, null));
  for (const xone of loaded!.shapes.getQuads(null, `${SH}xone`, null, null)) {
    const members: Term[] = [];
    for (let node: Term = xone.object; node.value !== RDF_NIL;) {
      const first: Term | undefined = loaded!.shapes.getObjects(node, RDF_FIRST, null)[0];
      const rest: Term | undefined = loaded!.shapes.getObjects(node, RDF_REST, null)[0];
      if (!first || !rest) break;
      members.push(first);
      node = rest;
    }
    const pinned = members.map((member) => {
      const values = loaded!.shapes.getObjects(member, `${SH}property`, null)
        .filter((p) => loaded!.shapes.getObjects(p, `${SH}path`, null).some((path) => path.value === OBSERVED_PROPERTY))
        .flatMap((p) => loaded!.shapes.getObjects(p, `${SH}hasValue`, null));
      return values.length === 1 ? values[0]!.value : undefined;
    });
    if (pinned.some((c) => c === undefined) || new Set(pinned).size !== pinned.length) continue;
    const kept = members.filter((_, i) => keep.has(pinned[i]!));
    shapes.removeQuad(xone);
    let list: Term = DataFactory.namedNode(RDF_NIL);
    for (const member of kept.reverse()) {
      const node = DataFactory.blankNode();
      shapes.addQuad(node, DataFactory.namedNode(RDF_FIRST), member as Quad['object']);
      shapes.addQuad(node, DataFactory.namedNode(RDF_REST), list as Quad['object']);
      list = node;
    }
    shapes.addQuad(xone.subject, xone.predicate, list as Quad['object'], xone.graph);
  }
  validator = new Validator(shapes, { factory, details: true });
  narrowed.set(key, validator);
  return validator;
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
