/**
 * What a SPARQL query needs from the pods: which measurement kinds, which time
 * window, whether clinicians' notes. Read from the query's algebra (the one
 * Comunica itself evaluates), so the planner fetches exactly the month
 * documents the query can match instead of traversing whole pods.
 *
 * The rules are deliberately simple and sound: when the query does not pin a
 * dimension down in a form recognised here, the scope is wider (all kinds) or
 * falls back to a declared or default window, and the answer always says
 * which scope it covered (docs/clinician-queries.md, "Planning").
 *
 * - kinds: the SNOMED CT concepts of `sosa:observedProperty` patterns
 *   (constants, or a variable restricted by VALUES, `=` or IN); any
 *   unrestricted observedProperty pattern means every kind;
 * - time: comparisons of the object of `sosa:resultTime` with a constant
 *   dateTime, `NOW()` or `NOW() ± duration`, in FILTERs joined by `&&` above
 *   the pattern; every resultTime pattern must be bounded below, else the
 *   window is the declared or default one;
 * - notes: any term of the Web Annotation vocabulary or hv:UnreliableMark.
 *
 * This module never fetches anything.
 */
import type * as RDF from '@rdfjs/types';
import { kindForSnomedIri, componentForCode, type KindId, CATEGORIES } from '../../../vocab/catalogue.ts';
import { HV, NS, SOSA } from '../../../vocab/terms.ts';
import { args, EMPTY, keepOnly, merge, restrictionsOf, valuesRestrictions, without, type AlgebraNode, type Restrictions, type TimeBounds } from './restrictions.ts';

export type { AlgebraNode, TimeBounds } from './restrictions.ts';

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

/** What the query itself says about kinds, time and notes (before declared and default scopes). */
export interface QueryNeeds {
  readonly form: QueryForm;
  /** Kinds the query can match; undefined when it may match any kind. */
  readonly kinds?: readonly KindId[];
  /** The window every resultTime pattern is bounded by; undefined when some pattern is unbounded (or there is none). */
  readonly time?: TimeBounds;
  readonly notes: boolean;
}

// ---------------------------------------------------------------- the walk

/** The kind a stored observedProperty IRI names (panel components count as their panel). */
export function kindOfPropertyIri(iri: string): KindId | undefined {
  const kind = kindForSnomedIri(iri);
  if (kind) return kind;
  const m = /^http:\/\/snomed\.info\/id\/(\d+)$/.exec(iri);
  return m ? componentForCode('snomed', m[1]!)?.kind : undefined;
}

interface Findings {
  /** undefined entry = a pattern that may match any kind. */
  kinds: (KindId[] | undefined)[];
  /** One entry per resultTime pattern. */
  times: TimeBounds[];
  notes: boolean;
}

function recordPattern(subject: RDF.Term, predicate: string, object: RDF.Term, r: Restrictions, f: Findings): void {
  if (predicate === SOSA.observedProperty) {
    if (object.termType === 'NamedNode') {
      const kind = kindOfPropertyIri(object.value);
      f.kinds.push(kind ? [kind] : []);
    } else if (object.termType === 'Variable' && r.iris.has(object.value)) {
      f.kinds.push([...r.iris.get(object.value)!].flatMap((i) => kindOfPropertyIri(i) ?? []));
    } else {
      f.kinds.push(undefined);
    }
  }
  if (predicate === SOSA.resultTime) {
    f.times.push(object.termType === 'Variable' ? (r.time.get(object.value) ?? {}) : {});
  }
  for (const t of [subject, object]) {
    if (t.termType === 'NamedNode' && (t.value.startsWith(NS.oa) || t.value === HV.UnreliableMark)) f.notes = true;
  }
  if (predicate.startsWith(NS.oa)) f.notes = true;
}

/** Every IRI a property path mentions. */
function pathIris(p: AlgebraNode): string[] {
  if (p.type === 'link') return [(p.iri as RDF.NamedNode).value];
  if (p.type === 'nps') return ((p.iris as RDF.NamedNode[] | undefined) ?? []).map((i) => i.value);
  const inputs = (Array.isArray(p.input) ? p.input : p.input ? [p.input] : []) as AlgebraNode[];
  return inputs.flatMap(pathIris);
}

function walk(node: AlgebraNode, r: Restrictions, f: Findings, now: Date): void {
  const children = (): AlgebraNode[] => (Array.isArray(node.input) ? node.input : node.input ? [node.input] : []) as AlgebraNode[];
  switch (node.type) {
    case 'pattern': {
      const q = node as unknown as RDF.Quad;
      if (q.predicate.termType === 'NamedNode') return recordPattern(q.subject, q.predicate.value, q.object, r, f);
      // ?s ?p ?o may match observedProperty or resultTime of any observation.
      f.kinds.push(undefined);
      f.times.push({});
      return recordPattern(q.subject, '', q.object, r, f);
    }
    case 'bgp':
      for (const p of (node.patterns as AlgebraNode[]) ?? []) walk(p, r, f, now);
      return;
    case 'path': {
      const iris = pathIris(node.predicate as AlgebraNode);
      const simple = (node.predicate as AlgebraNode).type === 'link';
      if (simple) {
        recordPattern(node.subject as RDF.Term, iris[0]!, node.object as RDF.Term, r, f);
      } else {
        if (iris.includes(SOSA.observedProperty) || (node.predicate as AlgebraNode).type === 'nps') f.kinds.push(undefined);
        if (iris.includes(SOSA.resultTime) || (node.predicate as AlgebraNode).type === 'nps') f.times.push({});
        if (iris.some((i) => i.startsWith(NS.oa))) f.notes = true;
      }
      return;
    }
    case 'filter': {
      const inner = merge(r, restrictionsOf(node.expression as AlgebraNode, now));
      walkExpression(node.expression as AlgebraNode, f, now);
      return walk(node.input as AlgebraNode, inner, f, now);
    }
    case 'leftjoin': {
      const [left, right] = children() as [AlgebraNode, AlgebraNode];
      walk(left, r, f, now);
      const expression = node.expression as AlgebraNode | undefined;
      if (expression) walkExpression(expression, f, now);
      return walk(right, expression ? merge(r, restrictionsOf(expression, now)) : r, f, now);
    }
    case 'minus': {
      // The right side only removes solutions: data it misses would change the answer, so no outer restrictions.
      const [left, right] = children() as [AlgebraNode, AlgebraNode];
      walk(left, r, f, now);
      return walk(right, EMPTY, f, now);
    }
    case 'join': {
      const inputs = children();
      const fromValues = inputs.filter((i) => i.type === 'values').reduce((acc, v) => merge(acc, valuesRestrictions(v)), EMPTY);
      for (const input of inputs) walk(input, merge(r, fromValues), f, now);
      return;
    }
    case 'project':
      return walk(node.input as AlgebraNode, keepOnly(r, new Set((node.variables as RDF.Variable[]).map((v) => v.value))), f, now);
    case 'group':
      for (const a of (node.aggregates as AlgebraNode[] | undefined) ?? []) walkExpression(a, f, now);
      return walk(node.input as AlgebraNode, keepOnly(r, new Set((node.variables as RDF.Variable[]).map((v) => v.value))), f, now);
    case 'extend':
      walkExpression(node.expression as AlgebraNode, f, now);
      return walk(node.input as AlgebraNode, without(r, (node.variable as RDF.Variable).value), f, now);
    case 'orderby':
      for (const e of (node.expressions as AlgebraNode[] | undefined) ?? []) walkExpression(e, f, now);
      return walk(node.input as AlgebraNode, r, f, now);
    case 'values':
      return;
    default:
      for (const child of children()) walk(child, r, f, now);
  }
}

/** EXISTS / NOT EXISTS inside expressions: their patterns get no outer restrictions (conservative). */
function walkExpression(e: AlgebraNode | undefined, f: Findings, now: Date): void {
  if (!e || typeof e !== 'object') return;
  if (e.subType === 'existence') return walk(e.input as AlgebraNode, EMPTY, f, now);
  if (e.subType === 'term') {
    const t = (e as AlgebraNode & { term: RDF.Term }).term;
    if (t.termType === 'NamedNode' && (t.value.startsWith(NS.oa) || t.value === HV.UnreliableMark)) f.notes = true;
    return;
  }
  for (const a of args(e)) walkExpression(a, f, now);
  if (e.expression) walkExpression(e.expression as AlgebraNode, f, now);
}

/** Which operations a query uses that the clinician API refuses, with why (for problem details). */
export function refusedOperation(root: AlgebraNode): { operation: string; why: string } | undefined {
  const UPDATES = new Set(['deleteinsert', 'load', 'clear', 'create', 'drop', 'add', 'move', 'copy', 'compositeupdate']);
  let found: { operation: string; why: string } | undefined;
  const visit = (node: unknown): void => {
    if (found || !node || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach(visit);
    const n = node as AlgebraNode;
    if (typeof n.type === 'string') {
      if (UPDATES.has(n.type)) {
        found = { operation: 'update', why: 'SPARQL UPDATE is refused: the clinician API only reads, and a patient\'s data is changed only by the patient and their devices' };
        return;
      }
      if (n.type === 'service') {
        found = { operation: 'SERVICE', why: 'SERVICE is refused: queries run over the pods of the team\'s patients only, and the server fetches nothing a query names' };
        return;
      }
      if (n.type === 'from') {
        found = { operation: 'FROM', why: 'FROM and FROM NAMED are refused: the dataset is always the team\'s pods (each month document is a named graph: use GRAPH ?g to see where a triple comes from)' };
        return;
      }
    }
    for (const [key, value] of Object.entries(n)) {
      if (key !== 'termType' && typeof value === 'object') visit(value);
    }
  };
  visit(root);
  return found;
}

export function queryForm(root: AlgebraNode): QueryForm {
  let node: AlgebraNode | undefined = root;
  while (node) {
    if (node.type === 'ask') return 'ask';
    if (node.type === 'construct') return 'construct';
    if (node.type === 'describe') return 'describe';
    if (node.type === 'project') return 'select';
    node = node.input as AlgebraNode | undefined;
    if (Array.isArray(node)) break;
  }
  return 'select';
}

/** What the parsed query needs (call refusedOperation first). */
export function queryNeeds(root: AlgebraNode, now: Date): QueryNeeds {
  const f: Findings = { kinds: [], times: [], notes: false };
  walk(root, EMPTY, f, now);
  const kinds = f.kinds.length === 0 || f.kinds.some((k) => k === undefined)
    ? undefined
    : CATEGORIES.filter((c) => f.kinds.some((k) => k!.includes(c)));
  let time: TimeBounds | undefined;
  if (f.times.length > 0 && f.times.every((t) => t.from)) {
    const from = new Date(Math.min(...f.times.map((t) => t.from!.getTime())));
    const to = f.times.every((t) => t.to) ? new Date(Math.max(...f.times.map((t) => t.to!.getTime()))) : undefined;
    time = { from, ...(to ? { to } : {}) };
  }
  return { form: queryForm(root), ...(kinds ? { kinds } : {}), ...(time ? { time } : {}), notes: f.notes };
}
