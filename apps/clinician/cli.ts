/**
 * `npx helsevev ...`: the clinician queries from a terminal, through the same
 * engine as the HTTP API (no server needed), with the clinician's own client
 * credentials.
 *
 *   npx helsevev query --as nilsen --team oppfolgingsteam-a --file apps/clinician/queries/spo2-below-90-last-48h.rq
 *   npx helsevev query --as dahl --team fastleger --query 'SELECT ...' --format csv > out.csv
 *   npx helsevev measurements --as nilsen --team oppfolgingsteam-a --kind oxygen-saturation --from P7D
 *   npx helsevev teams --as lunde
 *
 * Credentials: `--as NAME` reads `{data-dir}/credentials.json` (the demo
 * world's), or HELSEVEV_CLIENT_ID / HELSEVEV_CLIENT_SECRET (+ --pod-base-url).
 * Progress goes to stderr, results to stdout; what could not be read is listed
 * on stderr after the results.
 */
import { readFile } from 'node:fs/promises';
import type * as RDF from '@rdfjs/types';
import { helpText, readConfig, type Config } from '../shared/config.ts';
import { credentialsPath, readCredentials } from '../shared/credentials.ts';
import { NS } from '../../vocab/terms.ts';
import { openPodSession, type PodSession } from '../shared/pod-session.ts';
import { ProblemError } from '../shared/problem.ts';
import { ClinicianQueryEngine, type AccessReport, type Gathered, type Progress } from './engine/engine.ts';
import { ParameterError, parseKindList, parsePatient, parseTime } from './engine/params.ts';
import { writeBoolean, writeSolutions, type Row } from './engine/results.ts';
import { CLI_OPTIONS } from './config.ts';

const USAGE = `Usage:
  helsevev query --team TEAM (--file Q.rq | --query SPARQL | --file -) [options]
  helsevev measurements --team TEAM [--kind KIND]... [--from T] [--to T] [options]
  helsevev teams [options]

${helpText(CLI_OPTIONS)}
Without --as: HELSEVEV_CLIENT_ID and HELSEVEV_CLIENT_SECRET (and --pod-base-url).`;

type Env = Readonly<Record<string, string | undefined>>;

const PREFIXES: [string, string][] = [
  ['sct:', NS.snomed], ['sosa:', NS.sosa], ['hv:', NS.hv], ['qudt:', NS.qudt], ['unit:', NS.unit], ['xsd:', NS.xsd],
  ['oa:', NS.oa], ['dct:', NS.dct], ['foaf:', NS.foaf],
];

function short(t: RDF.Term | undefined): string {
  if (!t) return '';
  if (t.termType === 'NamedNode') {
    const p = PREFIXES.find(([, ns]) => t.value.startsWith(ns));
    return p ? `${p[0]}${t.value.slice(p[1].length)}` : t.value;
  }
  if (t.termType === 'BlankNode') return `_:${t.value}`;
  return t.value;
}

/** A readable fixed-width table. */
export function table(vars: readonly string[], rows: readonly Row[], maxWidth = 60): string {
  const cells = rows.map((row) => vars.map((v) => {
    const text = short(row.get(v)).replace(/\s+/g, ' ');
    return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
  }));
  const widths = vars.map((v, i) => Math.max(v.length, ...cells.map((c) => c[i]!.length)));
  const line = (values: string[]) => values.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line([...vars]), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line), `(${rows.length} row${rows.length === 1 ? '' : 's'})`].join('\n');
}

function progressLine(quiet: boolean) {
  const tty = process.stderr.isTTY && !quiet;
  let last = '';
  const write = (text: string) => {
    if (!tty) return;
    process.stderr.write(`\r${text.padEnd(last.length)}`);
    last = text;
  };
  return {
    update(p: Progress) {
      if (p.phase === 'team') write('reading the team list ...');
      else if (p.phase === 'profiles') write(`finding pods: ${p.done}/${p.total} patients`);
      else if (p.phase === 'documents') write(`fetching documents: ${p.done}/${p.total}`);
      else write('running the query ...');
    },
    done() {
      if (tty && last) process.stderr.write(`\r${' '.repeat(last.length)}\r`);
    },
  };
}

function summary(g: Gathered): string {
  const s = g.stats;
  return `${g.team.name}: ${g.access.patients.total} patient(s), ${s.read}/${s.planned} documents read (${s.notModified} unchanged), ` +
    `${s.requests} HTTP requests, ${(s.totalMs / 1000).toFixed(2)} s; window ${g.scope.from.toISOString().slice(0, 16)}Z to ` +
    `${g.scope.to.toISOString().slice(0, 16)}Z (${g.scope.basis.time}), kinds: ${g.scope.kinds.length === 10 ? 'all' : g.scope.kinds.join(', ')}`;
}

function unreadable(access: AccessReport): string[] {
  return access.unreadable.map((u) => `  could not read ${u.patient}${u.category ? ` ${u.category}` : ''}: ${u.reason}${u.httpStatus ? ` (HTTP ${u.httpStatus})` : ''}`);
}

async function session(config: Config<typeof CLI_OPTIONS>): Promise<PodSession> {
  const { dataDir, as, clientId, clientSecret } = config;
  if (as) {
    const all = await readCredentials(dataDir);
    const c = all[as];
    if (!c) throw new Error(`No credentials for "${as}" in ${credentialsPath(dataDir)}; known: ${Object.keys(all).join(', ') || 'none (run npm start once)'}`);
    return openPodSession(c);
  }
  const issuer = config.podBaseUrl ?? config.oidcIssuer;
  if (!clientId || !clientSecret || !issuer) {
    throw new Error('Say who you are: --as NAME (a demo account), or HELSEVEV_CLIENT_ID, HELSEVEV_CLIENT_SECRET and --pod-base-url');
  }
  return openPodSession({ clientId, clientSecret, oidcIssuer: issuer });
}

export async function main(argv: string[], env: Env): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help' || rest.includes('--help')) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const read = readConfig(CLI_OPTIONS, rest, env);
  if (read.errors) {
    console.error(`${read.errors.map((e) => `error: ${e}`).join('\n')}\n(helsevev --help lists the options)`);
    return 2;
  }
  const values = read.config;
  const format = values.format ?? (process.stdout.isTTY ? 'table' : 'csv');
  const me = await session(values);
  const podBaseUrl = values.podBaseUrl ?? new URL('/', me.webId).href;
  const engine = new ClinicianQueryEngine({ podServers: [podBaseUrl] });
  const progress = progressLine(values.quiet ?? false);
  try {
    if (command === 'teams') {
      for (const t of await engine.teams(me)) {
        console.log(`${t.name.padEnd(24)} ${t.member ? `${t.patients?.length ?? 0} patients` : 'not a member'}  ${t.displayName ?? ''}`);
      }
      return 0;
    }
    if (!values.team) throw new ParameterError('team', '--team: say which team (see `helsevev teams`)');
    const now = new Date();
    const target = {
      team: values.team,
      ...(values.patient ? { patient: parsePatient('--patient', values.patient) } : {}),
      onProgress: (p: Progress) => progress.update(p),
    };
    const declared = {
      ...(values.kind ? { kinds: parseKindList('--kind', values.kind) } : {}),
      ...(values.from ? { from: parseTime('--from', values.from, now, 'start') } : {}),
      ...(values.to ? { to: parseTime('--to', values.to, now, 'end') } : {}),
    };

    if (command === 'measurements') {
      const answer = await engine.measurements(me, { ...target, ...declared });
      progress.done();
      if (format === 'json') console.log(JSON.stringify({ scope: answer.scope, access: answer.access, measurements: answer.measurements }, null, 2));
      else {
        const sep = format === 'tsv' ? '\t' : ',';
        const rows = answer.measurements.map((m) => [m.patient, m.kind, m.effectiveTime, 'value' in m ? String(m.value) : `${m.systolic}/${m.diastolic}`, m.unit, m.setting, answer.marks.some((k) => k.measurement === m.iri) ? 'unreliable' : '']);
        const head = ['patient', 'kind', 'time', 'value', 'unit', 'setting', 'note'];
        if (format === 'table') {
          const { DataFactory } = await import('n3');
          console.log(table(head, rows.map((r) => new Map(r.map((c, i) => [head[i]!, DataFactory.literal(c)] as [string, RDF.Term])))));
        } else console.log([head, ...rows].map((r) => r.map((c) => (c.includes(sep) || c.includes('"') ? `"${c.replace(/"/g, '""')}"` : c)).join(sep)).join('\n'));
      }
      console.error(summary(answer));
      for (const line of unreadable(answer.access)) console.error(line);
      return 0;
    }

    if (command !== 'query') throw new ParameterError('command', `unknown command "${command}"\n${USAGE}`);
    const text = values.query ?? (values.file === '-' ? await readStdin() : values.file ? await readFile(values.file, 'utf8') : undefined);
    if (!text) throw new ParameterError('query', '--file Q.rq, --file - (stdin) or --query SPARQL: which query to run');
    const answer = await engine.query(me, { ...target, query: text, declared });
    if (answer.form === 'select') {
      const { vars, rows } = await engine.solutions(answer);
      progress.done();
      if (format === 'table') console.log(table(vars, rows));
      else process.stdout.write(writeSolutions(vars, rows, format as 'csv' | 'tsv' | 'json' | 'xml'));
    } else if (answer.form === 'ask') {
      const value = await engine.boolean(answer);
      progress.done();
      if (format === 'json' || format === 'xml') process.stdout.write(writeBoolean(value, format));
      else console.log(value ? 'yes' : 'no');
    } else {
      const text = await engine.graph(answer, 'text/turtle');
      progress.done();
      process.stdout.write(text);
    }
    console.error(summary(answer));
    for (const line of unreadable(answer.access)) console.error(line);
    return 0;
  } finally {
    progress.done();
    await me.close();
  }
}

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

/** The command line, with its environment (bin/helsevev.mjs passes the process's). */
export async function run(argv: string[], env: Env): Promise<void> {
  try {
    process.exitCode = await main(argv, env);
  } catch (error) {
    // A parameter error's message already says which parameter and what to give.
    if (error instanceof ProblemError && !(error instanceof ParameterError)) console.error(`error: ${error.problem.title}: ${error.problem.detail ?? ''}`);
    else console.error(`error: ${(error as Error).message}`);
    process.exitCode = error instanceof ProblemError ? 2 : 1;
  }
}
