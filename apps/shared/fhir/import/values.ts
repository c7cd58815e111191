/**
 * The value of an Observation: a UCUM `valueQuantity`, SpO2 as a
 * `valueRatio`, or a blood-pressure panel's components. Only translates;
 * ranges and unit conversion are parseMeasurementInput's.
 */
import type { KindId } from '../../../../vocab/catalogue.ts';
import { FHIR_SYSTEM } from '../../../../vocab/terms.ts';
import type { MeasurementInput } from '../../measurement/input.ts';
import { COMPONENT_HINT, componentOf, type PanelComponent } from './coding.ts';
import { isObject, type Fail, type Json } from './json.ts';

export interface ObservedValue {
  value?: number;
  unit?: string;
  components?: MeasurementInput['components'];
}

const VALUE_KEYS = ['valueQuantity', 'valueRatio', 'valueCodeableConcept', 'valueString', 'valueBoolean', 'valueInteger',
  'valueRange', 'valueSampledData', 'valueTime', 'valueDateTime', 'valuePeriod'];

export function quantity(q: unknown, field: string, fail: Fail): { value?: number; unit?: string } {
  if (!isObject(q)) {
    fail(field, 'valueQuantity is required: { "value": number, "system": "http://unitsofmeasure.org", "code": UCUM unit }');
    return {};
  }
  if (q.system !== undefined && q.system !== FHIR_SYSTEM.ucum) {
    fail(`${field}/system`, `units must be UCUM: system "${FHIR_SYSTEM.ucum}"`);
  }
  const unit = typeof q.code === 'string' ? q.code : undefined;
  if (!unit) fail(`${field}/code`, 'the UCUM unit code is required in valueQuantity.code (valueQuantity.unit is only a display text)');
  if (typeof q.value !== 'number') fail(`${field}/value`, 'must be a number');
  return { value: typeof q.value === 'number' ? q.value : undefined, unit };
}

/**
 * SpO2 as a ratio of two unitless quantities: numerator/denominator as a
 * percentage (0.97/1 -> 97 %, 97/100 -> 97 %). A unit on either side other
 * than UCUM '1' or '%' is refused: the ratio would then not be a fraction.
 */
function spo2Ratio(r: unknown, fail: Fail): { value?: number; unit?: string } {
  const field = 'valueRatio';
  const side = (name: 'numerator' | 'denominator'): number | undefined => {
    const q = isObject(r) ? r[name] : undefined;
    if (!isObject(q) || typeof q.value !== 'number') {
      fail(`${field}/${name}/value`, 'must be a number');
      return undefined;
    }
    if (q.code !== undefined && q.code !== '1' && q.code !== '%') {
      fail(`${field}/${name}/code`, 'a saturation ratio is unitless: leave the code out or use UCUM "1" (or "%" on both sides)');
      return undefined;
    }
    return q.value;
  };
  const numerator = side('numerator');
  const denominator = side('denominator');
  if (numerator === undefined || denominator === undefined) return {};
  if (!(denominator > 0)) {
    fail(`${field}/denominator/value`, 'must be greater than 0');
    return {};
  }
  // Round away binary noise (0.97 * 100 = 97.00000000000001); parseMeasurementInput rounds to the kind's decimals.
  return { value: Math.round((numerator / denominator) * 100 * 1e6) / 1e6, unit: '%' };
}

export function valueOf(obs: Json, kind: KindId, fail: Fail): ObservedValue {
  if (kind === 'blood-pressure') return panel(obs, fail);
  if (obs.component !== undefined) fail('component', 'only a blood pressure panel has components');
  if (obs.valueRatio !== undefined) {
    if (kind === 'oxygen-saturation') return spo2Ratio(obs.valueRatio, fail);
    fail('valueRatio', 'a valueRatio is accepted only for oxygen saturation; send valueQuantity with a UCUM unit');
    return {};
  }
  const other = VALUE_KEYS.find((k) => k !== 'valueQuantity' && obs[k] !== undefined);
  if (other && obs.valueQuantity === undefined) {
    fail(other, `${other} is not a measured quantity; send valueQuantity with a UCUM unit`);
    return {};
  }
  return quantity(obs.valueQuantity, 'valueQuantity', fail);
}


function panel(obs: Json, fail: Fail): ObservedValue {
  if (obs.valueQuantity !== undefined) fail('valueQuantity', 'a blood pressure panel carries its values in component, not valueQuantity');
  const component = obs.component;
  if (!Array.isArray(component) || component.length === 0) {
    fail('component', 'blood pressure needs a systolic (LOINC 8480-6) and a diastolic (LOINC 8462-4) component');
    return {};
  }
  const values: Partial<Record<PanelComponent, number>> = {};
  const units = new Set<string>();
  component.forEach((c, i) => {
    const at = `component/${i}`;
    const { component: which, sent } = componentOf(isObject(c) ? c.code : undefined);
    if (!which) {
      fail(`${at}/code/coding`, `${sent} is not a blood pressure component Helsevev stores; send ${COMPONENT_HINT}`);
      return;
    }
    if (values[which] !== undefined) {
      fail(`${at}/code/coding`, `${which} appears twice`);
      return;
    }
    const { value, unit } = quantity(isObject(c) ? c.valueQuantity : undefined, `${at}/valueQuantity`, fail);
    if (value !== undefined) values[which] = value;
    if (unit) units.add(unit);
  });
  if (units.size > 1) fail('component', `all blood pressure components must use the same unit (got ${[...units].join(', ')})`);
  if (values.systolic === undefined || values.diastolic === undefined) {
    if (Object.keys(values).length > 0) fail('component', 'blood pressure needs both a systolic and a diastolic component');
    return {};
  }
  const { systolic, diastolic, meanArterial, pulsePressure } = values;
  return {
    components: {
      systolic, diastolic,
      ...(meanArterial !== undefined ? { meanArterial } : {}), ...(pulsePressure !== undefined ? { pulsePressure } : {}),
    },
    unit: [...units][0],
  };
}
