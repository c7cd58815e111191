/**
 * How startPodServer turns its options and the environment into run.mjs's
 * flags for our CSS extensions: defaults, overrides, and errors a person can
 * act on.
 */
import { describe, expect, it } from 'vitest';
import { extensionArguments } from '../../../pod-server/start.ts';

const args = (options: Parameters<typeof extensionArguments>[0], env: NodeJS.ProcessEnv = {}) =>
  extensionArguments(options, '/data', env);

describe('extension flags for run.mjs', () => {
  it('turns both extensions on by default, with the journal in the data folder and run.mjs\'s defaults', () => {
    expect(args({ dataDir: '/data' })).toEqual([
      '--accessLog', 'on', '--accessLogJournal', '/data/access-log-journal',
      '--groupCache', 'on',
    ]);
  });

  it('takes the knobs from the environment, and options over the environment', () => {
    const env = {
      HELSEVEV_GROUP_CACHE_SECONDS: '10', HELSEVEV_GROUP_CACHE_MAX_ENTRIES: '50',
      HELSEVEV_GROUP_ALLOWED_HOSTS: 'https://a.example, https://b.example/groups/', HELSEVEV_ACCESS_LOG_FLUSH_MS: '500',
    };
    expect(args({ dataDir: '/data' }, env)).toEqual([
      '--accessLog', 'on', '--accessLogJournal', '/data/access-log-journal', '--accessLogFlushMs', '500',
      '--groupCache', 'on', '--groupCacheSeconds', '10', '--groupCacheMaxEntries', '50',
      '--groupAllowedHosts', 'https://a.example,https://b.example/groups/',
    ]);
    expect(args({ dataDir: '/data', groupCache: { seconds: 2, allowedHosts: [] } }, env)).toContain('2');
    expect(args({ dataDir: '/data', groupCache: { seconds: 2, allowedHosts: [] } }, env)).not.toContain('--groupAllowedHosts');
  });

  it('switches either off (CSS\'s own group checker; no access log)', () => {
    expect(args({ dataDir: '/data', accessLog: false, groupCache: false })).toEqual(['--accessLog', 'off', '--groupCache', 'off']);
  });

  it('refuses values that make no sense, naming the variable', () => {
    expect(() => args({ dataDir: '/data' }, { HELSEVEV_GROUP_CACHE_SECONDS: 'thirty' }))
      .toThrow('HELSEVEV_GROUP_CACHE_SECONDS must be a whole number of at least 0, not "thirty"');
    expect(() => args({ dataDir: '/data', groupCache: { maxEntries: 0 } })).toThrow(/at least 1/);
    expect(() => args({ dataDir: '/data' }, { HELSEVEV_GROUP_ALLOWED_HOSTS: 'groups.example' })).toThrow(/not a URL; give an origin/);
    expect(() => args({ dataDir: '/data', groupCache: { allowedHosts: ['ftp://x.example'] } })).toThrow(/must be http\(s\)/);
  });
});
