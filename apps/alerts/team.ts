/**
 * What the alert service knows about its team, read as the organisation from
 * the organisation's own pod: the patient list (`teams/{team}`: the group
 * and its patients, pod-server/world/teams.ts) and the thresholds document
 * (`thresholds/{team}`: the thresholds with their levels and the team's
 * alert rules). Never reads a patient's pod.
 */
import { Parser } from 'n3';
import type { KindId } from '../../vocab/catalogue.ts';
import { HV, RDF } from '../../vocab/terms.ts';
import { parseAlertRules, type AlertRules } from '../shared/alert-rules.ts';
import { noRedirects } from '../shared/same-origin.ts';
import { checkThresholds } from '../shared/threshold-levels.ts';
import { parseThresholds, thresholdsDocumentOf, type Threshold } from '../shared/thresholds.ts';
import { worklistOfTeamList } from '../shared/team-tasks.ts';

export interface Series {
  readonly patient: string;
  readonly kind: KindId;
  readonly thresholds: readonly Threshold[];
}

export interface TeamSetup {
  readonly name: string;
  readonly listUrl: string;
  readonly thresholdsUrl: string;
  readonly worklist: string;
  /** The group IRI patients grant (hv:followedBy). */
  readonly group: string;
  readonly patients: readonly string[];
  readonly rules: AlertRules;
  /** One per patient on the list and kind the team has thresholds for, unless they contradict. */
  readonly series: readonly Series[];
  /** Problems to tell the operator (contradicting thresholds). */
  readonly warnings: readonly string[];
}

async function readTurtle(fetch: typeof globalThis.fetch, url: string, what: string) {
  const response = await fetch(url, noRedirects({ headers: { accept: 'text/turtle' }, signal: AbortSignal.timeout(10_000) }));
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`Could not read ${what} ${url}: the pod server answered ${response.status}`);
  }
  return new Parser({ baseIRI: url }).parse(await response.text());
}

/** The team `name` of the organisation whose pod is `orgPod`. */
export async function readTeam(fetch: typeof globalThis.fetch, orgPod: string, name: string): Promise<TeamSetup> {
  const listUrl = `${orgPod}teams/${name}`;
  const list = await readTurtle(fetch, listUrl, 'the team\'s patient list');
  if (!list) throw new Error(`There is no team "${name}" at ${orgPod}teams/ (no patient list at ${listUrl})`);
  const subjects = list.filter((q) => q.predicate.value === RDF.type && q.object.value === HV.PatientList).map((q) => q.subject.value);
  const about = (p: string) => list.filter((q) => subjects.includes(q.subject.value) && q.predicate.value === p && q.object.termType === 'NamedNode');
  const group = about(HV.followedBy)[0]?.object.value;
  if (!group) throw new Error(`The patient list ${listUrl} names no group (hv:followedBy): whose grants should the alerts follow?`);
  const patients = [...new Set(about(HV.patient).map((q) => q.object.value))].sort();
  const thresholdsUrl = thresholdsDocumentOf(listUrl);
  const quads = (await readTurtle(fetch, thresholdsUrl, 'the team\'s thresholds')) ?? [];
  const thresholds = parseThresholds(quads).filter((t) => patients.includes(t.patient));
  const series: Series[] = [];
  const warnings: string[] = [];
  for (const patient of patients) {
    for (const kind of [...new Set(thresholds.filter((t) => t.patient === patient).map((t) => t.kind))].sort()) {
      const own = thresholds.filter((t) => t.patient === patient && t.kind === kind);
      const errors = checkThresholds(own);
      if (errors.length > 0) warnings.push(`no alerts on ${kind} for ${patient}: ${errors.map((e) => e.message).join('; ')} (${thresholdsUrl})`);
      else series.push({ patient, kind, thresholds: own });
    }
  }
  return { name, listUrl, thresholdsUrl, worklist: worklistOfTeamList(listUrl), group, patients, rules: parseAlertRules(quads), series, warnings };
}
