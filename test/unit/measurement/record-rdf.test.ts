/**
 * What a record system states with a reading (identifier instead of a device,
 * mean arterial and pulse pressure, performers, context) in RDF: deterministic,
 * SHACL-valid, read back exactly; malformed provenance triples do not validate.
 */
import fc from 'fast-check';
import { DataFactory, type Quad } from 'n3';
import { describe, expect, it } from 'vitest';
import {
  measurementDocument, measurementToQuads, parseMeasurementInput, parseMeasurementsTurtle, quadsToMeasurements, quadsToTurtle,
  validateShapes, type Measurement,
} from '../../../apps/shared/measurement/index.ts';
import { kindSpec, observedPropertyIri } from '../../../vocab/catalogue.ts';
import { HV, PROV, RDF, RDFS, SOSA, snomedIri } from '../../../vocab/terms.ts';
import { NOW, STORAGE, reading } from './fixtures.ts';

const { namedNode, literal, quad } = DataFactory;
const SCT = 'http://snomed.info/sct';
const ID = { system: 'urn:oid:2.16.578.1.12.4.1.2.1234', value: 'obs-778' };

const text = fc.string({ minLength: 1, maxLength: 60 }).filter((s) => s.trim().length > 0 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s));
const identifier = fc.record({
  // Any URN namespace too (the FHIR R4 examples use urn:ietf:rfc:3986): what the input accepts, the shape must.
  system: fc.constantFrom('urn:oid:2.16.578.1.12.4.1.4.4', 'urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e', 'https://epj.example/obs', 'urn:ietf:rfc:3986', 'urn:dips:obs-id'),
  value: fc.stringMatching(/^[A-Za-z0-9._:/@+=-]{1,40}$/),
});
const coded = fc.record({ system: fc.constant(SCT), code: fc.stringMatching(/^[0-9]{6,13}$/), display: text }, { requiredKeys: ['system', 'code'] });
const performer = fc.record({ kind: fc.constantFrom('person', 'organisation'), identifier, display: text }, { requiredKeys: ['kind', 'identifier'] });
const context = fc.record({
  bodyPosition: coded, method: coded, clothing: coded,
  confoundingFactors: fc.array(fc.oneof(coded, fc.record({ text })), { minLength: 1, maxLength: 10 }),
  metaSource: fc.oneof(fc.constant('https://epj.example/system'), text),
}, { requiredKeys: [] });

const recordReading = fc.record({
  kind: fc.constantFrom('blood-pressure', 'body-weight', 'heart-rate'),
  identifier, performers: fc.option(fc.array(performer, { minLength: 1, maxLength: 5 }), { nil: undefined }),
  context: fc.option(context, { nil: undefined }),
  withDevice: fc.boolean(), map: fc.option(fc.integer({ min: 60, max: 140 }), { nil: undefined }), pp: fc.option(fc.integer({ min: 20, max: 90 }), { nil: undefined }),
}).map(({ kind, identifier: id, performers, context: ctx, withDevice, map, pp }) => {
  const components = kind === 'blood-pressure'
    ? { components: { systolic: 150, diastolic: 90, ...(map !== undefined ? { meanArterial: map } : {}), ...(pp !== undefined ? { pulsePressure: pp } : {}) } }
    : {};
  const extras = { identifier: id, ...(performers ? { performers } : {}), ...(ctx && Object.keys(ctx).length > 0 ? { context: ctx } : {}) };
  return reading({ kind, ...components, ...extras, ...(withDevice ? {} : { device: undefined }) });
});

const parse = (raw: unknown): Measurement => {
  const parsed = parseMeasurementInput(raw, { now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

describe('record-system readings in RDF', () => {
  it('every one is SHACL-valid, deterministic and reads back exactly as written', async () => {
    await fc.assert(fc.asyncProperty(recordReading, async (raw) => {
      const m = parse(raw);
      const quads = measurementToQuads(m, STORAGE);
      expect(quads.every((q) => q.subject.termType === 'NamedNode' && q.object.termType !== 'BlankNode')).toBe(true);
      expect(measurementToQuads(m, STORAGE)).toEqual(quads);
      expect((await validateShapes(quads)).violations).toEqual([]);
      const back = quadsToMeasurements(quads);
      expect(back.problems).toEqual([]);
      const { iri: _iri, ...typed } = back.measurements[0]!;
      expect(typed).toEqual(m);
    }), { numRuns: 100 });
  });

  const full = () => parse(reading({
    kind: 'blood-pressure', device: undefined, identifier: ID,
    components: { systolic: 123, diastolic: 78, meanArterial: 93, pulsePressure: 45 },
    performers: [{ kind: 'person', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.4', value: '9144889' }, display: 'Kari Nordmann' },
      { kind: 'organisation', identifier: { system: 'urn:oid:2.16.578.1.12.4.1.4.101', value: '974589095' } }],
    context: {
      bodyPosition: { system: SCT, code: '4801000202104', display: 'Liggende' }, method: { system: SCT, code: '37931006' },
      confoundingFactors: [{ text: 'kaffe' }], metaSource: 'HL7_Norway',
    },
  }));

  it('uses SOSA, SSN-ext and PROV-O: members with their own SNOMED CT property, performers as qualified attributions', () => {
    const quads = measurementToQuads(full(), STORAGE);
    const has = (p: string, o?: string) => quads.some((q) => q.predicate.value === p && (o === undefined || q.object.value === o));
    expect(has(SOSA.observedProperty, snomedIri('4501000202102'))).toBe(true);
    expect(has(SOSA.observedProperty, snomedIri('4461000202102'))).toBe(true);
    expect(has(PROV.agent)).toBe(true);
    expect(has(RDF.type, PROV.Person)).toBe(true);
    expect(has(RDF.type, PROV.Organization)).toBe(true);
    expect(has(SOSA.usedProcedure)).toBe(true);
    expect(has(SOSA.madeBySensor)).toBe(false);
    expect(has(HV.metaSource, 'HL7_Norway')).toBe(true);
  });

  // Both ways the gateway validates: all shapes, and narrowed to the reading's concepts.
  const bpConcepts = [kindSpec('blood-pressure'), ...Object.values(kindSpec('blood-pressure').components!)].map(observedPropertyIri);
  const broken = async (edit: (quads: Quad[]) => Quad[]) => {
    const quads = edit(measurementToQuads(full(), STORAGE));
    const all = (await validateShapes(quads)).conforms;
    expect((await validateShapes(quads, { observedProperties: bpConcepts })).conforms).toBe(all);
    return all;
  };
  const withObject = (predicate: string, object: ReturnType<typeof literal>) => (quads: Quad[]) =>
    quads.map((q) => (q.predicate.value === predicate ? quad(q.subject, q.predicate, object) : q));

  it.each([
    ['no device and no identifier', (qs: Quad[]) => qs.filter((q) => q.predicate.value !== HV.identifier)],
    ['identifier system with a space', withObject(HV.identifierSystem, literal('urn:oid:1 2', namedNode('http://www.w3.org/2001/XMLSchema#anyURI')))],
    ['identifier value with a quote', withObject(HV.identifierValue, literal('a"b'))],
    ['coding code with a space', withObject(HV.code, literal('1 2'))],
    ['display with a newline', withObject(RDFS.label, literal('Kari\nNordmann'))],
    ['meta source too long', withObject(HV.metaSource, literal('x'.repeat(300)))],
    ['attribution without an agent', (qs: Quad[]) => qs.filter((q) => q.predicate.value !== PROV.agent)],
    ['confounding factor with both text and a code', (qs: Quad[]) => [...qs, ...qs.filter((q) => q.predicate.value === HV.text).flatMap((q) => [
      quad(q.subject, namedNode(RDF.type), namedNode(HV.Coding)), quad(q.subject, namedNode(HV.codeSystem), literal(SCT, namedNode('http://www.w3.org/2001/XMLSchema#anyURI'))),
      quad(q.subject, namedNode(HV.code), literal('1'))])]],
    ['a third performer agent kind', (qs: Quad[]) => qs.map((q) => (q.object.value === PROV.Person ? quad(q.subject, q.predicate, namedNode('http://xmlns.com/foaf/0.1/Agent')) : q))],
    ['two systolic members', (qs: Quad[]) => qs.map((q) => (q.object.value === snomedIri('4501000202102') ? quad(q.subject, q.predicate, namedNode(snomedIri('271649006'))) : q))],
  ])('malformed: %s does not validate', async (_name, edit) => {
    expect(await broken(edit)).toBe(false);
  });

  it('the well-formed original validates (so the cases above fail for their edit alone)', async () => {
    expect(await broken((qs) => qs)).toBe(true);
  });

  it('reading back reports a panel without device or identifier as a problem, not a guess', () => {
    const quads = measurementToQuads(full(), STORAGE).filter((q) => q.predicate.value !== HV.identifier);
    const back = quadsToMeasurements(quads);
    expect(back.measurements).toEqual([]);
    expect(back.problems[0]!.problem).toMatch(/neither a device .* nor an identifier/);
  });
  it('any string in a stated field is refused, or survives Turtle and SHACL unchanged', async () => {
    const anyText = fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom('"', '>', '<x>', '\\', '\n', '"""', 'a\u0085b', '\u2028', '^^<x>', 'ok'));
    const field = fc.constantFrom(
      (s: string) => ({ identifier: { system: s, value: 'x' } }),
      (s: string) => ({ identifier: { ...ID, value: s } }),
      (s: string) => ({ performers: [{ kind: 'person', display: s }] }),
      (s: string) => ({ context: { method: { system: SCT, code: '1', display: s } } }),
      (s: string) => ({ context: { confoundingFactors: [{ text: s }] } }),
      (s: string) => ({ context: { metaSource: s } }),
    );
    await fc.assert(fc.asyncProperty(anyText, field, async (value, place) => {
      const parsed = parseMeasurementInput(reading({ identifier: ID, ...place(value) }), { now: NOW });
      if (!parsed.ok) return;
      const quads = measurementToQuads(parsed.value, STORAGE);
      expect((await validateShapes(quads)).violations).toEqual([]);
      const document = measurementDocument(STORAGE, parsed.value.kind, parsed.value.effectiveTime);
      const back = parseMeasurementsTurtle(await quadsToTurtle(quads, document), document);
      const { iri: _iri, ...typed } = back.measurements[0]!;
      expect(typed).toEqual(parsed.value);
    }), { numRuns: 150 });
  });
});
