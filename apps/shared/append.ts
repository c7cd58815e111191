/**
 * The one write path into a pod's measurement documents: an insert-only N3
 * Patch (solid:InsertDeletePatch with solid:inserts only). It needs nothing
 * but acl:Append, it never reads or deletes, and because measurement IRIs are
 * deterministic, sending the same patch twice leaves the document unchanged.
 * The gateway, the demo seed and the simulator all write through here.
 */
import type { Quad } from 'n3';
import { N3_PATCH_CONTENT_TYPE, insertOnlyPatch } from './n3-patch.ts';
import { noRedirects } from './same-origin.ts';

export type AppendOutcome =
  | { ok: true; status: number }
  /** Retrying cannot help: the pod refused (no Append grant, bad patch, ...). */
  | { ok: false; retry: false; status: number; reason: string }
  /** The pod server was unreachable, failed or did not take the login: try again later. */
  | { ok: false; retry: true; status?: number; reason: string };

/**
 * Which answers are worth trying again: the one home of this rule. 401 is:
 * the writer's login was not accepted (an expired or rotated key; the session
 * has already logged in again once, see pod-session.ts), which says nothing
 * about the data, and a later try with a new login can succeed.
 */
function isRetryable(status: number): boolean {
  return status === 401 || status >= 500 || status === 408 || status === 409 || status === 429;
}

/** Blank nodes in an insert make a new node on every retry: a duplicate. */
function assertNoBlankNodes(quads: readonly Quad[]): void {
  if (quads.some((q) => q.subject.termType === 'BlankNode' || q.object.termType === 'BlankNode')) {
    throw new Error('Refusing to append blank nodes: every appended node needs a deterministic IRI');
  }
}

/** Appends `quads` to `documentUrl` with one insert-only N3 Patch. Never throws for HTTP outcomes. */
export async function appendQuads(
  fetchFn: typeof fetch,
  documentUrl: string,
  quads: readonly Quad[],
  options: { timeoutMs?: number } = {},
): Promise<AppendOutcome> {
  if (quads.length === 0) return { ok: true, status: 204 };
  assertNoBlankNodes(quads);
  let response: Response;
  try {
    // Never follows a redirect: the patch (and the writer's token) goes to the document named, nowhere else.
    response = await fetchFn(documentUrl, noRedirects({
      method: 'PATCH',
      headers: { 'content-type': N3_PATCH_CONTENT_TYPE },
      body: insertOnlyPatch(quads),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    }));
  } catch (error) {
    return { ok: false, retry: true, reason: `pod server unreachable: ${(error as Error).message}` };
  }
  const text = response.ok ? '' : await response.text().catch(() => '');
  await response.body?.cancel().catch(() => {});
  if (response.ok) return { ok: true, status: response.status };
  const status = response.status;
  const reason = status === 401
    ? `the pod server did not accept the writer's login (HTTP 401)`
    : status === 403
      ? `the pod refused to append (HTTP 403): the patient has not granted this writer Append on ${documentUrl}`
      : `pod server answered HTTP ${status}: ${text.slice(0, 300)}`;
  return isRetryable(status) ? { ok: false, retry: true, status, reason } : { ok: false, retry: false, status, reason };
}
