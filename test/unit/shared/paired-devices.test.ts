/**
 * apps/shared/paired-devices.ts: devices.json holds credentials, so it is
 * written 0600 whole, refused when others may read it, and a file that is
 * not a list of paired devices is an error saying how to get a good one.
 */
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pairedDevicesPath, readPairedDevices, writePairedDevices, type PairedDevicesFile } from '../../../apps/shared/paired-devices.ts';
import { ExposedPathError } from '../../../apps/shared/private-files.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'helsevev-devices-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file: PairedDevicesFile = {
  gateway: 'http://localhost:3001/',
  devices: [{
    name: 'kari', patient: 'http://localhost:3000/kari/profile/card#me',
    patientIdentifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.1', value: '03916210085' },
    pairing: 'p1', device: { id: 'GC-7731', model: 'GlucoCheck', manufacturer: 'Hjemmemåling' },
    kinds: ['blood-glucose', 'body-weight'], credential: 'hvd_p1_secret', pairedAt: '2026-12-05T09:00:00.000Z',
  }],
};

describe('devices.json', () => {
  it('is absent until npm start pairs the demo devices', async () => {
    expect(await readPairedDevices(dir)).toBeUndefined();
  });

  it('round-trips, readable by the owner only', async () => {
    await writePairedDevices(dir, file);
    expect((await stat(pairedDevicesPath(dir))).mode & 0o777).toBe(0o600);
    expect(await readPairedDevices(dir)).toEqual(file);
  });

  it('is refused when others may read the credentials', async () => {
    await writePairedDevices(dir, file);
    await chmod(pairedDevicesPath(dir), 0o644);
    await expect(readPairedDevices(dir)).rejects.toBeInstanceOf(ExposedPathError);
  });

  it.each([
    ['not a list', { gateway: 'http://localhost:3001/' }],
    ['an unknown kind', { ...file, devices: [{ ...file.devices[0], kinds: ['mood'] }] }],
    ['no credential', { ...file, devices: [{ ...file.devices[0], credential: undefined }] }],
  ])('says how to start again when it holds %s', async (_what, content) => {
    await writeFile(pairedDevicesPath(dir), JSON.stringify(content), { mode: 0o600 });
    await expect(readPairedDevices(dir)).rejects.toThrow(/delete it and run npm start/);
  });
});
