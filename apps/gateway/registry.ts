/**
 * The enrolment registry (DESIGN.md, "Finding a patient's pod"): which
 * patient identifiers (national identity number, the vendor's own patient id,
 * ...) belong to which WebID, and where that WebID's pod is. It is filled when
 * a patient is enrolled with the vendor, and the gateway resolves every
 * reading through it: a pod is never guessed from a name or a URL pattern.
 *
 * The pod (storage root) is learnt once, at enrolment, from the patient's
 * *public* profile (`pim:storage`); the gateway never reads anything else of
 * a pod. Stored as one small JSON file in the gateway's data folder, written
 * atomically (temporary file, fsync, rename).
 */
import { open, readFile, rename } from 'node:fs/promises';
import { Parser } from 'n3';
import { isSafeHttpIri } from '../shared/measurement/index.ts';
import { invalidInput, problem, ProblemError } from '../shared/problem.ts';
import { noRedirects } from '../shared/same-origin.ts';
import { NS } from '../../vocab/terms.ts';

export interface PatientIdentifier {
  readonly system: string;
  readonly value: string;
}

export interface Enrolment {
  readonly webId: string;
  /** The pod root the patient's measurements go to, ending in a slash. */
  readonly storage: string;
  readonly identifiers: readonly PatientIdentifier[];
  /** ISO 8601. */
  readonly enrolledAt: string;
}

interface RegistryFile {
  version: 1;
  enrolments: Enrolment[];
}

/** 422 names the wrong field; 409 is a conflicting enrolment, 502 a profile that could not be read. */
export class EnrolmentError extends ProblemError {
  constructor(readonly field: string, message: string, readonly status = 422) {
    super(status === 422
      ? invalidInput([{ field, message }], 'the enrolment was not made')
      : problem(status, status === 409 ? 'enrolment-conflict' : 'profile-unavailable', 'The enrolment was not made', message), message);
  }
}

const identifierKey = (system: string, value: string) => `${system}\u0000${value}`;

export class EnrolmentRegistry {
  private readonly byWebIdMap = new Map<string, Enrolment>();
  private readonly byIdentifierMap = new Map<string, Enrolment>();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly path: string, enrolments: readonly Enrolment[]) {
    for (const e of enrolments) this.index(e);
  }

  /** Opens the registry file; when it does not exist yet, starts it with `seed()` (e.g. the demo patients). */
  static async open(path: string, seed?: () => Enrolment[]): Promise<EnrolmentRegistry> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === undefined) {
      const registry = new EnrolmentRegistry(path, seed?.() ?? []);
      await registry.save();
      return registry;
    }
    const parsed = JSON.parse(text) as Partial<RegistryFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.enrolments)) {
      throw new Error(`${path} is not an enrolment registry (expected {"version": 1, "enrolments": [...]})`);
    }
    return new EnrolmentRegistry(path, parsed.enrolments);
  }

  byWebId(webId: string): Enrolment | undefined {
    return this.byWebIdMap.get(webId);
  }

  byIdentifier(system: string, value: string): Enrolment | undefined {
    return this.byIdentifierMap.get(identifierKey(system, value));
  }

  list(): Enrolment[] {
    return [...this.byWebIdMap.values()];
  }

  /**
   * Enrols a patient (or adds identifiers to an enrolled one). An identifier
   * already enrolled for another WebID is an error: one identifier, one person.
   */
  async enrol(enrolment: Enrolment): Promise<Enrolment> {
    enrolment.identifiers.forEach((id, i) => {
      const owner = this.byIdentifier(id.system, id.value);
      if (owner && owner.webId !== enrolment.webId) {
        throw new EnrolmentError(`identifiers/${i}`, `identifier ${id.system}|${id.value} is already enrolled for another patient`, 409);
      }
    });
    const previous = this.byWebIdMap.get(enrolment.webId);
    const identifiers = [...(previous?.identifiers ?? [])];
    for (const id of enrolment.identifiers) {
      if (!identifiers.some((x) => x.system === id.system && x.value === id.value)) identifiers.push(id);
    }
    const merged: Enrolment = { ...enrolment, identifiers, enrolledAt: previous?.enrolledAt ?? enrolment.enrolledAt };
    this.index(merged);
    await this.save();
    return merged;
  }

  private index(e: Enrolment): void {
    const previous = this.byWebIdMap.get(e.webId);
    for (const id of previous?.identifiers ?? []) this.byIdentifierMap.delete(identifierKey(id.system, id.value));
    this.byWebIdMap.set(e.webId, e);
    for (const id of e.identifiers) this.byIdentifierMap.set(identifierKey(id.system, id.value), e);
  }

  private save(): Promise<void> {
    const content: RegistryFile = { version: 1, enrolments: this.list() };
    this.writing = this.writing.catch(() => {}).then(async () => {
      const temporary = `${this.path}.tmp`;
      const file = await open(temporary, 'w', 0o600);
      try {
        await file.writeFile(`${JSON.stringify(content, null, 2)}\n`);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
    });
    return this.writing;
  }
}

/** Checks an enrolment request body; errors name the field. */
export function parseEnrolmentRequest(body: unknown): { webId: string; identifiers: PatientIdentifier[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new EnrolmentError('', 'the body must be a JSON object { webId, identifiers: [{ system, value }] }');
  const b = body as Record<string, unknown>;
  if (!isSafeHttpIri(b.webId)) throw new EnrolmentError('webId', 'must be the patient\'s WebID, an absolute http(s) IRI');
  if (!Array.isArray(b.identifiers)) throw new EnrolmentError('identifiers', 'must be a list of { system, value } (may be empty)');
  const identifiers = b.identifiers.map((raw, i) => {
    const id = raw as Record<string, unknown> | null;
    if (typeof id?.system !== 'string' || !/^(?:urn|https?):[^\s<>"{}|\\^`]{1,250}$/.test(id.system)) throw new EnrolmentError(`identifiers/${i}/system`, 'must be the identifier system URI, e.g. "urn:oid:2.16.578.1.12.4.1.4.1"');
    if (typeof id.value !== 'string' || !/^[^\s<>"{}|\\^`]{1,128}$/.test(id.value)) throw new EnrolmentError(`identifiers/${i}/value`, 'must be the identifier value (1-128 characters, no spaces and none of < > " { } | \\ ^ `)');
    return { system: id.system, value: id.value };
  });
  for (const key of Object.keys(b)) {
    if (key !== 'webId' && key !== 'identifiers') {
      throw new EnrolmentError(key, key === 'storage' ? 'the pod is read from the patient\'s public profile (pim:storage), never given' : 'unknown field; send { webId, identifiers }');
    }
  }
  return { webId: b.webId, identifiers };
}

/**
 * The pod root of a WebID, from its public profile document's `pim:storage`.
 * With several storages, the one the WebID itself lives under wins.
 */
const MAX_PROFILE_BYTES = 1024 * 1024;

export async function discoverStorage(webId: string, fetchFn: typeof fetch = fetch): Promise<string> {
  const profile = webId.replace(/#.*$/, '');
  let response: Response;
  try {
    // Never follows a redirect: an allowed pod server must not pass the gateway on to any address.
    response = await fetchFn(profile, noRedirects({ headers: { accept: 'text/turtle' }, signal: AbortSignal.timeout(10_000) }));
  } catch (error) {
    throw new EnrolmentError('webId', `could not read the public profile ${profile}: ${(error as Error).message}`, 502);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const moved = response.status >= 300 && response.status < 400 ? ' (redirects are not followed; enrol the WebID the profile is served at)' : '';
    throw new EnrolmentError('webId', `the public profile ${profile} answered HTTP ${response.status}${moved}`, 422);
  }
  if (Number(response.headers.get('content-length') ?? 0) > MAX_PROFILE_BYTES) {
    await response.body?.cancel();
    throw new EnrolmentError('webId', `the public profile ${profile} is larger than 1 MB`, 422);
  }
  const text = await response.text();
  if (text.length > MAX_PROFILE_BYTES) throw new EnrolmentError('webId', `the public profile ${profile} is larger than 1 MB`, 422);
  let quads;
  try {
    quads = new Parser({ baseIRI: profile }).parse(text);
  } catch {
    throw new EnrolmentError('webId', `the public profile ${profile} is not valid Turtle, so its pod (pim:storage) cannot be read`, 422);
  }
  const storages = quads
    .filter((q) => q.subject.value === webId && q.predicate.value === `${NS.pim}storage` && q.object.termType === 'NamedNode')
    .map((q) => q.object.value)
    .filter((s) => isSafeHttpIri(s) && s.endsWith('/'));
  const storage = storages.find((s) => webId.startsWith(s)) ?? storages[0];
  if (!storage) throw new EnrolmentError('webId', `the profile of ${webId} names no pod (pim:storage)`, 422);
  return storage;
}
