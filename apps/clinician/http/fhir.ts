/**
 * FHIR R4 out: the search parameters of `/fhir/Observation` (subject,
 * patient.identifier, code, date, team, _count, _page; unknown ones ignored
 * or, when strict, refused), the CapabilityStatement, and the searchset
 * Bundle of one page, for a patient record system (EPJ) that speaks FHIR.
 * Routes: fhir-routes.ts; pages and tokens: fhir-page.ts. The
 * Observations come from the same planned fetch as every other answer and are
 * mapped by the one FHIR export (apps/shared/fhir/export.ts). Patients or
 * categories that could not be read become an OperationOutcome entry
 * (search.mode = outcome), the FHIR way of saying "partial".
 *
 * Errors are OperationOutcome resources (what FHIR clients expect), not
 * problem+json.
 */
import { componentForCode, kindForCode, type KindId } from '../../../vocab/catalogue.ts';
import { FHIR_SYSTEM } from '../../../vocab/terms.ts';
import { fhirBundle, measurementToFhir, VITAL_SIGNS_PROFILE, type MarkForFhir } from '../../shared/fhir/export.ts';
import { NO_D_NUMBER_SYSTEM, NO_FH_NUMBER_SYSTEM, NO_NATIONAL_ID_SYSTEM } from '../../shared/fhir/identifiers.ts';
import { operationOutcome } from '../../shared/fhir/outcome.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import type { StoredMeasurement } from '../../shared/measurement/index.ts';
import type { AccessReport } from '../engine/engine.ts';
import { osloMidnight } from '../engine/params.ts';

/** A search the FHIR routes refuse; `code` is the OperationOutcome issue code. */
export class FhirSearchError extends ProblemError {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(problem(status, status === 404 ? 'not-found' : 'invalid-search', status === 404 ? 'Not found' : 'The FHIR search is not valid', message, { fhirIssueCode: code }), message);
  }
}

const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The range [start, end) a FHIR date value stands for (dates without a zone are Europe/Oslo). */
export function fhirDateRange(value: string): { start: Date; end: Date } {
  const m = FHIR_DATE.exec(value);
  if (!m) throw new FhirSearchError(400, 'invalid', `date: "${value.slice(0, 40)}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)`);
  const [y, mo, d] = [Number(m[1]), m[2] ? Number(m[2]) : undefined, m[3] ? Number(m[3]) : undefined];
  if (m[4] !== undefined) {
    const text = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${m[7] ?? ''}`;
    const start = m[7] ? new Date(text) : new Date(osloMidnight(y, mo!, d!).getTime() + ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6] ?? 0)) * 1000);
    if (Number.isNaN(start.getTime())) throw new FhirSearchError(400, 'invalid', `date: "${value.slice(0, 40)}" is not a valid dateTime`);
    return { start, end: new Date(start.getTime() + (m[6] ? 1000 : 60_000)) };
  }
  if (d !== undefined) return { start: osloMidnight(y, mo!, d), end: osloMidnight(y, mo!, d + 1) };
  if (mo !== undefined) return { start: osloMidnight(y, mo, 1), end: osloMidnight(y, mo + 1, 1) };
  return { start: osloMidnight(y, 1, 1), end: osloMidnight(y + 1, 1, 1) };
}

function kindsOfCodes(value: string): KindId[] {
  const kinds = new Set<KindId>();
  for (const token of value.split(',').map((t) => t.trim()).filter(Boolean)) {
    const bar = token.lastIndexOf('|');
    const system = bar >= 0 ? token.slice(0, bar) : undefined;
    const code = bar >= 0 ? token.slice(bar + 1) : token;
    const systems: ('loinc' | 'snomed')[] = system === FHIR_SYSTEM.loinc ? ['loinc'] : system === FHIR_SYSTEM.snomed ? ['snomed'] : system ? [] : ['loinc', 'snomed'];
    const kind = systems.map((s) => kindForCode(s, code) ?? componentForCode(s, code)?.kind).find(Boolean);
    if (!kind) {
      throw new FhirSearchError(400, 'code-invalid',
        `code: "${token.slice(0, 60)}" names no measurement kind Helsevev stores; use LOINC (${FHIR_SYSTEM.loinc}|59408-5) or SNOMED CT (${FHIR_SYSTEM.snomed}|431314004) codes`);
    }
    kinds.add(kind);
  }
  return [...kinds];
}

/** A search's parameters as sent: name and value pairs, in order (a query string or a form body). */
export type SearchParameters = URLSearchParams | Record<string, unknown>;

/** The parameter names `patient.identifier` is also known by (chained and modifier forms FHIR clients send). */
export const IDENTIFIER_PARAMETERS = ['patient.identifier', 'subject.identifier', 'subject:Patient.identifier', 'patient:identifier', 'subject:identifier'] as const;
const SUBJECT_PARAMETERS = ['subject', 'patient', 'subject:Patient'];
/** Every parameter this server reads; anything else is ignored (lenient) or refused (`Prefer: handling=strict`). */
export const SUPPORTED_PARAMETERS: ReadonlySet<string> = new Set([...SUBJECT_PARAMETERS, ...IDENTIFIER_PARAMETERS, 'code', 'date', 'team', '_count', '_page']);

export const DEFAULT_COUNT = 100;
export const MAX_COUNT = 1000;

/** A patient identifier as searched: `system|value`, `|value` (no system) or `value` (any system). */
export interface IdentifierToken {
  /** Absent: any system; '': none. */
  readonly system?: string;
  readonly value: string;
}

export interface ObservationSearch {
  readonly subject?: string;
  readonly identifier?: IdentifierToken;
  readonly team?: string;
  readonly kinds?: KindId[];
  readonly from?: Date;
  readonly to?: Date;
  /** Matches per page, 0..MAX_COUNT. */
  readonly count: number;
  /** The `_page` token, when this is a later page. */
  readonly page?: string;
  /** The parameters used, in a fixed order, without `_count` and `_page`: the self link's, and what a page token is bound to. */
  readonly used: readonly (readonly [string, string])[];
  /** Parameter names ignored (unknown), for the Bundle to say so. */
  readonly ignored: readonly string[];
}

function pairsOf(params: SearchParameters): [string, string][] {
  if (params instanceof URLSearchParams) return [...params.entries()];
  return Object.entries(params).flatMap(([name, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [name, String(x)] as [string, string])));
}

function parseIdentifier(raw: string): IdentifierToken {
  const bar = raw.indexOf('|');
  const value = bar >= 0 ? raw.slice(bar + 1) : raw;
  if (value === '' || value.length > 128 || raw.includes(',')) {
    throw new FhirSearchError(400, 'invalid', `patient.identifier: give one identifier as system|value, e.g. ${NO_NATIONAL_ID_SYSTEM}|12345678901 (got "${raw.slice(0, 60)}")`);
  }
  return bar >= 0 ? { system: raw.slice(0, bar), value } : { value };
}

function parseCount(raw: string): number {
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > MAX_COUNT) {
    throw new FhirSearchError(400, 'invalid', `_count: give a whole number from 0 to ${MAX_COUNT} (the matches per page; default ${DEFAULT_COUNT}), not "${raw.slice(0, 20)}"`);
  }
  return Number(raw);
}

/**
 * Reads the search: subject (or patient), patient.identifier (and its other
 * names), code, date, team, _count, _page. Unknown parameters are ignored and
 * listed in `ignored` (FHIR's lenient handling), or refused with `strict`
 * (`Prefer: handling=strict`), naming them.
 */
export function parseObservationSearch(params: SearchParameters, options: { strict?: boolean } = {}): ObservationSearch {
  const pairs = pairsOf(params);
  const ignored = [...new Set(pairs.map(([name]) => name).filter((name) => !SUPPORTED_PARAMETERS.has(name)))];
  if (options.strict && ignored.length > 0) {
    throw new FhirSearchError(400, 'not-supported',
      `${ignored.map((n) => `"${n.slice(0, 40)}"`).join(', ')}: not a search parameter this server supports (Prefer: handling=strict); ` +
        `supported: ${[...SUPPORTED_PARAMETERS].join(', ')}`);
  }
  const list = (...names: string[]) => pairs.filter(([name]) => names.includes(name)).map(([, v]) => v);
  const subjects = list(...SUBJECT_PARAMETERS);
  if (subjects.length > 1) throw new FhirSearchError(400, 'invalid', 'give one subject (the patient\'s WebID) per search');
  const identifiers = list(...IDENTIFIER_PARAMETERS);
  if (identifiers.length > 1) throw new FhirSearchError(400, 'invalid', 'give one patient.identifier per search');
  const teams = list('team');
  if (teams.length > 1) throw new FhirSearchError(400, 'invalid', 'give one team per search');
  const team = teams[0];
  if (subjects.length === 0 && identifiers.length === 0 && !team) {
    throw new FhirSearchError(400, 'required',
      `give subject=<patient WebID>, patient.identifier=<system>|<value> (e.g. ${NO_NATIONAL_ID_SYSTEM}|...), or team=<team name> for every patient of a team you are in`);
  }
  const counts = list('_count');
  const pages = list('_page');
  if (counts.length > 1 || pages.length > 1) throw new FhirSearchError(400, 'invalid', 'give _count and _page at most once each');
  const kinds = [...new Set(list('code').flatMap(kindsOfCodes))];
  let from: Date | undefined;
  let to: Date | undefined;
  for (const raw of list('date')) {
    const m = /^(eq|ge|gt|le|lt)?(.+)$/.exec(raw);
    const prefix = m?.[1] ?? 'eq';
    if (!m || /^(ne|sa|eb|ap)/.test(raw)) throw new FhirSearchError(400, 'not-supported', `date: only the prefixes eq, ge, gt, le and lt are supported (got "${raw.slice(0, 40)}")`);
    const { start, end } = fhirDateRange(m[2]!);
    const lower = prefix === 'gt' ? end : start;
    const upper = new Date((prefix === 'lt' ? start : end).getTime() - 1);
    if (prefix === 'eq' || prefix === 'ge' || prefix === 'gt') from = from && from > lower ? from : lower;
    if (prefix === 'eq' || prefix === 'le' || prefix === 'lt') to = to && to < upper ? to : upper;
  }
  const subject = subjects[0];
  const identifier = identifiers[0] !== undefined ? parseIdentifier(identifiers[0]) : undefined;
  // The parameters used, by their canonical names, in a fixed order (the self link, and what a page token is bound to).
  const used: [string, string][] = [
    ...(subject !== undefined ? [['subject', subject] as [string, string]] : []),
    ...(identifiers[0] !== undefined ? [['patient.identifier', identifiers[0]] as [string, string]] : []),
    ...(team !== undefined ? [['team', team] as [string, string]] : []),
    ...list('code').map((c) => ['code', c] as [string, string]),
    ...list('date').map((d) => ['date', d] as [string, string]),
  ];
  return {
    ...(subject ? { subject } : {}), ...(identifier ? { identifier } : {}), ...(team ? { team } : {}),
    ...(kinds.length > 0 ? { kinds } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
    count: counts[0] !== undefined ? parseCount(counts[0]) : DEFAULT_COUNT,
    ...(pages[0] !== undefined ? { page: pages[0] } : {}),
    used, ignored,
  };
}

/** Whether a `Prefer` header asks for strict handling of unknown parameters. */
export function wantsStrictHandling(prefer: string | undefined): boolean {
  return (prefer ?? '').split(/[,;]/).some((p) => p.trim().toLowerCase() === 'handling=strict');
}

/** What this server can do (GET /fhir/metadata), for `fhirBase` (its /fhir URL). */
export function capabilityStatement(fhirBase: string) {
  return {
    resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'],
    date: new Date().toISOString(),
    implementation: { description: 'Helsevev clinician API: home measurements from patients\' pods', url: fhirBase },
    rest: [{
      mode: 'server',
      documentation: 'Search with GET [base]/Observation?... or POST [base]/Observation/_search (application/x-www-form-urlencoded). ' +
        'Unknown parameters are ignored and named in an OperationOutcome entry; with Prefer: handling=strict they are refused (400).',
      resource: [{
        type: 'Observation', profile: VITAL_SIGNS_PROFILE, interaction: [{ code: 'search-type' }],
        searchParam: [
          { name: 'subject', type: 'reference', documentation: 'the patient\'s WebID' },
          { name: 'patient', type: 'reference', documentation: 'same as subject' },
          { name: 'patient.identifier', type: 'token', documentation: `system|value of a patient on your team's list: fødselsnummer (${NO_NATIONAL_ID_SYSTEM}), D-nummer (${NO_D_NUMBER_SYSTEM}) or felles hjelpenummer (${NO_FH_NUMBER_SYSTEM}). Also as ${IDENTIFIER_PARAMETERS.slice(1).join(', ')}. One not on your lists: an empty searchset` },
          { name: 'code', type: 'token', documentation: 'LOINC or SNOMED CT code of the kind; comma for or' },
          { name: 'date', type: 'date', documentation: 'eq, ge, gt, le, lt; Oslo time without a zone' },
          { name: 'team', type: 'string', documentation: 'the team whose patient list to use (optional with subject or patient.identifier)' },
          { name: '_count', type: 'number', documentation: `matches per page, 0 to ${MAX_COUNT}, default ${DEFAULT_COUNT}; ordered by date, then id` },
          { name: '_page', type: 'string', documentation: 'the opaque token of a next or previous link (same caller, same search, one hour)' },
        ],
      }, {
        type: 'Task', interaction: [{ code: 'search-type' }],
        documentation: 'The tasks in the worklists of your teams (docs/teamwork.md): deadline in restriction.period.end, the team as owner. One page, soonest deadline first.',
        searchParam: [
          { name: 'owner', type: 'reference', documentation: 'a team: its short name (oppfolgingsteam-a) or its group IRI' },
          { name: 'status', type: 'token', documentation: 'requested, in-progress or completed' },
        ],
      }, {
        type: 'Communication', interaction: [{ code: 'search-type' }],
        documentation: 'The messages of a task\'s thread (a request for advice and its answers), read from the patient\'s pod; sender only when the pod server attested the writer.',
        searchParam: [{ name: 'based-on', type: 'reference', documentation: 'Task/{id}: the task whose thread to read (required)' }],
      }],
    }],
  };
}

/** A searchset's links: self (the parameters used), and next and previous pages when there are any. */
export interface SearchLinks {
  readonly self: string;
  readonly next?: string;
  readonly previous?: string;
}

/**
 * The searchset Bundle of one page: its Observations, `total` (matches in the
 * whole search), the links, then (if any) an OperationOutcome entry saying
 * what could not be read and which parameters were ignored.
 */
export function observationBundle(
  measurements: readonly StoredMeasurement[],
  marks: readonly MarkForFhir[],
  access: AccessReport,
  links: string | SearchLinks,
  options: { total?: number; ignored?: readonly string[] } = {},
): Record<string, unknown> {
  const { self, next, previous } = typeof links === 'string' ? { self: links } as SearchLinks : links;
  const bundle = fhirBundle(measurements.map((m) => measurementToFhir(m, marks)), 'searchset', { self }) as { total: number; link: unknown[]; entry: unknown[] };
  bundle.total = options.total ?? measurements.length;
  if (next) bundle.link.push({ relation: 'next', url: next });
  if (previous) bundle.link.push({ relation: 'previous', url: previous });
  const issues = [
    ...(options.ignored ?? []).map((name) => ({
      severity: 'warning' as const, code: 'not-supported',
      diagnostics: `parameter "${name.slice(0, 60)}" is not supported and was ignored (send Prefer: handling=strict to have it refused)`,
    })),
    ...(access.complete ? [] : access.unreadable.map((u) => ({
      severity: 'warning' as const,
      code: u.reason === 'forbidden' || u.reason === 'unauthenticated' ? 'forbidden' : u.reason === 'unreachable' ? 'transient' : 'processing',
      diagnostics: `${u.patient}${u.category ? ` ${u.category}` : ''}: ${u.reason}${u.detail ? ` (${u.detail})` : ''}; its observations are not in this Bundle`,
    }))),
  ];
  if (issues.length > 0) bundle.entry.push({ resource: operationOutcome(issues), search: { mode: 'outcome' } });
  return bundle;
}
