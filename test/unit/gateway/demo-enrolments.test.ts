/**
 * The gateway's demo identifiers name the demo patients by account name, and
 * may not import the demo world (docs/architecture.md, dependency rules):
 * this test keeps the two lists in step.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_PATIENT_IDS } from '../../../apps/gateway/demo-enrolments.ts';
import { DEMO_ACCOUNTS } from '../../../pod-server/world/demo-world.ts';

describe('the demo patients\' identifiers', () => {
  it('name exactly the demo world\'s patients', () => {
    const patients = DEMO_ACCOUNTS.filter((a) => a.role === 'patient').map((a) => a.name).sort();
    expect(Object.keys(DEMO_PATIENT_IDS).sort()).toEqual(patients);
  });
});
