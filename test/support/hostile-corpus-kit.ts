/**
 * The parts every section of the hostile-input corpus shares: the payload
 * types, the context, the builder a section adds its payloads through, and
 * the small generators (injections, nesting, wrong values).
 */
export type PayloadKind =
  | 'broken-json' | 'huge-body' | 'deep-nesting' | 'wrong-type' | 'unit-code-mixup' | 'injection'
  | 'other-host-iri' | 'path-traversal' | 'content-type' | 'sparql-update' | 'slow-query' | 'bad-parameter'
  | 'bad-credentials' | 'method' | 'unknown-category' | 'not-granted';

/** Who sends an HTTP payload: for our services a bearer token of a clinician or nothing; for the pod an account or nobody. */
export type Sender = 'clinician' | 'anonymous' | 'hans' | 'kari' | 'lunde' | 'vendor';

export interface HttpPayload {
  readonly id: string;
  readonly target: 'gateway' | 'clinician' | 'pod';
  /** Group name for the report, e.g. "gateway POST /readings". */
  readonly endpoint: string;
  readonly kind: PayloadKind;
  readonly description: string;
  readonly method: string;
  /** Sent as is (no normalisation of ../ or %2e): relative to the service, or absolute for the pod. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  readonly as: Sender;
  /**
   * A defect found and not fixed here: the payload is accepted today. The test
   * checks it still is (so a fix is noticed) and reports it apart.
   */
  readonly knownDefect?: string;
}

/** A decision list the consent page could be made to plan (planDecisions, then carryOut) as the patient. */
export interface DecisionPayload {
  readonly id: string;
  readonly target: 'consent-plan';
  readonly endpoint: string;
  readonly kind: PayloadKind;
  readonly description: string;
  /** Untyped on purpose: hostile decisions do not respect the Decision type. */
  readonly decisions: readonly unknown[];
}

export type HostilePayload = HttpPayload | DecisionPayload;

export interface CorpusContext {
  /** The pod server's base URL, ending in a slash. */
  readonly podBaseUrl: string;
  /** The patient whose pod is attacked (enrolled at the gateway, on a clinician's team). */
  readonly patient: { readonly webId: string; readonly pod: string };
  /** A clinician's team that lists the patient. */
  readonly team: string;
  /** Now, for times in payloads. */
  readonly now: Date;
}

/**
 * What a section of the corpus gets: the context, the one seeded PRNG (sections
 * draw from it in corpus order, so the same seed gives the same payloads) and
 * `add`, which numbers each payload within its endpoint.
 */
export interface CorpusBuilder {
  readonly ctx: CorpusContext;
  readonly random: () => number;
  readonly add: (p: Omit<HttpPayload, 'id'> | Omit<DecisionPayload, 'id'>) => void;
}

/** Strings that would break out of an IRI, a literal or a query if pasted into Turtle or SPARQL. */
export const INJECTIONS = [
  '"> ; <x> <y> "z',
  'x> <http://evil.example/p> <http://evil.example/o> . <y',
  '" . <http://evil.example/s> <http://evil.example/p> "o',
  '} ; INSERT DATA { <http://evil.example/s> <http://evil.example/p> <http://evil.example/o> } #',
  '\\" .\n<x> <y> "z',
  'a\u0000b',
  '<script>alert(1)</script>',
  "'; DROP TABLE readings; --",
  'x"^^<http://www.w3.org/2001/XMLSchema#integer> . #',
  '@prefix evil: <http://evil.example/> .',
] as const;

export const EVIL = 'http://evil.example/';

export function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** `depth` nested arrays (or objects) around `inner`, as JSON text. */
export function nested(depth: number, inner: string, object = false): string {
  return object ? `${'{"a":'.repeat(depth)}${inner}${'}'.repeat(depth)}` : `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
}

/** Three values of the wrong JSON type for a field of type `type`, chosen by the PRNG. */
export function wrongValues(random: () => number, type: 'string' | 'number' | 'object'): unknown[] {
  const all: unknown[] = [null, true, 0, -1, 1e308, -0, [], {}, [1, 2], { value: 1 }, '', ' ', '95', 'NaN', 'x'.repeat(600)];
  const wrong = all.filter((v) => (type === 'string' ? typeof v !== 'string' || v === '' || v === ' ' || (v as string).length > 512
    : type === 'number' ? typeof v !== 'number' : typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length === 0));
  const out = new Set<unknown>();
  while (out.size < 3) out.add(pick(random, wrong));
  return [...out];
}
