/**
 * The world the access table reads: the month, notes and access-log documents
 * it seeds (as the vendor and the clinicians), and the list of resources with
 * the .acl and .meta documents found where the pod server says they are.
 */
import { relative } from 'node:path';
import { Parser } from 'n3';
import { appendQuads } from '../../apps/shared/append.ts';
import { notesDocument } from '../../apps/shared/measurement/notes.ts';
import { CATEGORIES } from '../../vocab/catalogue.ts';
import { NS } from '../../vocab/terms.ts';
import { VENDOR_APPENDS, type Area, type Patient, type Resource } from './access-table.ts';
import { probe } from './access-table-http.ts';
import type { TestWorld } from './test-world.ts';

/** The month of the seeded measurement documents. */
export const MONTH = '2026-01';
const NOTE_TIME = '2026-01-15T12:00:00+01:00';

/** The ACL (rel="acl") or description (rel="describedby") of `path`, from its Link header (asked as the owner). */
async function linkedPathOf(world: TestWorld, owner: string, path: string, rel: 'acl' | 'describedby'): Promise<string> {
  const url = (p: string) => new URL(p, world.baseUrl).href;
  const response = await (await world.fetchAs(owner))(url(path), { method: 'HEAD' });
  const link = response.headers.get('link') ?? '';
  const linked = new RegExp(`<([^>]+)>;\\s*rel="${rel}"`, 'u').exec(link)?.[1];
  if (!linked) throw new Error(`${path} advertises no rel="${rel}" resource`);
  return relative(new URL(world.baseUrl).pathname, new URL(linked, url(path)).pathname);
}

/** Members of a container, as paths below the base URL (read as the owner). */
async function members(world: TestWorld, owner: string, path: string): Promise<string[]> {
  const url = (p: string) => new URL(p, world.baseUrl).href;
  const response = await (await world.fetchAs(owner))(url(path), { headers: { accept: 'text/turtle' } });
  const quads = new Parser({ baseIRI: url(path) }).parse(await response.text());
  return quads.filter((q) => q.predicate.value === `${NS.ldp}contains`).map((q) => new URL(q.object.value).pathname.slice(1));
}

const resource = (pod: Patient, path: string, area: Area, shape: Resource['shape']): Resource => ({
  label: `${pod} ${path.slice(pod.length + 1) || '/'}`,
  path,
  pod,
  area,
  shape,
});

/** Seeds what the table reads (month, notes and access-log documents) and lists its resources. */
export async function seedAndListResources(world: TestWorld): Promise<Resource[]> {
  const url = (p: string) => new URL(p, world.baseUrl).href;
  const vendor = await world.fetchAs('vendor');
  const month = (pod: string, category: string) => `${pod}/health/measurements/${category}/${MONTH}.ttl`;
  const append = async (f: typeof fetch, path: string) => {
    const outcome = await appendQuads(f, url(path), [probe(url(path))]);
    if (!outcome.ok) throw new Error(`Seeding ${path}: ${outcome.reason}`);
  };
  // Written through the insert-only patch path (creates each month document): as the device vendor where the
  // patient paired a device for the kind, as the patient where no device may write.
  const hans = await world.fetchAs('hans');
  for (const category of CATEGORIES) await append(VENDOR_APPENDS.hans.includes(category) ? vendor : hans, month('hans', category));
  for (const category of ['body-weight', 'blood-glucose'] as const) await append(VENDOR_APPENDS.kari.includes(category) ? vendor : await world.fetchAs('kari'), month('kari', category));
  const hansNotes = new URL(notesDocument(url('hans/'), NOTE_TIME)).pathname.slice(1);
  const kariNotes = new URL(notesDocument(url('kari/'), NOTE_TIME)).pathname.slice(1);
  await append(await world.fetchAs('lunde'), hansNotes);
  await append(await world.fetchAs('dahl'), kariNotes);
  const [consentDoc] = await members(world, 'hans', 'hans/health/consent/');
  if (!consentDoc) throw new Error('Provisioning wrote no consent record for hans');

  // A read by someone else reaches the access log within its flush interval.
  await (await world.fetchAs('lunde'))(url('hans/health/measurements/heart-rate/'));
  let logDay: string | undefined;
  for (let tries = 0; !logDay && tries < 100; tries++) {
    logDay = (await members(world, 'hans', 'hans/health/access-log/')).find((p) => p.endsWith('.ttl'));
    if (!logDay) await new Promise((r) => setTimeout(r, 100));
  }
  if (!logDay) throw new Error('The access log wrote no day document');

  const category = (name: (typeof CATEGORIES)[number]): Area => ({ kind: 'category', category: name });
  const list: Resource[] = [
    resource('hans', 'hans/profile/card', { kind: 'profile' }, 'document'),
    resource('hans', 'hans/', { kind: 'private' }, 'pod-root'),
    resource('hans', 'hans/health/', { kind: 'private' }, 'container'),
    resource('hans', 'hans/health/measurements/', { kind: 'measurements' }, 'container'),
    ...CATEGORIES.flatMap((c) => [
      resource('hans', `hans/health/measurements/${c}/`, category(c), 'container'),
      resource('hans', month('hans', c), category(c), 'document'),
    ]),
    resource('hans', 'hans/health/notes/', { kind: 'notes' }, 'container'),
    resource('hans', hansNotes, { kind: 'notes' }, 'document'),
    resource('hans', 'hans/health/consent/', { kind: 'consent' }, 'container'),
    resource('hans', consentDoc, { kind: 'consent' }, 'document'),
    resource('hans', 'hans/health/access-log/', { kind: 'access-log' }, 'container'),
    resource('hans', logDay, { kind: 'access-log' }, 'document'),
    resource('kari', 'kari/health/measurements/body-weight/', category('body-weight'), 'container'),
    resource('kari', month('kari', 'body-weight'), category('body-weight'), 'document'),
    resource('kari', 'kari/health/measurements/blood-glucose/', category('blood-glucose'), 'container'),
    resource('kari', month('kari', 'blood-glucose'), category('blood-glucose'), 'document'),
    resource('kari', 'kari/health/notes/', { kind: 'notes' }, 'container'),
    resource('kari', kariNotes, { kind: 'notes' }, 'document'),
  ];
  // The .acl documents, found where the server says they are.
  const acls: [Patient, string, Area][] = [
    ['hans', 'hans/', { kind: 'private' }],
    ['hans', 'hans/health/', { kind: 'private' }],
    ['hans', 'hans/health/measurements/', { kind: 'measurements' }],
    ['hans', 'hans/health/measurements/oxygen-saturation/', category('oxygen-saturation')],
    ['hans', 'hans/health/notes/', { kind: 'notes' }],
    ['hans', 'hans/health/consent/', { kind: 'consent' }],
    ['hans', 'hans/health/access-log/', { kind: 'access-log' }],
    ['kari', 'kari/health/measurements/body-weight/', category('body-weight')],
  ];
  for (const [pod, path, area] of acls) {
    const acl = await linkedPathOf(world, pod, path, 'acl');
    list.push(resource(pod, acl, area, path === `${pod}/` ? 'root-acl' : 'acl'));
  }
  // Descriptions (.meta) of containers and documents that others may append to or read.
  const descriptions: [Patient, string, Area][] = [
    ['hans', 'hans/health/measurements/', { kind: 'measurements' }],
    ['hans', 'hans/health/measurements/oxygen-saturation/', category('oxygen-saturation')],
    ['hans', month('hans', 'oxygen-saturation'), category('oxygen-saturation')],
    ['hans', 'hans/health/notes/', { kind: 'notes' }],
    ['hans', hansNotes, { kind: 'notes' }],
    ['hans', 'hans/health/access-log/', { kind: 'access-log' }],
    ['kari', 'kari/health/measurements/body-weight/', category('body-weight')],
  ];
  for (const [pod, path, area] of descriptions) list.push(resource(pod, await linkedPathOf(world, pod, path, 'describedby'), area, 'description'));
  return list;
}
