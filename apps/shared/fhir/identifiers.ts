/**
 * Identifier and code systems as Norwegian record systems send them (OIDs
 * from the Norwegian directorate's register, as HL7 Norway's profiles use
 * them). A patient is known by one of the personal identifiers; a performer by
 * an HPR number, an organisation by its organisation number or RESH id.
 */

/** Norway's national identity number (fødselsnummer), as an OID URN. */
export const NO_NATIONAL_ID_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.1';
/** D-nummer (a temporary national identity number). */
export const NO_D_NUMBER_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.2';
/** Felles hjelpenummer (FH-nummer, for patients without either). */
export const NO_FH_NUMBER_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.3';

/** Every system a patient subject may be identified by, with a name for messages. */
export const NO_PATIENT_IDENTIFIER_SYSTEMS: Readonly<Record<string, string>> = {
  [NO_NATIONAL_ID_SYSTEM]: 'fødselsnummer',
  [NO_D_NUMBER_SYSTEM]: 'D-nummer',
  [NO_FH_NUMBER_SYSTEM]: 'felles hjelpenummer',
};

/** Health personnel number (HPR-nummer). */
export const NO_HPR_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.4';
/** Organisation number in Enhetsregisteret. */
export const NO_ORGANISATION_NUMBER_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.101';
/** RESH id (the register of health enterprises). */
export const NO_RESH_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.102';

/** NPU (Nomenclature for Properties and Units), as Norwegian laboratories and PMD code results. */
export const NPU_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.1.7280';
