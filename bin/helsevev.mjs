#!/usr/bin/env node
// `npx helsevev ...` (package.json "bin"): runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../apps/clinician/cli.ts');
await run(process.argv.slice(2), process.env);
