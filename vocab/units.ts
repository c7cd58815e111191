/**
 * UCUM unit checks and conversion to a kind's canonical unit, done by the
 * maintained UCUM library (@lhncbc/ucum-lhc), never by a hand-written table.
 * Pure functions: they say what is wrong; they never throw on bad input.
 */
import ucum from '@lhncbc/ucum-lhc';
import { kindSpec, type KindId } from './catalogue.ts';

const utils = ucum.UcumLhcUtils.getInstance();

export type UnitCheck =
  | { ok: true; value: number }
  | { ok: false; message: string };

/** Suggestions the library has for a string that is not UCUM ('mmHg' -> 'mm[Hg]'). */
function suggestionFor(unit: string): string | undefined {
  if (unit.length > 40 || /\s/.test(unit)) return undefined;
  const result = utils.validateUnitString(unit, true);
  return result.suggestions?.[0]?.units?.[0]?.[0];
}

/** True when `unit` is a valid UCUM code as written (case-sensitive). */
export function isUcum(unit: string): boolean {
  if (unit.length === 0 || unit.length > 40 || /\s/.test(unit)) return false;
  const result = utils.validateUnitString(unit, false);
  return result.status === 'valid' && result.ucumCode === unit;
}

/**
 * Converts `value` in `unit` to the kind's canonical unit, rounded to the
 * kind's decimals. `what` names the quantity in messages ("systolic blood pressure").
 */
export function toCanonicalUnit(kind: KindId, value: number, unit: string, what: string): UnitCheck {
  const spec = kindSpec(kind);
  const accepted = spec.acceptedUnits.map((u) => `'${u}'`).join(', ');
  if (!isUcum(unit)) {
    const suggestion = suggestionFor(unit);
    const hint = suggestion && spec.acceptedUnits.includes(suggestion) ? `use '${suggestion}'` : `use one of ${accepted}`;
    return { ok: false, message: `unit '${unit}' is not UCUM; ${hint} for ${what}` };
  }
  if (!spec.acceptedUnits.includes(unit)) {
    return { ok: false, message: `unit '${unit}' does not measure ${what}; use one of ${accepted}` };
  }
  if (unit === spec.canonicalUnit) return { ok: true, value: round(value, spec.decimals) };
  const options = spec.molecularWeight ? { molecularWeight: spec.molecularWeight } : undefined;
  const converted = utils.convertUnitTo(unit, value, spec.canonicalUnit, options);
  if (converted.status !== 'succeeded' || converted.toVal === null || !Number.isFinite(converted.toVal)) {
    return { ok: false, message: `cannot convert ${value} '${unit}' to '${spec.canonicalUnit}' for ${what}` };
  }
  return { ok: true, value: round(converted.toVal, spec.decimals) };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  const r = Math.round(value * f) / f;
  return Object.is(r, -0) ? 0 : r;
}
