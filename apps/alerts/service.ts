/**
 * The alert service, wired (docs/teamwork.md): logs in as the organisation
 * with its client credentials (pod-session.ts keeps the login fresh), runs
 * one TeamRunner per team. Used by its own process (main.ts), by `npm start`
 * (demo.ts) and by the tests.
 *
 * It holds the organisation's identity, and through the organisation's
 * membership of the team's group it reads what patients granted the team;
 * it writes only to the team's worklist in the organisation's pod.
 */
import { credentialsPath, readCredentials } from '../shared/credentials.ts';
import { openPodSession } from '../shared/pod-session.ts';
import { DEFAULT_ALERT_TEAM } from './config.ts';
import { TeamRunner } from './team-runner.ts';

export interface AlertServiceOptions {
  readonly dataDir: string;
  /** The organisation's account name in credentials.json. */
  readonly account: string;
  readonly teams?: readonly string[];
  readonly lookBackDays?: number;
  readonly missingCheckMs?: number;
  readonly verbose?: boolean;
  readonly log?: (line: string) => void;
}

export interface AlertService {
  readonly webId: string;
  /** The worklists written to, one per team. */
  readonly worklists: readonly string[];
  readonly runners: readonly TeamRunner[];
  stop(): Promise<void>;
}

export async function startAlertService(options: AlertServiceOptions): Promise<AlertService> {
  const log = options.log ?? ((line: string) => console.log(line));
  const credentials = (await readCredentials(options.dataDir))[options.account];
  if (!credentials) throw new Error(`No client credentials for "${options.account}" in ${credentialsPath(options.dataDir)}: the alert service logs in as the organisation`);
  const session = await openPodSession(credentials);
  const orgPod = new URL('../', session.webId).href;
  const runners: TeamRunner[] = [];
  try {
    for (const team of options.teams?.length ? options.teams : [DEFAULT_ALERT_TEAM]) {
      const runner = new TeamRunner({
        fetch: session.fetch, orgPod, team, dataDir: options.dataDir, log,
        lookBackDays: options.lookBackDays ?? 7, missingCheckMs: options.missingCheckMs ?? 600_000, verbose: options.verbose ?? false,
      });
      runners.push(runner);
      await runner.start();
    }
  } catch (error) {
    await Promise.all(runners.map((r) => r.stop()));
    await session.close();
    throw error;
  }
  return {
    webId: session.webId,
    worklists: runners.map((r) => r.setup.worklist),
    runners,
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
      await session.close();
    },
  };
}
