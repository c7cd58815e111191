/**
 * The FHIR REST pieces of apps/shared/fhir/outcome.ts: our field paths as
 * FHIRPath expressions in an OperationOutcome, and the one If-None-Exist form
 * the gateway supports (identifier=system|value), everything else refused.
 */
import { describe, expect, it } from 'vitest';
import { fhirPathOf, operationOutcomeFor, parseIfNoneExist } from '../../../apps/shared/fhir/outcome.ts';
import { invalidInput } from '../../../apps/shared/problem.ts';

describe('fhirPathOf', () => {
  it.each([
    ['', 'Observation'],
    ['code/coding/0', 'Observation.code.coding[0]'],
    ['code/coding', 'Observation.code.coding'],
    ['valueQuantity/code', 'Observation.valueQuantity.code'],
    ['entry/2/resource/valueQuantity/code', 'Bundle.entry[2].resource.valueQuantity.code'],
    ['entry/0', 'Bundle.entry[0]'],
    ['extension(https://w3id.org/helsevev/fhir/StructureDefinition/measurement-setting)/valueCode',
      "Observation.extension.where(url='https://w3id.org/helsevev/fhir/StructureDefinition/measurement-setting').valueCode"],
    ["extension(urn:x:it's)/valueCode", "Observation.extension.where(url='urn:x:it\\'s').valueCode"],
  ])('%j -> %s', (field, expected) => {
    expect(fhirPathOf(field)).toBe(expected);
  });

  it('gives none for a component named by its label, which FHIRPath cannot say', () => {
    expect(fhirPathOf('component(systolic)/valueQuantity/value')).toBeUndefined();
    expect(fhirPathOf('entry/1/resource/component(systolic)/valueQuantity/value')).toBeUndefined();
  });
});

describe('operationOutcomeFor with field issues', () => {
  const p = invalidInput([
    { field: 'code/coding', message: 'NEWS2 (http://loinc.org|1104051000000101) is not a measurement Helsevev stores; supported: ...' },
    { field: 'valueQuantity/code', message: 'mmHg is not UCUM' },
    { field: 'component(systolic)/valueQuantity/value', message: 'too high' },
  ], '3 problems');

  it('lists the detail, then each field with its FHIRPath; an unknown code is not-supported', () => {
    expect(operationOutcomeFor(p, 'Observation').issue).toEqual([
      { severity: 'error', code: 'processing', diagnostics: '3 problems' },
      { severity: 'error', code: 'not-supported', diagnostics: expect.stringContaining('NEWS2'), expression: ['Observation.code.coding'] },
      { severity: 'error', code: 'invalid', diagnostics: 'valueQuantity/code: mmHg is not UCUM', expression: ['Observation.valueQuantity.code'] },
      { severity: 'error', code: 'invalid', diagnostics: 'component(systolic)/valueQuantity/value: too high' },
    ]);
  });

  it('without a root, says the detail only (as the clinician\'s search errors always did)', () => {
    expect(operationOutcomeFor(p).issue).toHaveLength(1);
  });
});

describe('parseIfNoneExist', () => {
  it.each([
    ['identifier=https://ehr.example/obs|w-1', 'https://ehr.example/obs', 'w-1'],
    ['?identifier=urn:oid:1.2.3|42', 'urn:oid:1.2.3', '42'],
    ['identifier=http%3A%2F%2Fdips.no%2Ffhir%2Fnamingsystem%2FexternalId%7CExternal%20Id%3A%205', 'http://dips.no/fhir/namingsystem/externalId', 'External Id: 5'],
    ['identifier=urn:x|External+Id', 'urn:x', 'External Id'],
  ])('%s', (header, system, value) => {
    expect(parseIfNoneExist(header)).toEqual({ ok: true, identifier: { system, value } });
  });

  it.each([
    ['', /0 parameters/],
    ['identifier=urn:x|1&status=final', /2 parameters/],
    ['patient=123', /"patient"/],
    ['identifier=w-1', /got "w-1"/],
    ['identifier=|w-1', /got "\|w-1"/],
    ['identifier=urn:x|', /got "urn:x\|"/],
    ['identifier=urn:x|a|b', /got/],
    ['identifier=%E0%A4%A', /URL encoding/],
  ])('refuses %j', (header, why) => {
    const parsed = parseIfNoneExist(header);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(/^If-None-Exist must be "identifier=system\|value"/);
    expect(!parsed.ok && parsed.message).toMatch(why);
  });
});
