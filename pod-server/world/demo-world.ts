/**
 * The demo world, as data: who has an account, which organisation publishes
 * which group, and what each patient has granted. Provisioning
 * (pod-server/world/world.ts) turns this into accounts, pods, profiles,
 * groups and ACLs; docs/pod-server.md describes it for people.
 *
 * Every account has a pod of the same name and the WebID
 * `{base}{name}/profile/card#me`.
 */
import { CATEGORIES, type KindId } from '../../vocab/catalogue.ts';

export const DEMO_PASSWORD = 'helsevev-demo';

export type Role = 'patient' | 'organisation' | 'clinician';

export interface DemoAccount {
  readonly name: string;
  readonly role: Role;
  /** foaf:name and vcard:fn of the profile. */
  readonly displayName: string;
  /** One line for people: the patient's condition, the organisation's kind, the clinician's job. */
  readonly description: string;
  /** Clinicians: the account name of their organisation. */
  readonly organisation?: string;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { name: 'hans', role: 'patient', displayName: 'Hans Hansen', description: 'COPD, followed by a cross-level team' },
  { name: 'kari', role: 'patient', displayName: 'Kari Nordmann', description: 'Diabetes (glucose and weight)' },
  { name: 'ola', role: 'patient', displayName: 'Ola Berg', description: 'Heart failure (weight, blood pressure, pulse)' },
  { name: 'ous', role: 'organisation', displayName: 'Oslo universitetssykehus', description: 'Hospital (Oslo University Hospital)' },
  { name: 'legekontor', role: 'organisation', displayName: 'Storgata legekontor', description: 'GP office' },
  { name: 'oslo', role: 'organisation', displayName: 'Oslo kommune, oppfølgingssenter', description: 'Municipal follow-up centre' },
  { name: 'vendor', role: 'organisation', displayName: 'Hjemmemåling AS', description: 'DHO device vendor (the gateway writes as this WebID)' },
  { name: 'lunde', role: 'clinician', displayName: 'Ingrid Lunde', description: 'Lung doctor, OUS lung team and follow-up team A', organisation: 'ous' },
  { name: 'holm', role: 'clinician', displayName: 'Sofie Holm', description: 'Lung doctor, OUS lung team only', organisation: 'ous' },
  { name: 'hagen', role: 'clinician', displayName: 'Per Hagen', description: 'Doctor at OUS, not in the lung team', organisation: 'ous' },
  { name: 'nilsen', role: 'clinician', displayName: 'Mari Nilsen', description: 'Nurse, municipal follow-up team A', organisation: 'oslo' },
  { name: 'dahl', role: 'clinician', displayName: 'Erik Dahl', description: 'GP (fastlege) at Storgata legekontor, in follow-up team A', organisation: 'legekontor' },
];

export type PatientName = 'hans' | 'kari' | 'ola';
export type GroupName = 'lungeteam' | 'oppfolgingsteam-a' | 'fastleger';

export interface DemoGroup {
  readonly name: GroupName;
  /** The organisation account whose pod publishes the group document. */
  readonly owner: string;
  readonly displayName: string;
  /** Account names of the members. */
  readonly members: readonly string[];
}

export const DEMO_GROUPS: readonly DemoGroup[] = [
  { name: 'lungeteam', owner: 'ous', displayName: 'OUS lungeteam (lung clinicians)', members: ['lunde', 'holm'] },
  // The cross-level team of the story: the municipal nurse, the GP and the hospital's lung doctor (docs/teamwork.md).
  { name: 'oppfolgingsteam-a', owner: 'oslo', displayName: 'Oppfølgingsteam A (cross-level follow-up team)', members: ['nilsen', 'dahl', 'lunde'] },
  { name: 'fastleger', owner: 'legekontor', displayName: 'Fastleger ved Storgata legekontor (GPs)', members: ['dahl'] },
];

/** What each patient has granted: group -> categories it may read. */
export const DEMO_GRANTS: Readonly<Record<PatientName, Partial<Record<GroupName, readonly KindId[]>>>> = {
  hans: { lungeteam: ['oxygen-saturation', 'heart-rate', 'cat-score', 'mmrc-grade'], 'oppfolgingsteam-a': CATEGORIES },
  // blood-glucose is deliberately not granted: a browser test grants it.
  kari: { fastleger: ['body-weight'] },
  ola: { fastleger: CATEGORIES },
};

/** Who each patient lets write their self-treatment plan (health/plans/, pod-server/world/plans.ts). */
export const DEMO_PLAN_WRITERS: Readonly<Record<PatientName, readonly GroupName[]>> = {
  hans: [],
  kari: ['fastleger'],
  ola: [],
};

/** The account whose WebID appends measurements to every patient's pod (its one home is apps/shared, where the gateway reads it). */
export { DEVICE_VENDOR } from '../../apps/shared/defaults.ts';

export const demoEmail = (name: string) => `${name}@helsevev.example`;
export { podUrlOf, webIdOf } from '../../apps/shared/pod-urls.ts';
export const groupDocumentOf = (baseUrl: string, group: DemoGroup) => `${baseUrl}${group.owner}/groups/${group.name}`;
export const groupIriOf = (baseUrl: string, group: DemoGroup) => `${groupDocumentOf(baseUrl, group)}#group`;

export function demoGroup(name: GroupName): DemoGroup {
  const group = DEMO_GROUPS.find((g) => g.name === name);
  if (!group) throw new Error(`No demo group named ${name}`);
  return group;
}

/**
 * The organisations a clinician works with: their own, then the owners of the
 * other organisations' groups they are in (a cross-level team). Their profile
 * names each (org:memberOf), which is where the clinician service looks for
 * their teams; what they may read is still each group's ACLs.
 */
export function organisationsOf(account: DemoAccount): string[] {
  if (!account.organisation) return [];
  const others = DEMO_GROUPS.filter((g) => g.members.includes(account.name)).map((g) => g.owner);
  return [...new Set([account.organisation, ...others])];
}

export const patients = () => DEMO_ACCOUNTS.filter((a) => a.role === 'patient');
