/**
 * The follow-up team's tasks, as RDF in the team's worklist (docs/teamwork.md).
 * This module is the one definition of the format: the alert service writes
 * tasks with it, the clinician service reads, takes and answers them with it,
 * and FHIR `Task` is made from what it parses.
 *
 * Where a task lives: one document per task in the organisation's pod,
 *
 *   {org pod}worklists/{team}/{task id}
 *
 * next to `teams/{team}` and `thresholds/{team}`; the container is readable
 * and writable by the team's group only (the organisation has Control). A
 * task names the patient and links the measurements or the thread it is
 * about; it never copies health data (what a member may read of the patient
 * is still the patient's decision, at the patient's pod).
 *
 *   <#task> a hv:Task ;
 *       hv:taskType hv:ThresholdAlert ;        # or hv:MissingMeasurement, hv:AdviceRequest
 *       hv:team <{org pod}groups/{team}#group> ;
 *       hv:forPatient <{patient pod}profile/card#me> ;
 *       hv:priority hv:Red ;                    # hv:Yellow, hv:Routine
 *       hv:status hv:New ;                      # hv:Taken, hv:Answered, hv:Closed
 *       hv:deadline "2026-12-06T12:00:00Z"^^xsd:dateTime ;
 *       dct:created "2026-12-06T11:00:00Z"^^xsd:dateTime ;
 *       dct:title "SpO2 86 % (red below 88 %)"@en ;
 *       sosa:observedProperty sct:431314004 ;   # alerts: the kind
 *       hv:episodeStart "..."^^xsd:dateTime ;   # alerts: first crossing of the episode
 *       hv:concerns <{patient pod}health/measurements/...#m-...> ;   # 0..n
 *       hv:thread <{patient pod}health/notes/...> ;                  # requests
 *       hv:takenBy <{clinician WebID}> .        # when taken
 *
 * Task ids are deterministic where a retry or a restart could make a task
 * twice: an alert's id is derived from (team, patient, kind, episode start),
 * so a writer that creates it with `If-None-Match: *` and gets 412 knows it
 * exists and adds to it instead. Never put a national identity number or a
 * value from the patient's data in an id (ids show in URLs and logs).
 */
import { createHash } from 'node:crypto';
import { DataFactory, Writer, type Quad } from 'n3';
import { kindForSnomedIri, kindSpec, observedPropertyIri, type KindId } from '../../vocab/catalogue.ts';
import { DCT, HV, NS, RDF, SOSA, XSD } from '../../vocab/terms.ts';
import { withSlash } from './pod-urls.ts';

const { namedNode, literal, quad } = DataFactory;

export type TaskType = 'threshold-alert' | 'missing-measurement' | 'advice-request';
export type Priority = 'red' | 'yellow' | 'routine';
export type TaskStatus = 'new' | 'taken' | 'answered' | 'closed';

export interface Task {
  /** The task's document (its IRI is `{url}#task`). */
  readonly url: string;
  readonly type: TaskType;
  /** The team's group IRI. */
  readonly team: string;
  /** The patient's WebID. */
  readonly patient: string;
  readonly priority: Priority;
  readonly status: TaskStatus;
  /** ISO 8601, UTC. */
  readonly deadline: string;
  readonly created: string;
  /** One line for people, per language (at least `en`). */
  readonly title: Readonly<Record<string, string>>;
  readonly kind?: KindId;
  readonly episodeStart?: string;
  /** Measurement IRIs the task is about. */
  readonly concerns: readonly string[];
  readonly thread?: string;
  readonly takenBy?: string;
}

const TYPE_IRI: Record<TaskType, string> = {
  'threshold-alert': HV.ThresholdAlert, 'missing-measurement': HV.MissingMeasurement, 'advice-request': HV.AdviceRequest,
};
const PRIORITY_IRI: Record<Priority, string> = { red: HV.Red, yellow: HV.Yellow, routine: HV.Routine };
const STATUS_IRI: Record<TaskStatus, string> = { new: HV.New, taken: HV.Taken, answered: HV.Answered, closed: HV.Closed };
const inverse = <K extends string>(map: Record<K, string>) => (iri: string | undefined) =>
  (Object.entries(map) as [K, string][]).find(([, v]) => v === iri)?.[0];

/** `{org pod}worklists/{team}/`. */
export const worklistOf = (orgPod: string, team: string) => `${withSlash(orgPod)}worklists/${team}/`;

/** The worklist for the team list at `{org pod}teams/{team}`. */
export function worklistOfTeamList(teamListUrl: string): string {
  const match = /^(.*\/)teams\/([^/]+)$/.exec(teamListUrl);
  if (!match) throw new Error(`${teamListUrl} is not a team list ({org pod}teams/{team})`);
  return `${match[1]}worklists/${match[2]}/`;
}

const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 22);

/** The id of the alert task for one episode: the same inputs always give the same id. */
export const alertTaskId = (team: string, patient: string, kind: KindId, episodeStart: string) =>
  `alert-${digest(team, patient, kind, new Date(episodeStart).toISOString())}`;

/** The id of the missing-measurement task for one patient, kind and expected day (YYYY-MM-DD). */
export const missingTaskId = (team: string, patient: string, kind: KindId, day: string) =>
  `missing-${digest(team, patient, kind, day)}`;

/** Turtle for one task document (subjects relative to the document). */
export function taskTurtle(task: Omit<Task, 'url'>): Promise<string> {
  const s = namedNode('#task');
  const dateTime = (value: string) => literal(new Date(value).toISOString(), namedNode(XSD.dateTime));
  const quads: Quad[] = [
    quad(s, namedNode(RDF.type), namedNode(HV.Task)),
    quad(s, namedNode(HV.taskType), namedNode(TYPE_IRI[task.type])),
    quad(s, namedNode(HV.team), namedNode(task.team)),
    quad(s, namedNode(HV.forPatient), namedNode(task.patient)),
    quad(s, namedNode(HV.priority), namedNode(PRIORITY_IRI[task.priority])),
    quad(s, namedNode(HV.status), namedNode(STATUS_IRI[task.status])),
    quad(s, namedNode(HV.deadline), dateTime(task.deadline)),
    quad(s, namedNode(DCT.created), dateTime(task.created)),
    ...Object.entries(task.title).map(([lang, text]) => quad(s, namedNode(DCT.title), literal(text, lang))),
    ...(task.kind ? [quad(s, namedNode(SOSA.observedProperty), namedNode(observedPropertyIri(kindSpec(task.kind))))] : []),
    ...(task.episodeStart ? [quad(s, namedNode(HV.episodeStart), dateTime(task.episodeStart))] : []),
    ...task.concerns.map((m) => quad(s, namedNode(HV.concerns), namedNode(m))),
    ...(task.thread ? [quad(s, namedNode(HV.thread), namedNode(task.thread))] : []),
    ...(task.takenBy ? [quad(s, namedNode(HV.takenBy), namedNode(task.takenBy))] : []),
  ];
  const writer = new Writer({ prefixes: { hv: NS.hv, sosa: NS.sosa, sct: NS.snomed, dct: NS.dct, xsd: NS.xsd } });
  writer.addQuads(quads);
  return new Promise((resolve, reject) => writer.end((error, out) => (error ? reject(error) : resolve(out))));
}

/**
 * The task in a worklist document, or undefined when the document does not
 * hold exactly one well-formed task (a reader shows such a document as broken,
 * never guesses).
 */
export function parseTask(url: string, quads: readonly Quad[]): Task | undefined {
  const s = `${url}#task`;
  const all = (p: string) => quads.filter((q) => q.subject.value === s && q.predicate.value === p).map((q) => q.object);
  const one = (p: string) => {
    const values = all(p);
    return values.length === 1 ? values[0]!.value : undefined;
  };
  if (!all(RDF.type).some((o) => o.value === HV.Task)) return undefined;
  const type = inverse(TYPE_IRI)(one(HV.taskType));
  const priority = inverse(PRIORITY_IRI)(one(HV.priority));
  const status = inverse(STATUS_IRI)(one(HV.status));
  const team = one(HV.team);
  const patient = one(HV.forPatient);
  const deadline = one(HV.deadline);
  const created = one(DCT.created);
  if (!type || !priority || !status || !team || !patient || !deadline || !created) return undefined;
  if (Number.isNaN(Date.parse(deadline)) || Number.isNaN(Date.parse(created))) return undefined;
  const title = Object.fromEntries(all(DCT.title).flatMap((o) => (o.termType === 'Literal' ? [[o.language || 'en', o.value]] : [])));
  const property = one(SOSA.observedProperty);
  const kind = property ? kindForSnomedIri(property) : undefined;
  const episodeStart = one(HV.episodeStart);
  const thread = one(HV.thread);
  const takenBy = one(HV.takenBy);
  return {
    url, type, team, patient, priority, status, deadline, created, title,
    concerns: all(HV.concerns).map((o) => o.value),
    ...(kind ? { kind } : {}),
    ...(episodeStart ? { episodeStart } : {}),
    ...(thread ? { thread } : {}),
    ...(takenBy ? { takenBy } : {}),
  };
}

const PRIORITY_RANK: Record<Priority, number> = { red: 0, yellow: 1, routine: 2 };
const OPEN: ReadonlySet<TaskStatus> = new Set(['new', 'taken']);

/** Open tasks first, then by priority (red first), then by deadline (soonest first). */
export function byUrgency(a: Task, b: Task): number {
  return Number(!OPEN.has(a.status)) - Number(!OPEN.has(b.status))
    || PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority]
    || Date.parse(a.deadline) - Date.parse(b.deadline)
    || a.url.localeCompare(b.url);
}

/** True when an open task's deadline has passed at `now`. */
export const isOverdue = (task: Task, now: Date) => OPEN.has(task.status) && Date.parse(task.deadline) < now.getTime();
