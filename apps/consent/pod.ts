/**
 * The consent page's conversation with the patient's pod, over the logged-in
 * session's fetch (Solid-OIDC, DPoP-bound tokens that never leave the
 * browser). Reads ACLs, consent records, measurements, notes and the access
 * log; writes ACL documents (PUT, If-Match) and appends consent records and
 * the patient's own hand entries through the one write path
 * (apps/shared/append.ts). Every failure becomes
 * a PodError that says which of a few things a person can act on went wrong.
 * No DOM here.
 */
import {
  FetchError, getContainedResourceUrlAll, getPodUrlAll, getSolidDataset, getStringNoLocale, getThing,
} from '@inrupt/solid-client';
import { Parser, type Quad } from 'n3';
import { CATEGORIES, type KindId } from '../../vocab/catalogue.ts';
import { NS } from '../../vocab/terms.ts';
import { accessLogContainer, quadsToAccessLogEntries, type AccessLogEntry } from '../shared/access-log.ts';
import { appendQuads } from '../shared/append.ts';
import { carryOutAclPlan, PodResponseError, readHealthAcl, type PlanOutcome } from '../shared/health-acl-pod.ts';
import { parseDirectory, type Directory } from '../shared/directory.ts';
import { healthContainers, type HealthContainer } from '../shared/health-layout.ts';
import { quadsToConsentRecords, type ConsentRecord } from '../shared/measurement/consent.ts';
import { measurementDocument } from '../shared/measurement/identity.ts';
import { measurementToQuads, quadsToMeasurements } from '../shared/measurement/rdf.ts';
import { quadsToShownMarks, type ShownMark } from '../shared/measurement/notes.ts';
import type { Measurement, StoredMeasurement } from '../shared/measurement/types.ts';
import { withSlash } from '../shared/pod-urls.ts';
import type { ConsentPlan, ContainerAccess, CurrentAccess } from './access.ts';
import { parseGroupMembers, type GroupMember } from './readers.ts';

type Fetch = typeof fetch;

export type PodErrorKind = 'unreachable' | 'expired' | 'forbidden' | 'not-found' | 'conflict' | 'server';

export type { PlanOutcome };

export class PodError extends Error {
  constructor(readonly kind: PodErrorKind, readonly url: string, readonly status?: number) {
    super(`${kind}${status ? ` (HTTP ${status})` : ''}: ${url}`);
    this.name = 'PodError';
  }
}

function kindOfStatus(status: number): PodErrorKind {
  if (status === 401) return 'expired';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  return 'server';
}

/** Turns what a fetch or solid-client call threw into a PodError. */
export function toPodError(error: unknown, url: string): unknown {
  if (error instanceof PodError) return error;
  if (error instanceof PodResponseError) return error.status === undefined ? new PodError('unreachable', error.url) : new PodError(kindOfStatus(error.status), error.url, error.status);
  if (error instanceof FetchError) return new PodError(kindOfStatus(error.statusCode), url, error.statusCode);
  if (error instanceof TypeError) return new PodError('unreachable', url); // fetch's network failure
  return error;
}

async function request(fetchFn: Fetch, url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (error) {
    throw toPodError(error, url);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new PodError(kindOfStatus(response.status), url, response.status);
  }
  return response;
}

async function withPodErrors<T>(url: string, task: () => Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    throw toPodError(error, url);
  }
}

/** Turtle of a document, parsed. */
export async function readQuads(fetchFn: Fetch, url: string): Promise<{ quads: Quad[]; etag?: string }> {
  const response = await request(fetchFn, url, { headers: { accept: 'text/turtle' } });
  const etag = response.headers.get('etag') ?? undefined;
  return { quads: new Parser({ baseIRI: url }).parse(await response.text()), ...(etag ? { etag } : {}) };
}

/** The documents in a container, sorted by URL (month and day documents sort by date). Missing container: none. */
export async function listContainer(fetchFn: Fetch, url: string): Promise<string[]> {
  try {
    const dataset = await withPodErrors(url, () => getSolidDataset(url, { fetch: fetchFn }));
    return getContainedResourceUrlAll(dataset).sort();
  } catch (error) {
    if (error instanceof PodError && error.kind === 'not-found') return [];
    throw error;
  }
}

export interface Patient {
  readonly webId: string;
  readonly name?: string;
  /** The pod root (storage), ends with a slash. */
  readonly pod: string;
}

/** Who is logged in: name and pod from the public WebID profile. */
export async function readPatient(fetchFn: Fetch, webId: string): Promise<Patient> {
  const card = webId.replace(/#.*$/, '');
  const profile = await withPodErrors(card, () => getSolidDataset(card, { fetch: fetchFn }));
  const me = getThing(profile, webId);
  const name = me ? (getStringNoLocale(me, `${NS.foaf}name`) ?? getStringNoLocale(me, `${NS.vcard}fn`) ?? undefined) : undefined;
  const pods = await withPodErrors(card, () => getPodUrlAll(webId, { fetch: fetchFn }));
  const pod = pods[0] ?? new URL('../', card).href;
  return { webId, pod: withSlash(pod), ...(name ? { name } : {}) };
}

export async function readDirectory(fetchFn: Fetch, url: string): Promise<Directory> {
  const response = await request(fetchFn, url, { headers: { accept: 'text/turtle' } });
  return parseDirectory(await response.text(), url);
}

/** The ACL document of one container, read into the access model. */
async function readAccess(fetchFn: Fetch, container: HealthContainer, owner: string): Promise<ContainerAccess> {
  return withPodErrors(container.url, () => readHealthAcl(fetchFn, container, owner));
}

/** Who may read each category and notes/, from the pod's ACLs. */
export async function readCurrentAccess(fetchFn: Fetch, patient: Patient): Promise<CurrentAccess> {
  const containers = healthContainers(patient.pod);
  const categories = containers.filter((c): c is Extract<HealthContainer, { kind: 'category' }> => c.kind === 'category');
  const notes = containers.find((c) => c.kind === 'notes')!;
  const [notesAccess, ...categoryAccess] = await Promise.all([notes, ...categories].map((c) => readAccess(fetchFn, c, patient.webId)));
  return {
    owner: patient.webId,
    categories: new Map(categories.map((c, i) => [c.category, categoryAccess[i]!])),
    notes: notesAccess!,
  };
}

/**
 * Writes the plan's ACL documents one by one (a failure stops there and is
 * thrown: what was written stays written, and the page reloads the state),
 * then appends its consent records (apps/shared/health-acl-pod.ts).
 */
export async function carryOut(fetchFn: Fetch, patient: Patient, plan: ConsentPlan): Promise<PlanOutcome> {
  return withPodErrors(patient.pod, () => carryOutAclPlan(fetchFn, patient.pod, plan));
}

/** Every consent record in health/consent/, newest first. */
export async function readConsentHistory(fetchFn: Fetch, patient: Patient): Promise<(ConsentRecord & { iri: string })[]> {
  const documents = await listContainer(fetchFn, `${patient.pod}health/consent/`);
  const all = await Promise.all(documents.map(async (url) => (await readQuads(fetchFn, url)).quads));
  return quadsToConsentRecords(all.flat()).reverse();
}

export interface CategoryData {
  readonly category: KindId;
  readonly measurements: StoredMeasurement[];
  /** Quads of the month documents as stored (for the Turtle download). */
  readonly quads: Quad[];
}

/** Every month document of a category, parsed. */
export async function readCategory(fetchFn: Fetch, patient: Patient, category: KindId): Promise<CategoryData> {
  const container = healthContainers(patient.pod, [category]).find((c) => c.kind === 'category')!;
  const documents = (await listContainer(fetchFn, container.url)).filter((u) => u.endsWith('.ttl'));
  const quads = (await Promise.all(documents.map(async (url) => (await readQuads(fetchFn, url)).quads))).flat();
  return { category, measurements: quadsToMeasurements(quads).measurements, quads };
}

/**
 * Appends a measurement the patient entered (already validated by
 * parseOwnEntry) to its month document, with the patient's own session:
 * where a device's reading of that kind and month goes. Its IRI is
 * deterministic, so saving twice leaves one reading.
 */
export async function appendOwnEntry(fetchFn: Fetch, patient: Patient, m: Measurement): Promise<void> {
  const document = measurementDocument(patient.pod, m.kind, m.effectiveTime);
  const outcome = await appendQuads(fetchFn, document, measurementToQuads(m, patient.pod));
  if (outcome.ok) return;
  throw outcome.status === undefined ? new PodError('unreachable', document) : new PodError(kindOfStatus(outcome.status), document, outcome.status);
}

export async function readNotes(fetchFn: Fetch, patient: Patient): Promise<{ marks: ShownMark[]; quads: Quad[] }> {
  const documents = await listContainer(fetchFn, `${patient.pod}health/notes/`);
  const quads = (await Promise.all(documents.map(async (url) => (await readQuads(fetchFn, url)).quads))).flat();
  // The author is the one the pod server attested (its FHIR export says so), never dct:creator.
  return { marks: quadsToShownMarks(quads), quads };
}

/** Everything for the downloads: all categories, notes and consent records. */
export async function readEverything(fetchFn: Fetch, patient: Patient) {
  const categories: CategoryData[] = [];
  for (const category of CATEGORIES) categories.push(await readCategory(fetchFn, patient, category));
  const notes = await readNotes(fetchFn, patient);
  const consentDocs = await listContainer(fetchFn, `${patient.pod}health/consent/`);
  const consentQuads = (await Promise.all(consentDocs.map(async (url) => (await readQuads(fetchFn, url)).quads))).flat();
  return { categories, notes, consentQuads };
}

/**
 * The members of a directory team, from the group document its organisation
 * publishes (apps/consent/readers.ts says why there and not the members'
 * profiles). Read without the patient's token: group documents are public
 * (the pod server reads them unauthenticated to evaluate acl:agentGroup), and
 * the patient's token has no business at a URL a third party named. A
 * document that cannot be read vouches for nobody.
 */
export async function readGroupMembers(fetchFn: Fetch, groupIri: string): Promise<GroupMember[]> {
  const document = groupIri.replace(/#.*$/, '');
  try {
    const response = await request(fetchFn, document, { headers: { accept: 'text/turtle' }, credentials: 'omit', redirect: 'error' });
    return parseGroupMembers(await response.text(), groupIri);
  } catch {
    return [];
  }
}

/** The access log's day documents, newest first, at most `days` of them, read into entries (newest first). */
export async function readAccessLog(fetchFn: Fetch, patient: Patient, days = 31): Promise<AccessLogEntry[]> {
  const documents = (await listContainer(fetchFn, accessLogContainer(patient.pod))).filter((u) => u.endsWith('.ttl')).reverse().slice(0, days);
  const quads = (await Promise.all(documents.map(async (url) => (await readQuads(fetchFn, url)).quads))).flat();
  return quadsToAccessLogEntries(quads);
}
