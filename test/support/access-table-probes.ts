/**
 * The access table's rows for reads that are not GET or HEAD (issue #17,
 * point 2): an N3 Patch with only a where clause, one with no clause at all
 * (CSS 7.2 asked no access mode for it; PatchReadModesExtractor makes it a
 * read), and the opening of a notification channel, by each role on a few
 * health resources. The status
 * follows from the same POLICY as the main table (policyModes): both need
 * Read and nothing else. Every answered one by someone other than the
 * patient must then be in the patient's access log; the patient's own never.
 * (Refused ones are logged too, but by then the table's earlier refusals
 * have used up each refused reader's bound, DeniedReadLimit, so this block
 * cannot expect them: test/integration/access-log-probes.test.ts does, on a
 * fresh server.)
 */
import type { AccessLogEntry } from '../../apps/shared/access-log.ts';
import { eachLimited } from './access-table-http.ts';
import { ACTOR, ROLES, policyModes, type Expectation, type Resource, type Role } from './access-table.ts';
import { noClausePatch, readAccessLogAs, subscriptionStatus, whereOnlyPatch } from './read-probes.ts';
import type { TestWorld } from './test-world.ts';

export type ProbeKind = 'where-only PATCH' | 'no-clause PATCH' | 'subscribe';

export interface ProbeCell {
  readonly role: Role;
  readonly resource: Resource;
  readonly kind: ProbeKind;
  readonly expected: Expectation;
}

/** The where clause every probe sends: the triple the table seeds into month and notes documents (access-table-http.ts `probe`). */
export const probeRequest = (): RequestInit => whereOnlyPatch('?s <https://w3id.org/helsevev/test#probe> "present".');

/** Which of the table's resources the probes target: containers and documents of health data, of both patients. */
const PROBED = [
  'hans health/measurements/oxygen-saturation/',
  'hans health/measurements/oxygen-saturation/2026-01.ttl',
  'hans health/measurements/heart-rate/2026-01.ttl',
  'hans health/measurements/body-weight/2026-01.ttl',
  'hans health/notes/',
  'hans health/consent/',
  'hans health/access-log/',
  'kari health/measurements/body-weight/2026-01.ttl',
];

/** The answer the policy gives `role` probing `resource` (labels as in access-table-world.ts). */
export function probeExpectation(role: Role, resource: Resource, kind: ProbeKind): Expectation {
  const actor = ACTOR[role];
  // Nobody but the pod server changes the access log: every method but GET, HEAD and OPTIONS is refused before authorisation.
  if (kind !== 'subscribe' && resource.area.kind === 'access-log') return { status: 403, because: 'nobody patches the access log' };
  if (!policyModes(actor, resource.pod, resource.area).has('read')) {
    return actor === undefined ? { status: 401, because: 'no identity' } : { status: 403, because: 'may not read it' };
  }
  if (kind === 'subscribe') return { status: 200, because: 'may read it, so may be told of its changes' };
  // No clause: nothing to match. CSS then writes a document back (205) and refuses to patch a container (409).
  if (kind === 'no-clause PATCH') return resource.shape === 'document' ? { status: 205, because: 'may read it' } : { status: 409, because: 'a container is never patched' };
  // The seeded probe triple matches once in a month or notes document; a container never holds it (Solid Protocol, N3 Patch: 409).
  const seeded = resource.shape === 'document' && (resource.area.kind === 'category' || resource.area.kind === 'notes');
  return seeded ? { status: 205, because: 'may read it; the where clause matched once' } : { status: 409, because: 'may read it; no match' };
}

export function probeCells(resources: readonly Resource[]): ProbeCell[] {
  const targets = PROBED.map((label) => {
    const found = resources.find((r) => r.label === label);
    if (!found) throw new Error(`The access table lists no resource "${label}"`);
    return found;
  });
  return targets.flatMap((resource) =>
    ROLES.flatMap((role) => (['where-only PATCH', 'no-clause PATCH', 'subscribe'] as const).map((kind) => ({ role, resource, kind, expected: probeExpectation(role, resource, kind) }))),
  );
}

export const probeLabel = (c: ProbeCell) => `${c.role} (${ACTOR[c.role] ?? 'no identity'}) ${c.kind} ${c.resource.label}`;

/** Sends every cell (at most `concurrency` at a time) as its role; answers the cells whose status is not the policy's. */
export async function runProbes(
  world: TestWorld, cells: readonly ProbeCell[], fetchFor: (role: Role) => Promise<typeof fetch>, concurrency: number,
): Promise<string[]> {
  const failures: string[] = [];
  await eachLimited(cells, concurrency, async (cell) => {
    const f = await fetchFor(cell.role);
    const target = new URL(cell.resource.path, world.baseUrl).href;
    let status: number;
    if (cell.kind === 'subscribe') status = await subscriptionStatus(f, world.baseUrl, target);
    else {
      const response = await f(target, cell.kind === 'no-clause PATCH' ? noClausePatch() : probeRequest());
      await response.body?.cancel();
      status = response.status;
    }
    if (status !== cell.expected.status) failures.push(`${probeLabel(cell)}: expected ${cell.expected.status} (${cell.expected.because}), got ${status}`);
  });
  return failures.sort();
}

const logged = (cell: ProbeCell, target: string, webId: string) => (e: AccessLogEntry) =>
  e.agent === webId && e.resource === target && e.status === cell.expected.status &&
  (cell.kind === 'subscribe' ? e.action === 'subscribe' : e.action === 'read' && e.method === 'PATCH');

/**
 * The cells missing from the patients' access logs after `timeoutMs`: every answered probe by someone else must be
 * there, as allowed; and any entry of a patient's own reads is reported too.
 */
export async function unloggedProbes(world: TestWorld, cells: readonly ProbeCell[], timeoutMs = 10_000): Promise<string[]> {
  const url = (path: string) => new URL(path, world.baseUrl).href;
  const webIdOf = (name: string) => url(`${name}/profile/card#me`);
  const answered = cells.filter((c) => c.expected.status < 400 || c.expected.status === 409);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = { hans: await readAccessLogAs(world, 'hans'), kari: await readAccessLogAs(world, 'kari') };
    const problems = answered
      .filter((c) => c.role !== 'patient')
      .filter((c) => !logs[c.resource.pod].some(logged(c, url(c.resource.path), webIdOf(ACTOR[c.role]!))))
      .map((c) => `${probeLabel(c)}: no entry in ${c.resource.pod}'s access log`);
    for (const pod of ['hans', 'kari'] as const) {
      if (logs[pod].some((e) => e.agent === webIdOf(pod))) problems.push(`${pod}'s own reads are in ${pod}'s access log`);
    }
    if (problems.length === 0 || Date.now() > deadline) return problems.sort();
    await new Promise((r) => setTimeout(r, 250));
  }
}
