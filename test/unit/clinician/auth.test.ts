/**
 * Callers' identities: Basic client credentials map to one cached login per
 * credential pair (at the configured issuer only), bearer tokens to the
 * session they were issued for; wrong credentials are a 401 problem.
 */
import { describe, expect, it } from 'vitest';
import { Sessions } from '../../../apps/clinician/http/auth.ts';
import { PodLoginError, type PodSession } from '../../../apps/shared/pod-session.ts';
import { ProblemError } from '../../../apps/shared/problem.ts';

function fakeLogins() {
  const calls: { clientId: string; oidcIssuer: string }[] = [];
  let closed = 0;
  const open = async (c: { clientId: string; clientSecret: string; oidcIssuer: string }): Promise<PodSession> => {
    calls.push({ clientId: c.clientId, oidcIssuer: c.oidcIssuer });
    if (c.clientSecret !== 'right') throw new PodLoginError('invalid_client');
    return { webId: `http://pods.example/${c.clientId}/profile/card#me`, fetch: globalThis.fetch, refresh: async () => {}, close: async () => { closed += 1; } };
  };
  return { open, calls, closed: () => closed };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('Sessions', () => {
  it('logs in once per credential pair, at the configured issuer', async () => {
    const logins = fakeLogins();
    const sessions = new Sessions({ oidcIssuer: 'http://pods.example/', open: logins.open });
    const a = await sessions.fromAuthorization(basic('nilsen_1', 'right'));
    const b = await sessions.fromAuthorization(basic('nilsen_1', 'right'));
    expect(a).toBe(b);
    expect(a.webId).toBe('http://pods.example/nilsen_1/profile/card#me');
    expect(logins.calls).toEqual([{ clientId: 'nilsen_1', oidcIssuer: 'http://pods.example/' }]);
    await sessions.close();
    expect(logins.closed()).toBe(1);
  });

  it('answers 401 problems for missing, malformed and wrong credentials, and does not cache failures', async () => {
    const logins = fakeLogins();
    const sessions = new Sessions({ oidcIssuer: 'http://pods.example/', open: logins.open });
    for (const header of [undefined, 'Basic bm9jb2xvbg==', basic('x', 'wrong'), 'Digest abc', 'Bearer nope']) {
      const error = await sessions.fromAuthorization(header).catch((e: unknown) => e);
      expect(error, String(header)).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).problem.status).toBe(401);
    }
    await sessions.fromAuthorization(basic('x', 'wrong')).catch(() => {});
    expect(logins.calls.filter((c) => c.clientId === 'x')).toHaveLength(2);
  });

  it('asks beforeLogin only when a login at the identity provider is needed, and lets it refuse', async () => {
    const logins = fakeLogins();
    const sessions = new Sessions({ oidcIssuer: 'http://pods.example/', open: logins.open });
    let asked = 0;
    const guard = () => {
      asked += 1;
      if (asked > 2) throw new ProblemError({ type: 'x', title: 'Too many requests', status: 429 });
    };
    await sessions.fromAuthorization(basic('nilsen_1', 'right'), guard);
    await sessions.fromAuthorization(basic('nilsen_1', 'right'), guard); // cached: no login, not asked
    await sessions.fromAuthorization(basic('x', 'wrong'), guard).catch(() => {});
    expect(asked).toBe(2);
    const refused = await sessions.fromAuthorization(basic('y', 'wrong'), guard).catch((e: unknown) => e);
    expect((refused as ProblemError).problem.status).toBe(429);
    expect(logins.calls.map((c) => c.clientId)).toEqual(['nilsen_1', 'x']); // the refused guess never reached the issuer
    expect(await sessions.fromAuthorization(basic('nilsen_1', 'right'), guard)).toBeDefined(); // known credentials still work
  });

  it('issues bearer tokens for a session, and revokes them', async () => {
    const logins = fakeLogins();
    const sessions = new Sessions({ oidcIssuer: 'http://pods.example/', open: logins.open });
    const session = await sessions.fromAuthorization(basic('dahl_1', 'right'));
    const { token } = sessions.issueToken(session);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await sessions.fromAuthorization(`Bearer ${token}`)).toBe(session);
    expect(sessions.revokeToken(token)).toBe(true);
    await expect(sessions.fromAuthorization(`Bearer ${token}`)).rejects.toBeInstanceOf(ProblemError);
  });
});
