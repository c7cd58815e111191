/**
 * Facts about a patient count only from that patient's own pod (issue 17,
 * docs/security.md). Every document the engine reads passes here before it
 * enters the dataset, so SPARQL, the measurements JSON, FHIR out and the
 * dashboard all see the same filtered data:
 *
 * - a document speaks only about itself: a triple counts only if its
 *   subject is the document or one of its fragments (`{doc}#...`, how every
 *   IRI we mint looks: apps/shared/measurement/identity.ts) or a blank node
 *   of that document. A patient can write anything into their own pod, but
 *   nothing they write there is about a subject in someone else's;
 * - an observation in a patient's month document counts only if its feature
 *   of interest is that patient (with its result and panel members);
 * - a note in a patient's notes document counts only if its target lies in
 *   that patient's pod (a mark on another patient's reading is dropped).
 *
 * A patient's name therefore comes only from their own profile document:
 * the WebID `{profile}#me` is a subject nowhere else. Pure functions.
 */
import type { Quad } from 'n3';
import { OA, SOSA, SSN_EXT } from '../../../vocab/terms.ts';
import type { PlannedDocument } from './plan.ts';

/** Whether `iri` is `document` itself or a fragment of it. */
export function inDocument(iri: string, document: string): boolean {
  return iri === document || (iri.startsWith(document) && iri[document.length] === '#');
}

/** The triples of `document` whose subject is the document, a fragment of it, or a blank node. */
export function aboutItself(quads: readonly Quad[], document: string): readonly Quad[] {
  const kept = quads.filter((q) => q.subject.termType === 'BlankNode' || inDocument(q.subject.value, document));
  return kept.length === quads.length ? quads : kept;
}

/** The storage root a planned document was planned under (`{storage}health/...`). */
export function storageOf(doc: PlannedDocument): string {
  const at = doc.url.lastIndexOf('/health/');
  return doc.url.slice(0, at + 1);
}

/** Drops `drop` subjects and whatever they link to through `links` (results, panel members), transitively. */
function withoutSubjects(quads: readonly Quad[], drop: Set<string>, links: readonly string[]): readonly Quad[] {
  if (drop.size === 0) return quads;
  let grew = true;
  while (grew) {
    grew = false;
    for (const q of quads) {
      if (drop.has(q.subject.value) && links.includes(q.predicate.value) && !drop.has(q.object.value)) {
        drop.add(q.object.value);
        grew = true;
      }
    }
  }
  return quads.filter((q) => !drop.has(q.subject.value));
}

/** What of a planned document's quads counts as facts about its patient. */
export function ownFacts(doc: PlannedDocument, quads: readonly Quad[]): readonly Quad[] {
  const own = aboutItself(quads, doc.url);
  if (doc.role === 'measurements') {
    const foreign = new Set(own.filter((q) => q.predicate.value === SOSA.hasFeatureOfInterest && q.object.value !== doc.patient).map((q) => q.subject.value));
    return withoutSubjects(own, foreign, [SOSA.hasResult, SSN_EXT.hasMember]);
  }
  const storage = storageOf(doc);
  const elsewhere = new Set(own.filter((q) => q.predicate.value === OA.hasTarget && !q.object.value.startsWith(storage)).map((q) => q.subject.value));
  return withoutSubjects(own, elsewhere, []);
}
