/**
 * Published examples in the catalogue (HL7 Norway's VkpObservation and
 * no-domain vital signs, the FHIR R4 vital-signs examples): each maps to the
 * right kind and, through parseMeasurementInput, to the canonical unit and
 * value, keeping identifier, extra components, performers and context.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fhirObservationToInput, measurementToFhir, type FhirImportOptions } from '../../../apps/shared/fhir/index.ts';
import {
  measurementToQuads, parseMeasurementInput, quadsToMeasurements, type Measurement,
} from '../../../apps/shared/measurement/index.ts';
import { kindSpec } from '../../../vocab/catalogue.ts';
import { NOW, PATIENT, STORAGE, VENDOR } from '../measurement/fixtures.ts';

type Obs = Record<string, unknown>;
const fixture = (name: string): Obs => JSON.parse(readFileSync(new URL(`../../fixtures/fhir/${name}`, import.meta.url), 'utf8')) as Obs;
const options: FhirImportOptions = { source: VENDOR, now: NOW, defaultSetting: 'home-hospital', resolveSubject: () => PATIENT };

function measurement(obs: Obs): Measurement {
  const mapped = fhirObservationToInput(obs, options);
  if (!mapped.ok) throw new Error(JSON.stringify(mapped.errors));
  const parsed = parseMeasurementInput(mapped.value, { now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
}

// As published, unchanged (identifier values with spaces, liter as UCUM 'l', date-only times).
const bp = (): Obs => fixture('vkp-blood-pressure-create.json');
const glucose = (): Obs => fixture('vkp-glucose-create.json');
const noDomainWeight = (): Obs => ({ ...fixture('no-domain-body-weight-create.json'), identifier: [{ system: 'https://ehr.example/obs', value: 'w-1' }] });

describe('FHIR import of published examples in the catalogue', () => {
  it.each([
    ['vkp-oxygen-saturation-create.json', () => fixture('vkp-oxygen-saturation-create.json'), 'oxygen-saturation', '%', 99],
    ['vkp-body-weight-create.json', () => fixture('vkp-body-weight-create.json'), 'body-weight', 'kg', 49],
    ['vkp-glucose-create.json (UCUM mmol/l, as sent)', () => fixture('vkp-glucose-create.json'), 'blood-glucose', 'mmol/L', 6.3],
    ['fhir-observation-example-bloodpressure.json', () => fixture('fhir-observation-example-bloodpressure.json'), 'blood-pressure', 'mm[Hg]', undefined],
    ['no-domain-body-weight-create.json (with an identifier)', noDomainWeight, 'body-weight', 'kg', 49],
    ['vkp-blood-pressure-create.json (identifier "External Id: ...", as sent)', () => fixture('vkp-blood-pressure-create.json'), 'blood-pressure', 'mm[Hg]', undefined],
  ])('%s -> %s in %s', (_file, load, kind, unit, value) => {
    const obs = load();
    const m = measurement(obs);
    expect(m).toMatchObject({ kind, unit, patient: PATIENT, source: VENDOR, ...(value !== undefined ? { value } : {}) });
    expect(m.device).toBeUndefined();
    expect(m.identifier).toEqual((obs.identifier as unknown[])[0]);
  });

  it('VkpObservation blood pressure keeps mean arterial and pulse pressure, body position, method and meta.source', () => {
    const m = measurement(bp());
    expect(m).toMatchObject({ kind: 'blood-pressure', unit: 'mm[Hg]', systolic: 123, diastolic: 78, meanArterial: 93, pulsePressure: 45 });
    expect(m.context).toEqual({
      bodyPosition: { system: 'http://snomed.info/sct', code: '33586001', display: 'Sitting position' },
      method: { system: 'http://snomed.info/sct', code: '129436005', display: 'Auscultation - action (qualifier value)' },
      metaSource: 'META_VISION',
    });
    expect(m.performers).toEqual([
      { kind: 'person', identifier: { system: 'urn:oid:1.3.6.1.4.1.9038.51.1', value: '103' } },
      { kind: 'organisation', identifier: { system: 'urn:oid:1.3.6.1.4.1.9038.70.3', value: '22' } },
    ]);
  });

  it('a date-only effectiveDateTime is the start of that day in Norway', () => {
    expect(measurement(bp()).effectiveTime).toBe('2021-05-10T00:00:00+02:00');
    expect(measurement(glucose()).effectiveTime).toBe('2022-03-17T00:00:00+01:00');
  });

  it('no-domain body weight keeps clothing state and the confounding factor', () => {
    const m = measurement(noDomainWeight());
    expect(m.context).toEqual({
      clothing: { system: 'http://snomed.info/sct', code: '8101000202100', display: 'Naken' },
      confoundingFactors: [{ text: 'sample confounding factor' }],
      metaSource: 'HL7_Norway',
    });
  });

  it('a performer\'s fødselsnummer is not copied into the pod', () => {
    expect(measurement(fixture('vkp-oxygen-saturation-create.json')).performers).toBeUndefined();
  });

  it('the glucose example is found by its NPU coding alone', () => {
    const g = glucose();
    const npuOnly = { ...g, code: { coding: [(g.code as { coding: unknown[] }).coding[2]] } };
    expect(measurement(npuOnly)).toMatchObject({ kind: 'blood-glucose', value: 6.3 });
  });

  it.each([
    [{ numerator: { value: 0.97 }, denominator: { value: 1 } }, 97],
    [{ numerator: { value: 97 }, denominator: { value: 100 } }, 97],
    [{ numerator: { value: 95, code: '1' }, denominator: { value: 100, code: '1' } }, 95],
  ])('SpO2 as valueRatio %j is %i %%', (valueRatio, value) => {
    const m = measurement({ ...fixture('vkp-oxygen-saturation-create.json'), valueQuantity: undefined, valueRatio });
    expect(m).toMatchObject({ kind: 'oxygen-saturation', unit: '%', value });
  });

  it('a zero-length effectivePeriod is its start', () => {
    const at = '2022-03-16T08:15:00+01:00';
    const m = measurement({ ...fixture('vkp-oxygen-saturation-create.json'), effectiveDateTime: undefined, effectivePeriod: { start: at, end: at } });
    expect(Date.parse(m.effectiveTime)).toBe(Date.parse(at));
  });

  it('the FHIR blood pressure example (identifier, reference subject, practitioner reference only)', () => {
    const identifier = [{ system: 'https://hospital.example/obs', value: 'urn:uuid:187e0c12-8dd2-67e2-99b2-bf273c878281' }];
    const m = measurement({ ...fixture('fhir-observation-example-bloodpressure.json'), identifier });
    expect(m).toMatchObject({ kind: 'blood-pressure', systolic: 107, diastolic: 60, identifier: identifier[0] });
    expect(m.performers).toBeUndefined();
  });

  it('the FHIR R4 heart-rate example is refused without an identity and accepted with one', () => {
    const hr = fixture('fhir-observation-example-heart-rate.json');
    const refused = fhirObservationToInput(hr, options);
    expect(!refused.ok && refused.errors.map((e) => e.field)).toEqual(['identifier']);
    const m = measurement({ ...hr, identifier: [{ system: 'https://hospital.example/obs', value: 'hr-1' }] });
    expect(m).toMatchObject({ kind: 'heart-rate', unit: '/min', value: 44 });
  });

  it.each([
    'vkp-oxygen-saturation-create.json', 'vkp-body-weight-create.json', 'vkp-glucose-create.json',
    'vkp-blood-pressure-create.json', 'no-domain-body-weight-create.json', 'fhir-observation-example-bloodpressure.json',
    'fhir-observation-example-heart-rate.json',
  ])('%s lands once (one reading, its SNOMED CT concept) and exports back equivalent', (file) => {
    const sent = fixture(file);
    const obs = sent.identifier || sent.device ? sent : { ...sent, identifier: [{ system: 'https://hospital.example/obs', value: file }] };
    const m = measurement(obs);
    const twice = quadsToMeasurements([...measurementToQuads(m, STORAGE), ...measurementToQuads(measurement(obs), STORAGE)]);
    expect(twice.problems).toEqual([]);
    expect(twice.measurements).toHaveLength(1);
    const exported = JSON.parse(JSON.stringify(measurementToFhir(twice.measurements[0]!))) as Obs;
    const codes = ((exported.code as { coding: { system: string; code: string }[] }).coding).map((c) => `${c.system}|${c.code}`);
    expect(codes).toContain(`http://snomed.info/sct|${kindSpec(m.kind).snomed}`);
    expect(quadsToMeasurements(measurementToQuads(m, STORAGE)).measurements[0]!.unit).toBe(kindSpec(m.kind).canonicalUnit);
    if (m.identifier) expect(exported.identifier).toContainEqual(m.identifier);
    expect(measurement(exported)).toEqual(m);
  });

  it('a record-system reading exported and imported again is the same reading (the export\'s IRI identifier is skipped)', () => {
    const m = measurement(bp());
    const [storedOnce] = quadsToMeasurements(measurementToQuads(m, STORAGE)).measurements;
    const again = measurement(JSON.parse(JSON.stringify(measurementToFhir(storedOnce!))) as Obs);
    expect(again).toEqual(m);
  });
});
