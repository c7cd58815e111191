/**
 * What the expressions of a SPARQL query say about its variables: the time
 * bounds (FILTER comparisons with constant dateTimes, NOW() and NOW() ±
 * duration) and the IRIs (=, IN, VALUES) every solution must keep to. The
 * walk in scope.ts carries these down the algebra to the patterns they bound.
 * Only `&&`-joined parts count: anything else leaves a variable unrestricted.
 */
import type * as RDF from '@rdfjs/types';

/** A node of Comunica's SPARQL algebra, read structurally (we only look, never rewrite). */
export type AlgebraNode = { readonly type: string; readonly [key: string]: unknown };

export interface TimeBounds {
  readonly from?: Date;
  readonly to?: Date;
}

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const DATE_TIME = `${XSD}dateTime`;
const DATE = `${XSD}date`;
const DURATIONS = new Set([`${XSD}dayTimeDuration`, `${XSD}duration`, `${XSD}yearMonthDuration`]);

export interface Restrictions {
  /** Lower/upper time bounds per variable name. */
  readonly time: ReadonlyMap<string, TimeBounds>;
  /** Allowed IRIs per variable name. */
  readonly iris: ReadonlyMap<string, ReadonlySet<string>>;
}

export const EMPTY: Restrictions = { time: new Map(), iris: new Map() };

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

export function isTerm(e: AlgebraNode): e is AlgebraNode & { term: RDF.Term } {
  return e.subType === 'term';
}

export function args(e: AlgebraNode): AlgebraNode[] {
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
export function restrictionsOf(e: AlgebraNode, now: Date): Restrictions {
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

export function merge(outer: Restrictions, inner: Restrictions): Restrictions {
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

export function keepOnly(r: Restrictions, names: ReadonlySet<string>): Restrictions {
  return {
    time: new Map([...r.time].filter(([n]) => names.has(n))),
    iris: new Map([...r.iris].filter(([n]) => names.has(n))),
  };
}

export function without(r: Restrictions, name: string): Restrictions {
  const time = new Map(r.time);
  const iris = new Map(r.iris);
  time.delete(name);
  iris.delete(name);
  return { time, iris };
}

/** Restrictions a VALUES block puts on its variables (only variables bound to an IRI in every row). */
export function valuesRestrictions(values: AlgebraNode): Restrictions {
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
