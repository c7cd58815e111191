/**
 * Writes the alert service's decisions (decide.ts) into the team's worklist,
 * `{org pod}worklists/{team}/{task id}` (apps/shared/team-tasks.ts), each
 * write idempotent, so that doing an action twice leaves the worklist as
 * doing it once:
 *
 * - create: PUT with `If-None-Match: *`; 412 means the task exists (an
 *   earlier run made it before it could record so), and the reading is then
 *   added to it as in `concern` (the same triple twice is one triple);
 * - concern: an N3 Patch inserting `<#task> hv:concerns <reading>`, with a
 *   `where` that the task exists (so a deleted task is never half re-made);
 * - raise: an N3 Patch replacing whatever priority and deadline the task has
 *   with red and the given deadline, and inserting the concern: done twice,
 *   the second replaces red with red.
 *
 * It never changes a task's status or who took it: that is the team's.
 * A write that fails throws; the caller keeps the reading unprocessed and
 * tries again later.
 */
import { HV, XSD } from '../../vocab/terms.ts';
import { isSafeHttpIri } from '../shared/measurement/iri.ts';
import { N3_PATCH_CONTENT_TYPE } from '../shared/n3-patch.ts';
import { taskTurtle } from '../shared/team-tasks.ts';
import type { Action } from './decide.ts';

const SOLID = 'http://www.w3.org/ns/solid/terms#';

export class WorklistWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorklistWriteError';
  }
}

/** `<value>`; the reading IRIs come from a patient's pod, so anything that could break out of < > is refused. */
function iri(value: string): string {
  if (!isSafeHttpIri(value)) throw new WorklistWriteError(`${JSON.stringify(String(value).slice(0, 100))} is not an IRI a task may link to`);
  return `<${value}>`;
}

async function patch(fetch: typeof globalThis.fetch, url: string, body: string, what: string): Promise<void> {
  const response = await fetch(url, { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body });
  if (!response.ok) {
    throw new WorklistWriteError(`Could not ${what} (${url}): the pod server answered ${response.status} ${(await response.text()).slice(0, 300)}`);
  }
  await response.body?.cancel();
}

/** `<task> hv:concerns <reading>`, only if the task document holds a task. */
function concernPatch(task: string, reading: string): string {
  return `@prefix solid: <${SOLID}>.\n_:p a solid:InsertDeletePatch;\n`
    + `  solid:where { ${iri(task)} a <${HV.Task}> };\n`
    + `  solid:inserts { ${iri(task)} <${HV.concerns}> ${iri(reading)} }.\n`;
}

function raisePatch(task: string, reading: string, deadline: string): string {
  const t = iri(task);
  return `@prefix solid: <${SOLID}>.\n_:p a solid:InsertDeletePatch;\n`
    + `  solid:where { ${t} <${HV.priority}> ?priority; <${HV.deadline}> ?deadline };\n`
    + `  solid:deletes { ${t} <${HV.priority}> ?priority; <${HV.deadline}> ?deadline };\n`
    + `  solid:inserts { ${t} <${HV.priority}> <${HV.Red}>; <${HV.deadline}> "${new Date(deadline).toISOString()}"^^<${XSD.dateTime}>;`
    + ` <${HV.concerns}> ${iri(reading)} }.\n`;
}

/** Does one action in the worklist at `worklist` (a container URL ending in '/'). Answers what happened, for the log. */
export async function applyAction(fetch: typeof globalThis.fetch, worklist: string, action: Action): Promise<'created' | 'existed' | 'added' | 'raised'> {
  const url = `${worklist}${action.taskId}`;
  const task = `${url}#task`;
  switch (action.type) {
    case 'create': {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'content-type': 'text/turtle', 'if-none-match': '*' },
        body: await taskTurtle(action.task),
      });
      await response.body?.cancel();
      if (response.status === 412) {
        for (const reading of action.task.concerns) await patch(fetch, url, concernPatch(task, reading), 'add a reading to an existing task');
        return 'existed';
      }
      if (!response.ok) throw new WorklistWriteError(`Could not create the task ${url}: the pod server answered ${response.status}`);
      return 'created';
    }
    case 'concern':
      await patch(fetch, url, concernPatch(task, action.reading), 'add a reading to its episode\'s task');
      return 'added';
    case 'raise':
      await patch(fetch, url, raisePatch(task, action.reading, action.deadline), 'raise a task to red');
      return 'raised';
  }
}
