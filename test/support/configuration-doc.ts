/**
 * docs/configuration.md, generated from the services' config tables, so the
 * doc cannot say what the code does not. test/unit/shared/configuration-doc.test.ts
 * fails when they differ; `npx tsx test/support/configuration-doc.ts` rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markdownTable, type Table } from '../../apps/shared/config.ts';
import { ALERTS_OPTIONS } from '../../apps/alerts/config.ts';
import { CLI_OPTIONS, CLINICIAN_API_OPTIONS } from '../../apps/clinician/config.ts';
import { CONSENT_OPTIONS } from '../../apps/consent/config.ts';
import { GATEWAY_OPTIONS, REGISTER_PLATFORM_OPTIONS } from '../../apps/gateway/config.ts';
import { SIMULATOR_OPTIONS } from '../../apps/simulator/config.ts';
import { START_OPTIONS } from '../../apps/start.ts';

export const DOC_PATH = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));
const RUNNER = fileURLToPath(new URL('../../pod-server/css/run.mjs', import.meta.url));

const SECTIONS: [title: string, intro: string, table: Table][] = [
  ['`npm start` (apps/start.ts, pod-server/config.ts)',
    'The pod server and the demo. The apps\' ports below are read from the environment only (their `--port` is their own process\'s).',
    START_OPTIONS],
  ['The gateway (apps/gateway/main.ts, config.ts)', '`tsx apps/gateway/main.ts [options]`', GATEWAY_OPTIONS],
  ['Registering a vendor platform (apps/gateway/register-platform.ts, config.ts)', '`npm run register-platform -- [options]`', REGISTER_PLATFORM_OPTIONS],
  ['The consent page (apps/consent/config.ts)', 'Runs inside `npm start`.', CONSENT_OPTIONS],
  ['The clinician API (apps/clinician/main.ts, config.ts)', '`tsx apps/clinician/main.ts [options]`', CLINICIAN_API_OPTIONS],
  ['The `helsevev` command line (apps/clinician/cli.ts, config.ts)', '`npx helsevev query|measurements|teams [options]`', CLI_OPTIONS],
  ['The simulator (apps/simulator/main.ts, config.ts)', '`npm run simulate -- [options]`', SIMULATOR_OPTIONS],
  ['The alert service (apps/alerts/main.ts, config.ts)', '`npm run alerts -- [options]`', ALERTS_OPTIONS],
];

/** run.mjs's own flags (plain JS, its own package): set by pod-server/start.ts, listed here by name. */
export function runnerFlags(): string[] {
  const source = readFileSync(RUNNER, 'utf8');
  const block = /parseArgs\(\{\s*options: \{([\s\S]*?)\n {2}\},\n\}\)/u.exec(source)?.[1] ?? '';
  return [...block.matchAll(/^\s{4}(\w+): \{/gmu)].map((m) => m[1]!);
}

export function configurationDoc(): string {
  return [
    '# Configuration',
    '',
    '<!-- Generated from the config tables by test/support/configuration-doc.ts; a unit test fails when they differ. -->',
    '',
    'Every option of every service, declared once in its `config.ts` (apps/shared/config.ts). A flag wins over its',
    'environment variable, which wins over the default. Each service checks all of them at start and names every',
    'problem (exit code 2); `--help` prints its table.',
    ...SECTIONS.flatMap(([title, intro, table]) => ['', `## ${title}`, '', intro, '', markdownTable(table)]),
    '',
    '## The pod server\'s runner (pod-server/css/run.mjs)',
    '',
    'Set by pod-server/start.ts from the options above, not by people: ' + runnerFlags().map((f) => `\`--${f}\``).join(', ') + '.',
    'run.mjs\'s header says what each does.',
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(DOC_PATH, configurationDoc());
