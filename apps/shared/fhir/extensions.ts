/**
 * Helsevev's FHIR extension URLs, shared by import and export (its own
 * module so the export, which the consent page bundles, needs nothing of
 * the import's UCUM checks).
 */

/** Observation.extension carrying the measurement setting as a code (home-municipality, home-hospital, clinic). */
export const SETTING_EXTENSION = 'https://w3id.org/helsevev/fhir/StructureDefinition/measurement-setting';

/**
 * HL7 Norway's vital-signs extensions (no-domain VitalSigns IG, canonical
 * http://hl7.no/fhir/no-domain/vitalsigns; URLs as in its profiles and
 * examples, github.com/HL7Norway/no-domain VitalSigns/input/fsh). Import reads
 * them, export writes them back as they came in.
 */
const NO_VITALSIGNS_SD = 'http://hl7.no/fhir/no-domain/vitalsigns/StructureDefinition/';
/** Body position (valueCoding), per profile: each vital-signs profile has its own. */
export const NO_BODY_POSITION_EXTENSION = {
  bloodPressure: `${NO_VITALSIGNS_SD}NoDomainVitalSignsBloodpressureBodyPositionExtension`,
  bodyHeight: `${NO_VITALSIGNS_SD}NoDomainVitalSignsBodyHeightBodyPositionExtension`,
  heartRatePulse: `${NO_VITALSIGNS_SD}NoDomainVitalSignsHeartRatePulseBodyPositionExtension`,
  respirationRate: `${NO_VITALSIGNS_SD}NoDomainVitalSignsRespirationRateBodyPositionExtension`,
} as const;
/** Every body-position extension URL, for import (any of them means "body position"). */
export const NO_BODY_POSITION_EXTENSIONS: readonly string[] = Object.values(NO_BODY_POSITION_EXTENSION);
/** Clothing state at weighing (valueCoding), body weight profile. */
export const NO_CLOTHING_STATE_EXTENSION = `${NO_VITALSIGNS_SD}NoDomainVitalSignsClothingStateExtension`;
/** Confounding factor (valueCodeableConcept: coding or text), most vital-signs profiles. */
export const NO_CONFOUNDING_FACTOR_EXTENSION = `${NO_VITALSIGNS_SD}NoDomainVitalSignsConfoundingFactorExtension`;
/**
 * Body position for a kind no Norwegian profile has a body-position extension
 * for (e.g. body weight): Helsevev's own, so export never drops it.
 */
export const BODY_POSITION_EXTENSION = 'https://w3id.org/helsevev/fhir/StructureDefinition/body-position';
/** Every URL that carries a body position (import accepts any of them). */
export const BODY_POSITION_EXTENSIONS: readonly string[] = [...NO_BODY_POSITION_EXTENSIONS, BODY_POSITION_EXTENSION];

/** The body-position extension export writes for a kind: its Norwegian profile's, else Helsevev's. */
export function bodyPositionExtensionFor(kind: string): string {
  switch (kind) {
    case 'blood-pressure': return NO_BODY_POSITION_EXTENSION.bloodPressure;
    case 'body-height': return NO_BODY_POSITION_EXTENSION.bodyHeight;
    case 'heart-rate': return NO_BODY_POSITION_EXTENSION.heartRatePulse;
    case 'respiratory-rate': return NO_BODY_POSITION_EXTENSION.respirationRate;
    default: return BODY_POSITION_EXTENSION;
  }
}
