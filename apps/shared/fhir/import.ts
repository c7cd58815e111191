/**
 * FHIR R4 Observation / Bundle -> the mapping's MeasurementInput: the
 * Bundle side. Each Observation is mapped by fhirObservationToInput
 * (import/observation.ts; the gateway's batch handling calls it per entry);
 * errors are reported at the FHIR path the sender used
 * (`entry/2/resource/valueQuantity/code`). What is accepted and refused, and
 * why, is docs/fhir.md.
 */
import type { FieldError, Validated } from '../measurement/errors.ts';
import type { MeasurementInput } from '../measurement/input.ts';
import { SETTING_EXTENSION } from './extensions.ts';
import { isObject } from './import/json.ts';
import { fhirObservationToInput, type FhirImportOptions } from './import/observation.ts';

export { SETTING_EXTENSION };
export { fhirObservationToInput, type FhirImportOptions } from './import/observation.ts';
export { UNRESOLVED_SUBJECT, type FhirSubject } from './import/provenance.ts';
export { SUPPORTED_KINDS } from './import/coding.ts';

export interface ImportedReading {
  input: MeasurementInput;
  /** FHIR path of the Observation, e.g. `entry/2/resource` ('' for a single Observation). */
  field: string;
}

export function fhirToMeasurementInputs(body: unknown, options: FhirImportOptions): Validated<ImportedReading[]> {
  const errors: FieldError[] = [];
  if (!isObject(body)) return { ok: false, errors: [{ field: '', message: 'the body must be a FHIR R4 Observation or Bundle (a JSON object)' }] };
  if (body.resourceType === 'Observation') {
    const one = fhirObservationToInput(body, options);
    return one.ok ? { ok: true, value: [{ input: one.value, field: '' }] } : one;
  }
  if (body.resourceType !== 'Bundle') {
    return { ok: false, errors: [{ field: 'resourceType', message: 'must be "Observation" or "Bundle"' }] };
  }
  if (typeof body.type !== 'string' || !['collection', 'batch', 'transaction', 'message'].includes(body.type)) {
    errors.push({ field: 'type', message: 'a Bundle of readings must be of type collection, batch or transaction' });
  }
  const entries = body.entry;
  const max = options.maxEntries ?? 1000;
  if (!Array.isArray(entries) || entries.length === 0) {
    errors.push({ field: 'entry', message: 'the Bundle has no entries; send at least one Observation' });
    return { ok: false, errors };
  }
  if (entries.length > max) {
    errors.push({ field: 'entry', message: `at most ${max} Observations per Bundle; split it` });
    return { ok: false, errors };
  }
  const readings: ImportedReading[] = [];
  entries.forEach((entry, i) => {
    const at = `entry/${i}/resource`;
    if (!isObject(entry) || !isObject(entry.resource)) {
      errors.push({ field: `entry/${i}`, message: 'each entry needs a "resource"' });
      return;
    }
    if (entry.resource.resourceType !== 'Observation') {
      errors.push({ field: `${at}/resourceType`, message: 'only Observation resources are accepted in a Bundle of readings' });
      return;
    }
    const one = fhirObservationToInput(entry.resource, options, at);
    if (one.ok) readings.push({ input: one.value, field: at });
    else errors.push(...one.errors);
  });
  return errors.length === 0 ? { ok: true, value: readings } : { ok: false, errors };
}
