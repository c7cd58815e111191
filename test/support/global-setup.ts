/**
 * Vitest's global set-up (vitest.config.ts): makes this run's folder for the
 * provisioned demo-world template (world-template.ts), hands its path to the
 * test files, and deletes it when the run ends. It builds nothing itself, so
 * a run of unit tests only makes and removes an empty folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { TEMPLATE_ROOT_KEY } from './world-template.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = await mkdtemp(join(tmpdir(), 'helsevev-world-template-'));
  project.provide(TEMPLATE_ROOT_KEY, root);
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
