/**
 * "Who has looked": the pod server's access log in plain words, newest
 * first: "OUS lung team – Ingrid Lunde read your oxygen saturation, 12 May,
 * 10:43", or "... subscribed to changes in your oxygen saturation" for a
 * notification channel, and under it who vouches for that: "Verified by Oslo
 * University Hospital", with the reader's WebID. Names and organisations come
 * only from the directory and the group documents the organisations publish,
 * never from a reader's own profile (apps/consent/readers.ts says why); a
 * reader no organisation lists is shown by WebID as not in any directory.
 * Denied attempts are marked.
 */
import { CATEGORIES, kindSpec } from '../../../vocab/catalogue.ts';
import { granteeIri } from '../../shared/directory.ts';
import type { AccessLogEntry } from '../../shared/access-log.ts';
import { formatWhen } from '../i18n.ts';
import { readAccessLog, readGroupMembers } from '../pod.ts';
import { identifyReader, organisationsOf, type GroupMember, type ReaderIdentity } from '../readers.ts';
import type { ViewContext } from './context.ts';
import { h } from '../../shared/web/dom.ts';

interface LogState {
  entries?: AccessLogEntry[];
  /** directory group IRI -> its members, as its organisation publishes them. */
  members: Map<string, readonly GroupMember[]>;
}

const state: LogState = { members: new Map() };

export function resetLog(): void {
  delete state.entries;
  state.members.clear();
}

export const logLoaded = () => state.entries !== undefined;

/** Public documents: read without the patient's token (see readGroupMembers). */
const publicFetch: typeof fetch = (input, init) => fetch(input, init);

export async function loadLog(ctx: ViewContext): Promise<void> {
  const groups = ctx.directory.entries.flatMap((e) => ('group' in e.grantee ? [e.grantee.group] : []));
  const [entries, members] = await Promise.all([
    readAccessLog(ctx.fetch, ctx.patient),
    Promise.all(groups.map((g) => readGroupMembers(publicFetch, g))),
  ]);
  groups.forEach((g, i) => state.members.set(g, members[i]!));
  state.entries = entries;
}

function who(ctx: ViewContext, identity: ReaderIdentity): string {
  switch (identity.kind) {
    case 'anonymous': return ctx.t('log.anonymous');
    case 'you': return ctx.t('log.you');
    case 'unverified': return ctx.t('log.unverifiedReader');
    case 'verified': {
      const team = identity.teams[0]!;
      const isAgentEntry = granteeIri(team.grantee) === identity.webId;
      return isAgentEntry ? team.names[ctx.lang] : ctx.t('log.agentInTeam', { team: team.names[ctx.lang], name: identity.name ?? identity.webId });
    }
  }
}

/** Who vouches for the reader, and their WebID, on a line of its own. */
function vouch(ctx: ViewContext, identity: ReaderIdentity): HTMLElement | null {
  if (identity.kind === 'verified') {
    const organisations = organisationsOf(identity).map((names) => names[ctx.lang]).join(', ');
    return h('p', { class: 'identity verified' },
      h('span', {}, ctx.t('log.verified', { organisation: organisations })), ' ',
      h('span', { class: 'webid' }, identity.webId));
  }
  if (identity.kind === 'unverified') {
    return h('p', { class: 'identity unverified' },
      h('span', {}, ctx.t('log.notInDirectory')), ' ',
      h('span', { class: 'webid' }, identity.webId));
  }
  return null;
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
          const identity = identifyReader(e.agent, ctx.patient.webId, ctx.directory, state.members);
          const params = { who: who(ctx, identity), what: what(ctx, e.resource), when: formatWhen(ctx.lang, e.time) };
          return h('li', { class: e.outcome === 'denied' ? 'denied' : 'allowed' },
            e.outcome === 'denied' ? h('span', { class: 'badge denied' }, ctx.t('log.deniedBadge')) : null,
            ' ',
            h('span', {}, ctx.t(sentenceKey(e), params)),
            vouch(ctx, identity),
          );
        })),
  );
}
