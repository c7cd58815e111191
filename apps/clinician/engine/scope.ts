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

/** A node of Comunica's SPARQL algebra, read structurally (we only look, never rewrite). */
export type AlgebraNode = { readonly type: string; readonly [key: string]: unknown };

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

export interface TimeBounds {
  readonly from?: Date;
  readonly to?: Date;
}

/** What the query itself says about kinds, time and notes (before declared and default scopes). */
export interface QueryNeeds {
  readonly form: QueryForm;
  /** Kinds the query can match; undefined when it may match any kind. */
  readonly kinds?: readonly KindId[];
  /** The window every resultTime pattern is bounded by; undefined when some pattern is unbounded (or there is none). */
  readonly time?: TimeBounds;
  readonly notes: boolean;
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const DATE_TIME = `${XSD}dateTime`;
const DATE = `${XSD}date`;
const DURATIONS = new Set([`${XSD}dayTimeDuration`, `${XSD}duration`, `${XSD}yearMonthDuration`]);

interface Restrictions {
  /** Lower/upper time bounds per variable name. */
  readonly time: ReadonlyMap<string, TimeBounds>;
  /** Allowed IRIs per variable name. */
  readonly iris: ReadonlyMap<string, ReadonlySet<string>>;
}

const EMPTY: Restrictions = { time: new Map(), iris: new Map() };

// ---------------------------------------------------------------- expressions

/** An xsd:duration as calendar months plus milliseconds ("P1M", "PT48H", "-P2DT3H"). */
export function parseDuration(text: string): { months: number; ms: number } | undefined {
  const m = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const sign = m[1] ? -1 : 1;
  const n = (i: number) => Number(m[i] ?? 0);
  return {
    months: sign * (n(2) * 12 + n(3)) + 0, // + 0: no -0
    ms: sign * (((n(4) * 24 + n(5)) * 60 + n(6)) * 60_000 + Math.round(n(7) * 1000)) + 0,
  };
}

function addDuration(date: Date, d: { months: number; ms: number }, sign: 1 | -1): Date {
  const result = new Date(date.getTime());
  if (d.months !== 0) result.setUTCMonth(result.getUTCMonth() + sign * d.months);
  return new Date(result.getTime() + sign * d.ms);
}

function isTerm(e: AlgebraNode): e is AlgebraNode & { term: RDF.Term } {
  return e.subType === 'term';
}

function args(e: AlgebraNode): AlgebraNode[] {
  return (e.args as AlgebraNode[] | undefined) ?? [];
}

/** The instant a constant time expression stands for, if it is one. */
function constantTime(e: AlgebraNode, now: Date): Date | undefined {
  if (isTerm(e)) {
    const t = e.term;
    if (t.termType !== 'Literal' || (t.datatype.value !== DATE_TIME && t.datatype.value !== DATE)) return undefined;
    const ms = Date.parse(t.datatype.value === DATE ? `${t.value.slice(0, 10)}T00:00:00Z` : t.value);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  if (e.subType === 'operator' && e.operator === 'now') return now;
  if (e.subType === 'named' && (e.name as RDF.NamedNode).value === DATE_TIME && args(e).length === 1) {
    const inner = args(e)[0]!;
    if (isTerm(inner) && inner.term.termType === 'Literal') {
      const ms = Date.parse(inner.term.value);
      return Number.isNaN(ms) ? undefined : new Date(ms);
    }
  }
  if (e.subType === 'operator' && (e.operator === '-' || e.operator === '+') && args(e).length === 2) {
    const [left, right] = args(e) as [AlgebraNode, AlgebraNode];
    const base = constantTime(left, now);
    if (!base || !isTerm(right) || right.term.termType !== 'Literal' || !DURATIONS.has(right.term.datatype.value)) return undefined;
    const duration = parseDuration(right.term.value);
    return duration && addDuration(base, duration, e.operator === '+' ? 1 : -1);
  }
  return undefined;
}

function variableName(e: AlgebraNode): string | undefined {
  return isTerm(e) && e.term.termType === 'Variable' ? e.term.value : undefined;
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

/** The restrictions a FILTER expression puts on every solution that passes it (only `&&`-joined parts). */
function restrictionsOf(e: AlgebraNode, now: Date): Restrictions {
  const time = new Map<string, TimeBounds>();
  const iris = new Map<string, Set<string>>();
  const visit = (x: AlgebraNode) => {
    if (x.subType !== 'operator') return;
    const op = x.operator as string;
    if (op === '&&') return args(x).forEach(visit);
    if (op === 'in' && args(x).length >= 1) {
      const [v, ...list] = args(x);
      const name = variableName(v!);
      if (name && list.every((l) => isTerm(l) && l.term.termType === 'NamedNode')) {
        iris.set(name, new Set(list.map((l) => (l as AlgebraNode & { term: RDF.Term }).term.value)));
      }
      return;
    }
    if (!(op in FLIP) || args(x).length !== 2) return;
    let [left, right] = args(x) as [AlgebraNode, AlgebraNode];
    let operator = op;
    if (!variableName(left)) {
      [left, right] = [right, left];
      operator = FLIP[op]!;
    }
    const name = variableName(left);
    if (!name) return;
    if (operator === '=' && isTerm(right) && right.term.termType === 'NamedNode') {
      iris.set(name, new Set([right.term.value]));
      return;
    }
    const instant = constantTime(right, now);
    if (!instant) return;
    const bounds = { ...time.get(name) };
    if (operator === '>' || operator === '>=' || operator === '=') bounds.from = later(bounds.from, instant);
    if (operator === '<' || operator === '<=' || operator === '=') bounds.to = earlier(bounds.to, instant);
    time.set(name, bounds);
  };
  visit(e);
  return { time, iris };
}

const later = (a: Date | undefined, b: Date) => (a && a > b ? a : b);
const earlier = (a: Date | undefined, b: Date) => (a && a < b ? a : b);

function merge(outer: Restrictions, inner: Restrictions): Restrictions {
  const time = new Map(outer.time);
  for (const [name, b] of inner.time) {
    const o = time.get(name) ?? {};
    time.set(name, {
      from: b.from ? later(o.from, b.from) : o.from,
      to: b.to ? earlier(o.to, b.to) : o.to,
    });
  }
  const iris = new Map(outer.iris);
  for (const [name, set] of inner.iris) {
    const o = iris.get(name);
    iris.set(name, o ? new Set([...set].filter((i) => o.has(i))) : set);
  }
  return { time, iris };
}

function keepOnly(r: Restrictions, names: ReadonlySet<string>): Restrictions {
  return {
    time: new Map([...r.time].filter(([n]) => names.has(n))),
    iris: new Map([...r.iris].filter(([n]) => names.has(n))),
  };
}

function without(r: Restrictions, name: string): Restrictions {
  const time = new Map(r.time);
  const iris = new Map(r.iris);
  time.delete(name);
  iris.delete(name);
  return { time, iris };
}

/** Restrictions a VALUES block puts on its variables (only variables bound to an IRI in every row). */
function valuesRestrictions(values: AlgebraNode): Restrictions {
  const iris = new Map<string, Set<string>>();
  const rows = (values.bindings as Record<string, RDF.Term>[] | undefined) ?? [];
  for (const variable of (values.variables as RDF.Variable[] | undefined) ?? []) {
    const terms = rows.map((row) => row[variable.value] ?? row[`?${variable.value}`]);
    if (terms.length > 0 && terms.every((t) => t?.termType === 'NamedNode')) {
      iris.set(variable.value, new Set(terms.map((t) => t!.value)));
    }
  }
  return { time: new Map(), iris };
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
