/**
 * Which catalogue kind (or blood-pressure component) an Observation's
 * CodeableConcept names. SNOMED CT, LOINC and NPU codings are read; codings
 * in other systems are ignored (a sender may add its own), but when none
 * names a known kind the error repeats the codes sent and lists what is
 * supported, so an integrator sees at once that e.g. NEWS2 is out of scope.
 */
import {
  componentForCode, kindForCode, kindSpec, MEASUREMENT_KINDS, type BloodPressureComponent, type KindId, type KindSpec,
} from '../../../../vocab/catalogue.ts';
import { FHIR_SYSTEM } from '../../../../vocab/terms.ts';
import { NPU_SYSTEM } from '../identifiers.ts';
import { isObject, type Fail } from './json.ts';

type System = 'snomed' | 'loinc' | 'npu' | 'score';
const SYSTEMS: Record<string, System> = { [FHIR_SYSTEM.snomed]: 'snomed', [FHIR_SYSTEM.loinc]: 'loinc', [NPU_SYSTEM]: 'npu', [FHIR_SYSTEM.helsevevScore]: 'score' };

/** The blood-pressure components a panel may carry, by their catalogue names. */
export type PanelComponent = BloodPressureComponent;

interface CodingSeen { text: string; system?: System; code?: string }

function codings(concept: unknown): CodingSeen[] {
  const list = isObject(concept) && Array.isArray(concept.coding) ? concept.coding : [];
  return list.filter(isObject).map((c) => {
    const system = typeof c.system === 'string' ? SYSTEMS[c.system] : undefined;
    const code = typeof c.code === 'string' ? c.code : undefined;
    return { system, code, text: `${typeof c.system === 'string' ? c.system : '(no system)'}|${code ?? '(no code)'}` };
  });
}

/** A score kind named by our own code system (only for scores with no verified SNOMED CT or LOINC code). */
function kindForScoreCode(code: string): KindId | undefined {
  return (MEASUREMENT_KINDS as readonly KindSpec[]).find((k) => k.score && !k.snomed && k.category === code)?.category as KindId | undefined;
}

function kindForNpu(code: string): KindId | undefined {
  return (MEASUREMENT_KINDS as readonly KindSpec[]).find((k) => k.npu?.includes(code))?.category as KindId | undefined;
}

/** What Helsevev stores, for "not supported" messages. */
export const SUPPORTED_KINDS = (MEASUREMENT_KINDS as readonly KindSpec[])
  .map((k) => `${k.names.en} (${k.snomed ? `SNOMED CT ${k.snomed}` : `${FHIR_SYSTEM.helsevevScore}|${k.category}`}${k.loinc.length ? `, LOINC ${k.loinc.join('/')}` : ''}${k.npu ? `, NPU ${k.npu.join('/')}` : ''})`)
  .join('; ');

/** The blood-pressure components, with their codes, for "not supported" messages. */
export const COMPONENT_HINT = Object.values(kindSpec('blood-pressure').components ?? {})
  .map((c) => `${c.names.en.toLowerCase()} (${[...c.loinc.map((l) => `LOINC ${l}`), `SNOMED CT ${c.snomed}`].join(', ')})`)
  .join(', ');

/** The catalogue kind `concept` names; fails naming the codes sent when it names none or several. */
export function kindOf(concept: unknown, field: string, fail: Fail): KindId | undefined {
  const seen = codings(concept);
  if (seen.length === 0) {
    fail(`${field}/coding`, `needs a coding from SNOMED CT (${FHIR_SYSTEM.snomed}), LOINC (${FHIR_SYSTEM.loinc}) or NPU (${NPU_SYSTEM})`);
    return undefined;
  }
  const kinds = new Set<KindId>();
  for (const c of seen) {
    if (!c.system || !c.code) continue;
    const kind = c.system === 'npu' ? kindForNpu(c.code) : c.system === 'score' ? kindForScoreCode(c.code) : kindForCode(c.system, c.code);
    if (kind) kinds.add(kind);
  }
  if (kinds.size === 0) {
    fail(`${field}/coding`, `${seen.map((c) => c.text).join(', ')} is not a measurement Helsevev stores; supported: ${SUPPORTED_KINDS} (see docs/fhir.md)`);
    return undefined;
  }
  if (kinds.size > 1) {
    fail(`${field}/coding`, `the codings name different measurements (${[...kinds].join(', ')}); send one`);
    return undefined;
  }
  return [...kinds][0];
}

/** Which blood-pressure component a component's code names, or a description of what was sent. */
export function componentOf(concept: unknown): { component?: PanelComponent; sent: string } {
  const seen = codings(concept);
  for (const c of seen) {
    if (!c.system || !c.code || c.system === 'npu' || c.system === 'score') continue;
    const component = componentForCode(c.system, c.code)?.component;
    if (component) return { component, sent: c.text };
  }
  return { sent: seen.map((c) => c.text).join(', ') || '(no coding)' };
}
