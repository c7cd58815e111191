/**
 * Reading and writing a patient's health ACL documents over their own
 * session's fetch: the one place that does it for the consent page
 * (apps/consent/pod.ts) and for syncDeviceAccess (the page, the demo
 * pairing, tests). An ACL is found where the pod says (Link rel="acl"),
 * rewritten only with If-Match its ETag (someone else's change in between is
 * a 412, never silently overwritten), and every change is followed by its
 * consent records, appended through the one write path (append.ts).
 * Fetch only: runs in Node and in the browser.
 */
import { FetchError, getLinkedResourceUrlAll, getResourceInfo } from '@inrupt/solid-client';
import type { Quad } from 'n3';
import { aclTurtle } from './acl.ts';
import { appendQuads } from './append.ts';
import { parseAclTurtle, readContainerAccess, type AclWrite, type ContainerAccess } from './health-acl.ts';
import type { HealthContainer } from './health-layout.ts';
import { consentDocument, consentRecordToQuads, type ConsentRecord } from './measurement/consent.ts';

type Fetch = typeof fetch;

/** The pod answered `status` at `url`, or (no status) could not be reached. */
export class PodResponseError extends Error {
  constructor(readonly url: string, readonly status?: number) {
    super(status === undefined ? `the pod server could not be reached: ${url}` : `the pod answered HTTP ${status}: ${url}`);
    this.name = 'PodResponseError';
  }
}

async function send(fetchFn: Fetch, url: string, init?: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFn(url, init);
  } catch (error) {
    throw error instanceof TypeError ? new PodResponseError(url) : error; // TypeError: fetch's network failure
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new PodResponseError(url, response.status);
  }
  return response;
}

/** The ACL document of one container, read into the access model (`owner`: the patient's WebID). */
export async function readHealthAcl(fetchFn: Fetch, container: HealthContainer, owner: string): Promise<ContainerAccess> {
  let aclUrl: string;
  try {
    aclUrl = getLinkedResourceUrlAll(await getResourceInfo(container.url, { fetch: fetchFn })).acl?.[0] ?? `${container.url}.acl`;
  } catch (error) {
    if (error instanceof FetchError) throw new PodResponseError(container.url, error.statusCode);
    throw error instanceof TypeError ? new PodResponseError(container.url) : error; // TypeError: fetch's network failure
  }
  try {
    const response = await send(fetchFn, aclUrl, { headers: { accept: 'text/turtle' } });
    const etag = response.headers.get('etag') ?? undefined;
    const quads = parseAclTurtle(await response.text(), aclUrl);
    return readContainerAccess({ container, aclUrl, quads, ...(etag ? { etag } : {}) }, owner);
  } catch (error) {
    if (!(error instanceof PodResponseError && error.status === 404)) throw error;
    // No ACL of its own: it inherits, and rewriting it would decide for the parent. Leave it alone.
    const access = readContainerAccess({ container, aclUrl, quads: [] }, owner);
    return { ...access, unknownRules: ['no access list of its own (it inherits its parent\'s)'] };
  }
}

export interface AclPlan {
  /** In the order to write them. */
  readonly writes: readonly AclWrite[];
  /** One consent record per change (given / withdrawn). */
  readonly records: readonly ConsentRecord[];
}

export interface PlanOutcome {
  /** ACL documents written, in order. */
  readonly written: number;
  /** Why the consent records could not be appended, if they could not (the ACLs were written). */
  readonly historyError?: string;
}

/**
 * Writes the plan's ACL documents one by one (a failure stops there and is
 * thrown as a PodResponseError: what was written stays written), then
 * appends its consent records with one insert-only patch per document.
 */
export async function carryOutAclPlan(fetchFn: Fetch, storage: string, plan: AclPlan): Promise<PlanOutcome> {
  for (const write of plan.writes) {
    await send(fetchFn, write.aclUrl, {
      method: 'PUT',
      headers: { 'content-type': 'text/turtle', ...(write.etag ? { 'if-match': write.etag } : {}) },
      body: await aclTurtle(write.quads),
    });
  }
  const byDocument = new Map<string, Quad[]>();
  for (const record of plan.records) {
    const document = consentDocument(storage, record.created);
    byDocument.set(document, [...(byDocument.get(document) ?? []), ...consentRecordToQuads(record, storage)]);
  }
  for (const [document, quads] of byDocument) {
    const outcome = await appendQuads(fetchFn, document, quads);
    if (!outcome.ok) return { written: plan.writes.length, historyError: outcome.reason };
  }
  return { written: plan.writes.length };
}
