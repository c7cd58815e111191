/**
 * Validation of what a record system states with a reading (identifier,
 * performers, vital-signs context), for parseMeasurementInput. Everything
 * kept here ends up in Turtle literals and in FHIR JSON, so it is bounded and
 * free of control characters; systems are absolute URIs without spaces,
 * quotes or angle brackets.
 */
import type { Coded, MeasurementContext, Performer, RecordIdentifier } from './types.ts';

type Fail = (field: string, message: string) => void;

const URI = /^(?:urn:oid:[0-2](?:\.(?:0|[1-9][0-9]*))+|urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|urn:(?!oid:|uuid:)[A-Za-z0-9][A-Za-z0-9-]{0,31}:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]+|https?:\/\/[A-Za-z0-9._~:/?#[\]@!$&'()*+,;=%-]+)$/;
/**
 * An identifier value as record systems write them ("External Id: 42" too): printable, no quotes,
 * angle brackets or backslashes, no spaces at either end. shapes/measurement.ttl has the same pattern.
 */
const SAFE_VALUE = /^[^\s"<>\\\x00-\x1F\x7F-\x9F\u2028\u2029](?:[^"<>\\\x00-\x1F\x7F-\x9F\u2028\u2029]{0,126}[^\s"<>\\\x00-\x1F\x7F-\x9F\u2028\u2029])?$/;
const CODE = /^[A-Za-z0-9._:/+-]{1,64}$/;
// No control characters (C0, DEL, C1) and no line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MAX_URI = 256;
const MAX_TEXT = 200;
const MAX_PERFORMERS = 5;
const MAX_FACTORS = 10;

const URI_HINT = 'an absolute URI (urn:oid:..., urn:uuid:..., another urn:... or http(s)://...) without spaces, quotes or angle brackets, at most 256 characters';

export function isSystemUri(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_URI && URI.test(value);
}

function isText(value: unknown, max = MAX_TEXT): value is string {
  return typeof value === 'string' && value.trim().length > 0 && value.length <= max && !CONTROL.test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyFields(value: Record<string, unknown>, allowed: readonly string[], field: string, fail: Fail): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${field}/${key}`, `unknown field; allowed fields are ${allowed.join(', ')}`);
  }
}

/** `{system, value}`: an identifier as a record system sends it. */
export function checkIdentifier(raw: unknown, field: string, fail: Fail): RecordIdentifier | undefined {
  if (!isObject(raw)) {
    fail(field, 'must be an object { "system": URI, "value": string }');
    return undefined;
  }
  onlyFields(raw, ['system', 'value'], field, fail);
  let ok = true;
  if (!isSystemUri(raw.system)) {
    fail(`${field}/system`, `must be ${URI_HINT}`);
    ok = false;
  }
  if (typeof raw.value !== 'string' || !SAFE_VALUE.test(raw.value)) {
    fail(`${field}/value`, 'must be 1-128 characters, printable, without quotes, angle brackets, backslashes or spaces at either end');
    ok = false;
  }
  return ok ? { system: raw.system as string, value: raw.value as string } : undefined;
}

/** `{system, code, display?}`: a coded value (FHIR Coding). */
export function checkCoded(raw: unknown, field: string, fail: Fail): Coded | undefined {
  if (!isObject(raw)) {
    fail(field, 'must be an object { "system": URI, "code": string, "display"?: string }');
    return undefined;
  }
  onlyFields(raw, ['system', 'code', 'display'], field, fail);
  let ok = true;
  if (!isSystemUri(raw.system)) {
    fail(`${field}/system`, `must be ${URI_HINT}`);
    ok = false;
  }
  if (typeof raw.code !== 'string' || !CODE.test(raw.code)) {
    fail(`${field}/code`, 'must be a code of 1-64 letters, digits and . _ : / + -');
    ok = false;
  }
  if (raw.display !== undefined && !isText(raw.display)) {
    fail(`${field}/display`, `must be text of 1-${MAX_TEXT} characters without control characters`);
    ok = false;
  }
  if (!ok) return undefined;
  return { system: raw.system as string, code: raw.code as string, ...(raw.display !== undefined ? { display: raw.display as string } : {}) };
}

export function checkPerformers(raw: unknown, field: string, fail: Fail): Performer[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_PERFORMERS) {
    fail(field, `must be a list of 1-${MAX_PERFORMERS} performers { "kind": "person" | "organisation", "identifier"?: {system, value}, "display"?: string }`);
    return undefined;
  }
  const performers: Performer[] = [];
  raw.forEach((p, i) => {
    const at = `${field}/${i}`;
    if (!isObject(p)) {
      fail(at, 'must be an object { "kind": "person" | "organisation", "identifier"?: ..., "display"?: ... }');
      return;
    }
    onlyFields(p, ['kind', 'identifier', 'display'], at, fail);
    const kind = p.kind === 'person' || p.kind === 'organisation' ? p.kind : undefined;
    if (!kind) fail(`${at}/kind`, 'must be "person" or "organisation"');
    const identifier = p.identifier === undefined ? undefined : checkIdentifier(p.identifier, `${at}/identifier`, fail);
    const displayOk = p.display === undefined || isText(p.display);
    if (!displayOk) fail(`${at}/display`, `must be text of 1-${MAX_TEXT} characters without control characters`);
    if (p.identifier === undefined && p.display === undefined) fail(at, 'a performer needs an "identifier" or a "display" (or both)');
    if (!kind || (p.identifier !== undefined && !identifier) || !displayOk || (!identifier && p.display === undefined)) return;
    performers.push({ kind, ...(identifier ? { identifier } : {}), ...(p.display !== undefined ? { display: p.display as string } : {}) });
  });
  return performers.length === raw.length ? performers : undefined;
}

const CONTEXT_FIELDS = ['bodyPosition', 'method', 'clothing', 'confoundingFactors', 'metaSource'] as const;

export function checkContext(raw: unknown, field: string, fail: Fail): MeasurementContext | undefined {
  if (!isObject(raw)) {
    fail(field, `must be an object with any of ${CONTEXT_FIELDS.join(', ')}`);
    return undefined;
  }
  onlyFields(raw, CONTEXT_FIELDS, field, fail);
  let ok = true;
  const coded = (name: 'bodyPosition' | 'method' | 'clothing') => {
    if (raw[name] === undefined) return undefined;
    const c = checkCoded(raw[name], `${field}/${name}`, fail);
    if (!c) ok = false;
    return c;
  };
  const bodyPosition = coded('bodyPosition');
  const method = coded('method');
  const clothing = coded('clothing');
  let confoundingFactors: MeasurementContext['confoundingFactors'];
  if (raw.confoundingFactors !== undefined) {
    confoundingFactors = checkFactors(raw.confoundingFactors, `${field}/confoundingFactors`, fail);
    if (!confoundingFactors) ok = false;
  }
  const metaSource = raw.metaSource;
  if (metaSource !== undefined && !isSystemUri(metaSource) && !isText(metaSource, MAX_URI)) {
    fail(`${field}/metaSource`, `must be ${URI_HINT}, or text of 1-${MAX_URI} characters without control characters`);
    ok = false;
  }
  if (!ok) return undefined;
  return {
    ...(bodyPosition ? { bodyPosition } : {}), ...(method ? { method } : {}), ...(clothing ? { clothing } : {}),
    ...(confoundingFactors ? { confoundingFactors } : {}), ...(metaSource !== undefined ? { metaSource: metaSource as string } : {}),
  };
}

function checkFactors(raw: unknown, field: string, fail: Fail): MeasurementContext['confoundingFactors'] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_FACTORS) {
    fail(field, `must be a list of 1-${MAX_FACTORS} factors, each { "text": string } or { "system", "code", "display"? }`);
    return undefined;
  }
  const factors: NonNullable<MeasurementContext['confoundingFactors']>[number][] = [];
  raw.forEach((f, i) => {
    const at = `${field}/${i}`;
    if (isObject(f) && 'text' in f) {
      onlyFields(f, ['text'], at, fail);
      if (isText(f.text) && Object.keys(f).length === 1) factors.push({ text: f.text });
      else if (!isText(f.text)) fail(`${at}/text`, `must be text of 1-${MAX_TEXT} characters without control characters`);
      return;
    }
    const c = checkCoded(f, at, fail);
    if (c) factors.push(c);
  });
  return factors.length === raw.length ? factors : undefined;
}
