/**
 * Identifier systems a patient is known by across services: the gateway's
 * enrolment registry matches on them, the simulator's devices send them.
 */

/** Norway's national identity number (fødselsnummer), as an OID URN. */
export const NO_NATIONAL_ID_SYSTEM = 'urn:oid:2.16.578.1.12.4.1.4.1';
