/**
 * How a service reads its configuration: each declares every option once, in
 * a table (its `config.ts`): the command-line flag, the environment variable,
 * the default, a description, and the function that turns the text into a
 * typed value. `readConfig(table, argv, env)` reads and checks them all at
 * once: a frozen, typed object, or every problem as a line a person can act on
 * (`--port must be a port number (0-65535), not "80a"`). `loadConfig` is what
 * a main.ts calls: `--help` prints the table, problems are printed once and
 * the process exits with code 2. Nothing else reads `process.env`.
 *
 * A flag given wins over its environment variable, which wins over the
 * default. docs/configuration.md is generated from the tables
 * (test/support/configuration-doc.ts; a unit test keeps it in step).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Turns an option's text into its value, or throws an Error whose message completes "--flag ..." (`must be ..., not "x"`). */
export type Parse<T> = (text: string) => T;

export interface Option<T> {
  /** `port` for `--port`; none for options only the environment sets (secrets, the demo's app ports). */
  readonly flag?: string;
  readonly env?: string;
  /** The default as text (parsed like a given value), or what happens without one (`defaultText`). */
  readonly default?: string;
  readonly defaultText?: string;
  readonly description: string;
  /** `value`: --flag TEXT; `switch`: --flag alone; `list`: --flag TEXT, repeatable. */
  readonly kind: 'value' | 'switch' | 'list';
  readonly parse: Parse<unknown>;
  /** Type only: what the option reads as. */
  readonly __type?: T;
}

export type Table = Readonly<Record<string, Option<unknown>>>;
export type Config<T extends Table> = { readonly [K in keyof T]: T[K] extends Option<infer V> ? V : never };
export type ConfigResult<T extends Table> = { readonly config: Config<T>; readonly errors?: undefined } | { readonly config?: undefined; readonly errors: readonly string[] };
type Spec<T> = { flag?: string; env?: string; description: string; parse: Parse<T> };

/** An option with a default: always a value. */
export function option<T>(spec: Spec<T> & { default: string }): Option<T> {
  return { ...spec, kind: 'value' };
}

/** An option without a default: undefined when not given (`defaultText` says what happens then). */
export function optional<T>(spec: Spec<T> & { defaultText?: string }): Option<T | undefined> {
  return { ...spec, kind: 'value' };
}

/** A flag given alone (`--quiet`): true when given. */
export function switchOption(spec: { flag: string; description: string }): Option<boolean> {
  return { ...spec, kind: 'switch', parse: () => true };
}

/** A repeatable flag (`--kind a --kind b`); undefined when not given (`defaultText` says what happens then). */
export function listOption<T>(spec: Spec<T> & { flag: string; defaultText?: string }): Option<T[] | undefined> {
  return { ...spec, kind: 'list' };
}

/** The same option without its flag, for a start-up whose flags mean something else (npm start's --port is the pod server's). */
export function envOnly<T>(o: Option<T>): Option<T> {
  const { flag: _flag, ...rest } = o;
  return rest;
}

/** Reads every option of `table` from `argv` (flags only, no program name) and `env`; all problems at once. */
export function readConfig<T extends Table>(table: T, argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ConfigResult<T> {
  const errors: string[] = [];
  let values: Record<string, string | boolean | (string | boolean)[] | undefined> = {};
  try {
    values = parseArgs({ args: [...argv], options: parseArgsOptions(table), strict: true, allowPositionals: false }).values;
  } catch (error) {
    return { errors: [argumentError(error as Error & { code?: string })] };
  }
  const config: Record<string, unknown> = {};
  for (const [key, o] of Object.entries(table)) {
    const given = o.flag === undefined ? undefined : values[o.flag];
    const fromEnv = o.env === undefined || env[o.env] === undefined || env[o.env] === '' ? undefined : env[o.env];
    const [source, text] = given !== undefined ? [`--${o.flag}`, given] : fromEnv !== undefined ? [o.env!, fromEnv] : [`the default of --${o.flag ?? o.env}`, o.default];
    try {
      if (text === undefined) config[key] = o.kind === 'switch' ? false : undefined;
      else if (o.kind === 'switch') config[key] = text === true || text === 'true' || text === '1';
      else if (Array.isArray(text)) config[key] = text.map((t) => o.parse(String(t)));
      else config[key] = o.parse(String(text));
    } catch (error) {
      errors.push(`${source} ${(error as Error).message}`);
    }
  }
  return errors.length > 0 ? { errors } : { config: Object.freeze(config) as Config<T> };
}

/** Like readConfig, but throws one Error listing every problem: for callers that are not a main.ts. */
export function configOrThrow<T extends Table>(table: T, argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Config<T> {
  const result = readConfig(table, argv, env);
  if (result.errors) throw new Error(result.errors.join('\n'));
  return result.config;
}

/**
 * A main.ts's configuration: `--help` (or -h) prints `usage` and the table and exits 0; problems are printed
 * once, with a pointer to --help, and the process exits with code 2.
 */
export function loadConfig<T extends Table>(
  usage: string, table: T, argv: readonly string[] = process.argv.slice(2), env: Readonly<Record<string, string | undefined>> = process.env,
): Config<T> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`${usage}\n\n${helpText(table)}`);
    process.exit(0);
  }
  const result = readConfig(table, argv, env);
  if (!result.errors) return result.config;
  console.error(`${result.errors.join('\n')}\n(--help lists the options)`);
  process.exit(2);
}

/** The table as --help prints it: flag, environment variable, default, description. */
export function helpText(table: Table): string {
  const rows = Object.values(table).map((o) => [flagText(o), o.env ?? '', defaultText(o), o.description]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  return ['Options (a flag wins over its environment variable, which wins over the default):',
    ...rows.map((r) => `  ${r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`)].join('\n');
}

/** The table as Markdown rows (docs/configuration.md). */
export function markdownTable(table: Table): string {
  const cell = (text: string) => (text ? `\`${text}\`` : '');
  const rows = Object.values(table).map((o) => `| ${cell(flagText(o))} | ${cell(o.env ?? '')} | ${defaultText(o)} | ${o.description} |`);
  return ['| flag | environment variable | default | what it is |', '|---|---|---|---|', ...rows].join('\n');
}

function flagText(o: Option<unknown>): string {
  if (o.flag === undefined) return '';
  return o.kind === 'switch' ? `--${o.flag}` : `--${o.flag} ${o.kind === 'list' ? 'X (repeatable)' : 'X'}`;
}

function defaultText(o: Option<unknown>): string {
  if (o.default !== undefined) return o.default === '' ? '(empty)' : o.default;
  return o.defaultText ?? (o.kind === 'switch' ? 'off' : '(none)');
}

function parseArgsOptions(table: Table) {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
  for (const o of Object.values(table)) {
    if (o.flag !== undefined) options[o.flag] = { type: o.kind === 'switch' ? 'boolean' : 'string', ...(o.kind === 'list' ? { multiple: true } : {}) };
  }
  return options;
}

function argumentError(error: Error & { code?: string }): string {
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'([^']+)'/u.exec(error.message)?.[1] ?? 'an option';
    return `unknown option ${name}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return error.message.replace(/^Unexpected argument/u, 'unexpected argument');
  return error.message;
}

// The parse functions the services share.

/** Any text, as given. */
export const text: Parse<string> = (value) => value;

/** A folder, resolved against the working directory. */
export const folder: Parse<string> = (value) => resolve(value);

/** A TCP port; 0 asks for any free one where `allowZero`. */
export function port(allowZero = true): Parse<number> {
  const min = allowZero ? 0 : 1;
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > 65_535) throw new Error(`must be a port number (${min}-65535), not "${value}"`);
    return n;
  };
}

/** An http(s) URL, as given. */
export const httpUrl: Parse<string> = (value) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`must be a URL such as http://localhost:3000/, not "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`must be an http(s) URL, not "${value}"`);
  return value;
};

/** A number at least `min` (a whole one where `whole`). */
export function number(min: number, whole = false): Parse<number> {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) {
      throw new Error(`must be a ${whole ? 'whole ' : ''}number of at least ${min}, not "${value}"`);
    }
    return n;
  };
}

/** A positive number (more than 0). */
export const positive: Parse<number> = (value) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`must be a positive number, not "${value}"`);
  return n;
};

/** One of `choices`. */
export function oneOf<const C extends string>(choices: readonly C[]): Parse<C> {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new Error(`must be ${choices.map((c) => `"${c}"`).join(' or ')}, not "${value}"`);
    return value as C;
  };
}

/** The data folder every part of Helsevev shares (credentials.json, the gateway's outbox, the pods). */
export const DATA_DIR = option({
  flag: 'data-dir', env: 'HELSEVEV_DATA_DIR', default: '.data', parse: folder,
  description: 'the data folder (credentials.json, the pods, the gateway\'s outbox); private to this user',
});
