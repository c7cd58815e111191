import { describe, expect, it } from 'vitest';
import { parseMeasurementInput } from '../../../apps/shared/measurement/index.ts';
import { NOW, reading } from './fixtures.ts';

const errorsOf = (raw: unknown) => {
  const result = parseMeasurementInput(raw, { now: NOW });
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.errors;
};
const ID = { system: 'urn:oid:2.16.578.1.12.4.1.2.1234', value: 'obs-778' };
const BP = { kind: 'blood-pressure', unit: 'mm[Hg]' };
const HPR = { kind: 'person', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }, display: 'Kari Nordmann' };

describe('record-system fields: bad input is refused with an error naming the element, nothing kept', () => {
  it.each([
    ['neither device nor identifier', { device: undefined }, 'device', /a "device" id .* or an "identifier"/],
    ['identifier not an object', { identifier: 'obs-1' }, 'identifier', /must be an object/],
    ['identifier system not a URI', { identifier: { system: 'my-epj', value: '1' } }, 'identifier/system', /absolute URI \(urn:oid/],
    ['identifier system with Turtle injection', { identifier: { system: 'http://x.example/> <y', value: '1' } }, 'identifier/system', /without spaces, quotes or angle brackets/],
    ['identifier system, malformed OID', { identifier: { system: 'urn:oid:2.16..578', value: '1' } }, 'identifier/system', /absolute URI/],
    ['identifier value with a quote', { identifier: { ...ID, value: 'a"b' } }, 'identifier/value', /1-128 characters/],
    ['identifier value too long', { identifier: { ...ID, value: 'x'.repeat(129) } }, 'identifier/value', /1-128 characters/],
    ['identifier with an unknown field', { identifier: { ...ID, use: 'official' } }, 'identifier/use', /unknown field/],
    ['mean arterial pressure implausible', { ...BP, components: { systolic: 120, diastolic: 80, meanArterial: 400 } }, 'components/meanArterial', /not a plausible mean arterial pressure/],
    ['pulse pressure as text', { ...BP, components: { systolic: 120, diastolic: 80, pulsePressure: '40' } }, 'components/pulsePressure', /must be a number/],
    ['unknown component', { ...BP, components: { systolic: 120, diastolic: 80, heartRate: 60 } }, 'components/heartRate', /use systolic, diastolic, meanArterial, pulsePressure/],
    ['performers not a list', { performers: HPR }, 'performers', /list of 1-5 performers/],
    ['six performers', { performers: Array(6).fill(HPR) }, 'performers', /list of 1-5 performers/],
    ['performer of unknown kind', { performers: [{ ...HPR, kind: 'robot' }] }, 'performers/0/kind', /"person" or "organisation"/],
    ['performer display with a newline', { performers: [{ ...HPR, display: 'Kari\nNordmann' }] }, 'performers/0/display', /without control characters/],
    ['performer display too long', { performers: [{ ...HPR, display: 'K'.repeat(201) }] }, 'performers/0/display', /1-200 characters/],
    ['performer with nothing to say who', { performers: [{ kind: 'person' }] }, 'performers/0', /needs an "identifier" or a "display"/],
    ['performer identifier bad', { performers: [{ ...HPR, identifier: { system: 'hpr', value: '1' } }] }, 'performers/0/identifier/system', /absolute URI/],
    ['performer with a reference', { performers: [{ ...HPR, reference: 'Practitioner/1' }] }, 'performers/0/reference', /unknown field/],
    ['context not an object', { context: 'sitting' }, 'context', /must be an object/],
    ['context with unknown field', { context: { cuffSize: 'adult' } }, 'context/cuffSize', /unknown field/],
    ['method without a system', { context: { method: { code: '37931006' } } }, 'context/method/system', /absolute URI/],
    ['body position code with a space', { context: { bodyPosition: { system: 'http://snomed.info/sct', code: '1 2' } } }, 'context/bodyPosition/code', /1-64 letters/],
    ['clothing display with control chars', { context: { clothing: { system: 'http://snomed.info/sct', code: '8101000202100', display: 'Naken\u0000' } } }, 'context/clothing/display', /without control characters/],
    ['eleven confounding factors', { context: { confoundingFactors: Array(11).fill({ text: 'coffee' }) } }, 'context/confoundingFactors', /1-10 factors/],
    ['confounding factor text with a line separator', { context: { confoundingFactors: [{ text: 'a\u2028b' }] } }, 'context/confoundingFactors/0/text', /without control characters/],
    ['confounding factor text empty', { context: { confoundingFactors: [{ text: '  ' }] } }, 'context/confoundingFactors/0/text', /1-200 characters/],
    ['metaSource too long', { context: { metaSource: `http://epj.example/${'a'.repeat(300)}` } }, 'context/metaSource', /at most 256 characters/],
    ['metaSource with a tab', { context: { metaSource: 'EPJ\tsystem' } }, 'context/metaSource', /without control characters/],
  ])('%s', (_name, overrides, field, message) => {
    const errors = errorsOf(reading(overrides));
    const hit = errors.find((e) => e.field === field);
    expect(hit, JSON.stringify(errors)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });
});

describe('record-system fields: good input is kept as sent', () => {
  it('a reading with an identifier and no device', () => {
    const result = parseMeasurementInput(reading({ device: undefined, identifier: ID }), { now: NOW });
    expect(result.ok && result.value).toMatchObject({ identifier: ID });
    expect(result.ok && 'device' in result.value).toBe(false);
  });

  it('mean arterial and pulse pressure, converted like systolic and diastolic', () => {
    const result = parseMeasurementInput(reading({ kind: 'blood-pressure', unit: 'kPa', components: { systolic: 16, diastolic: 10.7, meanArterial: 12.4, pulsePressure: 5.3 } }), { now: NOW });
    expect(result.ok && result.value).toMatchObject({ systolic: 120, diastolic: 80, meanArterial: 93, pulsePressure: 40 });
  });

  it('performers and context', () => {
    const org = { kind: 'organisation', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '974589095' } };
    const context = {
      bodyPosition: { system: 'http://snomed.info/sct', code: '33586001', display: 'Sittende' },
      method: { system: 'http://snomed.info/sct', code: '37931006' },
      clothing: { system: 'http://snomed.info/sct', code: '8101000202100', display: 'Naken' },
      confoundingFactors: [{ text: 'kaffe før måling' }, { system: 'http://snomed.info/sct', code: '228281002' }],
      metaSource: 'HL7_Norway',
    };
    const result = parseMeasurementInput(reading({ identifier: ID, performers: [HPR, org], context }), { now: NOW });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.ok && result.value).toMatchObject({ performers: [HPR, org], context });
  });
});
