/**
 * "Who has looked": the pod server's access log in plain words, newest
 * first: "OUS lung team – Ingrid Lunde read your oxygen saturation, 12 May,
 * 10:43", or "... subscribed to changes in your oxygen saturation" for a
 * notification channel. Names come from the readers' public profiles and the
 * directory's public group documents; denied attempts are marked.
 */
import { CATEGORIES, kindSpec } from '../../../vocab/catalogue.ts';
import { granteeIri } from '../../shared/directory.ts';
import type { AccessLogEntry } from '../../shared/access-log.ts';
import { formatWhen } from '../i18n.ts';
import { readAccessLog, readAgentName, readGroupMembers } from '../pod.ts';
import type { ViewContext } from './context.ts';
import { h } from './dom.ts';

interface LogState {
  entries?: AccessLogEntry[];
  names: Map<string, string | undefined>;
  /** agent WebID -> directory entry index of the team it is in. */
  teams: Map<string, number>;
}

const state: LogState = { names: new Map(), teams: new Map() };

export function resetLog(): void {
  delete state.entries;
  state.names.clear();
  state.teams.clear();
}

export const logLoaded = () => state.entries !== undefined;

export async function loadLog(ctx: ViewContext): Promise<void> {
  const entries = await readAccessLog(ctx.fetch, ctx.patient);
  const agents = [...new Set(entries.flatMap((e) => (e.agent ? [e.agent] : [])))].filter((a) => !state.names.has(a));
  const [names, members] = await Promise.all([
    Promise.all(agents.map((a) => readAgentName(ctx.fetch, a))),
    Promise.all(ctx.directory.entries.map((e) => ('group' in e.grantee ? readGroupMembers(ctx.fetch, e.grantee.group) : Promise.resolve([e.grantee.agent])))),
  ]);
  agents.forEach((a, i) => state.names.set(a, names[i]));
  members.forEach((list, i) => list.forEach((agent) => state.teams.set(agent, i)));
  state.entries = entries;
}

function who(ctx: ViewContext, entry: AccessLogEntry): string {
  if (!entry.agent) return ctx.t('log.anonymous');
  if (entry.agent === ctx.patient.webId) return ctx.t('log.you');
  const name = state.names.get(entry.agent) ?? entry.agent;
  const team = state.teams.get(entry.agent);
  const directoryEntry = team === undefined ? ctx.directory.entries.find((e) => granteeIri(e.grantee) === entry.agent) : ctx.directory.entries[team];
  return directoryEntry && granteeIri(directoryEntry.grantee) !== entry.agent
    ? ctx.t('log.agentInTeam', { team: directoryEntry.names[ctx.lang], name })
    : name;
}

function what(ctx: ViewContext, resource: string): string {
  const health = `${ctx.patient.pod}health/`;
  const category = CATEGORIES.find((c) => resource.startsWith(`${health}measurements/${c}/`));
  if (category) return ctx.t('log.what.category', { category: kindSpec(category).names[ctx.lang].replace(/^./, (c) => c.toLowerCase()) });
  if (resource.startsWith(`${health}notes/`)) return ctx.t('log.what.notes');
  return ctx.t('log.unknownData');
}

/** The sentence for an entry: what was done (read, or subscribed to changes), allowed or refused. */
function sentenceKey(entry: AccessLogEntry): 'log.read' | 'log.denied' | 'log.subscribed' | 'log.subscribeDenied' {
  if (entry.action === 'subscribe') return entry.outcome === 'denied' ? 'log.subscribeDenied' : 'log.subscribed';
  return entry.outcome === 'denied' ? 'log.denied' : 'log.read';
}

export function renderLog(ctx: ViewContext): HTMLElement {
  const entries = state.entries;
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('log.heading')),
    h('p', {}, ctx.t('log.intro')),
    !entries
      ? h('p', { class: 'loading' }, ctx.t('loading'))
      : entries.length === 0
        ? h('p', {}, ctx.t('log.empty'))
        : h('ol', { class: 'log', id: 'access-log' }, entries.map((e) => {
          const params = { who: who(ctx, e), what: what(ctx, e.resource), when: formatWhen(ctx.lang, e.time) };
          return h('li', { class: e.outcome === 'denied' ? 'denied' : 'allowed' },
            e.outcome === 'denied' ? h('span', { class: 'badge denied' }, ctx.t('log.deniedBadge')) : null,
            ' ',
            h('span', {}, ctx.t(sentenceKey(e), params)),
          );
        })),
  );
}
