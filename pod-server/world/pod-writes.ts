/**
 * The few idempotent writes provisioning needs, over plain Solid HTTP with an
 * authenticated fetch: make sure a container exists, put a Turtle document,
 * find a resource's ACL document, append triples with an N3 Patch.
 */
import { FetchError, createContainerAt, getLinkedResourceUrlAll, getResourceInfo } from '@inrupt/solid-client';
import type { Quad } from 'n3';
import { appendQuads as appendToDocument } from '../../apps/shared/append.ts';

type Fetch = typeof fetch;

async function check(response: Response, what: string): Promise<void> {
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const body = await response.text().catch(() => '');
  throw new Error(`${what} failed: ${response.status} ${response.statusText} ${body.slice(0, 300)}`);
}

/** The ACL document of `url`, from its `Link: <...>; rel="acl"` header. */
async function aclOf(info: Parameters<typeof getLinkedResourceUrlAll>[0], url: string): Promise<string> {
  const acl = getLinkedResourceUrlAll(info).acl?.[0];
  if (!acl) throw new Error(`${url} does not advertise an ACL document (no Link rel="acl"); is WAC enabled?`);
  return acl;
}

/** Makes sure the container exists; returns its ACL document URL and whether it was created. */
export async function ensureContainer(fetch: Fetch, url: string): Promise<{ acl: string; created: boolean }> {
  try {
    return { acl: await aclOf(await getResourceInfo(url, { fetch }), url), created: false };
  } catch (error) {
    if (!(error instanceof FetchError) || error.statusCode !== 404) throw error;
  }
  let created = true;
  try {
    await createContainerAt(url, { fetch });
  } catch (error) {
    // Someone created it between our HEAD and PUT (If-None-Match: * gives 412).
    if (!(error instanceof FetchError && error.statusCode === 412)) throw error;
    created = false;
  }
  // CSS's 201 carries no Link headers, so ask again for the ACL's location.
  return { acl: await aclOf(await getResourceInfo(url, { fetch }), url), created };
}

/** The ACL document URL of an existing resource. */
export async function aclUrlOf(fetch: Fetch, url: string): Promise<string> {
  return aclOf(await getResourceInfo(url, { fetch }), url);
}

/** Creates or replaces a Turtle document (idempotent). */
export async function putTurtle(fetch: Fetch, url: string, turtle: string): Promise<void> {
  await check(
    await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: turtle }),
    `Writing ${url}`,
  );
}

/** Inserts triples with an insert-only N3 Patch (the one write path; creates the document if missing; idempotent). */
export async function appendQuads(fetch: Fetch, url: string, quads: readonly Quad[]): Promise<void> {
  const outcome = await appendToDocument(fetch, url, quads);
  if (!outcome.ok) throw new Error(`Appending to ${url} failed: ${outcome.reason}`);
}
