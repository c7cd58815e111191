/**
 * Validation narrowed to the kinds the caller knows (the gateway's fast path)
 * gives the full validation's verdict and messages for those kinds, and is
 * stricter, never weaker, for anything else.
 */
import { DataFactory } from 'n3';
import { describe, expect, it } from 'vitest';
import { CATEGORIES, kindSpec, observedPropertyIri, type KindId } from '../../../vocab/catalogue.ts';
import { snomedIri } from '../../../vocab/terms.ts';
import { measurementToQuads, parseMeasurementInput, validateShapes } from '../../../apps/shared/measurement/index.ts';
import { NOW, STORAGE, VALID, reading } from '../measurement/fixtures.ts';

const concepts = (kind: KindId) => {
  const spec = kindSpec(kind);
  return [spec, ...Object.values(spec.components ?? {})].map(observedPropertyIri);
};

function quadsOf(kind: KindId) {
  const parsed = parseMeasurementInput(reading({ ...VALID[kind], device: `dev-${kind}` }), { now: NOW });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return measurementToQuads(parsed.value, STORAGE);
}

/** The same quads with every numeric value replaced (to break a range). */
const withValue = (quads: ReturnType<typeof quadsOf>, value: string) => quads.map((q) =>
  q.predicate.value.endsWith('numericValue') && q.object.termType === 'Literal'
    ? DataFactory.quad(q.subject, q.predicate, DataFactory.literal(value, q.object.datatype))
    : q);

describe('validateShapes narrowed to known kinds', () => {
  it.each(CATEGORIES)('agrees with the full shapes on a valid and an implausible %s', async (kind) => {
    const quads = quadsOf(kind);
    expect((await validateShapes(quads, { observedProperties: concepts(kind) })).conforms).toBe(true);
    const bad = withValue(quads, '9999');
    const full = await validateShapes(bad);
    const narrowed = await validateShapes(bad, { observedProperties: concepts(kind) });
    expect(full.conforms).toBe(false);
    expect(narrowed.conforms).toBe(false);
    expect(narrowed.violations.map((v) => v.message).sort()).toEqual(full.violations.map((v) => v.message).sort());
  });

  it('rejects an observation of a kind it was not told about (stricter, never weaker)', async () => {
    const quads = quadsOf('heart-rate');
    expect((await validateShapes(quads)).conforms).toBe(true);
    expect((await validateShapes(quads, { observedProperties: concepts('oxygen-saturation') })).conforms).toBe(false);
  });
});

describe('validateShapes skips only shapes that cannot have a focus node', () => {
  const { namedNode, quad, literal } = DataFactory;
  const RDF_TYPE = namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');

  it('still meets a node typed with a kind shape (its implicit class target)', async () => {
    const node = namedNode('https://example.org/typed-by-shape');
    const typed = [quad(node, RDF_TYPE, namedNode('https://w3id.org/helsevev/shapes#HeartRateObservation'))];
    expect((await validateShapes(typed)).conforms).toBe(false);
    expect((await validateShapes(typed, { observedProperties: concepts('heart-rate') })).conforms).toBe(false);
  });

  it('still checks the sensor (sh:targetClass) and the result (sh:targetObjectsOf)', async () => {
    const quads = quadsOf('heart-rate');
    const badDevice = quads.map((q) => (q.predicate.value.endsWith('deviceId') ? quad(q.subject, q.predicate, literal('no spaces allowed')) : q));
    const noUnit = quads.filter((q) => !q.predicate.value.endsWith('ucumCode'));
    for (const bad of [badDevice, noUnit]) {
      expect((await validateShapes(bad)).conforms).toBe(false);
      expect((await validateShapes(bad, { observedProperties: concepts('heart-rate') })).conforms).toBe(false);
    }
  });

  it('gives the same verdict on a second call, once nested shapes are compiled', async () => {
    const quads = quadsOf('blood-pressure');
    for (let i = 0; i < 2; i++) {
      expect((await validateShapes(quads, { observedProperties: concepts('blood-pressure') })).conforms).toBe(true);
      expect((await validateShapes(withValue(quads, '9999'), { observedProperties: concepts('blood-pressure') })).conforms).toBe(false);
    }
  });
});
