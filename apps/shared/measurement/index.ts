/**
 * The one measurement mapping: typed values <-> RDF, identity and location.
 * Every app imports measurements from here, never writes its own Turtle.
 */
export * from './types.ts';
export * from './errors.ts';
export * from './input.ts';
export * from './identity.ts';
export * from './rdf.ts';
export * from './notes.ts';
export * from './consent.ts';
export { validateShapes, type ShapeReport } from '../../../shapes/validate.ts';
