/**
 * Files readable by other users on the host (issue #17, point 4): after the
 * real pod server, the demo world provisioning and the real gateway have
 * written patients' data, secrets, the access-log journal and the outbox,
 * every folder in the data folder is 0700 and every file 0600. A data folder,
 * a gateway folder or a secret found open to others makes the service refuse
 * to start, saying which path and what to run (apps/shared/private-files.ts).
 */
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodServer } from '../../pod-server/start.ts';
import { credentialsPath } from '../../apps/shared/credentials.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { postJson, startGatewayProcess, waitForDelivery, type GatewayProcess } from '../support/gateway-process.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let gateway: GatewayProcess | undefined;

beforeAll(async () => {
  world = await startTestWorld();
});

afterAll(async () => {
  await gateway?.kill();
  await world?.stop();
});

/** Every folder and file under `root` (itself included) whose mode is not the private one, as "mode path". */
async function notPrivate(root: string): Promise<{ checked: number; open: string[] }> {
  const open: string[] = [];
  let checked = 0;
  const visit = async (path: string) => {
    const info = await stat(path);
    checked += 1;
    const mode = info.mode & 0o777;
    if (mode !== (info.isDirectory() ? 0o700 : 0o600)) open.push(`${mode.toString(8)} ${path.slice(root.length) || '/'}`);
    if (info.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(root);
  return { checked, open };
}

describe('data on disk is private to the service\'s user', () => {
  it('keeps every folder 0700 and every file 0600 after the pod server, the world and the gateway wrote', async () => {
    gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet'] });
    const hans = world.accounts.hans!;
    // A paired device (#18): the pairings file and the identifier key are written too.
    const device = await pairDevice({ gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('hans'), webId: hans.webId }, kinds: ['oxygen-saturation'] });
    const sent = await postJson(gateway.url, '/readings', {
      patient: hans.webId, kind: 'oxygen-saturation', value: 94, unit: '%', effectiveTime: '2026-01-10T08:30:00+01:00', device: 'perm-oxi',
    }, 'application/json', bearer(device));
    expect(sent.status).toBe(202);
    await waitForDelivery(gateway.url, 30_000);
    // A clinician's read: an access-log entry, through the journal, into hans's pod.
    const read = await (await world.fetchAs('lunde'))(`${hans.podUrl}health/measurements/oxygen-saturation/2026-01.ttl`);
    expect(read.status).toBe(200);
    await read.body?.cancel();
    await new Promise((r) => setTimeout(r, 2_500));
    await gateway.kill();
    gateway = undefined;

    const { checked, open } = await notPrivate(world.dataDir);
    expect(checked).toBeGreaterThan(100);
    expect(open).toEqual([]);
  });

  it('refuses to start the pod server on a data folder others can read, naming it and the chmod', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'helsevev-open-'));
    try {
      await chmod(dataDir, 0o755);
      const started = startPodServer({ dataDir, port: await freePort(), loggingLevel: 'error' });
      await expect(started.then(async (s) => { await s.stop(); return 'started'; })).rejects.toThrow(`chmod -R go-rwx '${dataDir}'`);
      // Nothing was created in it: CSS never ran.
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start the gateway when its folder or the credentials file is open to others', async () => {
    const gatewayDir = join(world.dataDir, 'gateway');
    const start = async () => {
      const started = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet'] });
      await started.kill();
      return 'started';
    };
    await chmod(gatewayDir, 0o750);
    await expect(start()).rejects.toThrow(`chmod -R go-rwx '${gatewayDir}'`);
    await chmod(gatewayDir, 0o700);
    await chmod(credentialsPath(world.dataDir), 0o644);
    await expect(start()).rejects.toThrow(`chmod 600 '${credentialsPath(world.dataDir)}'`);
    await chmod(credentialsPath(world.dataDir), 0o600);
  });
});
