/**
 * Helsevev's FHIR extension URLs, shared by import and export (its own
 * module so the export, which the consent page bundles, needs nothing of
 * the import's UCUM checks).
 */

/** Observation.extension carrying the measurement setting as a code (home-municipality, home-hospital, clinic). */
export const SETTING_EXTENSION = 'https://w3id.org/helsevev/fhir/StructureDefinition/measurement-setting';
