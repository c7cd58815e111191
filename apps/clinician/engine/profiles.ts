/**
 * Public WebID profiles: where a patient's pod is (`pim:storage`) and which
 * organisation a clinician belongs to (`org:memberOf`).
 *
 * Discovery path (docs/clinician-queries.md): a clinician cannot read a
 * patient's private type index (owner-only, by the Type Indexes spec), and a
 * public type index must never list health data. The measurement containers
 * are fixed by the data model (`{storage}health/measurements/{kind}/`), so
 * the profile's `pim:storage` is all the engine needs: one anonymous,
 * cacheable GET per patient.
 *
 * Profiles are public and hold no access decision, so they are cached for a
 * short time (default 5 minutes) and revalidated with their ETag after that.
 * Only pod servers the service is configured for are ever contacted: a WebID
 * or storage elsewhere is reported, not fetched.
 */
import { Parser, type Quad } from 'n3';
import { isSafeHttpIri } from '../../shared/measurement/index.ts';
import { isWithin } from '../../shared/same-origin.ts';
import { NS } from '../../../vocab/terms.ts';
import type { PatientPod } from './plan.ts';

export const ORG_MEMBER_OF = 'http://www.w3.org/ns/org#memberOf';
const PIM_STORAGE = `${NS.pim}storage`;

/** The pod servers a clinician service may read from (by origin). */
export class PodServers {
  private readonly origins: Set<string>;

  constructor(baseUrls: readonly string[]) {
    this.origins = new Set(baseUrls.map((u) => new URL(u).origin));
  }

  allows(url: string): boolean {
    return isSafeHttpIri(url) && isWithin(url, this.list);
  }

  get list(): string[] {
    return [...this.origins];
  }
}

interface CachedProfile {
  readonly etag?: string;
  readonly quads: readonly Quad[];
  readonly checkedAt: number;
}

export class ProfileCache {
  private readonly entries = new Map<string, CachedProfile>();

  constructor(readonly ttlMs = 5 * 60_000, private readonly maxEntries = 10_000) {}

  get(url: string): CachedProfile | undefined {
    return this.entries.get(url);
  }

  set(url: string, entry: CachedProfile): void {
    this.entries.delete(url);
    this.entries.set(url, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(url: string): void {
    this.entries.delete(url);
  }

  clear(): void {
    this.entries.clear();
  }
}

export class ProfileError extends Error {
  constructor(
    message: string,
    readonly reason: 'outside-pod-servers' | 'unreachable' | 'not-readable' | 'invalid' | 'no-storage',
    readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}

export interface ProfileReader {
  readonly servers: PodServers;
  readonly cache: ProfileCache;
  /** Counts requests into the caller's statistics. */
  readonly countRequest?: (notModified: boolean) => void;
}

/** The quads of a public profile document (anonymous GET; cached up to the TTL, then revalidated). */
export async function readProfile(webId: string, reader: ProfileReader): Promise<readonly Quad[]> {
  if (!reader.servers.allows(webId)) {
    throw new ProfileError(`${webId} is not on a pod server this service reads (${reader.servers.list.join(', ')})`, 'outside-pod-servers');
  }
  const document = webId.replace(/#.*$/, '');
  const cached = reader.cache.get(document);
  if (cached && Date.now() - cached.checkedAt < reader.cache.ttlMs) return cached.quads;
  let response: Response;
  try {
    response = await fetch(document, {
      headers: { accept: 'text/turtle', ...(cached?.etag ? { 'if-none-match': cached.etag } : {}) },
      signal: AbortSignal.timeout(10_000),
      redirect: 'error',
    });
  } catch (error) {
    throw new ProfileError(`the profile ${document} could not be fetched: ${(error as Error).message}`, 'unreachable');
  }
  if (response.status === 304 && cached) {
    await response.body?.cancel();
    reader.countRequest?.(true);
    reader.cache.set(document, { ...cached, checkedAt: Date.now() });
    return cached.quads;
  }
  reader.countRequest?.(false);
  if (!response.ok) {
    await response.body?.cancel();
    reader.cache.delete(document);
    throw new ProfileError(`the profile ${document} answered HTTP ${response.status}`, response.status >= 500 ? 'unreachable' : 'not-readable', response.status);
  }
  let quads: Quad[];
  try {
    quads = new Parser({ baseIRI: document }).parse(await response.text());
  } catch (error) {
    throw new ProfileError(`the profile ${document} is not valid Turtle: ${(error as Error).message}`, 'invalid');
  }
  reader.cache.set(document, { etag: response.headers.get('etag') ?? undefined, quads, checkedAt: Date.now() });
  return quads;
}

/** Objects of `predicate` about `webId` that are IRIs. */
export function objectsOf(quads: readonly Quad[], webId: string, predicate: string): string[] {
  return quads
    .filter((q) => q.subject.value === webId && q.predicate.value === predicate && q.object.termType === 'NamedNode')
    .map((q) => q.object.value);
}

/** The pod of `webId`: its profile's pim:storage on an allowed pod server (the one containing the WebID first). */
export async function podOf(webId: string, reader: ProfileReader): Promise<{ pod: PatientPod; profile: readonly Quad[] }> {
  const profile = await readProfile(webId, reader);
  const storages = objectsOf(profile, webId, PIM_STORAGE).filter((s) => s.endsWith('/') && reader.servers.allows(s));
  const storage = storages.find((s) => webId.startsWith(s)) ?? storages[0];
  if (!storage) {
    throw new ProfileError(`the profile of ${webId} names no pod (pim:storage) on a pod server this service reads`, 'no-storage');
  }
  return { pod: { webId, storage }, profile };
}
