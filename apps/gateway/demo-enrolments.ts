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

import { DEMO_NATIONAL_IDS } from '../shared/demo-national-ids.ts';

/** The demo vendor's own patient id system. */
export const VENDOR_PATIENT_ID_SYSTEM = 'https://id.hjemmemaling.example/patient';

/** By the demo patient's account name (the national ids: apps/shared/demo-national-ids.ts, which the demo teams' lists use too). */
export const DEMO_PATIENT_IDS = {
  hans: { nationalId: DEMO_NATIONAL_IDS.hans, vendorId: 'HM-1001' },
  kari: { nationalId: DEMO_NATIONAL_IDS.kari, vendorId: 'HM-1002' },
  ola: { nationalId: DEMO_NATIONAL_IDS.ola, vendorId: 'HM-1003' },
} as const satisfies Readonly<Record<string, { nationalId: string; vendorId: string }>>;
