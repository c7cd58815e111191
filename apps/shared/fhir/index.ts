/** FHIR R4 in (device platforms) and out (downloads, EPJ), over the one mapping. */
export * from './import.ts';
export * from './export.ts';
