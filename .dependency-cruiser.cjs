/**
 * The dependency rules of Helsevev, checked by `npm run lint:deps` (part of
 * `npm test`): data flows one way (device -> gateway -> pod; patient ->
 * consent page -> ACL; clinician -> query -> pods), and the import graph
 * follows it. docs/architecture.md has the same rules as a table.
 *
 *   vocab/, shapes/        the vocabulary and the SHACL shapes: import nothing of ours but each other
 *   apps/shared/           what more than one part needs (the one measurement mapping, pod layout, ...)
 *   apps/<service>/        gateway, consent, clinician, simulator: import only themselves, apps/shared, vocab, shapes
 *   pod-server/            CSS start and the demo world: may use apps/shared, vocab, shapes, never a service
 *   start-up               apps/start.ts, its demo pairing (apps/demo-pairing.ts) and a service's demo entry
 *                          (apps/<service>/demo.ts): the only app files that may reach into pod-server/
 *                          (to start it and read the demo world)
 *   test/, bench/          may import anything; nothing imports them
 *
 * pod-server/css/ (CSS and our CommonJS extensions, their own package) is not
 * cruised: nothing of ours imports it and it imports nothing of ours.
 */
const START_UP = ['^apps/start[.]ts$', '^apps/demo-pairing[.]ts$', '^apps/[^/]+/demo[.]ts$'];

module.exports = {
  forbidden: [
    {
      name: 'apps-not-each-other',
      comment:
        'A service imports only itself, apps/shared, vocab and shapes. When two services need the same thing it has one home ' +
        'in apps/shared; otherwise a change in one service breaks another without anyone seeing the link.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: ['^apps/$1/', '^apps/shared/'] },
    },
    {
      name: 'apps-reach-pod-server-only-at-start-up',
      comment:
        'Only the start-up (apps/start.ts, its demo pairing apps/demo-pairing.ts, a service\'s demo entry apps/<service>/demo.ts) starts the pod server or reads ' +
        'the demo world. Everything else in apps must run against any Solid server with any accounts, so it may not ' +
        'know the demo world nor import pod-server/start.ts (which spawns CSS) for a constant.',
      severity: 'error',
      from: { path: '^apps/', pathNot: START_UP },
      // reachable: not through another module either (e.g. gateway.ts -> demo.ts -> the world).
      to: { path: '^pod-server/', reachable: true },
    },
    {
      name: 'pod-server-uses-only-shared',
      comment:
        'The demo world writes what the services read (thresholds, the directory, consent records) in the formats of ' +
        'apps/shared; it never imports a service, or a service would depend on the world through the back door.',
      severity: 'error',
      from: { path: '^pod-server/' },
      to: { path: '^apps/', pathNot: '^apps/shared/' },
    },
    {
      name: 'vocab-and-shapes-stand-alone',
      comment: 'The vocabulary and the shapes are the bottom layer every part builds on; they import nothing of ours above them.',
      severity: 'error',
      from: { path: '^(vocab|shapes)/' },
      to: { path: '^(apps|pod-server|test|bench)/' },
    },
    {
      name: 'no-test-code-in-production',
      comment: 'test/ and bench/ may use anything; nothing that runs in production may use them.',
      severity: 'error',
      from: { path: '^(apps|pod-server|vocab|shapes)/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes two modules one idea in two files, and start-up order a matter of luck.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment:
        'Every import resolves. Also guards these rules themselves: an import the cruiser could not follow ' +
        '(e.g. a .ts extension it did not understand) would otherwise pass every rule unseen.',
      severity: 'error',
      from: {},
      // bench/query.ts requires the link traversal baseline from bench/link-traversal/, installed on demand.
      // fhir/r4.js: type-only imports of @types/fhir (FHIR R4 types; there is no runtime package "fhir").
      to: { couldNotResolve: true, pathNot: '^(@comunica/query-sparql-link-traversal-solid|fhir/r4\\.js)$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|^pod-server/css/' },
    // Type-only imports count: a type is knowledge too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // Only the built-in and npm modules are resolved outside the tree; no need to look inside them.
    moduleSystems: ['es6', 'cjs'],
  },
};
