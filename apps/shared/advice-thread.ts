/**
 * A thread of messages about a patient between a team's members: a request
 * for advice and its answers (docs/teamwork.md). The one definition of the
 * format, and of what a request or an answer may say (validated once, at the
 * edge, into typed values or FieldErrors that become problem+json).
 *
 * Where it lives: the patient's own pod, one document per thread,
 *
 *   {patient pod}health/notes/thread-{id}.ttl
 *
 * appended (insert-only N3 Patch) under the grant the patient gave the team
 * (Read + Append on notes/), so the patient sees what is said about him. The
 * pod server stamps each message with who wrote it (hv:attestedAuthor,
 * NoteAttestingHandler); `dct:creator` is only a claim and is never shown as
 * the author. Measurements are linked (hv:regards), never copied.
 *
 *   <#m-{hash}> a hv:ThreadMessage, hv:AdviceRequestMessage ;   # or hv:RecommendationMessage
 *       hv:addressedTo <{org pod}groups/{team}#group> ;
 *       hv:forTask <{org pod}worklists/{team}/{id}#task> ;
 *       oa:bodyValue "..." ;
 *       hv:regards <measurement IRI> ;                 # 0..n
 *       hv:periodStart / hv:periodEnd "..."^^xsd:dateTime ;   # optional
 *       hv:recommendedAction hv:MeasureMoreOften ;     # answers, optional
 *       dct:creator <claimed WebID> ; dct:created "..."^^xsd:dateTime .
 */
import { DataFactory, Store, type Quad } from 'n3';
import { DCT, HV, OA, RDF, XSD } from '../../vocab/terms.ts';
import type { FieldError, Validated } from './measurement/errors.ts';
import { identityHash } from './measurement/identity.ts';
import { isSafeHttpIri } from './measurement/iri.ts';
import type { Priority } from './team-tasks.ts';

const { namedNode, literal, quad } = DataFactory;

export const MAX_MESSAGE_LENGTH = 2000;
export const MAX_DEADLINE_DAYS = 30;
export const MAX_REGARDS = 50;
const DAY = 86_400_000;

export const RECOMMENDED_ACTIONS = {
  'continue-follow-up': HV.ContinueFollowUp,
  'measure-more-often': HV.MeasureMoreOften,
  'start-self-treatment': HV.StartSelfTreatment,
  'contact-gp': HV.ContactGp,
  'hospital-assessment': HV.HospitalAssessment,
} as const;
export type RecommendedAction = keyof typeof RECOMMENDED_ACTIONS;
const PRIORITIES: readonly Priority[] = ['red', 'yellow', 'routine'];

export type MessageType = 'request' | 'recommendation';

export interface ThreadMessage {
  readonly iri: string;
  readonly type: MessageType;
  /** The team's group IRI. */
  readonly team: string;
  readonly task: string;
  readonly text: string;
  readonly regards: readonly string[];
  readonly periodStart?: string;
  readonly periodEnd?: string;
  readonly action?: RecommendedAction;
  /** What the writer claimed (dct:creator). */
  readonly claimedAuthor: string;
  readonly created: string;
}

/** A message as it may be shown to a person: `author` only when the pod server attested exactly one. */
export interface ShownMessage extends ThreadMessage {
  readonly author?: string;
}

export const threadDocumentOf = (patientPod: string, id: string) =>
  `${patientPod.endsWith('/') ? patientPod : `${patientPod}/`}health/notes/thread-${id}.ttl`;

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

function text(raw: unknown, errors: FieldError[]): string {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value.length === 0) errors.push({ field: 'text', message: 'write what you want to say (it is empty)' });
  else if (value.length > MAX_MESSAGE_LENGTH) errors.push({ field: 'text', message: `is ${value.length} characters; the limit is ${MAX_MESSAGE_LENGTH}` });
  else if (CONTROL.test(value)) errors.push({ field: 'text', message: 'contains control characters; send plain text' });
  return value;
}

/** Measurement IRIs in the patient's own health/measurements/ (linked, never copied). */
function regards(raw: unknown, patientPod: string, errors: FieldError[]): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_REGARDS) {
    errors.push({ field: 'regards', message: `a list of at most ${MAX_REGARDS} measurement IRIs` });
    return [];
  }
  const prefix = `${patientPod}health/measurements/`;
  raw.forEach((iri, i) => {
    if (!isSafeHttpIri(iri) || !iri.startsWith(prefix) || !iri.includes('#')) {
      errors.push({ field: `regards/${i}`, message: `must be the IRI of one of the patient's measurements (under ${prefix})` });
    }
  });
  return errors.some((e) => e.field.startsWith('regards')) ? [] : [...new Set(raw as string[])];
}

function time(raw: unknown, field: string, errors: FieldError[]): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const ms = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) {
    errors.push({ field, message: 'must be a date and time with its offset, e.g. 2026-12-06T12:00:00+01:00' });
    return undefined;
  }
  return new Date(ms).toISOString();
}

export interface AdviceRequestInput {
  readonly text: string;
  readonly regards: readonly string[];
  readonly periodStart?: string;
  readonly periodEnd?: string;
  readonly deadline: string;
  readonly priority: Priority;
}

/** What a clinician sends to ask the team; `patientPod` bounds what it may link to. */
export function parseAdviceRequest(raw: Record<string, unknown>, patientPod: string, now: Date): Validated<AdviceRequestInput> {
  const errors: FieldError[] = [];
  const body = text(raw.text, errors);
  const linked = regards(raw.regards, patientPod, errors);
  const periodStart = time(raw.periodStart, 'periodStart', errors);
  const periodEnd = time(raw.periodEnd, 'periodEnd', errors);
  if (periodStart && periodEnd && periodStart > periodEnd) errors.push({ field: 'periodEnd', message: 'the period ends before it starts' });
  const deadline = time(raw.deadline, 'deadline', errors);
  if (raw.deadline === undefined || raw.deadline === '') errors.push({ field: 'deadline', message: 'say by when the team should answer' });
  else if (deadline && Date.parse(deadline) <= now.getTime()) errors.push({ field: 'deadline', message: `${raw.deadline} has passed; choose a time after now` });
  else if (deadline && Date.parse(deadline) > now.getTime() + MAX_DEADLINE_DAYS * DAY) {
    errors.push({ field: 'deadline', message: `is more than ${MAX_DEADLINE_DAYS} days ahead; a request for advice is answered within ${MAX_DEADLINE_DAYS} days` });
  }
  const priority = raw.priority ?? 'routine';
  if (!PRIORITIES.includes(priority as Priority)) errors.push({ field: 'priority', message: `one of ${PRIORITIES.join(', ')}` });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { text: body, regards: linked, deadline: deadline!, priority: priority as Priority, ...(periodStart ? { periodStart } : {}), ...(periodEnd ? { periodEnd } : {}) },
  };
}

/** What a clinician sends to answer: free text and, optionally, one action of the list. */
export function parseRecommendation(raw: Record<string, unknown>): Validated<{ text: string; action?: RecommendedAction }> {
  const errors: FieldError[] = [];
  const body = text(raw.text, errors);
  const action = raw.action === undefined || raw.action === '' ? undefined : raw.action;
  if (action !== undefined && !(typeof action === 'string' && action in RECOMMENDED_ACTIONS)) {
    errors.push({ field: 'action', message: `one of ${Object.keys(RECOMMENDED_ACTIONS).join(', ')}, or none` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { text: body, ...(action ? { action: action as RecommendedAction } : {}) } };
}

/** The quads of one message in the thread document `document`. */
export function messageQuads(document: string, message: Omit<ThreadMessage, 'iri'>): { iri: string; quads: Quad[] } {
  const iri = `${document}#m-${identityHash(message.type, message.claimedAuthor, message.created, message.text)}`;
  const s = namedNode(iri);
  const dateTime = (v: string) => literal(new Date(v).toISOString(), namedNode(XSD.dateTime));
  return {
    iri,
    quads: [
      quad(s, namedNode(RDF.type), namedNode(HV.ThreadMessage)),
      quad(s, namedNode(RDF.type), namedNode(message.type === 'request' ? HV.AdviceRequestMessage : HV.RecommendationMessage)),
      quad(s, namedNode(HV.addressedTo), namedNode(message.team)),
      quad(s, namedNode(HV.forTask), namedNode(message.task)),
      quad(s, namedNode(OA.bodyValue), literal(message.text)),
      ...message.regards.map((m) => quad(s, namedNode(HV.regards), namedNode(m))),
      ...(message.periodStart ? [quad(s, namedNode(HV.periodStart), dateTime(message.periodStart))] : []),
      ...(message.periodEnd ? [quad(s, namedNode(HV.periodEnd), dateTime(message.periodEnd))] : []),
      ...(message.action ? [quad(s, namedNode(HV.recommendedAction), namedNode(RECOMMENDED_ACTIONS[message.action]))] : []),
      quad(s, namedNode(DCT.creator), namedNode(message.claimedAuthor)),
      quad(s, namedNode(DCT.created), dateTime(message.created)),
    ],
  };
}

/** The messages of a thread document, oldest first, each with its attested author (if exactly one). */
export function parseThread(quads: Iterable<Quad>): ShownMessage[] {
  const store = new Store([...quads]);
  const one = (s: string, p: string) => {
    const values = store.getObjects(s, p, null);
    return values.length === 1 ? values[0]!.value : undefined;
  };
  const actionOf = (iri: string | undefined) => (Object.entries(RECOMMENDED_ACTIONS) as [RecommendedAction, string][]).find(([, v]) => v === iri)?.[0];
  return store.getSubjects(RDF.type, HV.ThreadMessage, null).flatMap((subject): ShownMessage[] => {
    const s = subject.value;
    const types = store.getObjects(s, RDF.type, null).map((t) => t.value);
    const type: MessageType | undefined = types.includes(HV.AdviceRequestMessage) ? 'request' : types.includes(HV.RecommendationMessage) ? 'recommendation' : undefined;
    const [team, task, body, claimedAuthor, created] = [one(s, HV.addressedTo), one(s, HV.forTask), one(s, OA.bodyValue), one(s, DCT.creator), one(s, DCT.created)];
    if (!type || !team || !task || body === undefined || !claimedAuthor || !created) return [];
    const authors = store.getObjects(s, HV.attestedAuthor, null).filter((t) => t.termType === 'NamedNode');
    const periodStart = one(s, HV.periodStart);
    const periodEnd = one(s, HV.periodEnd);
    const action = actionOf(one(s, HV.recommendedAction));
    return [{
      iri: s, type, team, task, text: body, claimedAuthor, created,
      regards: store.getObjects(s, HV.regards, null).map((o) => o.value).sort(),
      ...(periodStart ? { periodStart } : {}), ...(periodEnd ? { periodEnd } : {}), ...(action ? { action } : {}),
      ...(authors.length === 1 ? { author: authors[0]!.value } : {}),
    }];
  }).sort((a, b) => a.created.localeCompare(b.created) || a.iri.localeCompare(b.iri));
}
