/**
 * The catalogue of measurement kinds: the one table every part of Helsevev
 * reads codes, units, plausible ranges and pod paths from. docs/catalogue.md
 * and shapes/measurement-kinds.ttl are generated from it (`npm run generate`).
 *
 * Codes follow ../shared/MISSION.md; ranges are physiological plausibility
 * limits for rejecting input errors (a device sending SpO2 120 %), not
 * clinical thresholds. Values are stored in the canonical unit only.
 */

export type Lang = 'nb' | 'en';
export type Names = Readonly<Record<Lang, string>>;

/** One coded quantity: a simple measurement, or one component of a panel. */
export interface QuantitySpec {
  /**
   * The SNOMED CT concept stored as sosa:observedProperty. Absent only for a
   * score no SNOMED CT concept could be verified for (the CAT): then `property`.
   */
  readonly snomed?: string;
  /** The observed property's IRI when there is no SNOMED CT concept (one of ours, vocab/helsevev.ttl). */
  readonly property?: string;
  /** Other SNOMED concepts accepted as input for this quantity (mapped to `snomed`). */
  readonly snomedAliases: readonly string[];
  /**
   * The LOINC code FHIR export uses, then others accepted as input. Empty only
   * where no LOINC code could be verified (pulse pressure, the scores).
   */
  readonly loinc: readonly string[];
  /** A panel component the panel may lack (blood pressure's mean arterial and pulse pressure). */
  readonly optional?: true;
  /**
   * NPU codes (system urn:oid:2.16.578.1.12.4.1.1.7280) accepted as input, where a
   * published Norwegian source uses one for this quantity (HL7 Norway's VkpObservation).
   */
  readonly npu?: readonly string[];
  readonly names: Names;
  readonly range: { readonly min: number; readonly max: number };
}

export interface KindSpec extends QuantitySpec {
  /** Kind id and pod path segment: `health/measurements/{category}/`. */
  readonly category: string;
  /** UCUM code values are stored in. */
  readonly canonicalUnit: string;
  /** QUDT unit IRI of the canonical unit, for generic RDF tooling. */
  readonly qudtUnit: string;
  /** UCUM codes accepted as input; each converts to `canonicalUnit`. */
  readonly acceptedUnits: readonly string[];
  /** Decimals kept after conversion to the canonical unit. */
  readonly decimals: number;
  /** Components of a panel (blood pressure); absent for simple kinds. */
  readonly components?: Readonly<Record<string, QuantitySpec>>;
  /** Molecular weight (g/mol) for mass <-> molar concentration conversion. */
  readonly molecularWeight?: number;
  /**
   * A score computed from a questionnaire's answers (apps/shared/questionnaire),
   * written by the patient's own page, never sent by a device.
   */
  readonly score?: { readonly questionnaire: string };
  /** Where the code (or the lack of one) was checked, for docs/catalogue.md. */
  readonly codeSource?: string;
}

const qudt = (local: string) => `http://qudt.org/vocab/unit/${local}`;
const SNOMED_ID = 'http://snomed.info/id/';
const HV_NS = 'https://w3id.org/helsevev#';

const spec = <const K extends KindSpec>(k: K) => k;

export const MEASUREMENT_KINDS = [
  spec({
    category: 'oxygen-saturation',
    snomed: '431314004', snomedAliases: [],
    loinc: ['59408-5', '2708-6'],
    names: { nb: 'Oksygenmetning (SpO2)', en: 'Oxygen saturation (SpO2)' },
    canonicalUnit: '%', qudtUnit: qudt('PERCENT'), acceptedUnits: ['%'],
    range: { min: 50, max: 100 }, decimals: 0,
  }),
  spec({
    category: 'heart-rate',
    snomed: '364075005', snomedAliases: ['78564009'],
    loinc: ['8867-4'],
    names: { nb: 'Puls', en: 'Pulse / heart rate' },
    canonicalUnit: '/min', qudtUnit: qudt('PER-MIN'), acceptedUnits: ['/min', '{beats}/min'],
    range: { min: 20, max: 250 }, decimals: 0,
  }),
  spec({
    category: 'blood-pressure',
    snomed: '75367002', snomedAliases: [],
    loinc: ['85354-9', '55284-4'],
    names: { nb: 'Blodtrykk', en: 'Blood pressure' },
    canonicalUnit: 'mm[Hg]', qudtUnit: qudt('MilliM_HG'), acceptedUnits: ['mm[Hg]', 'kPa'],
    range: { min: 30, max: 260 }, decimals: 0,
    components: {
      systolic: {
        snomed: '271649006', snomedAliases: [], loinc: ['8480-6'],
        names: { nb: 'Systolisk blodtrykk', en: 'Systolic blood pressure' },
        range: { min: 50, max: 260 },
      },
      diastolic: {
        snomed: '271650006', snomedAliases: [], loinc: ['8462-4'],
        names: { nb: 'Diastolisk blodtrykk', en: 'Diastolic blood pressure' },
        range: { min: 30, max: 160 },
      },
      // Both as HL7 Norway's blood-pressure profile codes them
      // (no-domain VitalSigns, NoDomainVitalSignsObservationBloodpressure:
      // component[MeanArterialPressure] LOINC 8478-0 + SNOMED CT 4501000202102,
      // component[PulsePressure] SNOMED CT 4461000202102, Norwegian extension).
      meanArterial: {
        snomed: '4501000202102', snomedAliases: [], loinc: ['8478-0'],
        names: { nb: 'Middelarterietrykk', en: 'Mean arterial pressure' },
        range: { min: 30, max: 200 }, optional: true,
      },
      pulsePressure: {
        snomed: '4461000202102', snomedAliases: [], loinc: [],
        names: { nb: 'Pulstrykk', en: 'Pulse pressure' },
        range: { min: 5, max: 200 }, optional: true,
      },
    },
  }),
  spec({
    category: 'body-weight',
    snomed: '27113001', snomedAliases: [],
    loinc: ['29463-7'],
    names: { nb: 'Kroppsvekt', en: 'Body weight' },
    canonicalUnit: 'kg', qudtUnit: qudt('KiloGM'), acceptedUnits: ['kg', 'g', '[lb_av]'],
    range: { min: 0.5, max: 400 }, decimals: 1,
  }),
  spec({
    category: 'body-temperature',
    snomed: '386725007', snomedAliases: [],
    loinc: ['8310-5'],
    names: { nb: 'Kroppstemperatur', en: 'Body temperature' },
    canonicalUnit: 'Cel', qudtUnit: qudt('DEG_C'), acceptedUnits: ['Cel', '[degF]'],
    range: { min: 30, max: 45 }, decimals: 1,
  }),
  spec({
    category: 'blood-glucose',
    snomed: '434912009', snomedAliases: [],
    loinc: ['15074-8', '2339-0'],
    npu: ['NPU02187'], // B—Glucose; subst.c.: VkpObservation index.md and vkp-glucose-create
    names: { nb: 'Blodsukker', en: 'Blood glucose' },
    canonicalUnit: 'mmol/L', qudtUnit: qudt('MilliMOL-PER-L'), acceptedUnits: ['mmol/L', 'mmol/l', 'mg/dL', 'mg/dl'],
    range: { min: 0.5, max: 50 }, decimals: 1, molecularWeight: 180.156,
  }),
  spec({
    category: 'respiratory-rate',
    snomed: '86290005', snomedAliases: [],
    loinc: ['9279-1'],
    names: { nb: 'Respirasjonsfrekvens', en: 'Respiratory rate' },
    canonicalUnit: '/min', qudtUnit: qudt('PER-MIN'), acceptedUnits: ['/min', '{breaths}/min'],
    range: { min: 4, max: 80 }, decimals: 0,
  }),
  spec({
    category: 'peak-expiratory-flow',
    snomed: '18491006', snomedAliases: [],
    loinc: ['33452-4', '19935-6'],
    names: { nb: 'Peak expiratory flow (PEF)', en: 'Peak expiratory flow (PEF)' },
    canonicalUnit: 'L/min', qudtUnit: qudt('L-PER-MIN'), acceptedUnits: ['L/min', 'L/s'],
    range: { min: 30, max: 1000 }, decimals: 0,
  }),
  spec({
    category: 'body-height',
    snomed: '50373000', snomedAliases: [],
    loinc: ['8302-2'],
    names: { nb: 'Kroppshøyde', en: 'Body height' },
    canonicalUnit: 'cm', qudtUnit: qudt('CentiM'), acceptedUnits: ['cm', 'm', '[in_i]'],
    range: { min: 30, max: 250 }, decimals: 1,
  }),
  spec({
    category: 'body-mass-index',
    snomed: '60621009', snomedAliases: [],
    loinc: ['39156-5'],
    names: { nb: 'Kroppsmasseindeks (KMI)', en: 'Body mass index (BMI)' },
    canonicalUnit: 'kg/m2', qudtUnit: qudt('KiloGM-PER-M2'), acceptedUnits: ['kg/m2'],
    range: { min: 8, max: 100 }, decimals: 1,
  }),
  spec({
    category: 'cat-score',
    property: `${HV_NS}CatScore`, snomedAliases: [],
    loinc: [],
    names: { nb: 'CAT-skår (KOLS-vurderingstest)', en: 'CAT score (COPD Assessment Test)' },
    canonicalUnit: '{score}', qudtUnit: qudt('NUM'), acceptedUnits: ['{score}'],
    range: { min: 0, max: 40 }, decimals: 0,
    score: { questionnaire: 'cat' },
    codeSource: 'No SNOMED CT or LOINC code for the CAT total could be verified against a published source (HL7 Portugal\'s pulmonary-rehabilitation IG codes its CAT example only as text "CAT"); stored under hv:CatScore, exported without a code system code.',
  }),
  spec({
    category: 'mmrc-grade',
    snomed: '870179002', snomedAliases: [],
    loinc: [],
    names: { nb: 'mMRC-grad (pustebesvær)', en: 'mMRC grade (breathlessness)' },
    canonicalUnit: '{score}', qudtUnit: qudt('NUM'), acceptedUnits: ['{score}'],
    range: { min: 0, max: 4 }, decimals: 0,
    score: { questionnaire: 'mmrc' },
    codeSource: 'SNOMED CT 870179002 "modified Medical Research Council Dyspnea Scale (assessment scale)", as HL7 Portugal\'s pulmonary-rehabilitation IG (build.fhir.org/ig/hl7-pt/pulmonar-rehab, Observation mMRC_score_example and ValueSet PRreferral-valueset-SNOMED) uses it for the grade; no LOINC code verified.',
  }),
] as const satisfies readonly KindSpec[];

export type KindId = (typeof MEASUREMENT_KINDS)[number]['category'];
export type PanelKindId = Extract<(typeof MEASUREMENT_KINDS)[number], { components: object }>['category'];
export type SimpleKindId = Exclude<KindId, PanelKindId>;
export type BloodPressureComponent = 'systolic' | 'diastolic' | 'meanArterial' | 'pulsePressure';

export const CATEGORIES: readonly KindId[] = MEASUREMENT_KINDS.map((k) => k.category);

const byCategory = new Map<string, KindSpec>(MEASUREMENT_KINDS.map((k) => [k.category, k]));

export function isKindId(value: string): value is KindId {
  return byCategory.has(value);
}

export function kindSpec(kind: KindId): KindSpec {
  return byCategory.get(kind)!;
}

/** The IRI stored as sosa:observedProperty of a quantity: its SNOMED CT concept, or our own term for a score without one. */
export function observedPropertyIri(q: QuantitySpec): string {
  if (q.snomed) return `${SNOMED_ID}${q.snomed}`;
  if (q.property) return q.property;
  throw new Error(`${q.names.en} has neither a SNOMED CT concept nor a property IRI`);
}

export function isPanelKind(kind: KindId): kind is PanelKindId {
  return kindSpec(kind).components !== undefined;
}

/** Finds the kind a SNOMED CT or LOINC code names (panel codes included). */
export function kindForCode(system: 'snomed' | 'loinc', code: string): KindId | undefined {
  for (const k of MEASUREMENT_KINDS as readonly KindSpec[]) {
    const codes = system === 'snomed' ? [k.snomed, ...k.snomedAliases] : k.loinc;
    if (codes.includes(code)) return k.category as KindId;
  }
  return undefined;
}

/** Finds the panel component a code names: e.g. LOINC 8480-6 -> blood-pressure/systolic. */
export function componentForCode(
  system: 'snomed' | 'loinc',
  code: string,
): { kind: PanelKindId; component: BloodPressureComponent } | undefined {
  for (const k of MEASUREMENT_KINDS as readonly KindSpec[]) {
    for (const [name, c] of Object.entries(k.components ?? {})) {
      const codes = system === 'snomed' ? [c.snomed, ...c.snomedAliases] : c.loinc;
      if (codes.includes(code)) return { kind: k.category as PanelKindId, component: name as BloodPressureComponent };
    }
  }
  return undefined;
}

/** Finds the kind whose stored observed property (SNOMED CT concept IRI, or our term for a score) is `iri` (reading RDF back). */
export function kindForSnomedIri(iri: string): KindId | undefined {
  return (MEASUREMENT_KINDS as readonly KindSpec[]).find((k) => observedPropertyIri(k) === iri)?.category as KindId | undefined;
}

/** The kinds that are questionnaire scores (their answers are stored beside them). */
export const SCORE_KINDS: readonly KindId[] = (MEASUREMENT_KINDS as readonly KindSpec[]).filter((k) => k.score).map((k) => k.category as KindId);
