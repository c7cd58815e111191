/**
 * "Same origin as one of these, and no redirects": the one rule for every URL
 * we fetch because of input or because a profile or a server named it
 * (DESIGN.md, "Hostile users"). Otherwise a patient, an enrolment request or
 * a profile could make our servers fetch an intranet host or a cloud
 * metadata service, or hand our credentials to another origin.
 *
 * - Origins are compared parsed (scheme, host, port), never as string
 *   prefixes: `http://localhost:3000.evil.example/`, `http://localhost:30001/`
 *   and `http://localhost:3000@evil.example/` are other hosts.
 * - A URL with user info (`user:pass@`) is refused outright.
 * - A base with a path (`https://pods.example/team/`) also requires the URL's
 *   path to lie below it (after the URL parser resolved `..` and `%2e%2e`).
 * - Redirects are never followed: a 3xx answer comes back as it is, and the
 *   caller treats it as the failure it is (an allowed server could otherwise
 *   pass us on to any address).
 *
 * The pod server's extensions (plain JS) have the same rule in
 * pod-server/css/extensions/lib/util/same-origin.js: keep the two in step.
 */

/** The parsed http(s) URL, or undefined when it is not one or carries user info. */
function httpUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return url;
}

/** Whether `url` is on the origin of one of `bases`, below the base's path, without user info. */
export function isWithin(url: string, bases: readonly string[]): boolean {
  const target = httpUrl(url);
  if (!target) return false;
  return bases.some((entry) => {
    const base = httpUrl(entry);
    if (!base || base.origin !== target.origin) return false;
    const path = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    return path === '/' || target.pathname.startsWith(path);
  });
}

/** A URL outside the allowed origins: never fetched. */
export class OutsideAllowedOriginsError extends Error {
  constructor(readonly url: string, readonly bases: readonly string[]) {
    super(`${url} is not on ${bases.length === 1 ? bases[0] : `one of ${bases.join(', ')}`}, so it is not fetched`);
    this.name = 'OutsideAllowedOriginsError';
  }
}

/** `init` with redirects switched off: a 3xx is answered as it is, never followed. */
export function noRedirects(init: RequestInit = {}): RequestInit {
  return { ...init, redirect: 'manual' };
}

/**
 * Fetches `url` only if it is within `bases`, never following a redirect.
 * Throws OutsideAllowedOriginsError (nothing is sent) otherwise.
 */
export async function fetchWithin(
  url: string,
  bases: readonly string[],
  init?: RequestInit,
  fetchFn: typeof fetch = fetch,
): Promise<Response> {
  if (!isWithin(url, bases)) throw new OutsideAllowedOriginsError(url, bases);
  return fetchFn(url, noRedirects(init));
}
