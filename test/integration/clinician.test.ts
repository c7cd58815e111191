/**
 * The clinician query side against a real CSS with the seeded demo world,
 * through the HTTP API: a team sees exactly what its patients granted
 * (checked against the deterministic seed), a revocation takes effect on the
 * very next query (warm ETag cache and all), unreadable patients are
 * reported, results formats validate, bad input gets problem details, and a
 * query cannot make the server fetch outside the team's pods.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { healthAclTurtle, type Grantee } from '../../apps/shared/health-acl.ts';
import { healthContainers } from '../../apps/shared/health-layout.ts';
import { measurementIri, unreliableMarkToQuads, notesDocument, type Measurement } from '../../apps/shared/measurement/index.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { demoMeasurements, seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import { DEMO_PASSWORD, demoEmail, demoGroup, groupIriOf, webIdOf } from '../../pod-server/world/demo-world.ts';
import { publishTeamList } from '../../pod-server/world/teams.ts';
import { demoHealthAccess } from '../../pod-server/world/world.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';
import { checkSparqlResults } from '../support/sparql-results.ts';
import { browserLogin } from '../support/oidc-browser.ts';

const DAY = 86_400_000;
let world: TestWorld;
let api: ClinicianApi;
let seedEnd: Date;
let seeded: Measurement[];
/** Records every request it gets: a "patient" on a server the API may not read. */
let outsider: Server;
const outsiderRequests: string[] = [];
let deadServer: string;

const PREFIXES = `PREFIX sosa: <http://www.w3.org/ns/sosa/> PREFIX qudt: <http://qudt.org/schema/qudt/> PREFIX sct: <http://snomed.info/id/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX hv: <https://w3id.org/helsevev#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n`;

beforeAll(async () => {
  world = await startTestWorld({
    seedMeasurements: async (ctx) => {
      seedEnd = new Date(ctx.startedAt);
      await seedDemoMeasurements((await ctx.sessionFor('vendor')).fetch, { baseUrl: ctx.baseUrl, end: seedEnd });
    },
  });
  seeded = demoMeasurements({ baseUrl: world.baseUrl, end: seedEnd });
  outsider = createServer((req, res) => {
    outsiderRequests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'text/turtle' }).end('<#me> <http://www.w3.org/ns/pim/space#storage> </> .');
  });
  await new Promise<void>((resolve) => outsider.listen(0, '127.0.0.1', resolve));
  deadServer = `http://127.0.0.1:${await freePort()}/`;
  api = await startClinicianApi({ port: 0, podBaseUrl: world.baseUrl, otherPodServers: [deadServer] });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  outsider?.close();
  await world?.stop();
});

const basic = (name: string) => {
  const c = world.credentials[name]!;
  return `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
};

async function call(who: string | undefined, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (who) headers.set('authorization', basic(who));
  return fetch(new URL(path, api.url), { ...init, headers });
}

async function json<T = Record<string, unknown>>(who: string, path: string): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await call(who, path);
  return { status: response.status, body: (await response.json()) as T, headers: response.headers };
}

const webId = (name: string) => webIdOf(world.baseUrl, name);
const pod = (name: string) => `${world.baseUrl}${name}/`;
const iso = (d: Date) => encodeURIComponent(d.toISOString());

/** The seeded measurements of `patient` of `kinds` in [from, to], by IRI. */
function expectedIris(patient: string, kinds: readonly string[] | 'all', from: Date, to: Date): string[] {
  return seeded
    .filter((m) => m.patient === webId(patient) && (kinds === 'all' || kinds.includes(m.kind)))
    .filter((m) => Date.parse(m.effectiveTime) >= from.getTime() && Date.parse(m.effectiveTime) <= to.getTime())
    .map((m) => measurementIri(pod(patient), m))
    .sort();
}

interface MeasurementsAnswer {
  measurements: { iri: string; kind: string; patient: string }[];
  access: { complete: boolean; unreadable: { patient: string; category?: string; reason: string }[] };
  scope: { kinds: string[] };
}

describe('a team reads exactly what its patients granted', () => {
  it('lungeteam (lunde): hans\'s SpO2 and pulse for 90 days, nothing else, and says which categories it may not read', async () => {
    const from = new Date(seedEnd.getTime() - 89 * DAY);
    const { status, body, headers } = await json<MeasurementsAnswer>('lunde', `/measurements?team=lungeteam&from=${iso(from)}&to=${iso(seedEnd)}`);
    expect(status).toBe(200);
    expect(body.measurements.map((m) => m.iri).sort()).toEqual(expectedIris('hans', ['oxygen-saturation', 'heart-rate'], from, seedEnd));
    expect(body.measurements.length).toBeGreaterThan(300);
    expect(new Set(body.measurements.map((m) => m.kind))).toEqual(new Set(['oxygen-saturation', 'heart-rate']));
    // respiratory-rate has data but is not granted: reported, not returned.
    expect(body.access.unreadable.map((u) => u.category).sort()).toEqual([
      'blood-glucose', 'blood-pressure', 'body-height', 'body-mass-index', 'body-temperature', 'body-weight', 'peak-expiratory-flow', 'respiratory-rate',
    ]);
    expect(body.access.unreadable.every((u) => u.reason === 'forbidden' && u.patient === webId('hans'))).toBe(true);
    expect(headers.get('helsevev-access')).toBe('partial');
    expect(headers.get('link')).toMatch(/rel="describedby"/);
  });

  it('fastleger (dahl): kari\'s weight only, all of ola\'s; never kari\'s glucose', async () => {
    const from = new Date(seedEnd.getTime() - 40 * DAY);
    const { body } = await json<MeasurementsAnswer>('dahl', `/measurements?team=fastleger&from=${iso(from)}&to=${iso(seedEnd)}`);
    const got = body.measurements.map((m) => m.iri).sort();
    expect(got).toEqual([...expectedIris('kari', ['body-weight'], from, seedEnd), ...expectedIris('ola', 'all', from, seedEnd)].sort());
    expect(body.measurements.some((m) => m.kind === 'blood-glucose')).toBe(false);
    expect(body.access.unreadable.find((u) => u.category === 'blood-glucose')).toMatchObject({ patient: webId('kari'), reason: 'forbidden' });
  });

  it('SPARQL over every kind returns the same set as the typed endpoint (panel members included)', async () => {
    const from = new Date(seedEnd.getTime() - 20 * DAY);
    const query = `${PREFIXES}SELECT DISTINCT ?obs WHERE { ?obs sosa:observedProperty ?p ; sosa:resultTime ?t . FILTER NOT EXISTS { ?panel <http://www.w3.org/ns/ssn/ext/hasMember> ?obs } }`;
    const response = await call('dahl', `/sparql?team=fastleger&from=${iso(from)}&to=${iso(seedEnd)}&query=${encodeURIComponent(query)}`);
    expect(response.status).toBe(200);
    const { rows } = await checkSparqlResults('json', await response.text());
    expect(rows.map((r) => r.obs!).sort()).toEqual([...expectedIris('kari', ['body-weight'], from, seedEnd), ...expectedIris('ola', 'all', from, seedEnd)].sort());
  });

  it('plans from the query: SpO2 < 90 % in the last 48 h reads one or two documents per patient', async () => {
    const query = `${PREFIXES}SELECT ?obs ?v WHERE { ?obs sosa:observedProperty sct:431314004 ; sosa:resultTime ?t ; sosa:hasResult/qudt:numericValue ?v .
      FILTER (?t >= "${new Date(seedEnd.getTime() - 2 * DAY).toISOString()}"^^xsd:dateTime && ?v < 90) }`;
    const response = await call('nilsen', `/sparql?team=oppfolgingsteam-a&query=${encodeURIComponent(query)}`);
    expect(response.headers.get('helsevev-scope')).toMatch(/kinds=oxygen-saturation; .*basis=kinds:query,time:query/);
    expect(Number(response.headers.get('helsevev-requests'))).toBeLessThanOrEqual(6);
    const { rows } = await checkSparqlResults('json', await response.text());
    const expected = seeded.filter((m) => m.patient === webId('hans') && m.kind === 'oxygen-saturation' && 'value' in m && m.value < 90
      && Date.parse(m.effectiveTime) >= seedEnd.getTime() - 2 * DAY).map((m) => measurementIri(pod('hans'), m)).sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.obs).sort()).toEqual(expected);
  });
});

describe('SPARQL results formats', () => {
  const query = `${PREFIXES}SELECT ?name ?time ?value WHERE { ?o sosa:observedProperty sct:431314004 ; sosa:hasFeatureOfInterest ?p ; sosa:resultTime ?time ; sosa:hasResult/qudt:numericValue ?value .
    OPTIONAL { ?p foaf:name ?name } FILTER (?time >= NOW() - "P3D"^^xsd:dayTimeDuration) } ORDER BY ?time`;

  it('JSON, XML, CSV and TSV by content negotiation, valid and with the same rows', async () => {
    const answers: Record<string, Record<string, string>[]> = {};
    for (const [accept, format] of [
      ['application/sparql-results+json', 'json'], ['application/sparql-results+xml', 'xml'], ['text/csv', 'csv'], ['text/tab-separated-values', 'tsv'],
    ] as const) {
      const response = await call('nilsen', `/sparql?team=oppfolgingsteam-a&query=${encodeURIComponent(query)}`, { headers: { accept } });
      expect(response.status, accept).toBe(200);
      expect(response.headers.get('content-type')).toMatch(new RegExp(`^${accept.replace('+', '\\+')}`));
      const { vars, rows } = await checkSparqlResults(format, await response.text());
      expect(vars).toEqual(['name', 'time', 'value']);
      answers[format] = rows;
    }
    expect(answers.json!.length).toBeGreaterThan(3);
    expect(answers.json![0]!.name).toBe('Hans Hansen');
    for (const format of ['xml', 'csv', 'tsv']) expect(answers[format], format).toEqual(answers.json);
  });

  it('POST as application/sparql-query and as a form; ASK as JSON', async () => {
    const body = await (await call('nilsen', '/sparql?team=oppfolgingsteam-a', { method: 'POST', headers: { 'content-type': 'application/sparql-query' }, body: query })).text();
    const form = await (await call('nilsen', '/sparql', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ query, team: 'oppfolgingsteam-a' }) })).text();
    expect(JSON.parse(form)).toEqual(JSON.parse(body));
    const ask = await call('nilsen', `/sparql?team=oppfolgingsteam-a&query=${encodeURIComponent(`${PREFIXES}ASK { ?o sosa:observedProperty sct:431314004 }`)}`);
    expect(await ask.json()).toEqual({ head: {}, boolean: true });
  });
});

describe('never stale, never over-sharing', () => {
  it('after hans revokes the lung team\'s SpO2 access, the next query (warm cache) has none of it and says so', async () => {
    const from = new Date(seedEnd.getTime() - 10 * DAY);
    const path = `/measurements?team=lungeteam&kind=oxygen-saturation,heart-rate&from=${iso(from)}&to=${iso(seedEnd)}`;
    const before = await json<MeasurementsAnswer & { stats: { notModified: number } }>('lunde', path);
    const again = await json<MeasurementsAnswer & { stats: { notModified: number } }>('lunde', path);
    expect(before.body.measurements.some((m) => m.kind === 'oxygen-saturation')).toBe(true);
    expect(again.body.stats.notModified).toBeGreaterThan(0);

    // hans rewrites his SpO2 container's ACL without the lung team (as the consent page does).
    const access = demoHealthAccess(world.baseUrl, 'hans');
    const lungeteam = groupIriOf(world.baseUrl, demoGroup('lungeteam'));
    const readers = (access.readers['oxygen-saturation'] ?? []).filter((g: Grantee) => !('group' in g && g.group === lungeteam));
    const container = healthContainers(pod('hans')).find((c) => c.kind === 'category' && c.category === 'oxygen-saturation')!;
    const aclUrl = `${container.url}.acl`;
    const hans = await world.fetchAs('hans');
    const put = await hans(aclUrl, {
      method: 'PUT', headers: { 'content-type': 'text/turtle' },
      body: await healthAclTurtle(container, { ...access, readers: { ...access.readers, 'oxygen-saturation': readers } }, aclUrl),
    });
    expect(put.ok).toBe(true);

    const after = await json<MeasurementsAnswer>('lunde', path);
    expect(after.body.measurements.filter((m) => m.kind === 'oxygen-saturation')).toEqual([]);
    expect(after.body.measurements.map((m) => m.iri).sort()).toEqual(expectedIris('hans', ['heart-rate'], from, seedEnd));
    expect(after.body.access.unreadable).toEqual([expect.objectContaining({ patient: webId('hans'), category: 'oxygen-saturation', reason: 'forbidden' })]);
    // The municipal team, granted everything, still sees SpO2.
    const nilsen = await json<MeasurementsAnswer>('nilsen', path.replace('lungeteam', 'oppfolgingsteam-a'));
    expect(nilsen.body.measurements.some((m) => m.kind === 'oxygen-saturation')).toBe(true);
  });
});

describe('partial access is visible', () => {
  it('a list with an ungranted patient, an unreachable pod and a pod outside the allowed servers: reported, the rest answered', async () => {
    const outsiderWebId = `http://127.0.0.1:${(outsider.address() as AddressInfo).port}/someone/profile/card#me`;
    const oslo = await world.fetchAs('oslo');
    await publishTeamList(oslo, world.baseUrl, {
      name: 'test-partial', owner: 'oslo', displayName: 'Test', group: groupIriOf(world.baseUrl, demoGroup('oppfolgingsteam-a')),
      organisationGroups: [groupIriOf(world.baseUrl, demoGroup('oppfolgingsteam-a'))],
      patients: [webId('hans'), webId('kari'), `${deadServer}ghost/profile/card#me`, outsiderWebId],
    });
    const query = `${PREFIXES}SELECT ?p (COUNT(?o) AS ?n) WHERE { ?o sosa:observedProperty sct:364075005 ; sosa:hasFeatureOfInterest ?p ; sosa:resultTime ?t FILTER(?t > NOW() - "P2D"^^xsd:dayTimeDuration) } GROUP BY ?p`;
    const response = await call('nilsen', `/sparql?team=test-partial&query=${encodeURIComponent(query)}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('helsevev-access')).toBe('partial');
    const { rows, links } = await checkSparqlResults('json', await response.text());
    expect(rows.map((r) => r.p)).toEqual([webId('hans')]);
    expect(links).toHaveLength(1);

    const report = await json<{ access: MeasurementsAnswer['access'] & { patients: Record<string, number> } }>('nilsen', new URL(links[0]!).pathname);
    expect(report.body.access.patients).toEqual({ total: 4, read: 1, partly: 0, unreadable: 3 });
    const reasons = Object.fromEntries(report.body.access.unreadable.map((u) => [u.patient, u.reason]));
    expect(reasons).toEqual({ [webId('kari')]: 'forbidden', [`${deadServer}ghost/profile/card#me`]: 'unreachable', [outsiderWebId]: 'outside-pod-servers' });
    // Someone else cannot read the report.
    expect((await call('dahl', new URL(links[0]!).pathname)).status).toBe(404);
    expect(outsiderRequests).toEqual([]);
  });
});

describe('FHIR out', () => {
  it('a searchset Bundle of the subject\'s SpO2 from the same data, LOINC first', async () => {
    const from = new Date(seedEnd.getTime() - 7 * DAY);
    const response = await call('nilsen', `/fhir/Observation?subject=${encodeURIComponent(webId('hans'))}&code=http://loinc.org|59408-5&date=ge${from.toISOString()}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const bundle = (await response.json()) as { type: string; total: number; entry: { resource: { code: { coding: { code: string }[] }; subject: { reference: string } } }[] };
    expect(bundle.type).toBe('searchset');
    expect(bundle.total).toBe(expectedIris('hans', ['oxygen-saturation'], from, seedEnd).length);
    expect(bundle.entry[0]!.resource.code.coding[0]!.code).toBe('59408-5');
    expect(bundle.entry.every((e) => e.resource.subject.reference === webId('hans'))).toBe(true);
  });

  it('an unreliable mark becomes an Observation.note; the marked-unreliable example finds it', async () => {
    const target = seeded.find((m) => m.patient === webId('hans') && m.kind === 'heart-rate' && Date.parse(m.effectiveTime) > seedEnd.getTime() - DAY)!;
    const iri = measurementIri(pod('hans'), target);
    const created = new Date().toISOString();
    const quads = unreliableMarkToQuads({ measurement: iri, reason: 'Oksymeteret satt løst', author: webId('nilsen'), created }, pod('hans'));
    const outcome = await appendQuads(await world.fetchAs('nilsen'), notesDocument(pod('hans'), created), quads);
    expect(outcome.ok).toBe(true);

    const bundle = (await (await call('nilsen', `/fhir/Observation?subject=${encodeURIComponent(webId('hans'))}&code=8867-4&date=ge${new Date(seedEnd.getTime() - DAY).toISOString().slice(0, 10)}`)).json()) as { entry: { resource: { identifier: { value: string }[]; note?: { text: string }[] } }[] };
    const marked = bundle.entry.find((e) => e.resource.identifier[0]!.value === iri);
    expect(marked?.resource.note?.[0]?.text).toBe('Marked unreliable: Oksymeteret satt løst');

    const { readFile } = await import('node:fs/promises');
    const query = await readFile(new URL('../../apps/clinician/queries/marked-unreliable.rq', import.meta.url), 'utf8');
    const { rows } = await checkSparqlResults('json', await (await call('nilsen', `/sparql?team=oppfolgingsteam-a&kind=heart-rate&query=${encodeURIComponent(query)}`)).text());
    expect(rows).toEqual([expect.objectContaining({ obs: iri, reason: 'Oksymeteret satt løst', author: webId('nilsen') })]);
  });
});

describe('bad input gets problem details', () => {
  const q = encodeURIComponent(`${PREFIXES}SELECT * WHERE { ?o sosa:resultTime ?t } LIMIT 1`);
  it.each([
    ['no credentials', undefined, `/sparql?team=oppfolgingsteam-a&query=${q}`, {}, 401, 'unauthenticated'],
    ['malformed SPARQL', 'nilsen', `/sparql?team=oppfolgingsteam-a&query=${encodeURIComponent('SELECT * WHERE { ?s ?p }')}`, {}, 400, 'malformed-query'],
    ['an unknown team', 'nilsen', `/sparql?team=no-such-team&query=${q}`, {}, 404, 'unknown-team'],
    ['a team of another organisation', 'nilsen', `/sparql?team=lungeteam&query=${q}`, {}, 404, 'unknown-team'],
    ['a team whose group the clinician is not in', 'hagen', `/sparql?team=lungeteam&query=${q}`, {}, 403, 'not-team-member'],
    ['no team', 'nilsen', `/sparql?query=${q}`, {}, 400, 'invalid-parameter'],
    ['a time range that is too wide', 'nilsen', `/sparql?team=oppfolgingsteam-a&from=2020-01-01&query=${q}`, {}, 422, 'time-range-too-wide'],
    ['an unknown kind', 'nilsen', `/measurements?team=oppfolgingsteam-a&kind=spo2`, {}, 400, 'invalid-parameter'],
    ['INSERT in the query', 'nilsen', `/sparql?team=oppfolgingsteam-a&query=${encodeURIComponent('INSERT DATA { <http://a/b> <http://a/c> 1 }')}`, {}, 403, 'update-refused'],
    ['an UPDATE request', 'nilsen', '/sparql?team=oppfolgingsteam-a', { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'DELETE WHERE { ?s ?p ?o }' }, 403, 'update-refused'],
    ['SERVICE', 'nilsen', `/sparql?team=oppfolgingsteam-a&query=${encodeURIComponent('SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }')}`, {}, 400, 'operation-refused'],
    ['default-graph-uri', 'nilsen', `/sparql?team=oppfolgingsteam-a&default-graph-uri=http://127.0.0.1:9/x&query=${q}`, {}, 400, 'operation-refused'],
    ['an unacceptable format', 'nilsen', `/sparql?team=oppfolgingsteam-a&query=${q}`, { headers: { accept: 'image/png' } }, 406, 'not-acceptable'],
  ] as const)('%s', async (_name, who, path, init, status, kind) => {
    const response = await call(who, path, init as RequestInit);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const p = (await response.json()) as { type: string; detail: string };
    expect(p.type).toBe(`https://w3id.org/helsevev/problems#${kind}`);
    expect(p.detail.length).toBeGreaterThan(10);
  });

  it('wrong client credentials are a 401 with WWW-Authenticate', async () => {
    const response = await fetch(new URL(`/teams`, api.url), { headers: { authorization: `Basic ${Buffer.from('nobody_1:wrong').toString('base64')}` } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/Basic/);
  });
});

describe('sessions, teams and the CLI', () => {
  it('POST /session exchanges client credentials for a bearer token', async () => {
    const created = await call('dahl', '/session', { method: 'POST' });
    expect(created.status).toBe(201);
    const { access_token: token, webId: who } = (await created.json()) as { access_token: string; webId: string };
    expect(who).toBe(webId('dahl'));
    const teams = await fetch(new URL('/teams', api.url), { headers: { authorization: `Bearer ${token}` } });
    expect(((await teams.json()) as { teams: { name: string; member: boolean; patients: number }[] }).teams).toEqual([
      expect.objectContaining({ name: 'fastleger', member: true, patients: 2 }),
    ]);
    expect((await fetch(new URL('/session', api.url), { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    expect((await fetch(new URL('/teams', api.url), { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('a person logs in with Solid-OIDC at the pod server\'s login page; their cookie session queries as them', async () => {
    const app = `http://localhost:${api.port}`;
    const { cookie, landedAt } = await browserLogin({ appUrl: app, podBaseUrl: world.baseUrl, email: demoEmail('nilsen'), password: DEMO_PASSWORD, webId: webId('nilsen') });
    expect(landedAt).toBe(`${app}/login/me`);
    // The cookie is taken only from the service's own page (test/integration/clinician-sessions.test.ts).
    const page = { 'x-helsevev-request': '1' };
    expect(cookie).toMatch(/hv_session=/);
    expect(await (await fetch(`${app}/login/me`, { headers: { cookie } })).json()).toEqual({ webId: webId('nilsen') });
    const teams = (await (await fetch(`${app}/teams`, { headers: { cookie, ...page } })).json()) as { webId: string; teams: { name: string }[] };
    expect(teams.webId).toBe(webId('nilsen'));
    expect(teams.teams.map((t) => t.name)).toContain('oppfolgingsteam-a');
    const answer = await fetch(`${app}/measurements?team=oppfolgingsteam-a&kind=heart-rate&from=P1D`, { headers: { cookie, ...page } });
    expect(((await answer.json()) as { count: number }).count).toBeGreaterThan(0);
    expect((await fetch(`${app}/logout`, { method: 'POST', headers: { cookie, ...page } })).status).toBe(204);
    expect((await fetch(`${app}/teams`, { headers: { cookie, ...page } })).status).toBe(401);
  });

  it('npx helsevev query prints CSV and lists what it could not read', async () => {
    const run = promisify(execFile);
    const { stdout, stderr } = await run('node', [
      'bin/helsevev.mjs', 'query', '--as', 'lunde', '--data-dir', world.dataDir, '--team', 'lungeteam', '--format', 'csv', '--quiet', '--kind', 'heart-rate,body-weight',
      '--query', `${PREFIXES}SELECT ?time ?value WHERE { ?o sosa:resultTime ?time ; sosa:hasResult/qudt:numericValue ?value FILTER(?time > NOW() - "P1D"^^xsd:dayTimeDuration) } ORDER BY ?time`,
    ], { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, NODE_ENV: 'production' } });
    const lines = stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('time,value');
    expect(lines.length).toBeGreaterThan(1);
    expect(stderr).toMatch(/could not read .*hans.* body-weight: forbidden/);
  }, 60_000);
});
