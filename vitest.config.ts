import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real servers; give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // Makes the folder for the demo world provisioned once per run (test/support/world-template.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
