/**
 * The team's work for record systems, as FHIR R4 (docs/teamwork.md):
 *
 *   GET /fhir/Task[?owner={team}][&status={FHIR status}]    the tasks of the caller's teams, a searchset Bundle
 *   GET /fhir/Communication?based-on=Task/{id}               the messages of one task's thread
 *
 * Task: `restriction.period.end` is the deadline, `owner` the team (a
 * CareTeam reference to its group), `for` the patient, `focus` and `input`
 * the measurements it concerns (linked by their IRIs, never copied).
 * Communication: `sender` is the author the pod server attested (left out,
 * with a note, when not verified), `payload` the text, `basedOn` the Task.
 * Read as the caller, like every other answer; these routes never write.
 */
import express, { type Request } from 'express';
import type { ShownMessage } from '../../shared/advice-thread.ts';
import { fhirIdOf } from '../../shared/fhir/export.ts';
import { FHIR_JSON } from '../../shared/fhir/outcome.ts';
import { problem, ProblemError } from '../../shared/problem.ts';
import type { Task } from '../../shared/team-tasks.ts';
import { readWorklist } from '../dashboard/worklist.ts';
import { memberTeams, readThread, type MemberTeam } from '../dashboard/teamwork-routes.ts';
import type { ClinicianQueryEngine } from '../engine/engine.ts';
import type { Identify } from './callers.ts';

const HV = 'https://w3id.org/helsevev#';
const IRI_SYSTEM = 'urn:ietf:rfc:3986';
const STATUS = { new: 'requested', taken: 'in-progress', answered: 'completed', closed: 'completed' } as const;
const PRIORITY = { red: 'urgent', yellow: 'asap', routine: 'routine' } as const;
const TYPE_CODE = { 'advice-request': 'AdviceRequest', 'threshold-alert': 'ThresholdAlert', 'missing-measurement': 'MissingMeasurement' } as const;

export function taskResource(task: Task, team: MemberTeam) {
  const observation = (iri: string) => ({ reference: iri, type: 'Observation' });
  return {
    resourceType: 'Task',
    id: fhirIdOf(task.url),
    identifier: [{ system: IRI_SYSTEM, value: task.url }],
    status: STATUS[task.status],
    businessStatus: { coding: [{ system: HV, code: task.status }], text: task.status },
    intent: 'order',
    priority: PRIORITY[task.priority],
    code: { coding: [{ system: HV, code: TYPE_CODE[task.type] }], text: task.title.en ?? task.type },
    for: { reference: task.patient, type: 'Patient' },
    owner: { reference: task.team, type: 'CareTeam', display: team.displayName ?? team.name },
    authoredOn: task.created,
    restriction: { period: { end: task.deadline } },
    ...(task.concerns[0] ? { focus: observation(task.concerns[0]) } : {}),
    ...(task.concerns.length > 0 ? { input: task.concerns.map((m) => ({ type: { text: 'measurement' }, valueReference: observation(m) })) } : {}),
    ...(task.takenBy ? { extension: [{ url: `${HV}takenBy`, valueReference: { reference: task.takenBy, type: 'Practitioner' } }] } : {}),
  };
}

export function communicationResource(message: ShownMessage, task: Task) {
  return {
    resourceType: 'Communication',
    id: fhirIdOf(message.iri),
    identifier: [{ system: IRI_SYSTEM, value: message.iri }],
    basedOn: [{ reference: `Task/${fhirIdOf(task.url)}` }],
    status: 'completed',
    category: [{ coding: [{ system: HV, code: message.type === 'request' ? 'AdviceRequestMessage' : 'RecommendationMessage' }] }],
    subject: { reference: task.patient, type: 'Patient' },
    about: message.regards.map((m) => ({ reference: m, type: 'Observation' })),
    sent: message.created,
    recipient: [{ reference: message.team, type: 'CareTeam' }],
    // Only the writer the pod server attested is a sender; a claim in the data never is.
    ...(message.author ? { sender: { reference: message.author, type: 'Practitioner' } } : { note: [{ text: 'author not verified' }] }),
    payload: [{ contentString: message.text }],
    ...(message.action ? { reasonCode: [{ coding: [{ system: HV, code: message.action }] }] } : {}),
  };
}

const bundle = (self: string, resources: readonly { id: string; resourceType: string }[], base: string) => ({
  resourceType: 'Bundle', type: 'searchset', total: resources.length, link: [{ relation: 'self', url: self }],
  entry: resources.map((resource) => ({ fullUrl: `${base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
});

export function mountFhirTaskRoutes(app: express.Express, deps: { engine: ClinicianQueryEngine; identify: Identify }): void {
  const base = (req: Request) => `${req.protocol}://${req.get('host')}/fhir`;
  const tasksOf = async (req: Request) => {
    const session = await deps.identify(req);
    const teams = await memberTeams(deps, session);
    const lists = await Promise.all(teams.map(async (team) => (await readWorklist(session.fetch, team.worklist)).map((task) => ({ task, team }))));
    return { session, all: lists.flat() };
  };

  app.get('/fhir/Task', async (req, res) => {
    const owner = typeof req.query.owner === 'string' ? req.query.owner : undefined;
    const status = typeof req.query.status === 'string' ? req.query.status : undefined;
    if (status && !Object.values(STATUS).includes(status as never)) {
      throw new ProblemError(problem(400, 'invalid-parameter', 'Unknown task status', `status: one of ${[...new Set(Object.values(STATUS))].join(', ')}`));
    }
    const { all } = await tasksOf(req);
    const chosen = all.filter(({ task, team }) => (!owner || owner === team.name || owner === task.team) && (!status || STATUS[task.status] === status))
      .sort((a, b) => a.task.deadline.localeCompare(b.task.deadline));
    res.set('cache-control', 'no-store').type(FHIR_JSON)
      .send(JSON.stringify(bundle(`${base(req)}${req.originalUrl.slice(req.originalUrl.indexOf('/Task'))}`, chosen.map(({ task, team }) => taskResource(task, team)), base(req))));
  });

  app.get('/fhir/Communication', async (req, res) => {
    const basedOn = typeof req.query['based-on'] === 'string' ? req.query['based-on'].replace(/^Task\//, '') : '';
    if (!basedOn) throw new ProblemError(problem(400, 'invalid-parameter', 'Say which task', 'based-on=Task/{id}: the task whose thread to read (see GET /fhir/Task)'));
    const { session, all } = await tasksOf(req);
    const found = all.find(({ task }) => fhirIdOf(task.url) === basedOn);
    if (!found) throw new ProblemError(problem(404, 'unknown-task', 'No such task', `no task ${basedOn.slice(0, 80)} in the worklists of your teams`));
    const messages = found.task.thread ? await readThread(session, found.task.thread) : [];
    res.set('cache-control', 'no-store').type(FHIR_JSON)
      .send(JSON.stringify(bundle(`${base(req)}/Communication?based-on=Task/${basedOn}`, messages.map((m) => communicationResource(m, found.task)), base(req))));
  });
}
