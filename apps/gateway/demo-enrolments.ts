/**
 * The demo patients' identifiers with the demo vendor (Hjemmemåling AS):
 * each patient is known by a *synthetic* Norwegian national identity number
 * (month + 80, the convention for test numbers, with valid check digits; no
 * real person has them) and by the vendor's own patient id. Nothing is seeded
 * from them any more: the demo devices pair as any device does, naming these
 * identifiers in their pairing requests, and the patients approve them.
 *
 * The ids are the vendor's knowledge, so they live in the gateway; the
 * patients' account names are the demo world's (pod-server/world/demo-world.ts),
 * which the gateway may not import: test/unit/gateway/demo-enrolments.test.ts
 * keeps the two in step.
 */

/** The demo vendor's own patient id system. */
export const VENDOR_PATIENT_ID_SYSTEM = 'https://id.hjemmemaling.example/patient';

/** By the demo patient's account name. */
export const DEMO_PATIENT_IDS = {
  hans: { nationalId: '12854810098', vendorId: 'HM-1001' },
  kari: { nationalId: '03916210085', vendorId: 'HM-1002' },
  ola: { nationalId: '21715510097', vendorId: 'HM-1003' },
} as const satisfies Readonly<Record<string, { nationalId: string; vendorId: string }>>;
