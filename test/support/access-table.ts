/**
 * The access table of issue #9 as data: who (role) may do what (method) to
 * which resource of the demo world, and the exact HTTP status that follows.
 *
 * The expected statuses come from the POLICY written out below (the access
 * model of docs/pod-server.md, restated here by hand on purpose), never from
 * apps/shared/health-acl.ts or from what the server answered: the table checks
 * the ACL builder, the pod template and our CSS extensions against the policy.
 * How CSS 7 answers an *allowed* request that cannot succeed (a container
 * cannot be PUT, a document cannot be POSTed to, a precondition fails) follows
 * the Solid Protocol and is spelled out in `allowedStatus`.
 *
 * Pure data and functions: no I/O.
 */
import { CATEGORIES, type KindId } from '../../vocab/catalogue.ts';

export const ROLES = ['patient', 'vendor', 'group-member', 'non-member', 'gp', 'municipal', 'stranger', 'anonymous'] as const;
export type Role = (typeof ROLES)[number];

/** The account acting in each role (anonymous: none; stranger: an account the test creates). */
export const ACTOR: Readonly<Record<Role, string | undefined>> = {
  patient: 'hans',
  vendor: 'vendor',
  // In the lung team only (lunde is in the cross-level team too, which hans lets read everything).
  'group-member': 'holm',
  'non-member': 'hagen',
  gp: 'dahl',
  municipal: 'nilsen',
  stranger: 'stranger',
  anonymous: undefined,
};

export const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH-insert', 'PATCH-delete', 'DELETE'] as const;
export type Method = (typeof METHODS)[number];

/**
 * How a cell's request is sent, so that allowed writes never wreck the world:
 * - plain: as is (reads; POST, whose creations the test deletes afterwards);
 * - guarded: `If-Match: "helsevev-never"`: CSS authorises first, so an allowed request answers 412
 *   (or the protocol's 405/409 where those come first) and changes nothing, a refused one 401/403;
 * - idempotent: an insert-only patch of a triple the document already holds (a real append, no change);
 * - create: a path that does not exist; PUT carries `If-None-Match: *`; what it creates is deleted afterwards;
 * - unguarded: a destructive write sent for real, only where the policy refuses it.
 */
export type Variant = 'plain' | 'guarded' | 'idempotent' | 'create' | 'unguarded';

type Mode = 'read' | 'append' | 'write' | 'control';

/** What part of the access model a resource belongs to. */
export type Area =
  | { readonly kind: 'profile' }
  | { readonly kind: 'private' }
  | { readonly kind: 'measurements' }
  | { readonly kind: 'category'; readonly category: KindId }
  | { readonly kind: 'notes' }
  | { readonly kind: 'consent' }
  | { readonly kind: 'access-log' };

export interface Resource {
  /** Short label, e.g. `hans health/measurements/heart-rate/2026-01.ttl`. */
  readonly label: string;
  /** Path below the server's base URL. */
  readonly path: string;
  readonly pod: Patient;
  readonly area: Area;
  /**
   * container (all in this table hold members), document, acl (an .acl document), description (a .meta,
   * Link rel="describedby"), missing (a path to create).
   */
  readonly shape: 'pod-root' | 'container' | 'document' | 'acl' | 'root-acl' | 'description' | 'missing';
}

export type Patient = 'hans' | 'kari';

/** Per patient: who (account names) may read which categories, through one grant each. */
export type Grants = Readonly<Record<Patient, readonly { readonly members: readonly string[]; readonly categories: readonly KindId[] }[]>>;

/** The demo world's grants (pod-server/world/demo-world.ts DEMO_GRANTS), as the policy states them. */
export const GRANTS: Grants = {
  hans: [
    { members: ['lunde', 'holm'], categories: ['oxygen-saturation', 'heart-rate', 'cat-score', 'mmrc-grade'] }, // ous lungeteam
    { members: ['nilsen', 'dahl', 'lunde', 'oslo'], categories: CATEGORIES }, // oslo oppfolgingsteam-a (cross-level; oslo for its alert service)
  ],
  kari: [{ members: ['dahl'], categories: ['body-weight'] }], // legekontor fastleger
};

const VENDOR = 'vendor';

/**
 * Per patient: the kinds the device vendor may append to, those of the patient's paired devices (issue #18; the
 * demo world pairs the devices of each patient's seeded history, pod-server/world/demo-measurements.ts). Nothing on
 * measurements/ itself, nothing on another kind.
 */
export const VENDOR_APPENDS: Readonly<Record<Patient, readonly KindId[]>> = {
  hans: ['oxygen-saturation', 'heart-rate', 'respiratory-rate'],
  kari: ['blood-glucose', 'body-weight'],
};

/** The modes the policy gives `actor` on a resource in `area` of `pod` (for an .acl document: on the resource it guards). */
export function policyModes(actor: string | undefined, pod: Patient, area: Area, grants: Grants = GRANTS): Set<Mode> {
  const modes = new Set<Mode>();
  if (area.kind === 'profile') modes.add('read'); // the WebID profile is public
  if (actor === undefined) return modes;
  if (actor === pod) {
    // The patient owns everything, except that nobody writes the access log.
    for (const m of area.kind === 'access-log' ? (['read'] as const) : (['read', 'append', 'write', 'control'] as const)) modes.add(m);
    return modes;
  }
  const readsCategory = (category: KindId) => grants[pod].some((g) => g.members.includes(actor) && g.categories.includes(category));
  switch (area.kind) {
    case 'category':
      if (actor === VENDOR && VENDOR_APPENDS[pod].includes(area.category)) modes.add('append');
      if (readsCategory(area.category)) modes.add('read');
      break;
    case 'notes':
      // Whoever reads at least one category may read and add notes.
      if (CATEGORIES.some(readsCategory)) modes.add('read').add('append');
      break;
    default:
      break;
  }
  return modes;
}

/** A month document of the measurements: `{pod}/health/measurements/{category}/YYYY-MM.ttl`. */
export const isMonthDocument = (path: string) => /^[^/]+\/health\/measurements\/[a-z0-9-]+\/\d{4}-(0[1-9]|1[0-2])\.ttl$/.test(path);

/**
 * The device vendor appends to month documents only: no POST into a measurements container, no other
 * document name, no sub-container (our DeviceWritePermissionReader; WAC's Append alone would allow them).
 */
function deviceWriteLimit(actor: string | undefined, resource: Resource, modes: Set<Mode>): Set<Mode> {
  const measurements = resource.area.kind === 'measurements' || resource.area.kind === 'category';
  if (actor !== VENDOR || !measurements || resource.shape === 'description' || isMonthDocument(resource.path)) return modes;
  const limited = new Set(modes);
  limited.delete('append');
  return limited;
}

/**
 * The status CSS 7 gives a request the policy allows, per the Solid Protocol:
 * containers cannot be PUT (409), non-empty ones not DELETEd (409);
 * documents cannot be POSTed to (405); a storage root's .acl cannot be deleted (405), nor any description (409);
 * a missing resource is 404 to whoever may know; guarded writes fail their precondition (412), also
 * on a missing resource (RFC 9110 13.1.1; CSS 7.2 let them create it: fixed by our StrictConditionsParser).
 */
function allowedStatus(method: Method, resource: Resource, variant: Variant): number {
  const { shape } = resource;
  const container = shape === 'container' || shape === 'pod-root';
  switch (method) {
    case 'GET':
    case 'HEAD':
      return shape === 'missing' ? 404 : 200;
    case 'POST':
      if (shape === 'missing' || shape === 'description') return 404; // a description is never a container
      return container ? 201 : 405;
    case 'PUT':
      if (variant === 'create') return 201;
      if (shape === 'description') return 405; // CSS changes descriptions by PATCH only
      return container ? 409 : 412;
    case 'PATCH-insert':
      if (variant === 'create') return 201;
      if (variant === 'idempotent') return 205;
      return 412; // CSS checks the precondition before it refuses to patch a container
    case 'PATCH-delete':
      // Unguarded, a missing document holds none of the triples to delete: 409 (Solid Protocol, N3 Patch).
      return shape === 'missing' && variant !== 'guarded' ? 409 : 412;
    case 'DELETE':
      if (shape === 'missing') return 404;
      if (shape === 'root-acl') return 405;
      if (shape === 'description') return 409;
      return container ? 409 : 412;
  }
}

/**
 * The modes a method needs (WAC as CSS 7 maps it): every method on an .acl document needs Control; a
 * description is read with Read on what it describes, and changed only with Control (our
 * DescriptionPermissionReader; CSS 7.2 gave it the described resource's modes, so Append could add to it).
 */
function needs(method: Method, resource: Resource): Mode[] {
  if (resource.shape === 'acl' || resource.shape === 'root-acl') return ['control'];
  if (resource.shape === 'description') return method === 'GET' || method === 'HEAD' ? ['read'] : ['control'];
  switch (method) {
    case 'GET':
    case 'HEAD':
      return ['read'];
    case 'POST':
    case 'PATCH-insert':
      return ['append'];
    case 'PUT':
      // Creating needs Append on the container (CSS: create); replacing needs Write.
      return resource.shape === 'missing' ? ['append'] : ['write'];
    case 'PATCH-delete':
      return ['read', 'write'];
    case 'DELETE':
      return ['write'];
  }
}

/** Methods that may create the resource they target (CSS then needs Append on the container, not Read). */
const CREATES = new Set<Method>(['PUT', 'PATCH-insert', 'PATCH-delete']);

const WRITES = new Set<Method>(['PUT', 'POST', 'PATCH-insert', 'PATCH-delete', 'DELETE']);

export interface Expectation {
  readonly status: number;
  /** Why, in a few words (shown when a cell fails). */
  readonly because: string;
}

/** The policy's answer for one cell. */
export function expectedStatus(role: Role, resource: Resource, method: Method, variant: Variant, grants: Grants = GRANTS): Expectation {
  const actor = ACTOR[role];
  // The access log is written by the pod server only: every write is refused before authorisation,
  // so even without an identity the answer is 403 (no credentials could make it allowed).
  if (resource.area.kind === 'access-log' && WRITES.has(method)) return { status: 403, because: 'nobody writes the access log' };
  // Nobody deletes a pod: CSS requires Write on the parent (the server root), which no pod owner has.
  if (resource.shape === 'pod-root' && method === 'DELETE') {
    return actor === undefined ? { status: 401, because: 'no identity' } : { status: 403, because: 'a pod root cannot be deleted' };
  }
  const modes = deviceWriteLimit(actor, resource, policyModes(actor, resource.pod, resource.area, grants));
  // Control (an .acl document) is the patient's alone; for the access log's .acl, writes were refused above.
  const granted = needs(method, resource).every((m) => (m === 'control' ? actor === resource.pod : modes.has(m)));
  if (granted) return { status: allowedStatus(method, resource, variant), because: 'allowed' };
  // CSS tells whoever may read a missing resource that it is missing, rather than that they may not write it:
  // they can list its container anyway, so the 404 discloses nothing.
  if (resource.shape === 'missing' && modes.has('read') && !CREATES.has(method)) return { status: 404, because: 'missing, and readable to this agent' };
  return actor === undefined ? { status: 401, because: 'no identity' } : { status: 403, because: 'not allowed' };
}

/**
 * The modes the WAC-Allow header must advertise to `role` (`user="..."`, sorted) on a resource it may
 * read: the policy's, where Append and Write on a description come only with Control.
 */
export function advertisedModes(role: Role, resource: Resource, grants: Grants = GRANTS): string {
  const actor = ACTOR[role];
  const modes = deviceWriteLimit(actor, resource, policyModes(actor, resource.pod, resource.area, grants));
  if (actor === resource.pod && resource.area.kind !== 'access-log') modes.add('control');
  if (modes.has('write')) modes.add('append');
  if (resource.shape === 'description' && !modes.has('control')) {
    modes.delete('append');
    modes.delete('write');
  }
  return [...modes].sort().join(' ');
}

export interface Cell {
  readonly role: Role;
  readonly resource: Resource;
  readonly method: Method;
  readonly variant: Variant;
  readonly expected: Expectation;
  /** Which block of the table it belongs to. */
  readonly block: 'main' | 'create' | 'device names' | 'append' | 'unguarded' | 'after revoke' | 'after membership removed' | 'token';
}

/** The variant of a main-table cell: reads and POST plain, every other write guarded. */
export function mainVariant(method: Method): Variant {
  return method === 'GET' || method === 'HEAD' || method === 'POST' ? 'plain' : 'guarded';
}

export const cellLabel = (c: Pick<Cell, 'role' | 'resource' | 'method' | 'variant'>) =>
  `${c.role} (${ACTOR[c.role] ?? 'no identity'}) ${c.method}[${c.variant}] ${c.resource.label}`;
