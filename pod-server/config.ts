/**
 * The pod server's options for `npm start` (apps/start.ts), declared once:
 * its port, the data folder, who may register, CSS's log level, and the knobs
 * of our CSS extensions (docs/pod-server.md). The extensions' knobs come from
 * the environment only; startPodServer's options win over them
 * (extensionArguments in start.ts). run.mjs's own flags are set by start.ts,
 * not by people (docs/configuration.md lists them).
 */
import { DEFAULT_POD_PORT } from '../apps/shared/defaults.ts';
import { DATA_DIR, number, oneOf, option, optional, port, text, type Config, type Parse } from '../apps/shared/config.ts';
import type { Registration } from './registration.ts';

/** Origins or base URLs, comma- or space-separated. */
const hostList: Parse<string[]> = (value) => {
  const hosts = value.split(/[\s,]+/u).filter(Boolean);
  for (const host of hosts) {
    let url: URL;
    try {
      url = new URL(host);
    } catch {
      throw new Error(`has "${host}", which is not a URL; give an origin such as https://groups.example`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`has "${host}", which must be http(s)`);
  }
  return hosts;
};

/** Our CSS extensions' knobs (their defaults are run.mjs's). */
export const EXTENSION_OPTIONS = {
  accessLogFlushMs: optional({
    env: 'HELSEVEV_ACCESS_LOG_FLUSH_MS', parse: number(50, true), defaultText: '1000',
    description: 'milliseconds between access-log journal fsyncs and writes to the pods (the crash-loss bound)',
  }),
  groupCacheSeconds: optional({
    env: 'HELSEVEV_GROUP_CACHE_SECONDS', parse: number(0, true), defaultText: '30',
    description: 'how long a fetched group document is used, in seconds',
  }),
  groupCacheMaxEntries: optional({
    env: 'HELSEVEV_GROUP_CACHE_MAX_ENTRIES', parse: number(1, true), defaultText: '1000', description: 'most group documents cached',
  }),
  groupAllowedHosts: optional({
    env: 'HELSEVEV_GROUP_ALLOWED_HOSTS', parse: hostList, defaultText: '(none: own base URL only)',
    description: 'origins or base URLs group documents may come from besides this server (comma-separated)',
  }),
  groupFetchTimeoutMs: optional({
    env: 'HELSEVEV_GROUP_FETCH_TIMEOUT_MS', parse: number(1, true), defaultText: '3000', description: 'a group document fetch gives up after this many milliseconds',
  }),
  groupMaxBytes: optional({
    env: 'HELSEVEV_GROUP_MAX_BYTES', parse: number(1, true), defaultText: '524288', description: 'largest group document accepted, in bytes',
  }),
} as const;

/** `npm start`'s own options: the pod server's, plus the extensions' knobs. */
export const POD_SERVER_OPTIONS = {
  port: option({
    flag: 'port', env: 'HELSEVEV_POD_PORT', default: String(DEFAULT_POD_PORT), parse: port(false),
    description: 'the pod server\'s port (http://localhost:PORT/)',
  }),
  dataDir: DATA_DIR,
  registration: option<Registration>({
    flag: 'registration', env: 'HELSEVEV_REGISTRATION', default: 'open', parse: oneOf(['open', 'closed'] as const),
    description: 'who may create accounts: open (anyone; the demo) or closed (only with the operator\'s key)',
  }),
  logLevel: option({
    env: 'HELSEVEV_POD_LOG_LEVEL', default: 'error', parse: text, description: 'CSS\'s logging level (error, warn, info, verbose, debug)',
  }),
  ...EXTENSION_OPTIONS,
} as const;

export type ExtensionConfig = Config<typeof EXTENSION_OPTIONS>;
