/**
 * Provisions the demo world on a running pod server: accounts, pods and client
 * credentials (CSS account API), profiles, groups, and each patient's health
 * layout with ACLs, consent records and type index registrations (Solid HTTP
 * as each account). Then, optionally, the caller's measurement seed.
 *
 * Runs in full only on the first start of a data folder: `{dataDir}/world.json`
 * records what is done. Every step is idempotent, so a first start that
 * crashed half-way is simply resumed by the next start.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPodSession, type PodSession } from '../../apps/shared/pod-session.ts';
import { toOsloIso } from '../../apps/shared/measurement/identity.ts';
import type { Grantee, HealthAccess } from '../../apps/shared/health-acl.ts';
import { readRegistrationKey } from '../registration.ts';
import { ensureAccount } from './accounts.ts';
import { readCredentials, writeCredentials, type AccountCredentials, type CredentialsFile } from '../../apps/shared/credentials.ts';
import {
  DEMO_ACCOUNTS,
  DEMO_GRANTS,
  DEMO_PLAN_WRITERS,
  DEMO_GROUPS,
  DEVICE_VENDOR,
  demoGroup,
  groupIriOf,
  podUrlOf,
  webIdOf,
  type DemoAccount,
  type GroupName,
  type PatientName,
} from './demo-world.ts';
import { demoDevices } from './demo-measurements.ts';
import { recordConsent, registerMeasurementContainers, writeHealthLayout } from './health.ts';
import { describeProfile, publishGroup } from './profiles.ts';
import { DIRECTORY_OWNER, publishDirectory } from './directory.ts';
import { demoTeamLists, publishTeamList } from './teams.ts';
import { publishDemoThresholds } from './thresholds.ts';
import { seedDemoPlans } from './plans.ts';
import { ALERT_TEAMS, joinAlertTeam, publishDemoWorklists } from './worklists.ts';
import { seedQuestionnaireRequests } from './questionnaire-requests.ts';

const MARKER_VERSION = 1;

interface WorldMarker {
  version: number;
  baseUrl: string;
  /** When provisioning of this data folder first began; dates the demo consent records. */
  startedAt: string;
  provisionedAt?: string;
  /** When the teams' patient lists were last written (a separate step, so older data folders get them too). */
  teamsAt?: string;
  /** When the teams' alert thresholds were last written (pod-server/world/thresholds.ts). */
  thresholdsAt?: string;
  /** When the demo self-treatment plans were written (pod-server/world/plans.ts). */
  plansAt?: string;
  /** When the cross-level team's members, the teams' worklists and the alert services' group memberships were last written (pod-server/world/worklists.ts). */
  worklistsAt?: string;
  seededAt?: string;
}

/** What the measurement seed (and anything else run after provisioning) gets. */
export interface WorldContext {
  readonly baseUrl: string;
  readonly dataDir: string;
  /** Every demo account with its WebID, pod and client credentials. */
  readonly accounts: Readonly<Record<string, WorldAccount>>;
  /** A logged-in session for the account (opened on first use, closed after provisioning). */
  sessionFor(name: string): Promise<PodSession>;
  /** When the world was first provisioned (ISO 8601, Europe/Oslo offset). */
  readonly startedAt: string;
  readonly log: (line: string) => void;
}

export interface WorldAccount extends AccountCredentials, Omit<DemoAccount, 'name'> {
  readonly name: string;
  readonly podUrl: string;
}

export type SeedMeasurements = (ctx: WorldContext) => Promise<void>;

export interface ProvisionOptions {
  baseUrl: string;
  dataDir: string;
  log?: (line: string) => void;
  /** Called once after accounts and layout exist, until it has succeeded once for this data folder. */
  seedMeasurements?: SeedMeasurements;
  /** Run every step even if the marker says the world is complete. */
  force?: boolean;
}

export interface ProvisionResult {
  /** False when the marker said everything was already done. */
  readonly provisioned: boolean;
  readonly seeded: boolean;
  readonly ms: number;
  readonly accounts: Readonly<Record<string, WorldAccount>>;
  readonly credentials: CredentialsFile;
}

const markerPath = (dataDir: string) => join(dataDir, 'world.json');

async function readMarker(dataDir: string): Promise<WorldMarker | undefined> {
  try {
    return JSON.parse(await readFile(markerPath(dataDir), 'utf8')) as WorldMarker;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeMarker(dataDir: string, marker: WorldMarker): Promise<void> {
  await writeFile(markerPath(dataDir), `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o600 });
}

function worldAccounts(baseUrl: string, credentials: CredentialsFile): Record<string, WorldAccount> {
  const accounts: Record<string, WorldAccount> = {};
  for (const a of DEMO_ACCOUNTS) {
    const c = credentials[a.name];
    if (c) accounts[a.name] = { ...a, ...c, podUrl: podUrlOf(baseUrl, a.name) };
  }
  return accounts;
}

/** The access a patient has granted in the demo world, as HealthAccess for the ACL builder. */
export function demoHealthAccess(baseUrl: string, patient: PatientName): HealthAccess {
  const readers: Partial<Record<string, Grantee[]>> = {};
  for (const [group, categories] of Object.entries(DEMO_GRANTS[patient]) as [GroupName, readonly string[]][]) {
    for (const category of categories) {
      (readers[category] ??= []).push({ group: groupIriOf(baseUrl, demoGroup(group)) });
    }
  }
  return {
    owner: webIdOf(baseUrl, patient),
    // The vendor appends only to the kinds of the patient's devices (its seeded history), as a pairing grants.
    appenders: Object.fromEntries(demoDevices(patient).flatMap((d) => d.kinds).map((kind) => [kind, [webIdOf(baseUrl, DEVICE_VENDOR)]])),
    readers: readers as HealthAccess['readers'],
    planWriters: DEMO_PLAN_WRITERS[patient].map((group) => ({ group: groupIriOf(baseUrl, demoGroup(group)) })),
  };
}

/** Runs `task` over `items`, at most `limit` at a time (the pod server has two cores). */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

export async function provisionWorld(options: ProvisionOptions): Promise<ProvisionResult> {
  const started = performance.now();
  const { baseUrl, dataDir } = options;
  const log = options.log ?? (() => {});
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  let marker = await readMarker(dataDir);
  if (marker && marker.baseUrl !== baseUrl) {
    throw new Error(
      `The data folder ${dataDir} holds a world made for ${marker.baseUrl}, not ${baseUrl}: WebIDs and ACLs ` +
        'contain the base URL. Start on that URL, or use an empty data folder.',
    );
  }
  let credentials = await readCredentials(dataDir);
  const haveAllCredentials = DEMO_ACCOUNTS.every((a) => credentials[a.name]);
  const needsProvisioning = options.force || !marker?.provisionedAt || !haveAllCredentials;
  const needsTeams = needsProvisioning || !marker?.teamsAt;
  const needsPlans = needsProvisioning || !marker?.plansAt;
  const needsWorklists = needsTeams || !marker?.worklistsAt;
  // Levelled thresholds and alert rules came with the worklists: older data folders get them with it.
  const needsThresholds = needsWorklists || !marker?.thresholdsAt;
  const needsSeed = options.seedMeasurements !== undefined && (options.force || !marker?.seededAt);
  if (!needsProvisioning && !needsTeams && !needsThresholds && !needsPlans && !needsWorklists && !needsSeed) {
    log(`demo world already provisioned (${marker!.provisionedAt}${marker!.seededAt ? ', measurements seeded' : ''})`);
    return { provisioned: false, seeded: false, ms: 0, accounts: worldAccounts(baseUrl, credentials), credentials };
  }

  marker ??= { version: MARKER_VERSION, baseUrl, startedAt: toOsloIso(new Date()) };
  await writeMarker(dataDir, marker);

  const sessions = new Map<string, Promise<PodSession>>();
  const ctx: WorldContext = {
    baseUrl,
    dataDir,
    startedAt: marker.startedAt,
    log,
    get accounts() {
      return worldAccounts(baseUrl, credentials);
    },
    sessionFor(name) {
      let session = sessions.get(name);
      if (!session) {
        const c = credentials[name];
        if (!c) return Promise.reject(new Error(`No client credentials for the demo account "${name}"`));
        session = openPodSession(c);
        sessions.set(name, session);
      }
      return session;
    },
  };

  try {
    if (needsProvisioning) {
      // 1. Accounts, pods, client credentials (CSS account API).
      const created: string[] = [];
      const registrationKey = await readRegistrationKey(dataDir);
      let saving = Promise.resolve();
      await eachLimited(DEMO_ACCOUNTS, 3, async (a) => {
        const result = await ensureAccount(baseUrl, a.name, credentials[a.name], { registrationKey });
        if (result.created.account || result.created.pod) created.push(a.name);
        if (result.created.credentials) {
          credentials = { ...credentials, [a.name]: result.credentials };
          saving = saving.then(() => writeCredentials(dataDir, credentials));
          await saving;
        }
      });
      await writeCredentials(dataDir, credentials);
      log(`accounts and pods: ${DEMO_ACCOUNTS.length} ready, new: ${created.join(', ') || 'none'} (${elapsed()})`);

      // 2. Profiles: names, organisations, roles.
      await eachLimited(DEMO_ACCOUNTS, 4, async (a) => {
        await describeProfile((await ctx.sessionFor(a.name)).fetch, baseUrl, a);
      });
      log(`profiles: names and organisations written (${elapsed()})`);

      // 3. Public groups of the organisations.
      for (const group of DEMO_GROUPS) await publishGroup((await ctx.sessionFor(group.owner)).fetch, baseUrl, group);
      log(`groups: ${DEMO_GROUPS.map((g) => `${g.owner}/groups/${g.name}`).join(', ')} (${elapsed()})`);

      // 3b. The public directory of those organisations (the consent page's table rows).
      const directory = await publishDirectory((await ctx.sessionFor(DIRECTORY_OWNER)).fetch, baseUrl);
      log(`directory: ${directory} (${elapsed()})`);

      // 4. Each patient's health layout, ACLs, consent records and private type index.
      await eachLimited(Object.keys(DEMO_GRANTS) as PatientName[], 3, async (patient) => {
        const { fetch } = await ctx.sessionFor(patient);
        const pod = podUrlOf(baseUrl, patient);
        const access = demoHealthAccess(baseUrl, patient);
        const containers = await writeHealthLayout(fetch, pod, access);
        await recordConsent(fetch, pod, access, marker!.startedAt);
        const registrations = await registerMeasurementContainers(fetch, access.owner, pod);
        log(`health layout of ${patient}: ${containers} new containers, ACLs, consent, ${registrations} new type registrations (${elapsed()})`);
      });

      // 4b. The teams' questionnaire requests (lunde asks hans for a weekly CAT), written as the clinicians.
      log(`questionnaire requests: ${await seedQuestionnaireRequests((name) => ctx.sessionFor(name), baseUrl, marker!.startedAt)} (${elapsed()})`);

      marker = { ...marker, provisionedAt: toOsloIso(new Date()) };
      await writeMarker(dataDir, marker);
    }

    if (needsTeams) {
      // 5. The teams' patient lists, in the organisations' pods (pod-server/world/teams.ts).
      const lists = demoTeamLists(baseUrl);
      for (const list of lists) await publishTeamList((await ctx.sessionFor(list.owner)).fetch, baseUrl, list);
      marker = { ...marker, teamsAt: toOsloIso(new Date()) };
      await writeMarker(dataDir, marker);
      log(`team patient lists: ${lists.map((l) => `${l.owner}/teams/${l.name}`).join(', ')} (${elapsed()})`);
    }

    if (needsThresholds) {
      // 6. The teams' alert thresholds, next to the patient lists (pod-server/world/thresholds.ts).
      const documents = await publishDemoThresholds((name) => ctx.sessionFor(name), baseUrl);
      marker = { ...marker, thresholdsAt: toOsloIso(new Date()) };
      await writeMarker(dataDir, marker);
      log(`team thresholds: ${documents.map((d) => d.slice(baseUrl.length)).join(', ')} (${elapsed()})`);
    }

    if (needsWorklists) {
      // 7. The cross-level team (groups and clinicians' profiles again, for data folders made before it), the worklists,
      //    and each alert service's organisation in its team (after the groups are rewritten whole).
      if (!needsProvisioning) {
        for (const group of DEMO_GROUPS) await publishGroup((await ctx.sessionFor(group.owner)).fetch, baseUrl, group);
        for (const a of DEMO_ACCOUNTS.filter((x) => x.role === 'clinician')) await describeProfile((await ctx.sessionFor(a.name)).fetch, baseUrl, a);
      }
      const containers = await publishDemoWorklists((name) => ctx.sessionFor(name), baseUrl);
      for (const group of ALERT_TEAMS) await joinAlertTeam((await ctx.sessionFor(demoGroup(group).owner)).fetch, baseUrl, group);
      marker = { ...marker, worklistsAt: toOsloIso(new Date()) };
      await writeMarker(dataDir, marker);
      log(`team worklists: ${containers.map((d) => d.slice(baseUrl.length)).join(', ')} (${elapsed()})`);
    }

    if (needsPlans) {
      // 8. The patients' self-treatment plans, each written by the clinician the patient lets write it (pod-server/world/plans.ts).
      const documents = await seedDemoPlans((name) => ctx.sessionFor(name), baseUrl, (patient) => demoHealthAccess(baseUrl, patient));
      marker = { ...marker, plansAt: toOsloIso(new Date()) };
      await writeMarker(dataDir, marker);
      log(`self-treatment plans: ${documents.map((d) => d.slice(baseUrl.length)).join(', ')} (${elapsed()})`);
    }

    let seeded = false;
    if (needsSeed) {
      await options.seedMeasurements!(ctx);
      marker = { ...marker, seededAt: toOsloIso(new Date()) };
      await writeMarker(dataDir, marker);
      seeded = true;
      log(`measurements seeded (${elapsed()})`);
    }
    log(`demo world ready in ${elapsed()}`);
    return {
      provisioned: needsProvisioning,
      seeded,
      ms: Math.round(performance.now() - started),
      accounts: worldAccounts(baseUrl, credentials),
      credentials,
    };
  } finally {
    await Promise.all([...sessions.values()].map(async (s) => (await s.catch(() => undefined))?.close()));
  }
}
