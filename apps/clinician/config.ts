/**
 * The clinician side's options, declared once (apps/shared/config.ts): the
 * API as its own process (main.ts; `npm start` reads its port from here) and
 * the `helsevev` command line (cli.ts).
 */
import { DATA_DIR, httpUrl, listOption, oneOf, option, optional, port, switchOption, text } from '../shared/config.ts';
import { DEFAULT_POD_PORT } from '../shared/defaults.ts';
import { DEFAULT_CLINICIAN_PORT } from './service.ts';

export const CLINICIAN_API_OPTIONS = {
  port: option({
    flag: 'port', env: 'HELSEVEV_CLINICIAN_PORT', default: String(DEFAULT_CLINICIAN_PORT), parse: port(),
    description: 'the clinician API\'s port (0: any free one)',
  }),
  host: optional({ flag: 'host', parse: text, defaultText: '127.0.0.1', description: 'the interface to listen on' }),
  podBaseUrl: option({
    flag: 'pod-base-url', env: 'HELSEVEV_POD_BASE_URL', default: `http://localhost:${DEFAULT_POD_PORT}/`, parse: httpUrl,
    description: 'the pod server (also the identity provider of browser logins)',
  }),
  publicUrl: optional({
    flag: 'public-url', parse: httpUrl, defaultText: 'http://localhost:PORT', description: 'the URL browsers reach the API at (the login\'s redirect URL)',
  }),
} as const;

export const QUERY_FORMATS = ['table', 'csv', 'tsv', 'json', 'xml'] as const;

/** `helsevev query|measurements|teams`: who you are, what to ask, how to print it. */
export const CLI_OPTIONS = {
  as: optional({ flag: 'as', parse: text, description: 'log in as the demo account NAME (credentials from --data-dir)' }),
  dataDir: { ...DATA_DIR, description: 'where credentials.json is' },
  podBaseUrl: optional({ flag: 'pod-base-url', parse: httpUrl, defaultText: 'the credentials\' issuer', description: 'the pod server' }),
  team: optional({ flag: 'team', parse: text, description: 'the team whose patients to read (see `helsevev teams`)' }),
  patient: optional({ flag: 'patient', parse: text, description: 'only this patient (WebID) of the team' }),
  file: optional({ flag: 'file', parse: text, description: 'the SPARQL query to run, from a file (- for stdin)' }),
  query: optional({ flag: 'query', parse: text, description: 'the SPARQL query to run, as text' }),
  kind: listOption({ flag: 'kind', parse: text, description: 'declare the kinds (repeatable or comma-separated)' }),
  from: optional({ flag: 'from', parse: text, description: 'declare the window\'s start: 2026-02-01, 2026-02-01T08:00:00+01:00, or PT48H / P14D back from now' }),
  to: optional({ flag: 'to', parse: text, description: 'declare the window\'s end (as --from)' }),
  format: optional({ flag: 'format', parse: oneOf(QUERY_FORMATS), defaultText: 'table on a terminal, else csv', description: 'how results are printed' }),
  quiet: switchOption({ flag: 'quiet', description: 'no progress line' }),
  clientId: optional({ env: 'HELSEVEV_CLIENT_ID', parse: text, description: 'without --as: your client credentials\' id' }),
  clientSecret: optional({ env: 'HELSEVEV_CLIENT_SECRET', parse: text, description: 'without --as: your client credentials\' secret' }),
  oidcIssuer: optional({ env: 'HELSEVEV_OIDC_ISSUER', parse: httpUrl, description: 'without --as: the identity provider of your client credentials (--pod-base-url wins over it)' }),
} as const;
