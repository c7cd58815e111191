/**
 * The two levels of a patient's thresholds (yellow and red, as DHO services
 * triage) and the rules that keep them from contradicting each other. Pure:
 * the writer of a thresholds document (thresholds.ts) refuses what this
 * finds, so a contradictory document is never written; the alert service
 * (apps/alerts) checks what it reads with it too and alerts on none of a
 * patient's kind whose thresholds contradict (it never guesses which to
 * believe).
 *
 * Per patient and kind:
 * - at most one threshold per level, each with a lower or an upper limit;
 * - a limit is a finite number within the kind's plausible range (catalogue);
 * - red is the further limit: red below <= yellow below, red above >= yellow above;
 * - every lower limit is below every upper limit (else a value would be "too
 *   low" and "too high" at once).
 */
import { kindSpec, type KindId } from '../../vocab/catalogue.ts';
import type { FieldError } from './measurement/errors.ts';

export type Level = 'yellow' | 'red';

export interface LevelledLimit {
  readonly patient: string;
  readonly kind: KindId;
  readonly below?: number;
  readonly above?: number;
  /** Absent: red. */
  readonly level?: Level;
}

export class ThresholdsError extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(`The thresholds contradict each other, nothing was written: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'ThresholdsError';
  }
}

const fmt = (n: number, kind: KindId) => `${n} ${kindSpec(kind).canonicalUnit}`;

/** Every contradiction in `items` (empty: they may be written), fields as `{index}/{below|above|level}`. */
export function checkThresholds(items: readonly LevelledLimit[]): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Map<string, { index: number; item: LevelledLimit }[]>();
  items.forEach((item, index) => {
    const spec = kindSpec(item.kind);
    const name = spec.names.en;
    if (item.below === undefined && item.above === undefined) {
      errors.push({ field: `${index}`, message: `the ${name} threshold has no limit: give a lower limit (below), an upper limit (above) or both` });
    }
    for (const side of ['below', 'above'] as const) {
      const value = item[side];
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value < spec.range.min || value > spec.range.max) {
        errors.push({ field: `${index}/${side}`, message: `${value} is not a plausible ${name} limit: use a number from ${fmt(spec.range.min, item.kind)} to ${fmt(spec.range.max, item.kind)}` });
      }
    }
    if (item.below !== undefined && item.above !== undefined && item.below >= item.above) {
      errors.push({ field: `${index}/below`, message: `below ${fmt(item.below, item.kind)} and above ${fmt(item.above, item.kind)} leave no normal ${name}: the lower limit must be below the upper limit` });
    }
    const key = `${item.patient}\n${item.kind}`;
    seen.set(key, [...(seen.get(key) ?? []), { index, item }]);
  });
  for (const group of seen.values()) {
    const byLevel = (level: Level) => group.filter((g) => (g.item.level ?? 'red') === level);
    for (const level of ['yellow', 'red'] as const) {
      const same = byLevel(level);
      for (const extra of same.slice(1)) {
        errors.push({ field: `${extra.index}/level`, message: `${extra.item.patient} already has a ${level} ${kindSpec(extra.item.kind).names.en} threshold (item ${same[0]!.index}): one per level` });
      }
    }
    const yellow = byLevel('yellow')[0];
    const red = byLevel('red')[0];
    if (yellow && red) {
      const { kind } = red.item;
      if (red.item.below !== undefined && yellow.item.below !== undefined && red.item.below > yellow.item.below) {
        errors.push({ field: `${red.index}/below`, message: `red below ${fmt(red.item.below, kind)} is higher than yellow below ${fmt(yellow.item.below, kind)}: red is the further limit, so its lower limit must be at or below yellow's` });
      }
      if (red.item.above !== undefined && yellow.item.above !== undefined && red.item.above < yellow.item.above) {
        errors.push({ field: `${red.index}/above`, message: `red above ${fmt(red.item.above, kind)} is lower than yellow above ${fmt(yellow.item.above, kind)}: red is the further limit, so its upper limit must be at or above yellow's` });
      }
    }
    const lows = group.flatMap((g) => (g.item.below !== undefined ? [{ ...g, value: g.item.below }] : []));
    const highs = group.flatMap((g) => (g.item.above !== undefined ? [{ ...g, value: g.item.above }] : []));
    for (const low of lows) {
      for (const high of highs) {
        if (low.index !== high.index && low.value >= high.value) {
          errors.push({
            field: `${low.index}/below`,
            message: `${low.item.level ?? 'red'} below ${fmt(low.value, low.item.kind)} is not below ${high.item.level ?? 'red'} above ${fmt(high.value, high.item.kind)}: a value would be too low and too high at once`,
          });
        }
      }
    }
  }
  return errors;
}
