/**
 * What the engine reads, decided before and after fetching. Pure functions:
 * nothing here fetches.
 *
 * Planning: from a scope (kinds x time window, notes or not) and the
 * team's pods, the exact list of documents to fetch. Month documents are
 * Europe/Oslo months (apps/shared/measurement/identity.ts), containers are
 * fixed by the data model, so no listing or traversal is needed.
 *
 * Own facts (ownFacts, below): facts about a patient count only from that patient's own pod (issue 17,
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
 * the WebID `{profile}#me` is a subject nowhere else.
 */
import type { Quad } from 'n3';
import { CATEGORIES, type KindId } from '../../../vocab/catalogue.ts';
import { OA, SOSA, SSN_EXT } from '../../../vocab/terms.ts';
import { categoryContainer, monthsBetween, notesDocument } from '../../shared/measurement/index.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import type { QueryNeeds } from './scope.ts';

const DAY = 86_400_000;

/** A patient on the team's list whose pod could be found. */
export interface PatientPod {
  readonly webId: string;
  /** Pod root (pim:storage), ends with '/'. */
  readonly storage: string;
}

export interface DeclaredScope {
  readonly kinds?: readonly KindId[];
  readonly from?: Date;
  readonly to?: Date;
}

export interface Scope {
  readonly kinds: readonly KindId[];
  readonly from: Date;
  readonly to: Date;
  readonly notes: boolean;
  /** Where each dimension came from, so the answer can say it. */
  readonly basis: { readonly kinds: 'query' | 'declared' | 'all'; readonly time: 'query' | 'declared' | 'default' };
}

export interface ScopeLimits {
  /** Widest window a query may cover; default 366 days. */
  readonly maxRangeDays: number;
  /** Window used when neither the query nor the caller says; default 30 days back from now. */
  readonly defaultWindowDays: number;
}

export const DEFAULT_LIMITS: ScopeLimits = { maxRangeDays: 366, defaultWindowDays: 30 };

export type PlannedDocument =
  | { readonly role: 'measurements'; readonly url: string; readonly patient: string; readonly kind: KindId; readonly month: string }
  | { readonly role: 'notes'; readonly url: string; readonly patient: string; readonly month: string };

/** Combines what the query needs with what the caller declared and the defaults; refuses windows that are too wide. */
export function resolveScope(needs: Pick<QueryNeeds, 'kinds' | 'time' | 'notes'>, declared: DeclaredScope, now: Date, limits: ScopeLimits = DEFAULT_LIMITS): Scope {
  let from: Date | undefined;
  let to: Date | undefined;
  let time: Scope['basis']['time'];
  if (declared.from || declared.to) {
    time = 'declared';
    to = declared.to ?? now;
    from = declared.from ?? new Date(to.getTime() - limits.defaultWindowDays * DAY);
  } else if (needs.time?.from) {
    time = 'query';
    from = needs.time.from;
    to = needs.time.to ?? now;
  } else {
    time = 'default';
    to = needs.time?.to ?? now;
    from = new Date(to.getTime() - limits.defaultWindowDays * DAY);
  }
  if (to > now) to = now; // nothing is stored in the future (the gateway refuses it)
  if (from > to) {
    throw new ProblemError(problem(422, 'empty-time-range', 'The time range is empty',
      `the range starts (${from.toISOString()}) after it ends (${to.toISOString()}); give a start before the end, and not in the future`));
  }
  const days = (to.getTime() - from.getTime()) / DAY;
  if (days > limits.maxRangeDays) {
    throw new ProblemError(problem(422, 'time-range-too-wide', 'The time range is too wide',
      `the query covers ${Math.ceil(days)} days (${from.toISOString().slice(0, 10)} to ${to.toISOString().slice(0, 10)}); ` +
        `at most ${limits.maxRangeDays} days are allowed. Narrow the FILTER on sosa:resultTime, or give from/to`,
      { maxRangeDays: limits.maxRangeDays }));
  }
  const kinds = declared.kinds && declared.kinds.length > 0 ? declared.kinds : (needs.kinds ?? CATEGORIES);
  return {
    kinds: CATEGORIES.filter((c) => kinds.includes(c)),
    from,
    to,
    notes: needs.notes,
    basis: { kinds: declared.kinds && declared.kinds.length > 0 ? 'declared' : needs.kinds ? 'query' : 'all', time },
  };
}

/**
 * The documents to fetch, newest month first and interleaved across patients
 * and kinds: the first request for each (patient, kind) comes early, so a
 * category the team may not read (403) is known before its other months are
 * asked for, and those are skipped.
 */
export function planDocuments(pods: readonly PatientPod[], scope: Scope, now: Date): PlannedDocument[] {
  const months = monthsBetween(scope.from, scope.to).reverse();
  const plan: PlannedDocument[] = [];
  for (const month of months) {
    for (const pod of pods) {
      for (const kind of scope.kinds) {
        plan.push({ role: 'measurements', url: `${categoryContainer(pod.storage, kind)}${month}.ttl`, patient: pod.webId, kind, month });
      }
    }
  }
  if (scope.notes) {
    // A note is filed under the month it was written, which may be after the measurement's.
    const noteMonths = monthsBetween(scope.from, now).reverse();
    for (const month of noteMonths) {
      for (const pod of pods) {
        plan.push({ role: 'notes', url: notesDocument(pod.storage, `${month}-15T12:00:00Z`), patient: pod.webId, month });
      }
    }
  }
  return plan;
}

/** Refuses plans larger than `max` documents with a message saying how to narrow the query. */
export function checkPlanSize(documents: number, patients: number, scope: Scope, max: number): void {
  if (documents <= max) return;
  throw new ProblemError(problem(422, 'query-too-large', 'The query would read too many documents',
    `it needs ${documents} documents (${patients} patients x ${scope.kinds.length} kinds x months from ` +
      `${scope.from.toISOString().slice(0, 10)} to ${scope.to.toISOString().slice(0, 10)}); at most ${max} are read per query. ` +
      'Name the kinds (sosa:observedProperty with a SNOMED CT concept, or kind=...), narrow the time range, or ask for one patient',
    { documents, maxDocuments: max }));
}

// Own facts: what of a fetched document counts (see the header).

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
