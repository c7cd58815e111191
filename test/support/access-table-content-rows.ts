/**
 * The HTTP side of the access table's content-type and registration rows
 * (policy: access-table-content.ts): sends each cell, reads what was stored
 * back as its owner, and tries to create accounts. Returns what went wrong,
 * one line per cell; the test file asserts.
 */
import { getIndexControls } from '../../pod-server/world/account-api.ts';
import { ACTOR, ROLES, type Grants, type Role } from './access-table.ts';
import { contentCells, REGISTRATION_REFUSED, servedAs } from './access-table-content.ts';
import { eachLimited } from './access-table-http.ts';
import type { TestWorld } from './test-world.ts';

export interface RowsContext {
  readonly world: TestWorld;
  fetchFor(role: Role): Promise<typeof fetch>;
  /** Where the test keeps what it created, to delete afterwards. */
  readonly created: Set<string>;
  readonly concurrency: number;
}

/** POSTs every content type into every container as every role, then reads back what was stored. */
export async function runContentRows(ctx: RowsContext, grants: Grants): Promise<{ failures: string[]; cells: number; stored: number }> {
  const { world } = ctx;
  const cells = contentCells(grants);
  const failures: string[] = [];
  const stored: { location: string; cell: (typeof cells)[number] }[] = [];
  await eachLimited(cells, ctx.concurrency, async (cell) => {
    const label = `${cell.role} (${ACTOR[cell.role] ?? 'no identity'}) POST ${cell.content.type} into ${cell.container.label}`;
    const response = await (await ctx.fetchFor(cell.role))(new URL(cell.container.path, world.baseUrl).href, {
      method: 'POST',
      headers: { 'content-type': cell.content.type, slug: `content-${cell.role}.${cell.content.extension}` },
      body: cell.content.body,
    });
    await response.body?.cancel();
    if (response.status === 201) {
      const location = response.headers.get('location')!;
      ctx.created.add(location);
      stored.push({ location, cell });
    }
    if (response.status !== cell.expected.status) failures.push(`${label}: expected ${cell.expected.status} (${cell.expected.because}), got ${response.status}`);
  });
  // Read back as the owner: every stored document sandboxed and nosniff, anything not RDF as a download.
  for (const { location, cell } of stored) {
    const response = await (await world.fetchAs(cell.container.pod))(location, { headers: { accept: cell.content.type } });
    await response.body?.cancel();
    const headers = {
      csp: response.headers.get('content-security-policy'),
      nosniff: response.headers.get('x-content-type-options'),
      disposition: response.headers.get('content-disposition'),
    };
    const expected = servedAs(cell.content);
    if (JSON.stringify(headers) !== JSON.stringify(expected)) {
      failures.push(`GET ${cell.content.type} from ${cell.container.label}: served with ${JSON.stringify(headers)}, expected ${JSON.stringify(expected)}`);
    }
  }
  return { failures: failures.sort(), cells: cells.length, stored: stored.length };
}

/** POSTs to CSS's account creation as `f`, with `body`; the status. */
export async function createAccount(world: TestWorld, f: typeof fetch, body: unknown): Promise<number> {
  const response = await f((await getIndexControls(world.baseUrl)).account.create, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

/** Every role, logged in as itself, and anyone with a wrong key, tries to create an account. */
export async function runRegistrationRows(ctx: RowsContext): Promise<{ failures: string[]; rows: number }> {
  const failures: string[] = [];
  const attempts: [string, () => Promise<number>][] = [
    ...ROLES.map((role): [string, () => Promise<number>] => [role, async () => createAccount(ctx.world, await ctx.fetchFor(role), {})]),
    ['anyone with a wrong key', () => createAccount(ctx.world, fetch, { registrationKey: 'not-the-key' })],
  ];
  for (const [who, attempt] of attempts) {
    const status = await attempt();
    if (status !== REGISTRATION_REFUSED.status) failures.push(`${who}: expected ${REGISTRATION_REFUSED.status} (${REGISTRATION_REFUSED.because}), got ${status}`);
  }
  return { failures, rows: attempts.length };
}
