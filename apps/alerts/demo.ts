/**
 * The alert service in the demo (`npm start`): Oslo kommune's service for
 * Oppfølgingsteam A, as the organisation `oslo`, checkpoint in the data folder.
 */
import { DEFAULT_ALERT_ACCOUNT, DEFAULT_ALERT_TEAM } from './config.ts';
import { startAlertService } from './service.ts';

export async function startDemoAlerts(world: { dataDir: string }) {
  const service = await startAlertService({
    dataDir: world.dataDir, account: DEFAULT_ALERT_ACCOUNT, teams: [DEFAULT_ALERT_TEAM], log: (line) => console.log(line),
  });
  return { name: 'alerts', url: service.worklists.join(' '), stop: service.stop };
}
