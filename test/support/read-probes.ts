/**
 * Requests that read a resource without GET or HEAD (issue #17, point 2):
 * an N3 Patch with only a `solid:where` clause (Read alone; 205 for one
 * match, 409 for none or several, so it tells a reader whether a value is
 * there), and a notification subscription, sent as the clinician dashboard
 * sends it (apps/clinician/dashboard/live.ts) but without the discovery HEAD,
 * so that only the subscription itself can leave a trace. Also the access
 * log read back as its patient, and polled until an entry appears.
 */
import { Parser } from 'n3';
import { expect } from 'vitest';
import { subscribe } from '../../apps/shared/solid-notifications.ts';
import { accessLogContainer, parseAccessLog, type AccessLogEntry } from '../../apps/shared/access-log.ts';
import { N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { NS } from '../../vocab/terms.ts';
import type { TestWorld } from './test-world.ts';

/** The predicate the probes look for: seeded with a known value, never written by the apps. */
export const PROBED = 'https://w3id.org/helsevev/test#probedValue';

/** An N3 Patch that only asks whether `pattern` (N3, may use ?variables) matches exactly once. */
export function whereOnlyPatch(pattern: string): RequestInit {
  const body = `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:probe a solid:InsertDeletePatch;\n  solid:where { ${pattern} }.\n`;
  return { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body };
}

/** An N3 Patch with no clause at all: it asks only whether the document is there (205) and, in CSS 7.2, needs no access mode. */
export function noClausePatch(): RequestInit {
  const body = '@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:probe a solid:InsertDeletePatch.\n';
  return { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body };
}

/** Where-only probe: is there a subject whose PROBED value is `value`? */
export const probeValue = (value: string) => whereOnlyPatch(`?s <${PROBED}> "${value}".`);

/** The pod server's WebSocketChannel2023 subscription service (CSS's default route). */
export const subscriptionService = (baseUrl: string) => new URL('.notifications/WebSocketChannel2023/', baseUrl).href;

/** Subscribes `topic` as the dashboard does, straight to the service; answers the HTTP status. */
export async function subscriptionStatus(f: typeof fetch, baseUrl: string, topic: string): Promise<number> {
  let status = 0;
  const recording: typeof fetch = async (input, init) => {
    const response = await f(input, init);
    status = response.status;
    return response;
  };
  await subscribe(recording, subscriptionService(baseUrl), topic);
  return status;
}

/** The Turtle of each day document of `patient`'s access log, read as the patient, by document URL. */
export async function readAccessLogDocuments(world: TestWorld, patient: string): Promise<Map<string, string>> {
  const f = await world.fetchAs(patient);
  const container = accessLogContainer(new URL(`${patient}/`, world.baseUrl).href);
  const listing = await f(container, { headers: { accept: 'text/turtle' } });
  expect(listing.status).toBe(200);
  const documents = new Parser({ baseIRI: container })
    .parse(await listing.text())
    .filter((q) => q.predicate.value === `${NS.ldp}contains`)
    .map((q) => q.object.value);
  const turtle = new Map<string, string>();
  for (const document of documents) {
    const response = await f(document, { headers: { accept: 'text/turtle' } });
    expect(response.status, document).toBe(200);
    turtle.set(document, await response.text());
  }
  return turtle;
}

/** Every entry in `patient`'s access log, read as the patient (newest first). */
export async function readAccessLogAs(world: TestWorld, patient: string): Promise<AccessLogEntry[]> {
  return [...(await readAccessLogDocuments(world, patient))].flatMap(([document, text]) => parseAccessLog(text, document));
}

/** Polls `patient`'s log until an entry matches (the server writes it within its flush interval). */
export async function waitForEntry(world: TestWorld, patient: string, match: (e: AccessLogEntry) => boolean, timeoutMs = 8_000): Promise<AccessLogEntry> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await readAccessLogAs(world, patient)).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error('No matching access-log entry appeared');
    await new Promise((r) => setTimeout(r, 200));
  }
}
