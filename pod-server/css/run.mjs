// Runs Community Solid Server 7 with Helsevev's config, as a child process of
// pod-server/start.ts (so tests can stop, kill and restart it).
//
//   node pod-server/css/run.mjs --port 3000 --baseUrl http://localhost:3000/ \
//     --rootFilePath /abs/.data/pods --loggingLevel warn
//
// Plain JS on purpose: it runs from this package's own node_modules tree, never
// through the root project's TypeScript toolchain.
//
// Components.js normally discovers components in every node_modules folder from
// CSS's own folder *up to the file system root*, which includes the root
// project's node_modules (where Comunica lives and breaks CSS's loader). We
// build the module state ourselves and stop the search at this package.
//
// When started with an IPC channel, it reports {type:'ready'} once listening
// and {type:'failed', message} if it could not start, and shuts down when the
// parent disconnects (the parent died), so no orphan server keeps the port.

import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// CSS 7 believes it runs under Jest when NODE_ENV is 'test' (vitest sets it)
// and then calls `jest.requireActual('oidc-provider')`: every OIDC request
// fails with 500 "jest is not defined" (dist/identity/IdentityUtil.js).
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
delete process.env.JEST_WORKER_ID;

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const cssPackageJson = require.resolve('@solid/community-server/package.json');
const cssRoot = dirname(cssPackageJson);
// Resolve componentsjs as CSS resolves it, so both use the same instance.
const { ComponentsManagerBuilder, ModuleStateBuilder } = createRequire(cssPackageJson)('componentsjs');
const { AppRunner } = require('@solid/community-server');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    baseUrl: { type: 'string' },
    rootFilePath: { type: 'string' },
    config: { type: 'string', default: join(here, 'config', 'helsevev.json') },
    loggingLevel: { type: 'string', default: 'warn' },
  },
});

const port = Number(values.port);
const baseUrl = values.baseUrl ?? `http://localhost:${port}/`;
if (!values.rootFilePath) fail('--rootFilePath is required (the folder CSS stores pods and accounts in)');
const rootFilePath = resolve(values.rootFilePath);

/** Discovers components only inside this package (pod-server/css), never above it. */
class ScopedModuleStateBuilder extends ModuleStateBuilder {
  buildNodeModuleImportPaths(mainModulePath) {
    return super.buildNodeModuleImportPaths(mainModulePath).filter((path) => path.startsWith(here));
  }
}

let app;
let stopping;

async function main() {
  const componentsLogger = ComponentsManagerBuilder.createLogger('warn');
  const moduleState = await new ScopedModuleStateBuilder(componentsLogger).buildModuleState(require, cssRoot);
  app = await new AppRunner().create({
    config: values.config,
    loaderProperties: { mainModulePath: cssRoot, moduleState, logLevel: 'warn' },
    shorthand: { port, baseUrl, rootFilePath, loggingLevel: values.loggingLevel },
    variableBindings: { 'urn:helsevev:variable:podTemplateFolder': join(here, 'templates', 'pod') },
  });
  await app.start();
  process.send?.({ type: 'ready', baseUrl, port, pid: process.pid });
}

async function stop(reason) {
  stopping ??= (async () => {
    try {
      await app?.stop();
    } catch (error) {
      console.error(`CSS did not stop cleanly after ${reason}: ${error?.stack ?? error}`);
      process.exit(1);
    }
    process.exit(0);
  })();
  return stopping;
}

function fail(message) {
  console.error(message);
  if (process.send) process.send({ type: 'failed', message }, () => process.exit(1));
  else process.exit(1);
}

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('disconnect', () => void stop('parent disconnected'));

main().catch((error) => fail(`Could not start the pod server: ${error?.stack ?? error}`));
