/**
 * The FHIR R4 / vital-signs invariants that decide whether an Observation is
 * a reading at all, evaluated with the `fhirpath` library (the expressions
 * as the specification writes them, not hand-written checks).
 */
import fhirpath from 'fhirpath';
import r4 from 'fhirpath/fhir-context/r4';
import type { Fail, Json } from './json.ts';

interface Invariant { key: string; expression: string; field: string; message: string }

const INVARIANTS: readonly Invariant[] = [
  {
    key: 'obs-6', expression: 'dataAbsentReason.empty() or value.empty()', field: 'dataAbsentReason',
    message: 'obs-6: dataAbsentReason SHALL only be present if value[x] is not',
  },
  {
    key: 'obs-7', field: 'component',
    expression: 'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    message: 'obs-7: a component code SHALL NOT be the same as the observation code when the observation has a value',
  },
  {
    key: 'vs-2', field: 'value[x]',
    expression: '(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())',
    message: 'vs-2: a vital sign without components needs a value[x] (or a dataAbsentReason)',
  },
  {
    key: 'vs-3', field: 'component',
    expression: 'component.all(value.exists() or dataAbsentReason.exists())',
    message: 'vs-3: every component needs a value[x] (or a dataAbsentReason)',
  },
];

/** Reports each violated invariant; true when all hold. */
export function checkInvariants(obs: Json, fail: Fail): boolean {
  let ok = true;
  for (const inv of INVARIANTS) {
    let holds: boolean;
    try {
      const result = fhirpath.evaluate(obs, inv.expression, { resource: obs }, r4) as unknown[];
      holds = result.length === 1 && result[0] === true;
    } catch {
      holds = false; // an Observation fhirpath cannot even read is not one we store
    }
    if (!holds) {
      fail(inv.field, inv.message);
      ok = false;
    }
  }
  // Valid FHIR, but not a reading Helsevev can store: say so rather than storing nothing.
  if (ok && obs.dataAbsentReason !== undefined) {
    fail('dataAbsentReason', 'an Observation without a value (dataAbsentReason) is not a reading to store; send it when there is a value');
    ok = false;
  }
  return ok;
}
