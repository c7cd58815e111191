import { readFileSync } from 'node:fs';
import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES, MEASUREMENT_KINDS, componentForCode, kindForCode, kindForSnomedIri, type KindSpec,
} from '../../../vocab/catalogue.ts';
import { GENERATED_FILES } from '../../../vocab/generate.ts';
import { HV, NS } from '../../../vocab/terms.ts';
import { isUcum, toCanonicalUnit } from '../../../vocab/units.ts';

const root = new URL('../../../', import.meta.url);

describe('catalogue', () => {
  it('covers every kind the mission names, with unique categories and codes', () => {
    expect(CATEGORIES).toEqual(expect.arrayContaining([
      'oxygen-saturation', 'heart-rate', 'blood-pressure', 'body-weight', 'body-temperature',
      'blood-glucose', 'respiratory-rate', 'peak-expiratory-flow', 'body-height', 'body-mass-index',
    ]));
    expect(new Set(CATEGORIES).size).toBe(CATEGORIES.length);
    const snomed = MEASUREMENT_KINDS.flatMap((k: KindSpec) => [k.snomed, ...Object.values(k.components ?? {}).map((c) => c.snomed)]);
    expect(new Set(snomed).size).toBe(snomed.length);
  });

  it('has valid UCUM canonical and accepted units, and sane ranges', () => {
    for (const k of MEASUREMENT_KINDS as readonly KindSpec[]) {
      expect(isUcum(k.canonicalUnit), k.category).toBe(true);
      expect(k.acceptedUnits).toContain(k.canonicalUnit);
      for (const u of k.acceptedUnits) expect(isUcum(u), `${k.category} ${u}`).toBe(true);
      expect(k.range.min).toBeLessThan(k.range.max);
      expect(k.category).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(k.names.nb.length).toBeGreaterThan(0);
      expect(k.names.en.length).toBeGreaterThan(0);
    }
  });

  it('finds kinds by SNOMED CT and LOINC code, including aliases and panel components', () => {
    expect(kindForCode('snomed', '431314004')).toBe('oxygen-saturation');
    expect(kindForCode('loinc', '2708-6')).toBe('oxygen-saturation');
    expect(kindForCode('snomed', '78564009')).toBe('heart-rate');
    expect(kindForCode('loinc', '85354-9')).toBe('blood-pressure');
    expect(kindForCode('snomed', '999999')).toBeUndefined();
    expect(componentForCode('loinc', '8480-6')).toEqual({ kind: 'blood-pressure', component: 'systolic' });
    expect(componentForCode('snomed', '271650006')).toEqual({ kind: 'blood-pressure', component: 'diastolic' });
    expect(kindForSnomedIri('http://snomed.info/id/27113001')).toBe('body-weight');
    expect(kindForSnomedIri('http://snomed.info/sct/27113001')).toBeUndefined();
  });
});

describe('units (UCUM library)', () => {
  it('converts accepted units to the canonical one', () => {
    expect(toCanonicalUnit('body-weight', 72_400, 'g', 'body weight')).toEqual({ ok: true, value: 72.4 });
    expect(toCanonicalUnit('body-weight', 160, '[lb_av]', 'body weight')).toEqual({ ok: true, value: 72.6 });
    expect(toCanonicalUnit('body-temperature', 98.6, '[degF]', 'body temperature')).toEqual({ ok: true, value: 37 });
    expect(toCanonicalUnit('blood-glucose', 90, 'mg/dL', 'blood glucose')).toEqual({ ok: true, value: 5 });
    expect(toCanonicalUnit('blood-pressure', 16, 'kPa', 'systolic blood pressure')).toEqual({ ok: true, value: 120 });
    expect(toCanonicalUnit('peak-expiratory-flow', 6, 'L/s', 'peak expiratory flow')).toEqual({ ok: true, value: 360 });
    expect(toCanonicalUnit('heart-rate', 61, '{beats}/min', 'pulse')).toEqual({ ok: true, value: 61 });
  });

  it('says what to use instead of a non-UCUM or wrong unit', () => {
    expect(toCanonicalUnit('blood-pressure', 120, 'mmHg', 'systolic blood pressure'))
      .toEqual({ ok: false, message: "unit 'mmHg' is not UCUM; use 'mm[Hg]' for systolic blood pressure" });
    const wrong = toCanonicalUnit('body-weight', 72, 'Cel', 'body weight');
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.message).toContain("does not measure body weight; use one of 'kg'");
    expect(toCanonicalUnit('heart-rate', 60, 'bpm', 'pulse').ok).toBe(false);
  });
});

describe('ontology', () => {
  it('declares every HV constant in vocab/helsevev.ttl, and has a constant for every term it declares', () => {
    const quads = new Parser().parse(readFileSync(new URL('vocab/helsevev.ttl', root), 'utf8'));
    const declared = new Set(quads.map((q) => q.subject.value).filter((s) => s.startsWith(NS.hv)));
    expect([...declared].sort()).toEqual(Object.values(HV).sort());
  });
});

describe('generated files', () => {
  it.each(Object.entries(GENERATED_FILES))('%s is up to date with the catalogue (run npm run generate)', (path, make) => {
    expect(readFileSync(new URL(path, root), 'utf8')).toBe(make());
  });
});
