/**
 * Fair eviction of the clinician service's sessions (issue #17 point 6):
 * least recently used first, a cap per account, and when the whole cache is
 * full the account holding the most gives way, so one account making token
 * after token never logs another out. Logins are faked (no pod server).
 */
import { describe, expect, it } from 'vitest';
import { Sessions } from '../../../apps/clinician/http/auth.ts';
import { FairLru } from '../../../apps/clinician/http/fair-lru.ts';
import type { PodSession } from '../../../apps/shared/pod-session.ts';

function fakeSessions(options: { maxSessions: number; sessionsPerAccount?: number }) {
  const closed: string[] = [];
  const ended: string[] = [];
  const sessions = new Sessions({
    oidcIssuer: 'http://pods.example/', ...options,
    onSessionEnd: (s) => ended.push(s.webId),
    open: async ({ clientId }): Promise<PodSession> => ({
      webId: `http://pods.example/${clientId.split('_')[0]}/profile/card#me`,
      fetch: globalThis.fetch, refresh: async () => {}, close: async () => { closed.push(clientId); },
    }),
  });
  const basic = (id: string) => `Basic ${Buffer.from(`${id}:secret`).toString('base64')}`;
  const token = async (id: string) => sessions.issueToken(await sessions.fromAuthorization(basic(id))).token;
  const works = (t: string) => sessions.fromAuthorization(`Bearer ${t}`).then(() => true, () => false);
  return { sessions, token, works, basic, closed, ended };
}

describe('bearer tokens', () => {
  it('an account filling the cache with tokens does not evict another account\'s token', async () => {
    const { token, works } = fakeSessions({ maxSessions: 3 });
    const dahl = await token('dahl_1');
    const nilsen = [await token('nilsen_1'), await token('nilsen_1'), await token('nilsen_1'), await token('nilsen_1')];
    expect(await works(dahl)).toBe(true);
    expect(await Promise.all(nilsen.map(works))).toEqual([false, false, true, true]);
  });

  it('at most sessionsPerAccount per account, the least recently used going first', async () => {
    const { token, works } = fakeSessions({ maxSessions: 100, sessionsPerAccount: 2 });
    const [a, b] = [await token('nilsen_1'), await token('nilsen_1')];
    expect(await works(a)).toBe(true); // a is now the more recently used
    const c = await token('nilsen_1');
    expect([await works(a), await works(b), await works(c)]).toEqual([true, false, true]);
  });

  it('closes a login once neither its cached credentials nor any token refer to it', async () => {
    const { sessions, token, closed, ended } = fakeSessions({ maxSessions: 100, sessionsPerAccount: 1 });
    const first = await token('nilsen_1');
    await token('nilsen_2'); // another credential pair of the same account: nilsen_1's login and token are evicted
    expect(closed).toEqual(['nilsen_1']);
    expect(ended).toEqual(['http://pods.example/nilsen/profile/card#me']);
    expect(sessions.revokeToken(first)).toBe(false);
  });
});

describe('FairLru', () => {
  it('when full, takes from the account holding the most, least recently used first', () => {
    const evicted: string[] = [];
    const lru = new FairLru<string>({ max: 4, maxPerAccount: 10, idleMs: 60_000, onEvict: (_v, k) => evicted.push(k) });
    lru.set('victim', 'a', 'v');
    for (const k of ['x1', 'x2', 'x3', 'x4', 'x5']) lru.set(k, 'x', k);
    expect(evicted).toEqual(['x1', 'x2']);
    expect(lru.get('victim')).toBe('v');
  });

  it('forgets entries unused for idleMs', () => {
    let now = 0;
    const lru = new FairLru<string>({ max: 4, maxPerAccount: 4, idleMs: 1_000, now: () => now });
    lru.set('k', 'a', 'v');
    now = 999;
    expect(lru.get('k')).toBe('v');
    now = 2_000;
    expect(lru.get('k')).toBeUndefined();
    expect(lru.size).toBe(0);
  });
});
