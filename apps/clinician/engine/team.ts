/**
 * Who a query is about: a team's patient list, found from the clinician's
 * own identity. clinician WebID -> profile `org:memberOf` -> organisation's
 * profile `pim:storage` -> `{org pod}teams/{team}` (pod-server/world/teams.ts).
 *
 * A team is only ever named, never given as a URL: the server fetches nothing
 * a request points it at. The list is read with the clinician's credentials
 * and revalidated on every query (it is access controlled, like the data).
 */
import type { Quad } from 'n3';
import { HV, NS, RDF } from '../../../vocab/terms.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import { fetchDocuments, type DocumentCache, type FetchStats } from './documents.ts';
import { objectsOf, ORG_MEMBER_OF, podOf, ProfileError, readProfile, type ProfileReader } from './profiles.ts';

export const TEAM_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
const VCARD_FN = `${NS.vcard}fn`;
const LDP_CONTAINS = `${NS.ldp}contains`;

export interface Team {
  readonly name: string;
  /** The patient list document. */
  readonly url: string;
  readonly displayName?: string;
  /** The group the list names (hv:followedBy). */
  readonly group?: string;
  readonly organisation: string;
  /** Patients' WebIDs, in the list's order (sorted). */
  readonly patients: readonly string[];
  /** The record identifiers the list's entries give its patients (hv:entry), for identifier search. */
  readonly identifiers: readonly ListedIdentifier[];
  readonly quads: readonly Quad[];
}

/** A patient of a list as its organisation's record system knows them (an hv:entry with hv:identifier). */
export interface ListedIdentifier {
  readonly patient: string;
  readonly system: string;
  readonly value: string;
}

export interface Clinician {
  readonly webId: string;
  readonly fetch: typeof fetch;
}

export interface TeamContext {
  readonly profiles: ProfileReader;
  readonly cache?: DocumentCache;
  readonly stats?: FetchStats;
}

function addStats(into: FetchStats | undefined, from: FetchStats): void {
  if (!into) return;
  into.requests += from.requests;
  into.notModified += from.notModified;
  into.bytes += from.bytes;
}

/** The organisations the clinician's public profile says they belong to, with their pods. */
async function organisationsOf(clinician: Clinician, ctx: TeamContext): Promise<{ webId: string; storage: string; name?: string }[]> {
  let profile: readonly Quad[];
  try {
    profile = await readProfile(clinician.webId, ctx.profiles);
  } catch (error) {
    throw new ProblemError(problem(502, 'profile-unreadable', 'Your profile could not be read',
      `${(error as Error).message}; the service finds your teams through your profile's org:memberOf`));
  }
  const orgs = objectsOf(profile, clinician.webId, ORG_MEMBER_OF);
  if (orgs.length === 0) {
    throw new ProblemError(problem(403, 'no-organisation', 'You belong to no organisation',
      `your profile (${clinician.webId}) names no organisation (org:memberOf); ask your organisation to add you to a team`));
  }
  const found: { webId: string; storage: string; name?: string }[] = [];
  for (const org of orgs) {
    try {
      const { pod, profile: orgProfile } = await podOf(org, ctx.profiles);
      const name = orgProfile.find((q) => q.subject.value === org && q.predicate.value === `${NS.foaf}name`)?.object.value;
      found.push({ webId: org, storage: pod.storage, ...(name ? { name } : {}) });
    } catch (error) {
      if (!(error instanceof ProfileError)) throw error;
    }
  }
  if (found.length === 0) {
    throw new ProblemError(problem(502, 'organisation-unreadable', 'Your organisation could not be found',
      `none of your organisations (${orgs.join(', ')}) has a readable profile with a pod on a pod server this service reads`));
  }
  return found;
}

async function readOne(url: string, clinician: Clinician, ctx: TeamContext) {
  const { results, stats } = await fetchDocuments([{ url }], { fetch: clinician.fetch, cache: ctx.cache, concurrency: 1 });
  addStats(ctx.stats, stats);
  return results[0]!;
}

/** Team names in `{org pod}teams/` that the clinician may list (empty if they may not). */
async function teamNamesAt(teamsContainer: string, clinician: Clinician, ctx: TeamContext): Promise<string[] | undefined> {
  const listing = await readOne(teamsContainer, clinician, ctx);
  if (listing.status !== 'read') return undefined;
  return objectsFromContainer(listing.quads, teamsContainer);
}

function objectsFromContainer(quads: readonly Quad[], container: string): string[] {
  return quads
    .filter((q) => q.subject.value === container && q.predicate.value === LDP_CONTAINS)
    .map((q) => q.object.value.slice(container.length))
    .filter((name) => TEAM_NAME.test(name))
    .sort();
}

export function parseTeamList(quads: readonly Quad[], url: string): Omit<Team, 'name' | 'organisation'> {
  const lists = quads.filter((q) => q.predicate.value === RDF.type && q.object.value === HV.PatientList).map((q) => q.subject.value);
  const about = (predicate: string) => quads.filter((q) => lists.includes(q.subject.value) && q.predicate.value === predicate);
  const patients = [...new Set(about(HV.patient).filter((q) => q.object.termType === 'NamedNode').map((q) => q.object.value))].sort();
  const displayName = about(VCARD_FN)[0]?.object.value;
  const group = about(HV.followedBy)[0]?.object.value;
  return { url, patients, identifiers: listedIdentifiers(quads, about(HV.entry), patients), quads, ...(displayName ? { displayName } : {}), ...(group ? { group } : {}) };
}

/** Entries' identifiers, for patients the list itself names only (an entry cannot add a patient). */
function listedIdentifiers(quads: readonly Quad[], entries: readonly Quad[], patients: readonly string[]): ListedIdentifier[] {
  const objects = (subject: Quad['object'], predicate: string) => quads.filter((q) => q.subject.equals(subject) && q.predicate.value === predicate).map((q) => q.object);
  const found: ListedIdentifier[] = [];
  for (const { object: entry } of entries) {
    const entryPatients = objects(entry, HV.patient).filter((p) => p.termType === 'NamedNode').map((p) => p.value);
    if (entryPatients.length !== 1 || !patients.includes(entryPatients[0]!)) continue;
    for (const id of objects(entry, HV.identifier)) {
      const [system] = objects(id, HV.identifierSystem);
      const [value] = objects(id, HV.identifierValue);
      if (system?.termType === 'Literal' && value?.termType === 'Literal') found.push({ patient: entryPatients[0]!, system: system.value, value: value.value });
    }
  }
  return found;
}

/** The team `name` of one of the clinician's organisations; problem details (404/403) if there is none they may read. */
export async function resolveTeam(clinician: Clinician, name: string, ctx: TeamContext): Promise<Team> {
  if (!TEAM_NAME.test(name)) {
    throw new ProblemError(problem(400, 'invalid-team', 'Not a team name',
      `"${name.slice(0, 80)}" is not a team name: use the team's short name, e.g. oppfolgingsteam-a (lowercase letters, digits, '-')`));
  }
  const organisations = await organisationsOf(clinician, ctx);
  const known: string[] = [];
  for (const org of organisations) {
    const container = `${org.storage}teams/`;
    const url = `${container}${name}`;
    const list = await readOne(url, clinician, ctx);
    if (list.status === 'read') return { name, organisation: org.webId, ...parseTeamList(list.quads, url) };
    if (list.status === 'unreachable') {
      throw new ProblemError(problem(502, 'pod-server-unreachable', 'The pod server did not answer',
        `the team list ${url} could not be read: ${list.detail}; try again shortly`));
    }
    const names = await teamNamesAt(container, clinician, ctx);
    if (names === undefined) {
      // Not in any of the organisation's groups: cannot even see which teams exist.
      throw new ProblemError(problem(403, 'not-team-member', 'You are in no team here',
        `${clinician.webId} may not read the teams of ${org.name ?? org.webId} (nor the list of "${name}", if there is one); ` +
          `only members of a team's group may. Ask ${org.name ?? 'your organisation'} to add you to the team's group`));
    }
    if (names.includes(name)) {
      throw new ProblemError(problem(403, 'not-team-member', 'You are not in this team',
        `${clinician.webId} may not read the patient list of ${name} at ${org.name ?? org.webId}; ` +
          `only members of the team's group may. Ask ${org.name ?? 'your organisation'} to add you to the group`));
    }
    known.push(...names);
  }
  throw new ProblemError(problem(404, 'unknown-team', 'No such team',
    `there is no team "${name}" at ${organisations.map((o) => o.name ?? o.webId).join(', ')}` +
      (known.length > 0 ? `; teams there: ${[...new Set(known)].join(', ')}` : '')));
}

/** The teams of the clinician's organisations, and whether the clinician may read each one's list. */
export interface TeamSummary {
  readonly name: string;
  readonly organisation: string;
  readonly url: string;
  /** Whether the clinician may read the team's list (is in its group). */
  readonly member: boolean;
  readonly displayName?: string;
  /** The team's group (hv:followedBy), when the clinician may read the list. */
  readonly group?: string;
  /** The list's patients, when the clinician may read it. */
  readonly patients?: readonly string[];
  /** The patients' record identifiers on the list, when the clinician may read it. */
  readonly identifiers?: readonly ListedIdentifier[];
}

export async function listTeams(clinician: Clinician, ctx: TeamContext): Promise<TeamSummary[]> {
  const organisations = await organisationsOf(clinician, ctx);
  const teams: TeamSummary[] = [];
  for (const org of organisations) {
    const container = `${org.storage}teams/`;
    for (const name of (await teamNamesAt(container, clinician, ctx)) ?? []) {
      const url = `${container}${name}`;
      const list = await readOne(url, clinician, ctx);
      const parsed = list.status === 'read' ? parseTeamList(list.quads, url) : undefined;
      teams.push({
        name, organisation: org.webId, url, member: parsed !== undefined,
        ...(parsed?.displayName ? { displayName: parsed.displayName } : {}),
        ...(parsed?.group ? { group: parsed.group } : {}),
        ...(parsed ? { patients: parsed.patients, identifiers: parsed.identifiers } : {}),
      });
    }
  }
  return teams;
}
