/**
 * The access table's rows for issue #17, point 1: content types under each
 * container, and registration. What the POLICY says, by hand, never from
 * the server's answers:
 * - under `{pod}health/` only RDF is stored: a write the access model allows
 *   with any other content type is 415 (a write it refuses stays 401/403:
 *   authorization comes first and tells nothing about types);
 * - elsewhere (the pod root) the owner may store anything, but it is served
 *   sandboxed, nosniff, and anything that is not RDF as a download;
 * - registration is closed: nobody creates an account without the
 *   operator's key, whoever they are logged in as.
 *
 * Pure data and functions: no I/O.
 */
import { GRANTS, ROLES, expectedStatus, type Area, type Expectation, type Grants, type Patient, type Resource, type Role } from './access-table.ts';

/** A body in each content type: the two that run script in a browser, one inert text, and RDF. */
export const CONTENT: readonly { readonly type: string; readonly rdf: boolean; readonly body: string; readonly extension: string }[] = [
  { type: 'text/html', rdf: false, extension: 'html', body: '<!doctype html><script>fetch("/.account/")</script>' },
  { type: 'image/svg+xml', rdf: false, extension: 'svg', body: '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/.account/")</script></svg>' },
  { type: 'text/plain', rdf: false, extension: 'txt', body: 'a note that is not RDF' },
  { type: 'text/turtle', rdf: true, extension: 'ttl', body: '<#access-table> <https://w3id.org/helsevev/test#wrote> "content type".\n' },
];

/** The containers a document may be POSTed into, one per part of the access model where someone may append. */
export const CONTENT_CONTAINERS: readonly Resource[] = (
  [
    ['hans', 'hans/', { kind: 'private' }, 'pod-root'],
    ['hans', 'hans/health/notes/', { kind: 'notes' }, 'container'],
    ['hans', 'hans/health/measurements/oxygen-saturation/', { kind: 'category', category: 'oxygen-saturation' }, 'container'],
    ['hans', 'hans/health/consent/', { kind: 'consent' }, 'container'],
  ] as const satisfies readonly [Patient, string, Area, Resource['shape']][]
).map(([pod, path, area, shape]) => ({ label: `${pod} ${path.slice(pod.length + 1) || '/'}`, path, pod, area, shape }));

export interface ContentCell {
  readonly role: Role;
  readonly container: Resource;
  readonly content: (typeof CONTENT)[number];
  readonly expected: Expectation;
}

const underHealth = (path: string) => /^[^/]+\/health\//u.test(path);

/** A POST of `content` into `container` by `role`: the access model's answer, then the content-type rule. */
export function expectedContentStatus(role: Role, container: Resource, content: (typeof CONTENT)[number], grants: Grants = GRANTS): Expectation {
  const access = expectedStatus(role, container, 'POST', 'plain', grants);
  if (access.status !== 201) return access;
  if (!content.rdf && underHealth(container.path)) return { status: 415, because: 'only RDF is stored under health/' };
  return { status: 201, because: 'allowed' };
}

export function contentCells(grants: Grants = GRANTS): ContentCell[] {
  return CONTENT_CONTAINERS.flatMap((container) =>
    ROLES.flatMap((role) => CONTENT.map((content) => ({ role, container, content, expected: expectedContentStatus(role, container, content, grants) }))),
  );
}

/** The headers a stored document must come with when read back: never a page of the pod server's origin. */
export const servedAs = (content: (typeof CONTENT)[number]) => ({
  csp: 'sandbox',
  nosniff: 'nosniff',
  disposition: content.rdf ? null : 'attachment',
});

/** Registration is closed: creating an account without the operator's key is refused, whoever asks. */
export const REGISTRATION_REFUSED: Expectation = { status: 403, because: 'registration is closed' };
