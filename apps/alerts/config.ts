/**
 * The alert service's options, declared once (apps/shared/config.ts): its
 * own process (main.ts) reads them all; `npm start` runs it with the demo's.
 */
import { DATA_DIR, listOption, number, option, switchOption, text } from '../shared/config.ts';

export const DEFAULT_ALERT_ACCOUNT = 'oslo';
export const DEFAULT_ALERT_TEAM = 'oppfolgingsteam-a';

export const ALERTS_OPTIONS = {
  dataDir: { ...DATA_DIR, description: 'where credentials.json is, and the checkpoint (alerts/{team}.json)' },
  account: option({
    flag: 'account', env: 'HELSEVEV_ALERTS_ACCOUNT', default: DEFAULT_ALERT_ACCOUNT, parse: text,
    description: 'the organisation whose client credentials (in {data-dir}/credentials.json) the service logs in with; it must be a member of each team\'s group',
  }),
  team: listOption({
    flag: 'team', parse: text, defaultText: DEFAULT_ALERT_TEAM,
    description: 'a team of that organisation to alert (its patient list is {org pod}teams/{team}); repeatable',
  }),
  lookBackDays: option({
    flag: 'look-back-days', default: '7', parse: number(0),
    description: 'on the first start (no checkpoint yet), alert on readings up to this many days old; later starts continue from the checkpoint',
  }),
  missingCheckMinutes: option({
    flag: 'missing-check-minutes', default: '10', parse: number(0.01),
    description: 'how often to look for missing measurements (and for a new month\'s document to watch), in minutes',
  }),
  verbose: switchOption({ flag: 'verbose', description: 'a log line for every task written' }),
} as const;
