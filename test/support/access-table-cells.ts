/**
 * The cells of the access table's main blocks (test/integration/access-table.test.ts), from the resources the
 * world was seeded with: every role x resource x method; creation at missing paths; names a device may not create;
 * real appends; destructive writes where the policy refuses them. Pure: no I/O.
 */
import {
  ROLES, METHODS, expectedStatus, mainVariant,
  type Area, type Cell, type Method, type Patient, type Resource, type Role, type Variant,
} from './access-table.ts';

/** Missing paths below these containers: who may create a document there, and who may learn it is missing. */
export const CREATE_IN: [Patient, string, Area][] = [
  ['hans', 'hans/health/measurements/oxygen-saturation/', { kind: 'category', category: 'oxygen-saturation' }],
  ['hans', 'hans/health/notes/', { kind: 'notes' }],
  ['hans', 'hans/health/consent/', { kind: 'consent' }],
  ['hans', 'hans/health/access-log/', { kind: 'access-log' }],
];

export function tableCells(resources: readonly Resource[]): Cell[] {
  const cells: Cell[] = [];
  const add = (block: Cell['block'], role: Role, r: Resource, method: Method, variant: Variant) =>
    cells.push({ block, role, resource: r, method, variant, expected: expectedStatus(role, r, method, variant) });

  // Main block: every role x resource x method.
  for (const r of resources) for (const role of ROLES) for (const method of METHODS) add('main', role, r, method, mainVariant(method));

  // Creation: a distinct missing month-named path per role, method and variant (nothing collides).
  // PUT (If-None-Match: *) and insert-only PATCH create; the same two guarded with If-Match must
  // create nothing (412 where allowed: the regression cells for StrictConditionsParser).
  const onMissing: [Method, Variant][] = [
    ...METHODS.map((method): [Method, Variant] => [method, method === 'PUT' || method === 'PATCH-insert' ? 'create' : mainVariant(method)]),
    ['PUT', 'guarded'],
    ['PATCH-insert', 'guarded'],
  ];
  for (const [pod, container, area] of CREATE_IN) {
    ROLES.forEach((role, ri) =>
      onMissing.forEach(([method, variant], mi) => {
        const path = `${container}20${30 + ri}-${String(mi + 1).padStart(2, '0')}.ttl`;
        const r: Resource = { label: `${pod} ${container.slice(pod.length + 1)}(new document)`, path, pod, area, shape: 'missing' };
        add('create', role, r, method, variant);
      }),
    );
  }

  // Names a device may not create below the measurements: only month documents ({category}/YYYY-MM.ttl).
  const category: Area = { kind: 'category', category: 'oxygen-saturation' };
  const names = ['stray.ttl', '2026-13.ttl', 'sub/2026-01.ttl', 'sub/'];
  for (const role of ['patient', 'vendor', 'stranger'] as const) {
    names.forEach((name, ni) => {
      // The patient may create any of them; nested ones would leave a container behind the clean-up.
      if (role === 'patient' && name.includes('/')) return;
      for (const method of ['PUT', 'PATCH-insert'] as const) {
        const path = `hans/health/measurements/oxygen-saturation/${role}-${method}-${ni}-${name}`;
        // A container cannot be created by PATCH; only the document names are PATCHed.
        if (name.endsWith('/') && method === 'PATCH-insert') continue;
        const r: Resource = { label: `hans health/measurements/oxygen-saturation/(${name})`, path, pod: 'hans', area: category, shape: 'missing' };
        add('device names', role, r, method, 'create');
      }
    });
  }

  // Real appends of a triple already there (changes nothing): device data and clinicians' notes.
  const documents = resources.filter((r) => r.shape === 'document' && (r.area.kind === 'category' || r.area.kind === 'notes'));
  for (const r of documents) for (const role of ROLES) if (role !== 'patient') add('append', role, r, 'PATCH-insert', 'idempotent');

  // Destructive writes sent for real, where the policy refuses them: nothing may change (checked on the files).
  const targets = resources.filter((r) => r.shape === 'document' || r.shape === 'acl' || r.shape === 'description');
  for (const r of targets) {
    for (const role of ROLES) {
      for (const method of ['PUT', 'PATCH-delete', 'DELETE'] as const) {
        const expected = expectedStatus(role, r, method, 'unguarded');
        if (expected.status === 401 || expected.status === 403) add('unguarded', role, r, method, 'unguarded');
      }
    }
  }
  return cells;
}
