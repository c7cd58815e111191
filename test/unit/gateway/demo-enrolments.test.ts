/**
 * The gateway's demo seed names the demo patients by account name, and may
 * not import the demo world (docs/architecture.md, dependency rules): this
 * test keeps the two lists in step, as the type PatientName did when the
 * gateway imported the world.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_PATIENT_IDS, demoEnrolments } from '../../../apps/gateway/demo-enrolments.ts';
import { DEMO_ACCOUNTS, podUrlOf, webIdOf } from '../../../pod-server/world/demo-world.ts';

const BASE = 'http://localhost:3000/';

describe('the demo enrolments', () => {
  it('enrol exactly the demo world\'s patients', () => {
    const patients = DEMO_ACCOUNTS.filter((a) => a.role === 'patient').map((a) => a.name).sort();
    expect(Object.keys(DEMO_PATIENT_IDS).sort()).toEqual(patients);
  });

  it('point at each patient\'s pod and WebID as the world provisions them', () => {
    const enrolments = demoEnrolments(BASE);
    expect(enrolments.map((e) => [e.webId, e.storage])).toEqual(
      Object.keys(DEMO_PATIENT_IDS).map((name) => [webIdOf(BASE, name), podUrlOf(BASE, name)]),
    );
    expect(enrolments[0]).toMatchObject({ webId: `${BASE}hans/profile/card#me`, storage: `${BASE}hans/` });
  });
});
