/**
 * GET /fhir/metadata: the gateway's CapabilityStatement, saying exactly what
 * its FHIR REST API does (docs/fhir.md, "REST") and nothing more: create of
 * Observations (conditional on identifier), batch and transaction Bundles,
 * JSON only, and the profiles whose Observations it takes. Kept beside the
 * routes so a change to one is seen next to the other.
 */
import { SUPPORTED_KINDS } from '../../shared/fhir/index.ts';
import { FHIR_JSON } from '../../shared/fhir/outcome.ts';

/**
 * Profiles whose Observations are accepted as published (the examples in
 * test/fixtures/fhir/ are the proof). An Observation is judged by its content,
 * not by the profile it claims in meta.profile.
 */
export const ACCEPTED_PROFILES = [
  'http://hl7.org/fhir/StructureDefinition/vitalsigns',
  'http://hl7.org/fhir/StructureDefinition/bp',
  'http://hl7.org/fhir/StructureDefinition/heartrate',
  'http://hl7.org/fhir/StructureDefinition/oxygensat',
  'http://hl7.org/fhir/StructureDefinition/bodyweight',
  'http://hl7.org/fhir/StructureDefinition/bodyheight',
  'http://hl7.org/fhir/StructureDefinition/bodytemp',
  'http://hl7.org/fhir/StructureDefinition/resprate',
  'http://hl7.org/fhir/StructureDefinition/bmi',
  // HL7 Norway VkpObservation (canonical http://ehelse.no/fhir; the SpO2 profile sets its own url).
  'http://ehelse.no/fhir/StructureDefinition/vkp-Observation',
  'http://hl7.no/fhir/StructureDefinition/vkp-observation-oxygensat',
] as const;

/** The CapabilityStatement; `fhirBase` is the gateway's public /fhir URL. */
export function gatewayCapabilityStatement(fhirBase: string, software: { startedAt: Date }) {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: software.startedAt.toISOString(),
    kind: 'instance',
    software: { name: 'Helsevev gateway' },
    implementation: {
      description: 'Helsevev gateway: home measurements from devices, platforms and record systems into patients\' Solid pods',
      url: fhirBase,
    },
    fhirVersion: '4.0.1',
    format: [FHIR_JSON],
    rest: [{
      mode: 'server',
      documentation: 'Write-only: Observations are validated, stored in the gateway\'s outbox and delivered to the patient\'s pod afterwards; '
        + 'the gateway never reads a pod. Search is at the clinician service. Errors are OperationOutcomes. See docs/fhir.md.',
      security: {
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' }] }],
        description: 'Authorization: Bearer with a device credential from a pairing the patient approved (POST /pairings, POST /token), '
          + 'or a registered platform\'s access token (POST /token, client credentials). The subject must be a patient paired with the caller.',
      },
      resource: [{
        type: 'Observation',
        supportedProfile: [...ACCEPTED_PROFILES],
        documentation: `Measurements in the catalogue only: ${SUPPORTED_KINDS}. The subject is the patient's WebID (reference) or a Norwegian `
          + 'identifier (fødselsnummer, D-nummer, felles hjelpenummer) of a patient paired with the caller. Identity: device + time, or Observation.identifier.',
        interaction: [
          { code: 'create', documentation: '201 Created with Location; the same Observation again is 200 with the same Location, and stores nothing new' },
          { code: 'read', documentation: 'for the sender that created it: an OperationOutcome receipt saying its delivery state (queued, delivered, refused)' },
        ],
        versioning: 'no-version',
        readHistory: false,
        updateCreate: false,
        conditionalCreate: true,
        conditionalRead: 'not-supported',
        conditionalUpdate: false,
        conditionalDelete: 'not-supported',
        searchParam: [{ name: 'identifier', type: 'token', documentation: 'in If-None-Exist only (identifier=system|value, one of the Observation\'s own identifiers); no search here' }],
      }],
      interaction: [
        { code: 'batch', documentation: 'entries POST Observation, each created or refused on its own (batch-response)' },
        { code: 'transaction', documentation: 'entries POST Observation, all created or none (transaction-response)' },
      ],
    }],
  };
}
