/**
 * How test/integration/access-table.test.ts runs its cells: one pod server
 * for the whole file (registration closed, as in production, with a stranger
 * the operator made), each cell sent as its role and held against the
 * policy's status and WAC-Allow, what the cells created on purpose deleted
 * again, and the figures counted into test/reports/access-table.json when the
 * file ends. `useAccessTable()` registers the set-up and tear-down in the
 * calling test file; the world's parts are there once `beforeAll` has run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { openPodSession, type ClientCredentials, type PodSession } from '../../apps/shared/pod-session.ts';
import { ensureAccount } from '../../pod-server/world/accounts.ts';
import { demoGroup, groupIriOf } from '../../pod-server/world/demo-world.ts';
import { readRegistrationKey } from '../../pod-server/registration.ts';
import {
  ACTOR, GRANTS, advertisedModes, METHODS, cellLabel, expectedStatus, mainVariant, type Cell, type Grants, type Resource, type Role,
} from './access-table.ts';
import { eachLimited, requestFor } from './access-table-http.ts';
import { seedAndListResources } from './access-table-world.ts';
import { startTestWorld, type TestWorld } from './test-world.ts';

export const CONCURRENCY = 8;
const REPORT = join(import.meta.dirname, '..', 'reports', 'access-table.json');

export interface AccessTableWorld {
  world: TestWorld;
  stranger: PodSession;
  strangerCredentials: ClientCredentials;
  resources: Resource[];
}

export function useAccessTable() {
  const t = {} as AccessTableWorld;
  let startedAt = 0;
  const report = { cells: 0, wacAllowChecked: 0, byRole: {} as Record<string, number>, byMethod: {} as Record<string, number>, byBlock: {} as Record<string, number>, extra: {} as Record<string, number> };

  const url = (path: string) => new URL(path, t.world.baseUrl).href;

  async function fetchFor(role: Role): Promise<typeof fetch> {
    if (role === 'anonymous') return fetch;
    if (role === 'stranger') return t.stranger.fetch;
    return t.world.fetchAs(ACTOR[role]!);
  }

  /** What the table created on purpose (201s), to delete afterwards. */
  const created = new Set<string>();

  async function run(cells: readonly Cell[], grants: Grants = GRANTS): Promise<string[]> {
    const failures: string[] = [];
    await eachLimited(cells, CONCURRENCY, async (cell) => {
      const target = url(cell.resource.path);
      const response = await (await fetchFor(cell.role))(target, requestFor(cell.method, cell.variant, target));
      await response.body?.cancel();
      if (response.status === 201) created.add(response.headers.get('location') ?? target);
      if (response.status !== cell.expected.status) {
        failures.push(`${cellLabel(cell)}: expected ${cell.expected.status} (${cell.expected.because}), got ${response.status}`);
      }
      // What the server advertises must be what the policy allows (not for .acl documents: Control is all there).
      if (cell.method === 'GET' && response.status === 200 && cell.resource.shape !== 'acl' && cell.resource.shape !== 'root-acl') {
        const header = response.headers.get('wac-allow') ?? '';
        const advertised = (/user="([^"]*)"/u.exec(header)?.[1] ?? '').split(/\s+/u).filter(Boolean).sort().join(' ');
        const expected = advertisedModes(cell.role, cell.resource, grants);
        if (advertised !== expected) failures.push(`${cellLabel(cell)}: WAC-Allow user="${advertised}", the policy gives "${expected}"`);
        report.wacAllowChecked += 1;
      }
    });
    for (const cell of cells) {
      report.cells += 1;
      report.byRole[cell.role] = (report.byRole[cell.role] ?? 0) + 1;
      report.byMethod[cell.method] = (report.byMethod[cell.method] ?? 0) + 1;
      report.byBlock[cell.block] = (report.byBlock[cell.block] ?? 0) + 1;
    }
    return failures.sort();
  }

  beforeAll(async () => {
    startedAt = performance.now();
    // Registration closed, as in production: the stranger is an account the operator made (any other user of the server).
    t.world = await startTestWorld({ podServer: { groupCache: { seconds: 2 }, accessLog: { flushMs: 200 }, registration: 'closed' } });
    const registrationKey = await readRegistrationKey(t.world.dataDir);
    t.strangerCredentials = (await ensureAccount(t.world.baseUrl, 'stranger', undefined, { registrationKey })).credentials;
    t.stranger = await openPodSession(t.strangerCredentials);
    t.resources = await seedAndListResources(t.world);
  }, 180_000);

  afterAll(async () => {
    await t.stranger?.close();
    await t.world?.stop();
    if (report.cells === 0) return;
    const seconds = (performance.now() - startedAt) / 1000;
    const summary = { ...report, roles: ACTOR, runtimeSeconds: Math.round(seconds), written: new Date().toISOString() };
    await mkdir(dirname(REPORT), { recursive: true });
    await writeFile(REPORT, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`access table: ${report.cells} cells in all (${JSON.stringify(report.byBlock)}), ${seconds.toFixed(0)} s; figures in ${REPORT}`);
  });

  /** Deletes, as the pod's owner, what cells created on purpose. */
  async function cleanUp(): Promise<void> {
    const locations = [...created].sort();
    created.clear();
    for (const location of locations) {
      const owner = new URL(location).pathname.split('/')[1]!;
      const response = await (await t.world.fetchAs(owner))(location, { method: 'DELETE' });
      await response.body?.cancel();
      expect(response.ok, `cleaning up ${location} as ${owner}`).toBe(true);
    }
  }

  /** The group member's whole row (every hans and kari resource x method) under `grants`. */
  function memberRow(block: Cell['block'], grants: Grants): Cell[] {
    return t.resources.flatMap((r) =>
      METHODS.map((method): Cell => {
        const variant = mainVariant(method);
        return { block, role: 'group-member', resource: r, method, variant, expected: expectedStatus('group-member', r, method, variant, grants) };
      }),
    );
  }

  const lungeteam = () => ({ group: groupIriOf(t.world.baseUrl, demoGroup('lungeteam')) });

  return { shared: t, report, created, url, fetchFor, run, cleanUp, memberRow, lungeteam };
}
