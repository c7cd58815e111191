/**
 * A patient's pod, learnt from their *public* profile (`pim:storage`) when
 * they approve a pairing (DESIGN.md, "Finding a patient's pod"): a pod is
 * never guessed from a name or a URL pattern, and never given by whoever
 * sends readings. The gateway reads nothing else of a pod, and fetches a
 * profile only on the pod servers it serves, without following redirects.
 */
import { Parser } from 'n3';
import { isSafeHttpIri } from '../../shared/measurement/index.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { noRedirects } from '../../shared/same-origin.ts';
import { NS } from '../../../vocab/terms.ts';

/** 502: the profile could not be read; 422: it names no usable pod. */
export class ProfileError extends ProblemError {
  constructor(message: string, readonly status = 422) {
    super(problem(status, status === 502 ? 'profile-unavailable' : 'profile-without-pod', 'The patient\'s pod could not be found', message), message);
  }
}

const MAX_PROFILE_BYTES = 1024 * 1024;

/**
 * The pod root of a WebID, from its public profile document's `pim:storage`.
 * With several storages, the one the WebID itself lives under wins.
 */
export async function discoverStorage(webId: string, fetchFn: typeof fetch = fetch): Promise<string> {
  const profile = webId.replace(/#.*$/, '');
  let response: Response;
  try {
    // Never follows a redirect: an allowed pod server must not pass the gateway on to any address.
    response = await fetchFn(profile, noRedirects({ headers: { accept: 'text/turtle' }, signal: AbortSignal.timeout(10_000) }));
  } catch (error) {
    throw new ProfileError(`could not read the public profile ${profile}: ${(error as Error).message}`, 502);
  }
  if (!response.ok) {
    await response.body?.cancel();
    const moved = response.status >= 300 && response.status < 400 ? ' (redirects are not followed; use the WebID the profile is served at)' : '';
    throw new ProfileError(`the public profile ${profile} answered HTTP ${response.status}${moved}`, 422);
  }
  if (Number(response.headers.get('content-length') ?? 0) > MAX_PROFILE_BYTES) {
    await response.body?.cancel();
    throw new ProfileError(`the public profile ${profile} is larger than 1 MB`, 422);
  }
  const text = await response.text();
  if (text.length > MAX_PROFILE_BYTES) throw new ProfileError(`the public profile ${profile} is larger than 1 MB`, 422);
  let quads;
  try {
    quads = new Parser({ baseIRI: profile }).parse(text);
  } catch {
    throw new ProfileError(`the public profile ${profile} is not valid Turtle, so its pod (pim:storage) cannot be read`, 422);
  }
  const storages = quads
    .filter((q) => q.subject.value === webId && q.predicate.value === `${NS.pim}storage` && q.object.termType === 'NamedNode')
    .map((q) => q.object.value)
    .filter((s) => isSafeHttpIri(s) && s.endsWith('/'));
  const storage = storages.find((s) => webId.startsWith(s)) ?? storages[0];
  if (!storage) throw new ProfileError(`the profile of ${webId} names no pod (pim:storage)`, 422);
  return storage;
}
