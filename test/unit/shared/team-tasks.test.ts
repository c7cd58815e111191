import { Parser } from 'n3';
import { describe, expect, it } from 'vitest';
import { alertTaskId, byUrgency, isOverdue, parseTask, taskTurtle, worklistOfTeamList, type Task } from '../../../apps/shared/team-tasks.ts';

const url = 'http://pods.example/oslo/worklists/oppfolgingsteam-a/alert-x';
const task: Task = {
  url,
  type: 'threshold-alert',
  team: 'http://pods.example/oslo/groups/oppfolgingsteam-a#group',
  patient: 'http://pods.example/hans/profile/card#me',
  priority: 'red',
  status: 'new',
  deadline: '2026-12-06T12:00:00.000Z',
  created: '2026-12-06T11:00:00.000Z',
  title: { en: 'SpO2 86 % (red below 88 %)', nb: 'SpO2 86 % (rød under 88 %)' },
  kind: 'oxygen-saturation',
  episodeStart: '2026-12-06T10:58:00.000Z',
  concerns: ['http://pods.example/hans/health/measurements/oxygen-saturation/2026-12#m-1', 'http://pods.example/hans/health/measurements/oxygen-saturation/2026-12#m-2'],
};

const parse = async (t: Task) => parseTask(t.url, new Parser({ baseIRI: t.url }).parse(await taskTurtle(t)));

describe('team tasks', () => {
  it('a task survives Turtle and back unchanged', async () => {
    expect(await parse(task)).toEqual(task);
    const request: Task = { ...task, type: 'advice-request', priority: 'yellow', status: 'taken', kind: undefined, episodeStart: undefined, concerns: [], thread: 'http://pods.example/hans/health/notes/t1', takenBy: 'http://pods.example/lunde/profile/card#me' };
    const { kind: _k, episodeStart: _e, ...expected } = request;
    expect(await parse(request)).toEqual(expected);
  });

  it('a document with two statuses or no deadline is not a task', () => {
    const base = `@prefix hv: <https://w3id.org/helsevev#>. @prefix dct: <http://purl.org/dc/terms/>.
      <#task> a hv:Task; hv:taskType hv:ThresholdAlert; hv:team <g>; hv:forPatient <p>; hv:priority hv:Red;
        dct:created "2026-12-06T11:00:00Z"`;
    const quads = (ttl: string) => new Parser({ baseIRI: url }).parse(ttl);
    expect(parseTask(url, quads(`${base}; hv:status hv:New, hv:Closed; hv:deadline "2026-12-06T12:00:00Z".`))).toBeUndefined();
    expect(parseTask(url, quads(`${base}; hv:status hv:New.`))).toBeUndefined();
    expect(parseTask(url, quads(`${base}; hv:status hv:New; hv:deadline "2026-12-06T12:00:00Z".`))?.status).toBe('new');
  });

  it('alert ids are the same for the same episode and differ between episodes, teams and patients', () => {
    const id = alertTaskId('team-a', task.patient, 'oxygen-saturation', '2026-12-06T10:58:00Z');
    expect(alertTaskId('team-a', task.patient, 'oxygen-saturation', '2026-12-06T10:58:00.000Z')).toBe(id);
    expect(alertTaskId('team-a', task.patient, 'oxygen-saturation', '2026-12-06T10:59:00Z')).not.toBe(id);
    expect(alertTaskId('team-b', task.patient, 'oxygen-saturation', '2026-12-06T10:58:00Z')).not.toBe(id);
    expect(alertTaskId('team-a', 'http://pods.example/kari/profile/card#me', 'oxygen-saturation', '2026-12-06T10:58:00Z')).not.toBe(id);
    expect(id).toMatch(/^alert-[A-Za-z0-9_-]{22}$/);
  });

  it('sorts open before done, red before yellow, then the soonest deadline; overdue only when open', () => {
    const t = (name: string, over: Partial<Task>): Task => ({ ...task, url: `${url}-${name}`, ...over });
    const tasks = [
      t('closed-red', { status: 'closed', deadline: '2026-12-06T09:00:00Z' }),
      t('yellow-early', { priority: 'yellow', deadline: '2026-12-06T09:00:00Z' }),
      t('red-late', { deadline: '2026-12-06T15:00:00Z' }),
      t('red-early', { status: 'taken', deadline: '2026-12-06T10:00:00Z' }),
    ];
    expect([...tasks].sort(byUrgency).map((x) => x.url.split('-x-')[1])).toEqual(['red-early', 'red-late', 'yellow-early', 'closed-red']);
    const now = new Date('2026-12-06T11:00:00Z');
    expect(tasks.filter((x) => isOverdue(x, now)).map((x) => x.url.split('-x-')[1])).toEqual(['yellow-early', 'red-early']);
  });

  it('finds the worklist next to a team list', () => {
    expect(worklistOfTeamList('http://pods.example/oslo/teams/oppfolgingsteam-a')).toBe('http://pods.example/oslo/worklists/oppfolgingsteam-a/');
    expect(() => worklistOfTeamList('http://pods.example/oslo/groups/x')).toThrow(/not a team list/);
  });
});
