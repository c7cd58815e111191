/**
 * The three query engines compared by bench/query-engines.ts, behind one
 * shape: load RDF/JS quads (each in its document's named graph) into the
 * engine's index, then answer an EngineQuery as row keys (rowKey).
 *
 *   comunica  @comunica/query-sparql over an n3 Store, union default graph
 *             (as the clinician service runs it today, apps/clinician/engine);
 *   n3        an n3 Store and the query's hand-planned store.match calls;
 *   oxigraph  oxigraph's in-memory Store (Rust compiled to WebAssembly),
 *             SPARQL with the default graph as the union of the documents.
 *
 * Must never reach the network: Comunica gets no fetch and only the store.
 */
import { QueryEngine } from '@comunica/query-sparql';
import type { Bindings } from '@comunica/types';
import { Store, Writer, type Quad } from 'n3';
import * as oxigraph from 'oxigraph';
import { rowKey, type EngineQuery } from './query-engines-data.ts';

export const ENGINE_NAMES = ['comunica', 'n3', 'oxigraph'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface QueryEngineUnderTest {
  readonly name: EngineName;
  /** Builds the index from the quads (timed as load/index). */
  load(quads: readonly Quad[]): Promise<void>;
  /** Distinct quads in the index. */
  size(): number;
  /** The query's rows as row keys. */
  rows(query: EngineQuery): Promise<string[]>;
}

function comunica(): QueryEngineUnderTest {
  let store: Store | undefined;
  const engine = new QueryEngine();
  const refuseFetch = (() => Promise.reject(new Error('no fetching in the engine benchmark'))) as typeof fetch;
  return {
    name: 'comunica',
    size: () => store!.size,
    async load(quads) {
      store = new Store();
      store.addQuads([...quads]);
    },
    async rows(query) {
      const stream = await engine.queryBindings(query.sparql, { sources: [store!], unionDefaultGraph: true, fetch: refuseFetch } as never);
      const bindings = (await stream.toArray()) as Bindings[];
      return bindings.map((b) => rowKey(query.vars, (v) => b.get(v) as never));
    },
  };
}

function n3(): QueryEngineUnderTest {
  let store: Store | undefined;
  return {
    name: 'n3',
    size: () => store!.size,
    async load(quads) {
      store = new Store();
      store.addQuads([...quads]);
    },
    async rows(query) {
      return query.plan(store!);
    },
  };
}

/**
 * N-Quads for oxigraph's loader, one string per document (graph): one load
 * per document, as the endpoint would index each write. One load of every
 * quad at once was 2-3x slower and left the WebAssembly memory twice as big
 * (its transaction buffer; that memory never shrinks). The serialising is
 * part of the load time.
 */
function nQuadsByDocument(quads: readonly Quad[]): string[] {
  const writer = new Writer({ format: 'N-Quads' });
  const documents = new Map<string, string[]>();
  for (const q of quads) {
    const lines = documents.get(q.graph.value) ?? [];
    lines.push(writer.quadToString(q.subject, q.predicate, q.object, q.graph));
    documents.set(q.graph.value, lines);
  }
  return [...documents.values()].map((lines) => lines.join(''));
}

function oxi(): QueryEngineUnderTest {
  let store: oxigraph.Store | undefined;
  return {
    name: 'oxigraph',
    size: () => store!.size,
    async load(quads) {
      store = new oxigraph.Store();
      for (const document of nQuadsByDocument(quads)) store.load(document, { format: 'application/n-quads' });
    },
    async rows(query) {
      const result = store!.query(query.sparql, { use_default_graph_as_union: true });
      if (!Array.isArray(result)) throw new Error(`oxigraph: ${query.name} gave no solutions`);
      return (result as Map<string, oxigraph.Term>[]).map((m) => rowKey(query.vars, (v) => m.get(v) as never));
    },
  };
}

export function engineUnderTest(name: EngineName): QueryEngineUnderTest {
  switch (name) {
    case 'comunica': return comunica();
    case 'n3': return n3();
    case 'oxigraph': return oxi();
  }
}
