/**
 * Who may read what, as the consent page sees it: the health containers'
 * ACL documents read back into the access model of apps/shared/health-acl.ts,
 * and a patient's decisions ("let the GPs read blood glucose", "stop the lung
 * team reading anything") turned into the ACL documents to write and the
 * consent records to append.
 *
 * The documents are always produced by healthAclQuads, the builder the demo
 * world uses, so the page and provisioning write identical ACLs. A plan
 * rewrites only the reader rules: it keeps each container's device writers
 * (the vendor's Append; planDeviceAccess changes those) exactly as found and always writes the patient's
 * Read/Write/Control; it refuses to rewrite a document holding rules it does
 * not understand, and refuses to make the patient a "reader" of their own
 * data. Pure: no fetch, no DOM.
 */
import { isKindId, type KindId } from '../../vocab/catalogue.ts';
import {
  granteeKey, healthAclQuads, readContainerAccess, sameGrantee, type AclWrite, type ContainerAccess, type Grantee, type HealthAccess,
} from '../shared/health-acl.ts';
import type { ConsentRecord } from '../shared/measurement/consent.ts';
import { toOsloIso } from '../shared/measurement/identity.ts';
import { isSafeHttpIri } from '../shared/measurement/iri.ts';

// Reading ACL documents back has its home beside the builder (apps/shared/health-acl.ts): syncDeviceAccess reads them too.
export {
  granteeKey, parseAclTurtle, readContainerAccess, sameGrantee, type AclDocument, type AclWrite, type ContainerAccess,
} from '../shared/health-acl.ts';
export { planDeviceAccess } from '../shared/device-access.ts';

const granteeIri = (g: Grantee): string => ('group' in g ? g.group : g.agent);

/** Whether `grantee` may read the category whose ACL this is. */
export function canRead(access: ContainerAccess, grantee: Grantee): boolean {
  return access.readers.some((r) => sameGrantee(r, grantee));
}

/** One decision of the patient: let `grantee` read `category`, or stop it. */
export interface Decision {
  readonly grantee: Grantee;
  readonly category: KindId;
  readonly give: boolean;
}

export interface ConsentPlan {
  /** Category ACLs first, then notes/ (so a failure half-way never leaves notes/ more open than the categories). */
  readonly writes: readonly AclWrite[];
  /** One record per decision that changes something. */
  readonly records: readonly ConsentRecord[];
}

export class PlanError extends Error {
  constructor(
    readonly reason: 'unknown-rules' | 'owner-as-reader' | 'not-loaded' | 'invalid-decision',
    readonly detail: string,
  ) {
    super(`${reason}: ${detail}`);
    this.name = 'PlanError';
  }
}

export interface CurrentAccess {
  /** The patient's WebID. */
  readonly owner: string;
  readonly categories: ReadonlyMap<KindId, ContainerAccess>;
  readonly notes: ContainerAccess;
}

/**
 * The ACL documents and consent records that carry out `decisions`.
 * Decisions that change nothing (granting what is granted) are left out;
 * an empty plan means there is nothing to write.
 */
export function planDecisions(current: CurrentAccess, decisions: readonly Decision[], now: Date, options: PlanOptions = {}): ConsentPlan {
  const { owner } = current;
  const newReaders = new Map<KindId, Grantee[]>();
  const changed: Decision[] = [];
  for (const d of decisions) checkDecision(d, owner, options.grantable);
  for (const d of decisions) {
    if (granteeIri(d.grantee) === owner) throw new PlanError('owner-as-reader', 'your own access is not a grant: it cannot be given or taken away here');
    const access = current.categories.get(d.category);
    if (!access) throw new PlanError('not-loaded', d.category);
    const readers = newReaders.get(d.category) ?? [...access.readers];
    const has = readers.some((r) => sameGrantee(r, d.grantee));
    if (d.give === has) continue;
    newReaders.set(d.category, d.give ? [...readers, d.grantee] : readers.filter((r) => !sameGrantee(r, d.grantee)));
    changed.push(d);
  }

  const writes: AclWrite[] = [];
  for (const [category, readers] of newReaders) {
    const access = current.categories.get(category)!;
    if (access.unknownRules.length > 0) throw new PlanError('unknown-rules', `${category}: ${access.unknownRules.join('; ')}`);
    const before = new Set(access.readers.map(granteeKey));
    const after = new Set(readers.map(granteeKey));
    if (before.size === after.size && [...before].every((k) => after.has(k))) continue;
    writes.push(aclWrite(access, { owner, appenders: { [category]: access.appenders }, readers: { [category]: readers } }));
  }

  // notes/: whoever reads at least one category may read and add notes. Keep
  // readers of notes/ that were granted outside the categories (set by hand);
  // add the newly granted; remove those who no longer read any category.
  const readsAnything = (g: Grantee) =>
    [...current.categories].some(([category, access]) => (newReaders.get(category) ?? access.readers).some((r) => sameGrantee(r, g)));
  const readBefore = (g: Grantee) => [...current.categories.values()].some((a) => canRead(a, g));
  const notesReaders = new Map(current.notes.readers.map((g) => [granteeKey(g), g]));
  for (const { grantee } of changed) {
    if (readsAnything(grantee)) notesReaders.set(granteeKey(grantee), grantee);
    else if (readBefore(grantee)) notesReaders.delete(granteeKey(grantee));
  }
  const notesBefore = new Set(current.notes.readers.map(granteeKey));
  if (notesBefore.size !== notesReaders.size || [...notesReaders.keys()].some((k) => !notesBefore.has(k))) {
    if (current.notes.unknownRules.length > 0) throw new PlanError('unknown-rules', `notes: ${current.notes.unknownRules.join('; ')}`);
    const readers = [...notesReaders.values()];
    // healthAclQuads gives notes/ to everyone who reads some category: one category carries them.
    writes.push(aclWrite(current.notes, { owner, appenders: {}, readers: { 'body-weight': readers } }));
  }

  const created = toOsloIso(now);
  const records = changed.map((d): ConsentRecord => ({
    dataSubject: owner,
    recipient: granteeIri(d.grantee),
    data: current.categories.get(d.category)!.document.container.url,
    status: d.give ? 'given' : 'withdrawn',
    created,
  }));
  return { writes, records };
}

export interface PlanOptions {
  /**
   * Who may be given access (the directory's teams). Without it, only
   * grantees on the patient's own pod server. Taking access away is always
   * allowed, from anyone who has it.
   */
  readonly grantable?: readonly Grantee[];
}

/**
 * Refuses a decision the page could never have made: not the shape of a
 * Decision, an unknown category, a grantee IRI that is not a plain absolute
 * http(s) IRI (it would be written into the ACL), or access given to someone
 * outside the directory (or, without one, on another server).
 */
function checkDecision(d: Decision, owner: string, grantable: readonly Grantee[] | undefined): void {
  const invalid = (detail: string) => new PlanError('invalid-decision', detail);
  if (typeof d !== 'object' || d === null) throw invalid('a decision must say who, which category and whether to give or take away');
  if (typeof d.give !== 'boolean') throw invalid('a decision must give or take away access (give: true or false)');
  if (typeof d.category !== 'string' || !isKindId(d.category)) throw invalid(`"${String(d.category).slice(0, 60)}" is not a category of health data`);
  const g = d.grantee as Record<string, unknown> | null;
  const keys = typeof g === 'object' && g !== null ? Object.keys(g) : [];
  if (keys.length !== 1 || (keys[0] !== 'group' && keys[0] !== 'agent')) throw invalid('the recipient must be one team (group) or one person (agent)');
  const iri = g![keys[0]];
  if (!isSafeHttpIri(iri)) throw invalid(`"${String(iri).slice(0, 80)}" is not a web address (an absolute http or https IRI) of a team or a person`);
  if (!d.give) return;
  const allowed = grantable
    ? grantable.some((x) => sameGrantee(x, d.grantee))
    : new URL(iri).origin === new URL(owner).origin;
  if (!allowed) {
    throw invalid(grantable
      ? `${iri} is not in the directory of health services; access can only be given to the teams listed there`
      : `${iri} is not on your pod server; access can only be given to teams and people there`);
  }
}

function aclWrite(access: ContainerAccess, model: HealthAccess): AclWrite {
  const { container, aclUrl, etag } = access.document;
  const quads = healthAclQuads(container, model, aclUrl);
  // Never write a document that would take the patient's Control or a device writer's Append away.
  const check = readContainerAccess({ container, aclUrl, quads }, model.owner);
  if (!check.ownerHasControl) throw new Error(`refusing to write ${aclUrl} without the patient's Control`);
  if (check.appenders.length !== access.appenders.length || !access.appenders.every((w) => check.appenders.includes(w))) {
    throw new Error(`refusing to write ${aclUrl}: it would change who may append`);
  }
  return { container, aclUrl, ...(etag ? { etag } : {}), quads };
}

/** Readers of the categories that the directory does not list (granted by another app, or by hand). */
export function unlistedReaders(current: CurrentAccess, listed: readonly Grantee[]): { grantee: Grantee; categories: KindId[] }[] {
  const listedKeys = new Set(listed.map(granteeKey));
  const found = new Map<string, { grantee: Grantee; categories: KindId[] }>();
  for (const [category, access] of current.categories) {
    for (const r of access.readers) {
      if (listedKeys.has(granteeKey(r))) continue;
      const entry = found.get(granteeKey(r)) ?? { grantee: r, categories: [] };
      entry.categories.push(category);
      found.set(granteeKey(r), entry);
    }
  }
  return [...found.values()];
}

