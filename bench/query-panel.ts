/**
 * The query benchmark's panel: N patients (default 100), each with an
 * account and pod (CSS's account API), the health layout for 4 kinds with
 * the municipal team's group granted read, and D days (default 90) of home
 * measurements: SpO2 and pulse twice a day, blood pressure and weight every
 * morning (~540 readings and 16 month documents per patient at 90 days).
 * Month documents are written whole (PUT) as the patient, through the one
 * mapping (measurementsByDocument); the team's list `oslo/teams/panel`
 * names every patient.
 *
 * Deterministic for a given `end`: the same panel, the same documents.
 */
import { healthAclTurtle, type HealthAccess } from '../apps/shared/health-acl.ts';
import { healthContainers } from '../apps/shared/health-layout.ts';
import { measurementsByDocument, quadsToTurtle, toOsloIso, type Measurement } from '../apps/shared/measurement/index.ts';
import { openPodSession, type PodSession } from '../apps/shared/pod-session.ts';
import { ensureAccount } from '../pod-server/world/accounts.ts';
import type { AccountCredentials } from '../apps/shared/credentials.ts';
import { demoGroup, groupIriOf, webIdOf } from '../pod-server/world/demo-world.ts';
import { ensureContainer, putTurtle } from '../pod-server/world/pod-writes.ts';
import { publishTeamList } from '../pod-server/world/teams.ts';
import type { KindId } from '../vocab/catalogue.ts';
import { seededRandom as random } from '../apps/shared/prng.ts';

export const PANEL_KINDS: readonly KindId[] = ['oxygen-saturation', 'heart-rate', 'blood-pressure', 'body-weight'];
export const PANEL_TEAM = 'panel';
const DAY = 86_400_000;

export interface Panel {
  readonly patients: readonly { name: string; webId: string; pod: string; credentials: AccountCredentials }[];
  readonly end: Date;
  readonly days: number;
  readonly documents: number;
  readonly measurements: number;
  readonly seconds: { accounts: number; layout: number; documents: number; total: number };
}

/** The panel patient's readings: deterministic per (index, end). */
export function panelMeasurements(webId: string, index: number, end: Date, days: number, vendor: string): Measurement[] {
  const r = random(1000 + index);
  const noise = (sd: number) => (r() + r() + r() - 1.5) * sd * 2;
  const base = { patient: webId, source: vendor };
  const out: Measurement[] = [];
  const baseline = 90 + r() * 7;
  for (let d = days - 1; d >= 0; d--) {
    const day = Math.floor((end.getTime() - d * DAY) / DAY) * DAY;
    for (const [hour, setting] of [[6, 'home-municipality'], [17, 'home-hospital']] as const) {
      const t = day + hour * 3600_000 + Math.floor(r() * 50) * 60_000;
      if (t > end.getTime()) continue;
      const effectiveTime = toOsloIso(new Date(t));
      out.push({ ...base, setting, effectiveTime, device: `oxi-${index}`, kind: 'oxygen-saturation', unit: '%', value: Math.round(Math.min(100, Math.max(78, baseline + noise(1.5)))) });
      out.push({ ...base, setting, effectiveTime, device: `oxi-${index}`, kind: 'heart-rate', unit: '/min', value: Math.round(75 + noise(6)) });
    }
    const t = day + 7 * 3600_000 + Math.floor(r() * 30) * 60_000;
    if (t > end.getTime()) continue;
    const effectiveTime = toOsloIso(new Date(t));
    const systolic = Math.round(130 + noise(8));
    out.push({ ...base, setting: 'home-municipality', effectiveTime, device: `bt-${index}`, kind: 'blood-pressure', unit: 'mm[Hg]', systolic, diastolic: Math.round(systolic - 48 + noise(4)) });
    out.push({ ...base, setting: 'home-municipality', effectiveTime, device: `vekt-${index}`, kind: 'body-weight', unit: 'kg', value: Math.round((80 + index % 20 + noise(0.4)) * 10) / 10 });
  }
  return out;
}

async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  }));
}

export async function buildPanel(options: {
  baseUrl: string;
  osloFetch: typeof fetch;
  patients: number;
  days: number;
  end: Date;
  progress: (line: string) => void;
}): Promise<Panel> {
  const { baseUrl, end, days } = options;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const names = Array.from({ length: options.patients }, (_, i) => `panel-${String(i + 1).padStart(3, '0')}`);
  const group = groupIriOf(baseUrl, demoGroup('oppfolgingsteam-a'));
  const vendor = webIdOf(baseUrl, 'vendor');

  // 1. Accounts and pods, through CSS's account API.
  const patients: Panel['patients'][number][] = new Array(names.length);
  let done = 0;
  await eachLimited(names, 4, async (name, i) => {
    const { credentials } = await ensureAccount(baseUrl, name, undefined);
    patients[i] = { name, webId: webIdOf(baseUrl, name), pod: `${baseUrl}${name}/`, credentials };
    options.progress(`panel: accounts and pods ${++done}/${names.length}`);
  });
  const accountsDone = seconds();

  // 2. Health layout and ACLs (4 kinds, read granted to the team's group), as each patient.
  const sessions = new Map<string, PodSession>();
  done = 0;
  await eachLimited(patients, 4, async (p) => {
    const session = await openPodSession(p.credentials);
    sessions.set(p.name, session);
    const access: HealthAccess = {
      owner: p.webId,
      appenders: {}, // the month documents are written whole as the patient: no device appends here
      readers: Object.fromEntries(PANEL_KINDS.map((k) => [k, [{ group }]])),
    };
    // Not access-log/: the pod server makes it, with its own ACL.
    for (const container of healthContainers(p.pod, PANEL_KINDS).filter((c) => c.kind !== 'access-log')) {
      const { acl } = await ensureContainer(session.fetch, container.url);
      await putTurtle(session.fetch, acl, await healthAclTurtle(container, access, acl));
    }
    options.progress(`panel: health layouts ${++done}/${patients.length}`);
  });
  const layoutDone = seconds();

  // 3. Month documents, written whole as the patient.
  const byPatient = patients.map((p, i) => ({ p, measurements: panelMeasurements(p.webId, i, end, days, vendor) }));
  const documents = byPatient.flatMap(({ p, measurements }) => [...measurementsByDocument(measurements, () => p.pod)].map(([url, quads]) => ({ p, url, quads })));
  done = 0;
  await eachLimited(documents, 8, async ({ p, url, quads }) => {
    await putTurtle(sessions.get(p.name)!.fetch, url, await quadsToTurtle(quads));
    if (++done % 20 === 0 || done === documents.length) options.progress(`panel: month documents ${done}/${documents.length}`);
  });
  await Promise.all([...sessions.values()].map((s) => s.close()));

  // 4. The team's patient list.
  await publishTeamList(options.osloFetch, baseUrl, {
    name: PANEL_TEAM, owner: 'oslo', displayName: `Benchmark panel (${patients.length} patients)`,
    group, organisationGroups: [group], patients: patients.map((p) => p.webId),
  });
  const total = seconds();
  return {
    patients, end, days, documents: documents.length,
    measurements: byPatient.reduce((n, b) => n + b.measurements.length, 0),
    seconds: { accounts: accountsDone, layout: layoutDone - accountsDone, documents: total - layoutDone, total },
  };
}
