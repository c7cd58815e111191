/**
 * FHIR R4 out: `GET /fhir/Observation?subject=...&code=...&date=...` as a
 * searchset Bundle, for a patient record system (EPJ) that speaks FHIR. The
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
import { fhirBundle, measurementToFhir, type MarkForFhir } from '../../shared/fhir/export.ts';
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

/** What this server can do (GET /fhir/metadata), for `fhirBase` (its /fhir URL). */
export function capabilityStatement(fhirBase: string) {
  return {
    resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'],
    date: new Date().toISOString(),
    implementation: { description: 'Helsevev clinician API: home measurements from patients\' pods', url: fhirBase },
    rest: [{
      mode: 'server',
      resource: [{
        type: 'Observation', interaction: [{ code: 'search-type' }],
        searchParam: [
          { name: 'subject', type: 'reference', documentation: 'the patient\'s WebID' },
          { name: 'patient', type: 'reference', documentation: 'same as subject' },
          { name: 'code', type: 'token', documentation: 'LOINC or SNOMED CT code of the kind' },
          { name: 'date', type: 'date', documentation: 'eq, ge, gt, le, lt' },
          { name: 'team', type: 'string', documentation: 'the team whose patient list to use (optional with subject)' },
        ],
      }],
    }],
  };
}

export interface ObservationSearch {
  readonly subject?: string;
  readonly team?: string;
  readonly kinds?: KindId[];
  readonly from?: Date;
  readonly to?: Date;
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

/** Reads the supported search parameters: subject (or patient), code, date, team; unknown ones are ignored (FHIR's lenient handling). */
export function parseObservationSearch(params: Record<string, unknown>): ObservationSearch {
  const list = (name: string): string[] => {
    const v = params[name];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]).map(String);
  };
  const subjects = [...list('subject'), ...list('patient')];
  if (subjects.length > 1) throw new FhirSearchError(400, 'invalid', 'give one subject (the patient\'s WebID) per search');
  const team = list('team')[0];
  if (subjects.length === 0 && !team) {
    throw new FhirSearchError(400, 'required', 'give subject=<patient WebID> (or team=<team name> for every patient of a team you are in)');
  }
  const kinds = list('code').flatMap(kindsOfCodes);
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
  return { ...(subject ? { subject } : {}), ...(team ? { team } : {}), ...(kinds.length > 0 ? { kinds } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** The searchset Bundle: matching Observations, then (if any) an OperationOutcome saying what could not be read. */
export function observationBundle(
  measurements: readonly StoredMeasurement[],
  marks: readonly MarkForFhir[],
  access: AccessReport,
  self: string,
): Record<string, unknown> {
  const bundle = fhirBundle(measurements.map((m) => measurementToFhir(m, marks)), 'searchset', { self }) as { entry: unknown[] };
  if (!access.complete) {
    bundle.entry.push({
      resource: operationOutcome(access.unreadable.map((u) => ({
        severity: 'warning' as const,
        code: u.reason === 'forbidden' || u.reason === 'unauthenticated' ? 'forbidden' : u.reason === 'unreachable' ? 'transient' : 'processing',
        diagnostics: `${u.patient}${u.category ? ` ${u.category}` : ''}: ${u.reason}${u.detail ? ` (${u.detail})` : ''}; its observations are not in this Bundle`,
      }))),
      search: { mode: 'outcome' },
    });
  }
  return bundle;
}
