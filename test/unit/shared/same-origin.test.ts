/**
 * The origin rule (apps/shared/same-origin.ts and its plain-JS twin in the
 * pod server's extensions), and the group fetcher's allow-list built on it:
 * allowed by parsed origin and path, never by string prefix; no user info.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { fetchWithin, isWithin, OutsideAllowedOriginsError } from '../../../apps/shared/same-origin.ts';

const require = createRequire(import.meta.url);
const twin = require('../../../pod-server/css/extensions/lib/util/same-origin.js') as { isWithin: typeof isWithin };
const { GroupDocuments } = require('../../../pod-server/css/extensions/lib/groups/GroupDocuments.js') as {
  GroupDocuments: new (options: { baseUrl: string; allowedHosts?: string[]; fetch?: typeof fetch; log?: (m: string) => void }) => {
    isAllowed(url: string): boolean;
  };
};

const PORT = 3000;
const BASE = `http://localhost:${PORT}`;
/** [url, allowed by [BASE] ?] */
const CASES: [string, boolean][] = [
  [`${BASE}/ous/groups/team`, true],
  [`${BASE}/`, true],
  [`HTTP://LOCALHOST:${PORT}/x`, true],
  [`${BASE}.evil.example/ous/groups/team`, false],
  [`${BASE}0/ous/groups/team`, false],
  [`http://localhost:${PORT}1/`, false],
  [`${BASE}@evil.example/ous/groups/team`, false],
  [`http://evil.example@localhost:${PORT}/ous/groups/team`, false],
  [`http://user:pass@localhost:${PORT}/`, false],
  [`https://localhost:${PORT}/x`, false],
  [`http://localhost/x`, false],
  [`http://127.0.0.1:${PORT}/x`, false],
  [`file:///etc/passwd`, false],
  [`ftp://localhost:${PORT}/x`, false],
  ['not a url', false],
];

describe.each([
  ['apps/shared/same-origin.ts', isWithin],
  ['extensions/lib/util/same-origin.js', twin.isWithin],
  ['GroupDocuments allow-list', (url: string, bases: readonly string[]) => new GroupDocuments({ baseUrl: bases[0]!, allowedHosts: [...bases.slice(1)] }).isAllowed(url)],
])('%s', (_name, within) => {
  it.each(CASES)(`%s allowed by ${BASE}: %s`, (url, allowed) => {
    expect(within(url, [BASE])).toBe(allowed);
    expect(within(url, [`${BASE}/`])).toBe(allowed);
  });

  it('keeps a base with a path to that path, after resolving dot segments', () => {
    const bases = [`${BASE}/ous/`, 'https://groups.example/teams'];
    expect(within(`${BASE}/ous/groups/team`, bases)).toBe(true);
    expect(within(`${BASE}/ous`, bases)).toBe(false);
    expect(within(`${BASE}/ousx/groups/team`, bases)).toBe(false);
    expect(within(`${BASE}/ous/../kari/groups/team`, bases)).toBe(false);
    expect(within(`${BASE}/ous/%2e%2e/kari/groups/team`, bases)).toBe(false);
    expect(within('https://groups.example/teams/a', bases)).toBe(true);
    expect(within('https://groups.example/teamsx/a', bases)).toBe(false);
  });
});

describe('fetchWithin', () => {
  it('sends nothing outside the bases, and never asks fetch to follow a redirect', async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const fake = (async (url: string, init?: RequestInit) => {
      calls.push([url, init]);
      return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/' } });
    }) as unknown as typeof fetch;
    await expect(fetchWithin(`${BASE}.evil.example/`, [BASE], undefined, fake)).rejects.toBeInstanceOf(OutsideAllowedOriginsError);
    expect(calls).toEqual([]);
    const answer = await fetchWithin(`${BASE}/x`, [BASE], { headers: { accept: 'text/turtle' } }, fake);
    expect(answer.status).toBe(302);
    expect(calls).toEqual([[`${BASE}/x`, { headers: { accept: 'text/turtle' }, redirect: 'manual' }]]);
  });
});
