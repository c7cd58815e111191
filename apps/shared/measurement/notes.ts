/**
 * A clinician's "unreliable" mark on a measurement, as RDF for the patient's
 * `health/notes/`. The measurement itself is never changed: the note points
 * at it (oa:hasTarget). Deterministic IRI from (measurement, author, time).
 *
 * `dct:creator` is what the writer claims. The author shown to a person is
 * the one the pod server attested when it took the write (hv:attestedAuthor,
 * pod-server/css/extensions/lib/http/NoteAttestingHandler.js): `quadsToShownMarks`.
 */
import { DataFactory, Store, type Quad } from 'n3';
import { DCT, HV, OA, RDF, XSD } from '../../../vocab/terms.ts';
import type { FieldError, Validated } from './errors.ts';
import { identityHash, healthMonthDocument, toOsloIso } from './identity.ts';
import { isSafeHttpIri } from './iri.ts';

const { namedNode, literal, quad } = DataFactory;

export interface UnreliableMark {
  readonly measurement: string;
  readonly reason: string;
  /** The clinician's WebID. */
  readonly author: string;
  /** ISO 8601 with Europe/Oslo offset. */
  readonly created: string;
}

export const MAX_REASON_LENGTH = 500;

export function parseUnreliableMark(raw: { measurement?: unknown; reason?: unknown; author?: unknown; created?: Date }): Validated<UnreliableMark> {
  const errors: FieldError[] = [];
  if (!isSafeHttpIri(raw.measurement)) errors.push({ field: 'measurement', message: 'must be the IRI of the measurement being marked' });
  if (!isSafeHttpIri(raw.author)) errors.push({ field: 'author', message: 'must be the WebID of the clinician marking it' });
  const reason = typeof raw.reason === 'string' ? raw.reason.trim() : '';
  if (reason.length === 0 || reason.length > MAX_REASON_LENGTH || /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(reason)) {
    errors.push({ field: 'reason', message: `say briefly why the value is unreliable (1-${MAX_REASON_LENGTH} characters of text)` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { measurement: raw.measurement as string, author: raw.author as string, reason, created: toOsloIso(raw.created ?? new Date()) } };
}

/** `{storage}health/notes/{YYYY-MM}.ttl`: notes are appended per month, like measurements. */
export function notesDocument(storage: string, created: string): string {
  return healthMonthDocument(storage, 'notes', created);
}

export function unreliableMarkToQuads(note: UnreliableMark, storage: string): Quad[] {
  const iri = `${notesDocument(storage, note.created)}#note-${identityHash(note.measurement, note.author, note.created)}`;
  const s = namedNode(iri);
  return [
    quad(s, namedNode(RDF.type), namedNode(HV.UnreliableMark)),
    quad(s, namedNode(RDF.type), namedNode(OA.Annotation)),
    quad(s, namedNode(OA.motivatedBy), namedNode(OA.assessing)),
    quad(s, namedNode(OA.hasTarget), namedNode(note.measurement)),
    quad(s, namedNode(OA.bodyValue), literal(note.reason)),
    quad(s, namedNode(DCT.creator), namedNode(note.author)),
    quad(s, namedNode(DCT.created), literal(note.created, namedNode(XSD.dateTime))),
  ];
}

export function quadsToUnreliableMarks(quads: Iterable<Quad>): (UnreliableMark & { iri: string })[] {
  const store = new Store([...quads]);
  return store.getSubjects(RDF.type, HV.UnreliableMark, null).flatMap((s) => {
    const get = (p: string) => store.getObjects(s, p, null)[0]?.value;
    const [measurement, reason, author, created] = [get(OA.hasTarget), get(OA.bodyValue), get(DCT.creator), get(DCT.created)];
    return measurement && reason && author && created ? [{ iri: s.value, measurement, reason, author, created }] : [];
  });
}

/** A mark as it may be shown to a person. */
export interface ShownMark {
  readonly iri: string;
  readonly measurement: string;
  readonly reason: string;
  /** The writer the pod server authenticated (one hv:attestedAuthor); absent: "author not verified". */
  readonly author?: string;
  /** dct:creator when it is not the attested author: a claim, never shown as the author. */
  readonly claimedAuthor?: string;
  /** The attested time when the author is attested (the earliest, if retried), else dct:created. */
  readonly created: string;
}

/**
 * The marks in `quads` with their attested author. A note with no attestation,
 * or with several (more than one agent wrote about it), has no author: which
 * of them wrote what cannot be told.
 */
export function quadsToShownMarks(quads: Iterable<Quad>): ShownMark[] {
  const all = [...quads];
  const store = new Store(all);
  return quadsToUnreliableMarks(all).map((m) => {
    const authors = store.getObjects(m.iri, HV.attestedAuthor, null).filter((t) => t.termType === 'NamedNode');
    const author = authors.length === 1 ? authors[0]!.value : undefined;
    const times = store.getObjects(m.iri, HV.attestedAt, null).map((t) => Date.parse(t.value)).filter(Number.isFinite).sort((a, b) => a - b);
    return {
      iri: m.iri, measurement: m.measurement, reason: m.reason,
      created: author && times.length > 0 ? toOsloIso(new Date(times[0]!)) : m.created,
      ...(author ? { author } : {}),
      ...(m.author !== author ? { claimedAuthor: m.author } : {}),
    };
  });
}
