/**
 * Names shown on the dashboard, each from the one document that may say it:
 * a patient's from their own profile (the named graph of their WebID's
 * document, never another patient's data: ownFacts in engine/plan.ts), a note's
 * author from the public profile of the writer the pod server attested
 * (never the note's own dct:creator: apps/shared/measurement/notes.ts).
 */
import { DataFactory, type Quad, type Store } from 'n3';
import { NS } from '../../../vocab/terms.ts';
import type { ShownMark } from '../../shared/measurement/notes.ts';
import type { ClinicianQueryEngine, Gathered } from '../engine/engine.ts';

const profileDocument = (webId: string) => webId.replace(/#.*$/, '');
const fallbackName = (webId: string) => new URL(webId).pathname.split('/')[1] || webId;

function nameIn(quads: readonly Quad[] | Store, webId: string): string | undefined {
  const graph = DataFactory.namedNode(profileDocument(webId));
  const find = (p: string) => Array.isArray(quads)
    ? (quads as readonly Quad[]).find((q) => q.subject.value === webId && q.predicate.value === p)?.object.value
    : (quads as Store).getObjects(webId, p, graph)[0]?.value;
  return find(`${NS.foaf}name`) ?? find(`${NS.vcard}fn`);
}

/** Each patient's name from their own profile document (or the pod's name when it has none). */
export function patientNames(g: Gathered): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of g.team.patients) out[p] = nameIn(g.store as Store, p) ?? fallbackName(p);
  return out;
}

/** A mark for the page: the attested author with their name, or "not verified" (author null). */
export interface MarkForPage {
  readonly reason: string;
  readonly created: string;
  /** The writer the pod server attested; null: author not verified. */
  readonly author: string | null;
  readonly authorName?: string;
  /** What the note claims (dct:creator) when that is not the attested author. */
  readonly claimedAuthor?: string;
}

/** The marks with their attested authors' names, read from their public profiles (cached by the engine). */
export async function marksForPage(engine: ClinicianQueryEngine, marks: readonly ShownMark[]): Promise<(Omit<ShownMark, 'author'> & MarkForPage)[]> {
  const authors = [...new Set(marks.flatMap((m) => (m.author ? [m.author] : [])))];
  const names = new Map(await Promise.all(authors.map(async (a) => {
    const quads = await engine.publicProfile(a).catch(() => []);
    return [a, nameIn(quads, a)] as const;
  })));
  return marks.map((m) => {
    const name = m.author ? names.get(m.author) : undefined;
    return { ...m, author: m.author ?? null, ...(name ? { authorName: name } : {}) };
  });
}

/** Names of people (patients, clinicians) from their own public profiles (cached by the engine); absent when a profile names none. */
export async function namesOf(engine: ClinicianQueryEngine, webIds: readonly string[]): Promise<Map<string, string>> {
  const pairs = await Promise.all([...new Set(webIds)].map(async (w) => [w, nameIn(await engine.publicProfile(w).catch(() => []), w)] as const));
  return new Map(pairs.filter((p): p is readonly [string, string] => p[1] !== undefined));
}
