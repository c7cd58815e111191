/**
 * The alert service as its own process (`npm run alerts`):
 *
 *   tsx apps/alerts/main.ts [--data-dir .data] [--account oslo] [--team oppfolgingsteam-a] [--look-back-days 7]
 *   (every option, with its environment variable and default: --help, config.ts)
 *
 * Prints `alerts ready: ...` (and sends {type:'ready'} over IPC when it has
 * a parent). May be killed at any moment: the checkpoint and idempotent
 * writes make the next start carry on without missing or doubling a task.
 */
import { loadConfig } from '../shared/config.ts';
import { ALERTS_OPTIONS } from './config.ts';
import { startAlertService } from './service.ts';

async function main(): Promise<void> {
  const config = loadConfig('tsx apps/alerts/main.ts [options]: automatic alerts for a team, as its organisation', ALERTS_OPTIONS);
  const service = await startAlertService({
    dataDir: config.dataDir, account: config.account, teams: config.team ?? [], lookBackDays: config.lookBackDays,
    missingCheckMs: config.missingCheckMinutes * 60_000, verbose: config.verbose,
  });
  const written = service.runners.reduce((n, r) => n + r.writes, 0);
  console.log(`alerts ready: ${service.worklists.join(', ')} as ${service.webId} (${written} task writes catching up)`);
  process.send?.({ type: 'ready', worklists: service.worklists, pid: process.pid });
  const stop = async () => {
    await service.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: Error) => {
  console.error(`alerts: ${error.message}`);
  process.exit(1);
});
