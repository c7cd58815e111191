// Runs Community Solid Server 7 with Helsevev's config, as a child process of
// pod-server/start.ts (so tests can stop, kill and restart it).
//
//   node pod-server/css/run.mjs --port 3000 --baseUrl http://localhost:3000/ \
//     --rootFilePath /abs/.data/pods --loggingLevel warn
//
// Our CSS extensions (extensions/, the @helsevev/css-extensions package) are on
// unless switched off, each by adding its config to config/helsevev.json:
//   --accessLog on|off            who read what in each patient's health/access-log/
//     --accessLogJournal DIR      its local journal (default: {rootFilePath}/../access-log-journal)
//     --accessLogFlushMs 1000     journal fsync + write to the pods, every N ms
//   --groupCache on|off           cached, allow-listed acl:agentGroup checks (off: CSS's own checker)
//     --groupCacheSeconds 30  --groupCacheMaxEntries 1000
//     --groupAllowedHosts "https://a.example,https://b.example/groups/"  (own base URL always allowed)
//     --groupFetchTimeoutMs 3000  --groupMaxBytes 524288
//   --registration open|closed    who may create accounts (default closed: only with the operator's key)
//     --registrationKeyFile FILE  that key (pod-server/registration.ts makes it: {dataDir}/registration-key, 0600)
//   --notesMaxBytes 65536         largest write to a pod's health/notes/ (always on, like the other corrections)
// "off" exists for benchmarks and diagnosis (stock CSS behaviour), not for production.
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

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { makeDocumentWritesAtomic } from './atomic-writes.mjs';

// CSS 7 believes it runs under Jest when NODE_ENV is 'test' (vitest sets it)
// and then calls `jest.requireActual('oidc-provider')`: every OIDC request
// fails with 500 "jest is not defined" (dist/identity/IdentityUtil.js).
if (process.env.NODE_ENV === 'test') delete process.env.NODE_ENV;
delete process.env.JEST_WORKER_ID;

// Everything CSS writes (pods, its .internal/ keys, client secrets and accounts,
// locks, the access-log journal) is for this user only: folders 0700, files 0600.
// pod-server/start.ts checks the data folder before it starts us.
process.umask(0o077);

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const cssPackageJson = require.resolve('@solid/community-server/package.json');
const cssRoot = dirname(cssPackageJson);
// Resolve componentsjs as CSS resolves it, so both use the same instance.
const { ComponentsManagerBuilder, ModuleStateBuilder } = createRequire(cssPackageJson)('componentsjs');
const { AppRunner, FileDataAccessor } = require('@solid/community-server');

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '3000' },
    baseUrl: { type: 'string' },
    rootFilePath: { type: 'string' },
    config: { type: 'string', default: join(here, 'config', 'helsevev.json') },
    loggingLevel: { type: 'string', default: 'warn' },
    accessLog: { type: 'string', default: 'on' },
    accessLogJournal: { type: 'string' },
    accessLogFlushMs: { type: 'string', default: '1000' },
    groupCache: { type: 'string', default: 'on' },
    groupCacheSeconds: { type: 'string', default: '30' },
    groupCacheMaxEntries: { type: 'string', default: '1000' },
    groupAllowedHosts: { type: 'string', default: '' },
    groupFetchTimeoutMs: { type: 'string', default: '3000' },
    groupMaxBytes: { type: 'string', default: String(512 * 1024) },
    registration: { type: 'string', default: 'closed' },
    registrationKeyFile: { type: 'string' },
    notesMaxBytes: { type: 'string', default: String(64 * 1024) },
  },
});

const port = Number(values.port);
const baseUrl = values.baseUrl ?? `http://localhost:${port}/`;
if (!values.rootFilePath) fail('--rootFilePath is required (the folder CSS stores pods and accounts in)');
const rootFilePath = resolve(values.rootFilePath);

const EXTENSIONS = join(here, 'extensions', 'config');
const onOff = (name) => {
  if (values[name] !== 'on' && values[name] !== 'off') throw new Error(`--${name} must be "on" or "off", not "${values[name]}"`);
  return values[name] === 'on';
};
const count = (name, min) => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number of at least ${min}, not "${values[name]}"`);
  return value;
};
const configs = () => [
  values.config,
  // Always: If-Match fails on a missing resource (RFC 9110), so a conditional write never creates;
  // changing a resource's description (.meta) needs Control, as its .acl does; under health/measurements/,
  // whoever lacks Control (the device vendor) may write month documents only.
  join(EXTENSIONS, 'preconditions.json'),
  join(EXTENSIONS, 'permission-limits.json'),
  // Always: an RDF body that does not parse is refused (400), not stored.
  join(EXTENSIONS, 'rdf-validation.json'),
  // Always: a notification goes only to a subscriber who may still read its topic.
  join(EXTENSIONS, 'notifications.json'),
  // Always: CSS's operation handler with our three wrappers (one Override, config/operation-handler.json): nothing
  // stored runs as a page here (sandboxed, non-RDF as downloads, RDF only under health/, notes limited in size),
  // under health/notes/ the server stamps who wrote what (hv:attestedAuthor) and nobody else may state it, and under
  // health/ only the patient may say a reading was entered by the patient (hv:PatientEntered).
  join(EXTENSIONS, 'operation-handler.json'),
  // Always: the account cookie is HttpOnly (Secure over https).
  join(EXTENSIONS, 'active-content.json'),
  ...(registrationClosed() ? [join(EXTENSIONS, 'registration-closed.json')] : []),
  // Always: the OIDC consent screen says where the login will be sent, and shows what an app sent as text only.
  join(EXTENSIONS, 'consent-screen.json'),
  ...(onOff('groupCache') ? [join(EXTENSIONS, 'group-cache.json')] : []),
  ...(onOff('accessLog') ? [join(EXTENSIONS, 'access-log.json')] : []),
];
const extensionVariables = () => ({
  'urn:helsevev:variable:accessLogJournalFolder': resolve(values.accessLogJournal ?? join(rootFilePath, '..', 'access-log-journal')),
  'urn:helsevev:variable:accessLogFlushMs': count('accessLogFlushMs', 50),
  'urn:helsevev:variable:groupAllowedHosts': values.groupAllowedHosts,
  'urn:helsevev:variable:groupCacheSeconds': count('groupCacheSeconds', 0),
  'urn:helsevev:variable:groupCacheMaxEntries': count('groupCacheMaxEntries', 1),
  'urn:helsevev:variable:groupFetchTimeoutMs': count('groupFetchTimeoutMs', 1),
  'urn:helsevev:variable:groupMaxBytes': count('groupMaxBytes', 1),
  'urn:helsevev:variable:notesMaxBytes': count('notesMaxBytes', 1),
  'urn:helsevev:variable:registrationKey': registrationClosed() ? registrationKey() : '',
});
const registrationClosed = () => {
  if (values.registration !== 'open' && values.registration !== 'closed') {
    throw new Error(`--registration must be "open" or "closed", not "${values.registration}"`);
  }
  return values.registration === 'closed';
};
/** The operator's key; without one, registration closed means nobody may create an account. */
const registrationKey = () => (values.registrationKeyFile ? readFileSync(resolve(values.registrationKeyFile), 'utf8').trim() : '');

/** Discovers components only inside this package (pod-server/css), never above it. */
class ScopedModuleStateBuilder extends ModuleStateBuilder {
  buildNodeModuleImportPaths(mainModulePath) {
    return super.buildNodeModuleImportPaths(mainModulePath).filter((path) => path.startsWith(here));
  }
}

let app;
let stopping;

async function main() {
  // A crash while CSS rewrites a document must not truncate it (atomic-writes.mjs).
  await makeDocumentWritesAtomic(FileDataAccessor, join(rootFilePath, '..', 'pod-writes'));
  const componentsLogger = ComponentsManagerBuilder.createLogger('warn');
  const moduleState = await new ScopedModuleStateBuilder(componentsLogger).buildModuleState(require, cssRoot);
  app = await new AppRunner().create({
    config: configs(),
    loaderProperties: { mainModulePath: cssRoot, moduleState, logLevel: 'warn' },
    shorthand: { port, baseUrl, rootFilePath, loggingLevel: values.loggingLevel },
    variableBindings: {
      'urn:helsevev:variable:podTemplateFolder': join(here, 'templates', 'pod'),
      'urn:helsevev:variable:vocabularyLabelsFile': join(here, '..', '..', 'vocab', 'labels.ttl'),
      'urn:helsevev:variable:consentTemplate': join(here, 'templates', 'identity', 'oidc', 'consent.html.ejs'),
      ...extensionVariables(),
    },
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
