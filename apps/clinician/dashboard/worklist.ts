/**
 * A team's worklist read and changed as the logged-in clinician: the
 * clinician service never writes a task with any identity but the
 * clinician's own, so the pod server's ACL (the team's group) decides who may,
 * and its TaskClaimGuardHandler makes `hv:takenBy` the authenticated writer.
 * The format is apps/shared/team-tasks.ts; this module only moves documents.
 *
 * Changes are conditional N3 Patches: "take" matches `hv:status hv:New`, so
 * of two members taking at once exactly one wins (the other gets 409 and is
 * told who has it).
 */
import { Parser, type Quad } from 'n3';
import { HV, NS } from '../../../vocab/terms.ts';
import { N3_PATCH_CONTENT_TYPE } from '../../shared/n3-patch.ts';
import { noRedirects } from '../../shared/same-origin.ts';
import { parseTask, taskTurtle, type Task, type TaskStatus } from '../../shared/team-tasks.ts';

type Fetch = typeof fetch;
const LDP_CONTAINS = `${NS.ldp}contains`;
const STATUS_IRI: Record<TaskStatus, string> = { new: HV.New, taken: HV.Taken, answered: HV.Answered, closed: HV.Closed };

export class WorklistError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function turtleOf(fetch: Fetch, url: string): Promise<Quad[]> {
  const res = await fetch(url, noRedirects({ headers: { accept: 'text/turtle' } }));
  if (!res.ok) {
    await res.body?.cancel();
    throw new WorklistError(res.status, `${url}: ${res.status}`);
  }
  return new Parser({ baseIRI: url }).parse(await res.text());
}

/** The tasks in a worklist container (documents that are not one well-formed task are left out). */
export async function readWorklist(fetch: Fetch, container: string): Promise<Task[]> {
  const listing = await turtleOf(fetch, container);
  const documents = listing.filter((q) => q.subject.value === container && q.predicate.value === LDP_CONTAINS)
    .map((q) => q.object.value).filter((u) => u.startsWith(container) && !u.endsWith('/'));
  const tasks = await Promise.all(documents.map(async (url) => {
    try {
      return parseTask(url, await turtleOf(fetch, url));
    } catch {
      return undefined;
    }
  }));
  return tasks.filter((t): t is Task => t !== undefined);
}

export async function readTask(fetch: Fetch, url: string): Promise<Task | undefined> {
  return parseTask(url, await turtleOf(fetch, url));
}

/** Creates a new task document; never overwrites one (If-None-Match: *). */
export async function createTask(fetch: Fetch, task: Task): Promise<void> {
  const { url, ...rest } = task;
  const res = await fetch(url, { method: 'PUT', headers: { 'content-type': 'text/turtle', 'if-none-match': '*' }, body: await taskTurtle(rest) });
  await res.body?.cancel();
  if (!res.ok) throw new WorklistError(res.status, `the task could not be written to the team's worklist (${res.status})`);
}

const line = (s: string, p: string, o: string) => `<${s}> <${p}> <${o}> .`;

/** Moves a task from one status to the next; `takenBy` (the caller's own WebID) when taking. 409: it was not in `from`. */
export async function changeStatus(fetch: Fetch, task: Task, from: TaskStatus, to: TaskStatus, takenBy?: string): Promise<void> {
  const s = `${task.url}#task`;
  const inserts = [line(s, HV.status, STATUS_IRI[to]), ...(takenBy ? [line(s, HV.takenBy, takenBy)] : [])];
  const patch = `@prefix solid: <${NS.solid}>.\n_:p a solid:InsertDeletePatch;\n`
    + `  solid:where { ${line(s, HV.status, STATUS_IRI[from])} };\n`
    + `  solid:deletes { ${line(s, HV.status, STATUS_IRI[from])} };\n`
    + `  solid:inserts { ${inserts.join(' ')} }.\n`;
  const res = await fetch(task.url, { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: patch });
  await res.body?.cancel();
  if (!res.ok) throw new WorklistError(res.status, `the task could not be changed (${res.status})`);
}
