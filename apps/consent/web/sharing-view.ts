/**
 * "Sharing": the table of organisations x categories, each cell a checkbox
 * that grants or revokes Read at once; a row's and a column's buttons do the
 * same for many cells in one plan. Below it, readers the directory does not
 * know, and the consent history. The patient's own access is never a cell.
 */
import { CATEGORIES, kindSpec, type KindId } from '../../../vocab/catalogue.ts';
import { granteeIri, type DirectoryEntry } from '../../shared/directory.ts';
import type { Grantee } from '../../shared/health-acl.ts';
import type { ConsentRecord } from '../../shared/measurement/consent.ts';
import { canRead, planDecisions, unlistedReaders, type CurrentAccess, type Decision } from '../access.ts';
import { formatDateTime } from '../i18n.ts';
import { carryOut, readConsentHistory, readCurrentAccess } from '../pod.ts';
import type { ViewContext } from './context.ts';
import { h } from '../../shared/web/dom.ts';

interface SharingState {
  access?: CurrentAccess;
  history?: (ConsentRecord & { iri: string })[];
  busy: boolean;
}

const state: SharingState = { busy: false };

export async function loadSharing(ctx: ViewContext): Promise<void> {
  const [access, history] = await Promise.all([readCurrentAccess(ctx.fetch, ctx.patient), readConsentHistory(ctx.fetch, ctx.patient)]);
  state.access = access;
  state.history = history;
}

export const sharingLoaded = () => state.access !== undefined;

export function resetSharing(): void {
  delete state.access;
  delete state.history;
  state.busy = false;
}

const categoryName = (ctx: ViewContext, c: KindId) => kindSpec(c).names[ctx.lang];
const teamName = (ctx: ViewContext, e: DirectoryEntry) => e.names[ctx.lang];

/** Who a grantee is, in words: the directory's name, or the IRI. */
export function nameOfRecipient(ctx: ViewContext, iri: string): string {
  const entry = ctx.directory.entries.find((e) => granteeIri(e.grantee) === iri);
  return entry ? `${entry.names[ctx.lang]} (${entry.organisation.names[ctx.lang]})` : iri;
}

function describe(ctx: ViewContext, record: ConsentRecord): string {
  const entry = ctx.directory.entries.find((e) => granteeIri(e.grantee) === record.recipient);
  const category = CATEGORIES.find((c) => record.data.endsWith(`/health/measurements/${c}/`));
  return ctx.t(record.status === 'given' ? 'sharing.saved.given' : 'sharing.saved.withdrawn', {
    org: entry ? teamName(ctx, entry) : record.recipient,
    category: category ? categoryName(ctx, category).toLowerCase() : record.data,
  });
}

async function decide(ctx: ViewContext, decisions: Decision[]): Promise<void> {
  if (!state.access || state.busy) return;
  let plan;
  try {
    plan = planDecisions(state.access, decisions, new Date(), { grantable: ctx.directory.entries.map((e) => e.grantee) });
  } catch (error) {
    ctx.fail(error);
    return;
  }
  if (plan.writes.length === 0) {
    ctx.status(ctx.t('sharing.saved.none'));
    return;
  }
  state.busy = true;
  ctx.status(ctx.t('saving'));
  ctx.rerender();
  try {
    const outcome = await carryOut(ctx.fetch, ctx.patient, plan);
    await loadSharing(ctx);
    state.busy = false;
    ctx.rerender();
    ctx.status(plan.records.length === 1 ? describe(ctx, plan.records[0]!) : ctx.t('sharing.saved.many', { count: plan.records.length }));
    if (outcome.historyError) ctx.fail(new Error(ctx.t('history.unsaved', { reason: outcome.historyError })));
  } catch (error) {
    state.busy = false;
    ctx.status('');
    // Whatever was written stays written: show the pod's state as it is now.
    await loadSharing(ctx).catch(() => {});
    ctx.rerender();
    ctx.fail(error, () => void decide(ctx, decisions));
  }
}

function cell(ctx: ViewContext, access: CurrentAccess, entry: DirectoryEntry, category: KindId, row: number, col: number): HTMLElement {
  const container = access.categories.get(category)!;
  const checked = canRead(container, entry.grantee);
  const locked = container.unknownRules.length > 0;
  const org = teamName(ctx, entry);
  const label = ctx.t('sharing.cell', { org, category: categoryName(ctx, category) });
  const input = h('input', {
    type: 'checkbox',
    id: `cell-${row}-${col}`,
    'data-focus': `cell-${row}-${col}`,
    'aria-label': label,
    checked,
    disabled: state.busy || locked,
    onchange: (event: Event) => {
      const give = (event.target as HTMLInputElement).checked;
      void decide(ctx, [{ grantee: entry.grantee, category, give }]);
    },
  });
  return h('td', { class: checked ? 'cell granted' : 'cell' }, h('label', { class: 'cell-hit', for: `cell-${row}-${col}` }, input));
}

function rowDecisions(grantee: Grantee, give: boolean, access: CurrentAccess): Decision[] {
  return CATEGORIES.filter((c) => access.categories.get(c)!.unknownRules.length === 0).map((category) => ({ grantee, category, give }));
}

function table(ctx: ViewContext, access: CurrentAccess): HTMLElement {
  const entries = ctx.directory.entries;
  const busy = state.busy;
  return h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': 'sharing-caption', tabindex: 0 },
    h('table', { class: 'grid', 'aria-busy': busy ? 'true' : 'false' },
      h('caption', { id: 'sharing-caption' }, ctx.t('sharing.tableCaption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'corner' }, ctx.t('sharing.organisation')),
        CATEGORIES.map((c) => h('th', { scope: 'col' }, categoryName(ctx, c))),
      )),
      h('tbody', {}, entries.map((entry, row) => {
        const org = teamName(ctx, entry);
        return h('tr', {},
          h('th', { scope: 'row', class: 'org' },
            h('span', { class: 'team' }, org),
            h('span', { class: 'org-name' }, `${entry.organisation.names[ctx.lang]} · ${entry.organisation.kind.names[ctx.lang]}`),
            h('span', { class: 'row-actions' },
              h('button', { type: 'button', class: 'small', 'data-focus': `row-all-${row}`, disabled: busy, 'aria-label': ctx.t('sharing.rowAllLabel', { org }),
                onclick: () => void decide(ctx, rowDecisions(entry.grantee, true, access)) }, ctx.t('sharing.rowAll')),
              h('button', { type: 'button', class: 'small secondary', 'data-focus': `row-none-${row}`, disabled: busy, 'aria-label': ctx.t('sharing.rowNoneLabel', { org }),
                onclick: () => void decide(ctx, rowDecisions(entry.grantee, false, access)) }, ctx.t('sharing.rowNone')),
            ),
          ),
          CATEGORIES.map((c, col) => cell(ctx, access, entry, c, row, col)),
        );
      })),
      h('tfoot', {}, h('tr', {},
        h('th', { scope: 'row' }, ctx.t('sharing.columnHeading')),
        CATEGORIES.map((category, col) => {
          const name = categoryName(ctx, category);
          const locked = access.categories.get(category)!.unknownRules.length > 0;
          const all = (give: boolean) => entries.map((e) => ({ grantee: e.grantee, category, give }));
          return h('td', { class: 'column-actions' },
            h('button', { type: 'button', class: 'small', 'data-focus': `col-all-${col}`, disabled: busy || locked, 'aria-label': ctx.t('sharing.columnAllLabel', { category: name }),
              onclick: () => void decide(ctx, all(true)) }, ctx.t('sharing.columnAll')),
            h('button', { type: 'button', class: 'small secondary', 'data-focus': `col-none-${col}`, disabled: busy || locked, 'aria-label': ctx.t('sharing.columnNoneLabel', { category: name }),
              onclick: () => void decide(ctx, all(false)) }, ctx.t('sharing.columnNone')),
          );
        }),
      )),
    ),
  );
}

function unlisted(ctx: ViewContext, access: CurrentAccess): HTMLElement | undefined {
  const others = unlistedReaders(access, ctx.directory.entries.map((e) => e.grantee));
  if (others.length === 0) return undefined;
  return h('section', { 'aria-labelledby': 'unlisted-h', class: 'panel' },
    h('h3', { id: 'unlisted-h' }, ctx.t('sharing.unlisted.heading')),
    h('p', {}, ctx.t('sharing.unlisted.intro')),
    h('ul', {}, others.map(({ grantee, categories }, i) => {
      const who = granteeIri(grantee);
      return h('li', {},
        h('span', { class: 'iri' }, who), ': ', categories.map((c) => categoryName(ctx, c)).join(', '), ' ',
        h('button', { type: 'button', class: 'small secondary', 'data-focus': `unlisted-${i}`, disabled: state.busy, 'aria-label': ctx.t('sharing.unlisted.removeLabel', { who }),
          onclick: () => void decide(ctx, categories.map((category) => ({ grantee, category, give: false }))) }, ctx.t('sharing.unlisted.remove')),
      );
    })),
  );
}

function history(ctx: ViewContext): HTMLElement {
  const records = state.history ?? [];
  const categoryOf = (url: string) => CATEGORIES.find((c) => url.endsWith(`/health/measurements/${c}/`));
  return h('section', { 'aria-labelledby': 'history-h', class: 'panel' },
    h('h3', { id: 'history-h' }, ctx.t('history.heading')),
    h('p', { class: 'muted' }, ctx.t('history.purpose')),
    records.length === 0
      ? h('p', {}, ctx.t('history.empty'))
      : h('div', { class: 'table-scroll', role: 'region', 'aria-labelledby': 'history-h', tabindex: 0 },
        h('table', { class: 'list', id: 'consent-history' },
          h('thead', {}, h('tr', {},
            h('th', { scope: 'col' }, ctx.t('history.when')),
            h('th', { scope: 'col' }, ctx.t('history.who')),
            h('th', { scope: 'col' }, ctx.t('history.what')),
            h('th', { scope: 'col' }, ctx.t('history.status')),
          )),
          h('tbody', {}, records.map((r) => {
            const category = categoryOf(r.data);
            return h('tr', { class: `consent-${r.status}` },
              h('td', {}, h('time', { datetime: r.created }, formatDateTime(ctx.lang, r.created))),
              h('td', {}, nameOfRecipient(ctx, r.recipient)),
              h('td', {}, category ? categoryName(ctx, category) : r.data),
              h('td', {}, h('span', { class: `badge ${r.status}` }, ctx.t(r.status === 'given' ? 'history.given' : 'history.withdrawn'))),
            );
          })),
        ),
      ),
  );
}

export function renderSharing(ctx: ViewContext): HTMLElement {
  const access = state.access;
  if (!access) return h('p', { class: 'loading' }, ctx.t('loading'));
  const locked = CATEGORIES.filter((c) => access.categories.get(c)!.unknownRules.length > 0);
  return h('section', { 'aria-labelledby': 'view-heading' },
    h('h2', { id: 'view-heading', tabindex: -1 }, ctx.t('sharing.heading')),
    h('p', {}, ctx.t('sharing.intro')),
    table(ctx, access),
    h('p', { class: 'hint muted' }, ctx.t('sharing.scrollHint')),
    locked.map((c) => h('p', { class: 'notice' }, ctx.t('sharing.locked', { category: categoryName(ctx, c) }))),
    h('ul', { class: 'help' },
      h('li', {}, ctx.t('sharing.help.groups')),
      h('li', {}, ctx.t('sharing.help.device')),
    ),
    unlisted(ctx, access),
    history(ctx),
  );
}
