/**
 * FHIR export of a reading a record system sent: its own identifier, the
 * extra blood-pressure components with their codes, the performers after the
 * sender, meta.source, method and HL7 Norway's vital-signs extensions, and no
 * device element when there was none.
 */
import { describe, expect, it } from 'vitest';
import { measurementToFhir } from '../../../apps/shared/fhir/export.ts';
import {
  BODY_POSITION_EXTENSION, NO_BODY_POSITION_EXTENSION, NO_CLOTHING_STATE_EXTENSION, NO_CONFOUNDING_FACTOR_EXTENSION,
} from '../../../apps/shared/fhir/extensions.ts';
import { measurementIri, parseMeasurementInput, type StoredMeasurement } from '../../../apps/shared/measurement/index.ts';
import { NOW, STORAGE, VENDOR, reading } from '../measurement/fixtures.ts';

const SCT = 'http://snomed.info/sct';
const ID = { system: 'urn:oid:2.16.578.1.12.4.1.2.1234', value: 'obs-778' };
const HPR = { kind: 'person', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }, display: 'Kari Nordmann' };
const ORG = { kind: 'organisation', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '974589095' } };

const stored = (overrides: Record<string, unknown>): StoredMeasurement => {
  const parsed = parseMeasurementInput(reading(overrides), { now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return { ...parsed.value, iri: measurementIri(STORAGE, parsed.value) };
};

describe('FHIR export of a record-system reading', () => {
  const bp = measurementToFhir(stored({
    kind: 'blood-pressure', device: undefined, identifier: ID, performers: [HPR, ORG],
    components: { systolic: 123, diastolic: 78, meanArterial: 93, pulsePressure: 45 },
    context: {
      bodyPosition: { system: SCT, code: '4801000202104', display: 'Liggende' }, method: { system: SCT, code: '37931006', display: 'Auskultasjon' },
      confoundingFactors: [{ text: 'kaffe' }, { system: SCT, code: '228281002' }], metaSource: 'HL7_Norway',
    },
  }));

  it('keeps the IRI identifier first and adds the record system\'s own', () => {
    const identifiers = bp.identifier as { system: string; value: string }[];
    expect(identifiers[0]!.system).toBe('urn:ietf:rfc:3986');
    expect(identifiers[1]).toEqual(ID);
  });

  it('has no device element when there was no device', () => {
    expect('device' in bp).toBe(false);
  });

  it('writes mean arterial (LOINC 8478-0 + SNOMED CT) and pulse pressure (SNOMED CT) components', () => {
    const components = bp.component as { code: { coding: { system: string; code: string }[] }; valueQuantity: { value: number; code: string } }[];
    expect(components.map((c) => c.valueQuantity.value)).toEqual([123, 78, 93, 45]);
    expect(components[2]!.code.coding).toEqual(expect.arrayContaining([
      expect.objectContaining({ system: 'http://loinc.org', code: '8478-0' }), expect.objectContaining({ system: SCT, code: '4501000202102' })]));
    expect(components[3]!.code.coding).toEqual([expect.objectContaining({ system: SCT, code: '4461000202102' })]);
    expect(components.every((c) => c.valueQuantity.code === 'mm[Hg]')).toBe(true);
  });

  it('writes performers after the sender\'s own reference, with type, identifier and display', () => {
    expect(bp.performer).toEqual([
      { reference: VENDOR },
      { type: 'Practitioner', identifier: HPR.identifier, display: 'Kari Nordmann' },
      { type: 'Organization', identifier: ORG.identifier },
    ]);
  });

  it('writes meta.source, method and the Norwegian extensions as they came', () => {
    expect((bp.meta as { source?: string }).source).toBe('HL7_Norway');
    expect(bp.method).toEqual({ coding: [{ system: SCT, code: '37931006', display: 'Auskultasjon' }] });
    const extensions = bp.extension as { url: string }[];
    expect(extensions).toEqual(expect.arrayContaining([
      { url: NO_BODY_POSITION_EXTENSION.bloodPressure, valueCoding: { system: SCT, code: '4801000202104', display: 'Liggende' } },
      { url: NO_CONFOUNDING_FACTOR_EXTENSION, valueCodeableConcept: { text: 'kaffe' } },
      { url: NO_CONFOUNDING_FACTOR_EXTENSION, valueCodeableConcept: { coding: [{ system: SCT, code: '228281002' }] } },
    ]));
  });

  it('writes clothing state for weight, and body position where no Norwegian profile has one as Helsevev\'s extension', () => {
    const weight = measurementToFhir(stored({
      kind: 'body-weight', context: { clothing: { system: SCT, code: '8101000202100', display: 'Naken' }, bodyPosition: { system: SCT, code: '10904000' } },
    }));
    expect(weight.extension).toEqual(expect.arrayContaining([
      { url: NO_CLOTHING_STATE_EXTENSION, valueCoding: { system: SCT, code: '8101000202100', display: 'Naken' } },
      { url: BODY_POSITION_EXTENSION, valueCoding: { system: SCT, code: '10904000' } },
    ]));
    expect(weight.device).toEqual({ identifier: { value: 'oxi-0042' } });
    expect('method' in weight).toBe(false);
    expect((weight.meta as Record<string, unknown>).source).toBeUndefined();
  });
});
