/**
 * "Meldinger om meg / Messages about me": the threads the teams that follow
 * the patient keep in his own pod (`health/notes/thread-*.ttl`,
 * apps/shared/advice-thread.ts): each request for advice and each answer,
 * with who wrote it as the pod server attested it, named only as an
 * organisation's group document vouches for them (apps/consent/readers.ts);
 * a message without one attestation says "author not verified", never the
 * name it claims. Read-only: the patient's page changes nothing here.
 */
import { parseThread, type ShownMessage } from '../../shared/advice-thread.ts';
import { granteeIri } from '../../shared/directory.ts';
import { h } from '../../shared/web/dom.ts';
import { formatWhen, type MessageKey } from '../i18n.ts';
import { listContainer, readGroupMembers, readQuads } from '../pod.ts';
import { identifyReader, type GroupMember } from '../readers.ts';
import type { ViewContext } from './context.ts';

interface MessagesState {
  threads?: { url: string; messages: ShownMessage[] }[];
  members: Map<string, readonly GroupMember[]>;
}

const state: MessagesState = { members: new Map() };

export function resetMessages(): void {
  delete state.threads;
  state.members.clear();
}

export const messagesLoaded = () => state.threads !== undefined;

/** Public group documents: read without the patient's token. */
const publicFetch: typeof fetch = (input, init) => fetch(input, init);

export async function loadMessages(ctx: ViewContext): Promise<void> {
  const documents = (await listContainer(ctx.fetch, `${ctx.patient.pod}health/notes/`)).filter((u) => /\/thread-[^/]+\.ttl$/.test(u));
  const groups = ctx.directory.entries.flatMap((e) => ('group' in e.grantee ? [e.grantee.group] : []));
  const [threads, members] = await Promise.all([
    Promise.all(documents.map(async (url) => ({ url, messages: parseThread((await readQuads(ctx.fetch, url)).quads) }))),
    Promise.all(groups.map((g) => readGroupMembers(publicFetch, g))),
  ]);
  groups.forEach((g, i) => state.members.set(g, members[i]!));
  state.threads = threads.filter((t) => t.messages.length > 0)
    .sort((a, b) => b.messages[b.messages.length - 1]!.created.localeCompare(a.messages[a.messages.length - 1]!.created));
}

function author(ctx: ViewContext, m: ShownMessage): string {
  if (!m.author) return ctx.t('messages.notVerified');
  const identity = identifyReader(m.author, ctx.patient.webId, ctx.directory, state.members);
  if (identity.kind === 'verified') {
    const team = identity.teams.find((e) => granteeIri(e.grantee) === m.team) ?? identity.teams[0]!;
    return `${identity.name ?? m.author} (${team.names[ctx.lang]})`;
  }
  return m.author;
}

const teamName = (ctx: ViewContext, group: string) => ctx.directory.entries.find((e) => granteeIri(e.grantee) === group)?.names[ctx.lang] ?? group;

export function renderMessages(ctx: ViewContext): HTMLElement {
  const threads = state.threads;
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('messages.heading')),
    h('p', {}, ctx.t('messages.intro')),
    !threads
      ? h('p', { class: 'loading' }, ctx.t('loading'))
      : threads.length === 0
        ? h('p', {}, ctx.t('messages.empty'))
        : h('div', { id: 'threads' }, threads.map((t) => h('section', { class: 'thread', 'data-thread': t.url, 'aria-label': ctx.t('messages.thread', { team: teamName(ctx, t.messages[0]!.team) }) },
          h('h3', {}, ctx.t('messages.thread', { team: teamName(ctx, t.messages[0]!.team) })),
          h('ol', { class: 'messages' }, t.messages.map((m) => h('li', { class: `message ${m.type}`, 'data-type': m.type, 'data-author': m.author ?? '' },
            h('p', { class: 'meta' }, h('strong', {}, ctx.t(m.type === 'request' ? 'messages.request' : 'messages.recommendation')), ' — ',
              ctx.t('messages.by', { who: author(ctx, m), when: formatWhen(ctx.lang, m.created) })),
            h('p', { class: 'text' }, m.text),
            m.action ? h('p', {}, ctx.t('messages.action', { action: ctx.t(`messages.action.${m.action}` as MessageKey) })) : null,
            m.regards.length > 0 ? h('p', { class: 'small' }, ctx.t('messages.regards', { n: m.regards.length })) : null)))))));
}
