/**
 * Our CSS extensions are plain CommonJS with hand-written Components.js files
 * (docs/architecture.md, "The pod server's extensions"), so each class stands
 * in four places: its constructor (lib/), its export (index.js), its component
 * (components/components.jsonld) and its context entry (components/context.jsonld);
 * config/*.json then names it and its parameters. Components.js finds a
 * mismatch only when CSS starts, and some not at all (a parameter in the wrong
 * position is silently passed to the wrong argument). This test keeps the four
 * places and the configs in step, without starting a server.
 */
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const CSS_DIR = fileURLToPath(new URL('../../../pod-server/css/', import.meta.url));
const EXT_DIR = join(CSS_DIR, 'extensions');
const PREFIX = 'hvx:components/components.jsonld#';

type Json = Record<string, unknown>;
const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8')) as Json;

interface Component { '@id': string; requireElement: string; parameters: { '@id': string }[]; constructorArguments: { '@id': string }[] }
const components = (readJson(join(EXT_DIR, 'components', 'components.jsonld')).components as Component[]);
const nameOf = (component: Component): string => component['@id'].slice(PREFIX.length);
const parameterName = (component: Component, id: string): string => id.slice(PREFIX.length + nameOf(component).length + 1);

/** A context's entries by type name: the keys a config may give that type. */
type Context = Map<string, Set<string>>;
const contextOf = (path: string): Context => {
  const entries = (readJson(path)['@context'] as unknown[]).find((part) => typeof part === 'object') as Record<string, unknown>;
  const context: Context = new Map();
  for (const [name, value] of Object.entries(entries)) {
    if (typeof value === 'object' && value !== null && '@context' in value) {
      context.set(name, new Set(Object.keys((value as { '@context': object })['@context'])));
    }
  }
  return context;
};
const ours = contextOf(join(EXT_DIR, 'components', 'context.jsonld'));
const theirs = contextOf(join(CSS_DIR, 'node_modules', '@solid', 'community-server', 'dist', 'components', 'context.jsonld'));
const ourContextIds = (readJson(join(EXT_DIR, 'components', 'context.jsonld'))['@context'] as unknown[])
  .find((part) => typeof part === 'object') as Record<string, { '@id'?: string; '@context'?: Record<string, { '@id': string }> }>;

/** A constructor's parameters in order, and whether each has a default. */
const constructorParameters = (cls: unknown): { name: string; optional: boolean }[] => {
  const source = String(cls);
  const match = /\bconstructor\s*\(([^)]*)\)/.exec(source);
  if (!match) return [];
  return match[1]!.split(',').map((part) => part.trim()).filter(Boolean)
    .map((part) => ({ name: part.split('=')[0]!.trim(), optional: part.includes('=') }));
};

const exported = require(EXT_DIR) as Record<string, unknown>;

const configFiles = [
  ...readdirSync(join(EXT_DIR, 'config')).map((file) => join(EXT_DIR, 'config', file)),
  ...readdirSync(join(CSS_DIR, 'config')).map((file) => join(CSS_DIR, 'config', file)),
].filter((file) => file.endsWith('.json'));

/** Every node with an @type in a config, with where it is (for the message). */
const typedNodes = (value: unknown, where: string, out: { node: Json; where: string }[] = []): { node: Json; where: string }[] => {
  if (Array.isArray(value)) value.forEach((item, index) => typedNodes(item, `${where}[${index}]`, out));
  else if (typeof value === 'object' && value !== null) {
    const node = value as Json;
    if (typeof node['@type'] === 'string') out.push({ node, where });
    for (const [key, child] of Object.entries(node)) typedNodes(child, `${where}.${key}`, out);
  }
  return out;
};

/** Keys that are Components.js's own, not a component's parameters. */
const KEYWORDS = new Set(['@id', '@type', 'comment']);
/** Types from Components.js itself (not components of CSS or ours). */
const COMPONENTSJS_TYPES: Record<string, Set<string>> = {
  Override: new Set(['overrideInstance', 'overrideParameters']),
  Variable: new Set(),
};

/** What is wrong with one config file's wiring; empty when nothing is. */
const wiringProblems = (file: string, config: Json): string[] => {
  const problems: string[] = [];
  for (const { node, where } of typedNodes(config['@graph'], file)) {
    const type = node['@type'] as string;
    const known = COMPONENTSJS_TYPES[type] ?? ours.get(type) ?? theirs.get(type);
    if (!known) { problems.push(`${where}: unknown type ${type}`); continue; }
    for (const key of Object.keys(node)) {
      if (!KEYWORDS.has(key) && !known.has(key)) problems.push(`${where}: ${type} has no parameter "${key}"`);
    }
  }
  return problems;
};

/** The instances two or more Overrides name: they would not chain, one would be lost. */
const doubleOverrides = (configs: { file: string; config: Json }[]): string[] => {
  const seen = new Map<string, string>();
  const doubles: string[] = [];
  for (const { file, config } of configs) {
    for (const { node } of typedNodes(config['@graph'], file)) {
      if (node['@type'] !== 'Override') continue;
      const instance = (node.overrideInstance as { '@id': string })['@id'];
      const earlier = seen.get(instance);
      if (earlier) doubles.push(`${instance} is overridden in ${earlier} and in ${file}`);
      seen.set(instance, file);
    }
  }
  return doubles;
};

describe('the CSS extensions wiring', () => {
  it('index.js exports exactly the classes components.jsonld describes, each once', () => {
    const names = components.map(nameOf);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(exported).sort());
    for (const component of components) {
      expect(component.requireElement, component['@id']).toBe(nameOf(component));
      expect(typeof exported[component.requireElement], component.requireElement).toBe('function');
    }
  });

  it.each(components.map((component) => [nameOf(component), component] as const))(
    '%s: the component passes the constructor its parameters, in order',
    (_name, component) => {
      const declared = component.parameters.map((parameter) => parameterName(component, parameter['@id']));
      const passed = component.constructorArguments.map((argument) => parameterName(component, argument['@id']));
      expect(passed).toEqual(declared);
      const parameters = constructorParameters(exported[component.requireElement]);
      // Same names in the same order; what the component leaves out must have a default (test-only knobs).
      expect(declared).toEqual(parameters.slice(0, declared.length).map((parameter) => parameter.name));
      expect(parameters.slice(declared.length).filter((parameter) => !parameter.optional)).toEqual([]);
    },
  );

  it('every component has its context entry, with each of its parameters and nothing else', () => {
    expect([...ours.keys()].sort()).toEqual(components.map(nameOf).sort());
    for (const component of components) {
      const entry = ourContextIds[nameOf(component)]!;
      expect(entry['@id']).toBe(component['@id']);
      const parameters = Object.fromEntries(Object.entries(entry['@context'] ?? {}).map(([key, value]) => [key, value['@id']]));
      expect(parameters).toEqual(Object.fromEntries(component.parameters.map((parameter) =>
        [parameterName(component, parameter['@id']), parameter['@id']])));
    }
  });

  it.each(configFiles.map((file) => [file.slice(CSS_DIR.length), file] as const))(
    '%s names only known components and their parameters',
    (_name, file) => {
      expect(wiringProblems(file.slice(CSS_DIR.length), readJson(file))).toEqual([]);
    },
  );

  it('no two Overrides override the same instance (they would not chain)', () => {
    const configs = configFiles.map((file) => ({ file: file.slice(CSS_DIR.length), config: readJson(file) }));
    expect(doubleOverrides(configs)).toEqual([]);
  });

  it('the checks find what they are for', () => {
    const broken = { '@graph': [
      { '@type': 'Override', overrideInstance: { '@id': 'urn:x' }, overrideParameters: { '@type': 'NoteAttestingHandler', sorce: {} } },
      { '@type': 'Override', overrideInstance: { '@id': 'urn:x' }, overrideParameters: { '@type': 'NoSuchHandler' } },
    ] };
    expect(wiringProblems('broken.json', broken)).toEqual([
      'broken.json[0].overrideParameters: NoteAttestingHandler has no parameter "sorce"',
      'broken.json[1].overrideParameters: unknown type NoSuchHandler',
    ]);
    expect(doubleOverrides([{ file: 'broken.json', config: broken }])).toEqual(['urn:x is overridden in broken.json and in broken.json']);
  });
});
