import { configDefaults, defineConfig } from 'vitest/config';

// Two groups, one after the other (sequence.groupOrder): the unit tests, pure and quick, in one shared worker;
// then the integration, end-to-end and fault tests, one file at a time, as each starts real servers
// (a CSS of its own, gateways, Chromium) and a 2-core machine has no room for two such files at once.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One worker that loads the shared modules once for all unit files (they are pure; nothing to reset).
          isolate: false,
          maxWorkers: 1,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/unit/**'],
          // Integration tests start real servers; give them room on a 2-core machine.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          // Makes the folder for the demo world provisioned once per run (test/support/world-template.ts).
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
