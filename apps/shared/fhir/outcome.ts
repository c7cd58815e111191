/**
 * Errors the FHIR way: an OperationOutcome (what FHIR clients expect) for the
 * same problems the rest of the API answers as problem+json, decided here
 * once for every FHIR route.
 */
import type { Response } from 'express';
import { setRetryAfter } from '../http-errors.ts';
import { PROBLEM_BASE, type Problem } from '../problem.ts';

export const FHIR_JSON = 'application/fhir+json';

export type IssueSeverity = 'fatal' | 'error' | 'warning' | 'information';

export interface OutcomeIssue {
  readonly severity: IssueSeverity;
  readonly code: string;
  readonly diagnostics: string;
  /** FHIRPath of the element the issue is about, e.g. `Observation.code.coding[0]`. */
  readonly expression?: readonly string[];
}

export function operationOutcome(issues: OutcomeIssue[]) {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/**
 * The FHIRPath of one of our field paths (`entry/2/resource/valueQuantity/code`
 * -> `Bundle.entry[2].resource.valueQuantity.code`; `code/coding/0` ->
 * `Observation.code.coding[0]`). `extension(url)` becomes a `where(url=...)`;
 * a path naming a component by its label (`component(systolic)/...`) has no
 * faithful FHIRPath, so it gets none (the diagnostics still say it).
 */
export function fhirPathOf(field: string, root = 'Observation'): string | undefined {
  const parts = field === '' ? [] : splitPath(field);
  const bundle = parts[0] === 'entry' && /^\d+$/.test(parts[1] ?? '');
  let path = bundle ? 'Bundle' : root;
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      path += `[${part}]`;
      continue;
    }
    const ext = /^(extension|modifierExtension)\((.+)\)$/.exec(part);
    if (ext) {
      path += `.${ext[1]}.where(url='${ext[2]!.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`;
      continue;
    }
    if (!/^[A-Za-z][A-Za-z0-9]*(\[x\])?$/.test(part)) return undefined;
    path += `.${part}`;
  }
  return path;
}

/** A field path's steps; a step's parenthesis (an extension's URL) may hold slashes. */
function splitPath(field: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of field) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === '/' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** How FHIR codes a problem with one field: the sender's Observation names something Helsevev does not store, or is invalid. */
function fieldIssueCode(status: number, message: string): string {
  if (status === 403) return 'forbidden';
  if (status === 409) return 'conflict';
  return /is not a measurement Helsevev stores/.test(message) ? 'not-supported' : 'invalid';
}

/**
 * The FHIR issue code of a problem: its own `fhirIssueCode` when it has one
 * (FHIR search errors), else one that says the same as its status and type.
 */
function issueCode(p: Problem): string {
  if (typeof p.fhirIssueCode === 'string') return p.fhirIssueCode;
  if (p.type === `${PROBLEM_BASE}invalid-parameter`) return 'invalid';
  if (p.status === 401) return 'login';
  if (p.status === 403) return 'forbidden';
  return 'processing';
}

/**
 * The OperationOutcome saying `p`, to be sent with status `p.status`: its
 * detail; with `root` (the resource type its field paths are relative to,
 * the gateway's intake), then one issue per wrong field with its FHIRPath.
 */
export function operationOutcomeFor(p: Problem, root?: string) {
  const fields = root === undefined ? [] : (p.errors ?? []).map((e): OutcomeIssue => {
    const expression = fhirPathOf(e.field, root);
    return {
      severity: 'error', code: fieldIssueCode(p.status, e.message), diagnostics: e.field ? `${e.field}: ${e.message}` : e.message,
      ...(expression ? { expression: [expression] } : {}),
    };
  });
  return operationOutcome([{ severity: 'error', code: issueCode(p), diagnostics: p.detail ?? p.title }, ...fields]);
}

/** sendProblem's twin for FHIR routes: `p` as an OperationOutcome, with `p.status`. */
export function sendOperationOutcome(res: Response, p: Problem, root?: string): void {
  setRetryAfter(res, p);
  res.status(p.status).type(FHIR_JSON).send(JSON.stringify(operationOutcomeFor(p, root)));
}

/** The identifier an `If-None-Exist` header names, or why it cannot be used. */
export type IfNoneExist = { ok: true; identifier: { system: string; value: string } } | { ok: false; message: string };

const IF_NONE_EXIST_HELP = 'If-None-Exist must be "identifier=system|value" (URL-encoded, one identifier with both system and value): the gateway makes a create conditional on the Observation\'s own identifier only';

/**
 * Parses `If-None-Exist: identifier=system|value` (FHIR conditional create),
 * the one form the gateway supports; anything else (other parameters,
 * several, a value without its system) is refused with a message saying so.
 */
export function parseIfNoneExist(header: string): IfNoneExist {
  const query = header.trim().replace(/^\?/, '');
  const params = query.split('&').filter((p) => p !== '');
  if (params.length !== 1) return { ok: false, message: `${IF_NONE_EXIST_HELP} (got ${params.length} parameters)` };
  const eq = params[0]!.indexOf('=');
  const name = eq < 0 ? params[0]! : params[0]!.slice(0, eq);
  if (name !== 'identifier') return { ok: false, message: `${IF_NONE_EXIST_HELP} (got the parameter "${name.slice(0, 40)}")` };
  let token: string;
  try {
    token = decodeURIComponent(params[0]!.slice(eq + 1).replace(/\+/g, ' '));
  } catch {
    return { ok: false, message: `${IF_NONE_EXIST_HELP} (its value is not valid URL encoding)` };
  }
  const bar = token.indexOf('|');
  const system = bar < 0 ? '' : token.slice(0, bar);
  const value = bar < 0 ? token : token.slice(bar + 1);
  if (system === '' || value === '' || value.includes('|')) {
    return { ok: false, message: `${IF_NONE_EXIST_HELP} (got "${token.slice(0, 80)}")` };
  }
  return { ok: true, identifier: { system, value } };
}
