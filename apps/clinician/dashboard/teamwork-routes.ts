/**
 * The team's work, for the dashboard and any client (docs/teamwork.md):
 *
 *   GET  /dashboard/api/tasks?team=T        the team's tasks ("Oppgaver / Tasks"), by urgency
 *   GET  /dashboard/api/tasks/mine          the tasks of every team the caller is in ("Mine oppgaver / My tasks")
 *   GET  /dashboard/api/tasks/live          Server-Sent Events: `change` when a worklist of the caller's teams changes
 *   POST /dashboard/api/requests            a request for advice: { team, patient, text, regards?, periodStart?, periodEnd?, deadline, priority? }
 *   POST /dashboard/api/tasks/take          { team, task }: the caller takes it (exactly one member can)
 *   POST /dashboard/api/tasks/answer        { team, task, text, action? }: a recommendation on the task's thread
 *   POST /dashboard/api/tasks/close         { team, task }
 *   GET  /dashboard/api/thread?team=T&task=U the thread's messages with their attested authors
 *
 * Everything is checked before anything is written (problem+json, nothing
 * stored on bad input), and everything is written as the caller: the
 * request and answers into the patient's own pod (health/notes/, where the
 * pod server attests the writer), the task into the team's worklist (where
 * the pod server lets hv:takenBy name only the writer).
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import { Parser } from 'n3';
import { appendQuads } from '../../shared/append.ts';
import { messageQuads, parseAdviceRequest, parseRecommendation, parseThread, threadDocumentOf, type ShownMessage } from '../../shared/advice-thread.ts';
import { invalidInput, problem, ProblemError } from '../../shared/problem.ts';
import type { PodSession } from '../../shared/pod-session.ts';
import { byUrgency, isOverdue, worklistOfTeamList, type Task } from '../../shared/team-tasks.ts';
import type { TeamSummary } from '../engine/team.ts';
import { ParameterError, parsePatient } from '../engine/params.ts';
import { relayNotifications } from './live.ts';
import { namesOf } from './people.ts';
import type { DashboardDeps } from './routes.ts';
import { changeStatus, createTask, readTask, readWorklist, WorklistError } from './worklist.ts';

export type MemberTeam = TeamSummary & { readonly group: string; readonly patients: readonly string[]; readonly worklist: string };

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** The caller's team `name`, or 404/403 problem details when there is none or they are not in it. */
async function memberTeam(deps: Pick<DashboardDeps, 'engine'>, session: PodSession, name: string): Promise<MemberTeam> {
  if (!name) throw new ParameterError('team', 'team: say which team (team=oppfolgingsteam-a); see GET /teams');
  const found = (await deps.engine.teams(session)).find((t) => t.name === name);
  // A team the caller cannot see and one they are not in are answered alike: neither is theirs to act on.
  if (!found?.member || !found.patients || !found.group) {
    throw new ProblemError(problem(403, 'not-team-member', 'You are not in this team',
      `you are not in a team named "${name.slice(0, 80)}" (see GET /teams); only a team's members may read or change its tasks. Nothing was written`));
  }
  return { ...found, group: found.group, patients: found.patients, worklist: worklistOfTeamList(found.url) };
}

/** Every team the caller is in, with its worklist. */
export async function memberTeams(deps: Pick<DashboardDeps, 'engine'>, session: PodSession): Promise<MemberTeam[]> {
  return (await deps.engine.teams(session)).filter((t) => t.member && t.patients && t.group)
    .map((t) => ({ ...t, group: t.group!, patients: t.patients!, worklist: worklistOfTeamList(t.url) }));
}

/** A task of `team`, by its URL; a task elsewhere (another team's) is refused before it is read. */
async function taskOf(session: PodSession, team: MemberTeam, url: string): Promise<Task> {
  if (!url) throw new ProblemError(invalidInput([{ field: 'task', message: 'the task\'s URL, from the task list' }], 'send JSON { team, task }'));
  if (!url.startsWith(team.worklist) || url.slice(team.worklist.length).includes('/')) {
    throw new ProblemError(problem(403, 'task-of-another-team', 'Not a task of this team',
      `${url.slice(0, 200)} is not in the worklist of ${team.name} (${team.worklist}); act on a task from your team's list. Nothing was written`));
  }
  const task = await readTask(session.fetch, url).catch((error: unknown) => {
    if (error instanceof WorklistError && error.status === 404) throw new ProblemError(problem(404, 'unknown-task', 'No such task', `${url} is not in the worklist`));
    throw error;
  });
  if (!task || task.team !== team.group) throw new ProblemError(problem(409, 'broken-task', 'The task cannot be read', `${url} is not a well-formed task of ${team.name}`));
  return task;
}

const taskJson = (task: Task, team: MemberTeam, me: string, now: Date, names: ReadonlyMap<string, string> = new Map()) => ({
  ...task, teamName: team.name, teamDisplayName: team.displayName ?? team.name, overdue: isOverdue(task, now), mine: task.takenBy === me,
  ...(names.get(task.patient) ? { patientName: names.get(task.patient) } : {}),
  ...(task.takenBy && names.get(task.takenBy) ? { takenByName: names.get(task.takenBy) } : {}),
});

/** Names of the patients and takers of `tasks`, from their own profiles. */
const peopleOf = (deps: DashboardDeps, tasks: readonly Task[]) => namesOf(deps.engine, tasks.flatMap((t) => [t.patient, ...(t.takenBy ? [t.takenBy] : [])]));

function writeFailed(error: unknown): never {
  if (error instanceof WorklistError) {
    if (error.status === 409 || error.status === 412) throw new ProblemError(problem(409, 'task-changed', 'Someone else changed the task first', 'reload the task list: another member took, answered or closed it'));
    if (error.status === 401 || error.status === 403) throw new ProblemError(problem(403, 'worklist-not-writable', 'You may not change this team\'s worklist', error.message));
  }
  throw error;
}

/** The messages of a thread in the patient's pod, read as the caller (the patient's grant decides). */
export async function readThread(session: PodSession, thread: string): Promise<ShownMessage[]> {
  const answer = await session.fetch(thread, { headers: { accept: 'text/turtle' }, redirect: 'manual' });
  if (!answer.ok) {
    await answer.body?.cancel();
    throw new ProblemError(problem(answer.status === 403 ? 403 : 502, 'thread-unreadable', 'The thread could not be read', `${thread}: ${answer.status}`));
  }
  return parseThread(new Parser({ baseIRI: thread }).parse(await answer.text()));
}

export function mountTeamwork(app: express.Express, deps: DashboardDeps): void {
  const { identify } = deps;
  const json = express.json({ limit: '32kb' });

  app.get('/dashboard/api/tasks', async (req, res) => {
    const session = await identify(req);
    const team = await memberTeam(deps, session, str(req.query.team));
    const now = new Date();
    const tasks = (await readWorklist(session.fetch, team.worklist)).sort(byUrgency);
    const names = await peopleOf(deps, tasks);
    res.set('cache-control', 'no-store').json({ team: team.name, webId: session.webId, tasks: tasks.map((t) => taskJson(t, team, session.webId, now, names)) });
  });

  app.get('/dashboard/api/tasks/mine', async (req, res) => {
    const session = await identify(req);
    const now = new Date();
    const teams = await memberTeams(deps, session);
    const lists = await Promise.all(teams.map(async (team) => (await readWorklist(session.fetch, team.worklist)).map((t) => ({ t, team }))));
    const all = lists.flat().sort((a, b) => byUrgency(a.t, b.t));
    const names = await peopleOf(deps, all.map((x) => x.t));
    res.set('cache-control', 'no-store').json({
      webId: session.webId, teams: teams.map((t) => ({ name: t.name, displayName: t.displayName ?? t.name })),
      tasks: all.map(({ t, team }) => taskJson(t, team, session.webId, now, names)),
    });
  });

  app.get('/dashboard/api/tasks/live', async (req, res) => {
    const session = await identify(req);
    const closed = deps.liveStreams.add(session, () => (res.headersSent ? res.end() : res.destroy()));
    res.once('close', closed);
    const teams = await memberTeams(deps, session);
    deps.queryDone(req);
    if (res.destroyed || res.writableEnded) return;
    res.status(200).set({ 'content-type': 'text/event-stream', 'cache-control': 'no-cache, private', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.flushHeaders();
    res.write('retry: 5000\n\n');
    await relayNotifications(session.fetch, teams.map((t) => ({ url: t.worklist, category: t.name })), res,
      (cleanup) => { req.on('close', cleanup); res.on('close', cleanup); });
  });

  app.post('/dashboard/api/requests', json, async (req, res) => {
    const session = await identify(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const team = await memberTeam(deps, session, str(body.team));
    if (!str(body.patient)) throw new ProblemError(invalidInput([{ field: 'patient', message: 'the patient\'s WebID' }], 'send JSON { team, patient, text, deadline, priority }'));
    const patient = parsePatient('patient', str(body.patient));
    if (!team.patients.includes(patient)) {
      throw new ProblemError(problem(403, 'patient-not-followed', 'The team does not follow this patient',
        `${team.name} does not follow ${patient}; ask a team that follows the patient. Nothing was written`));
    }
    const pod = await deps.engine.podOf(patient);
    const now = new Date();
    const parsed = parseAdviceRequest(body, pod, now);
    if (!parsed.ok) throw new ProblemError(invalidInput(parsed.errors, 'nothing was written; correct the fields named and send again'));
    const input = parsed.value;
    const id = `request-${randomUUID()}`;
    const thread = threadDocumentOf(pod, id);
    const task: Task = {
      url: `${team.worklist}${id}`, type: 'advice-request', team: team.group, patient, priority: input.priority, status: 'new',
      deadline: input.deadline, created: now.toISOString(), title: { nb: 'Forespørsel om råd', en: 'Request for advice' },
      concerns: input.regards, thread,
    };
    await createTask(session.fetch, task).catch(writeFailed);
    const message = messageQuads(thread, {
      type: 'request', team: team.group, task: `${task.url}#task`, text: input.text, regards: input.regards,
      ...(input.periodStart ? { periodStart: input.periodStart } : {}), ...(input.periodEnd ? { periodEnd: input.periodEnd } : {}),
      claimedAuthor: session.webId, created: now.toISOString(),
    });
    const outcome = await appendQuads(session.fetch, thread, message.quads);
    if (!outcome.ok) {
      // The thread is where the request is said: without it, no task either.
      await session.fetch(task.url, { method: 'DELETE' }).then((r) => r.body?.cancel()).catch(() => undefined);
      const status = outcome.status === 401 || outcome.status === 403 ? 403 : 502;
      throw new ProblemError(problem(status, status === 403 ? 'notes-not-granted' : 'pod-server-unreachable',
        status === 403 ? 'The patient has not let your team write about him' : 'The request could not be saved', `${outcome.reason}; nothing was kept`));
    }
    res.status(201).set('location', task.url).json({ task: taskJson(task, team, session.webId, now), thread, message: message.iri });
  });

  const transition = (from: readonly Task['status'][], to: Task['status']) => async (req: Request, res: Response) => {
    const session = await identify(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const team = await memberTeam(deps, session, str(body.team));
    const task = await taskOf(session, team, str(body.task));
    if (!from.includes(task.status)) {
      throw new ProblemError(problem(409, 'task-status', `The task is ${task.status}`,
        `a ${task.status} task cannot be ${to === 'taken' ? 'taken' : to}${task.takenBy ? ` (taken by ${task.takenBy})` : ''}; nothing was written`));
    }
    await changeStatus(session.fetch, task, task.status, to, to === 'taken' ? session.webId : undefined).catch(writeFailed);
    res.json({ task: taskJson((await readTask(session.fetch, task.url))!, team, session.webId, new Date()) });
  };
  app.post('/dashboard/api/tasks/take', json, transition(['new'], 'taken'));
  app.post('/dashboard/api/tasks/close', json, transition(['new', 'taken', 'answered'], 'closed'));

  app.post('/dashboard/api/tasks/answer', json, async (req, res) => {
    const session = await identify(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const team = await memberTeam(deps, session, str(body.team));
    const task = await taskOf(session, team, str(body.task));
    const parsed = parseRecommendation(body);
    if (!parsed.ok) throw new ProblemError(invalidInput(parsed.errors, 'nothing was written; correct the fields named and send again'));
    if (!task.thread) throw new ProblemError(problem(409, 'no-thread', 'This task has no thread', 'an alert has no thread to answer on: send the team a request for advice about it'));
    if (task.status === 'closed' || (task.status === 'taken' && task.takenBy !== session.webId)) {
      throw new ProblemError(problem(409, 'task-status', task.status === 'closed' ? 'The task is closed' : 'Another member has taken the task',
        `${task.status === 'closed' ? 'a closed task is not answered' : `${task.takenBy} has it`}; nothing was written`));
    }
    const now = new Date();
    const message = messageQuads(task.thread, {
      type: 'recommendation', team: team.group, task: `${task.url}#task`, text: parsed.value.text, regards: [],
      ...(parsed.value.action ? { action: parsed.value.action } : {}), claimedAuthor: session.webId, created: now.toISOString(),
    });
    const outcome = await appendQuads(session.fetch, task.thread, message.quads);
    if (!outcome.ok) throw new ProblemError(problem(outcome.status === 403 ? 403 : 502, 'answer-not-saved', 'The answer could not be saved', outcome.reason));
    if (task.status !== 'answered') {
      await changeStatus(session.fetch, task, task.status, 'answered', task.status === 'new' ? session.webId : undefined).catch(writeFailed);
    }
    res.status(201).json({ message: message.iri, task: taskJson((await readTask(session.fetch, task.url))!, team, session.webId, now) });
  });

  app.get('/dashboard/api/thread', async (req, res) => {
    const session = await identify(req);
    const team = await memberTeam(deps, session, str(req.query.team));
    const task = await taskOf(session, team, str(req.query.task));
    if (!task.thread) return res.json({ task: taskJson(task, team, session.webId, new Date()), messages: [] });
    const messages = await readThread(session, task.thread);
    // Names of the attested authors only: what a message claims (dct:creator) is never shown as its author.
    const names = await namesOf(deps.engine, [task.patient, ...(task.takenBy ? [task.takenBy] : []), ...messages.flatMap((m) => (m.author ? [m.author] : []))]);
    res.set('cache-control', 'no-store').json({
      task: taskJson(task, team, session.webId, new Date(), names), thread: task.thread,
      messages: messages.map((m) => ({ ...m, ...(m.author && names.get(m.author) ? { authorName: names.get(m.author) } : {}) })),
    });
  });
}
