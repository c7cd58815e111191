/**
 * Reading a service's configuration (apps/shared/config.ts): flag over
 * environment over default, typed and frozen, and every problem named so a
 * person can fix it; docs/configuration.md generated from the same tables.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpText, readConfig } from '../../../apps/shared/config.ts';
import { GATEWAY_OPTIONS } from '../../../apps/gateway/config.ts';
import { CLI_OPTIONS, CLINICIAN_API_OPTIONS } from '../../../apps/clinician/config.ts';
import { SIMULATOR_OPTIONS } from '../../../apps/simulator/config.ts';
import { POD_SERVER_OPTIONS } from '../../../pod-server/config.ts';
import { configurationDoc, DOC_PATH } from '../../support/configuration-doc.ts';

describe('readConfig', () => {
  it('gives the defaults, typed, in a frozen object', () => {
    const { config } = readConfig(GATEWAY_OPTIONS, [], {});
    expect(config).toMatchObject({ port: 3001, dataDir: resolve('.data'), account: 'vendor', defaultSetting: 'home-municipality', maxPerPatch: 100, quiet: false });
    expect(config?.podBaseUrl).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('takes a flag over its environment variable over the default', () => {
    expect(readConfig(GATEWAY_OPTIONS, [], { HELSEVEV_GATEWAY_PORT: '4001' }).config?.port).toBe(4001);
    expect(readConfig(GATEWAY_OPTIONS, ['--port', '5001'], { HELSEVEV_GATEWAY_PORT: '4001' }).config?.port).toBe(5001);
    expect(readConfig(GATEWAY_OPTIONS, ['--quiet', '--data-dir', '/tmp/hv'], {}).config).toMatchObject({ quiet: true, dataDir: '/tmp/hv' });
    expect(readConfig(POD_SERVER_OPTIONS, [], { HELSEVEV_REGISTRATION: 'closed', HELSEVEV_POD_LOG_LEVEL: 'warn' }).config)
      .toMatchObject({ port: 3000, registration: 'closed', logLevel: 'warn' });
  });

  it('reads repeatable flags and options only the environment sets', () => {
    const { config } = readConfig(CLI_OPTIONS, ['--kind', 'heart-rate', '--kind', 'body-weight'], { HELSEVEV_CLIENT_ID: 'id' });
    expect(config).toMatchObject({ kind: ['heart-rate', 'body-weight'], clientId: 'id', clientSecret: undefined });
  });

  it('names every bad value at once, with where it came from', () => {
    const { errors } = readConfig(GATEWAY_OPTIONS, ['--port', '80a', '--pod-base-url', 'localhost:3000', '--default-setting', 'moon'], { HELSEVEV_DATA_DIR: '/tmp' });
    expect(errors).toEqual([
      '--port must be a port number (0-65535), not "80a"',
      '--pod-base-url must be an http(s) URL, not "localhost:3000"',
      expect.stringMatching(/^--default-setting must be "home-municipality" or .*, not "moon"$/),
    ]);
    expect(readConfig(POD_SERVER_OPTIONS, [], { HELSEVEV_POD_PORT: '0' }).errors).toEqual(['HELSEVEV_POD_PORT must be a port number (1-65535), not "0"']);
    expect(readConfig(CLINICIAN_API_OPTIONS, [], { HELSEVEV_POD_BASE_URL: 'pods' }).errors)
      .toEqual(['HELSEVEV_POD_BASE_URL must be a URL such as http://localhost:3000/, not "pods"']);
    expect(readConfig(SIMULATOR_OPTIONS, ['--rate', '-5'], {}).errors?.[0]).toMatch(/--rate/);
    expect(readConfig(SIMULATOR_OPTIONS, ['--rate=0'], {}).errors).toEqual(['--rate must be a positive number, not "0"']);
  });

  it('refuses an unknown flag and a stray argument', () => {
    expect(readConfig(GATEWAY_OPTIONS, ['--prot', '3001'], {}).errors).toEqual(['unknown option --prot']);
    expect(readConfig(GATEWAY_OPTIONS, ['3001'], {}).errors?.[0]).toMatch(/unexpected argument '3001'/);
    expect(readConfig(GATEWAY_OPTIONS, ['--port'], {}).errors?.[0]).toMatch(/--port/);
  });

  it('prints the table for --help: flag, variable, default, description', () => {
    const help = helpText(CLINICIAN_API_OPTIONS);
    expect(help).toMatch(/--port X\s+HELSEVEV_CLINICIAN_PORT\s+3003\s+the clinician API's port/);
    expect(help).toMatch(/--pod-base-url X\s+HELSEVEV_POD_BASE_URL\s+http:\/\/localhost:3000\//);
  });
});

describe('docs/configuration.md', () => {
  it('is the one generated from the config tables (npx tsx test/support/configuration-doc.ts rewrites it)', () => {
    expect(readFileSync(DOC_PATH, 'utf8')).toBe(configurationDoc());
  });
});
