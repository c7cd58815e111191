/**
 * The clinician API's other doors, against a real CSS with the seeded demo
 * world: FHIR out (a searchset Bundle, an unreliable mark as a note), bad
 * input answered with problem details, bearer and Solid-OIDC cookie sessions,
 * and the `helsevev query` CLI. What a team may read: clinician.test.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ClinicianApi } from '../../apps/clinician/service.ts';
import { appendQuads } from '../../apps/shared/append.ts';
import { measurementIri, notesDocument, unreliableMarkToQuads, type Measurement } from '../../apps/shared/measurement/index.ts';
import { DEMO_PASSWORD, demoEmail } from '../../pod-server/world/demo-world.ts';
import { clinicianHelpers, DAY, PREFIXES, useClinicianWorld } from '../support/clinician-world.ts';
import { browserLogin } from '../support/oidc-browser.ts';
import { checkSparqlResults } from '../support/sparql-results.ts';
import type { TestWorld } from '../support/test-world.ts';

const shared = useClinicianWorld();
const { call, webId, pod, expectedIris } = clinicianHelpers(shared);
let world: TestWorld;
let api: ClinicianApi;
let seedEnd: Date;
let seeded: Measurement[];
beforeAll(() => {
  ({ world, api, seedEnd, seeded } = shared);
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
    // dahl is a GP at legekontor and in oslo's cross-level team A.
    expect(((await teams.json()) as { teams: { name: string; member: boolean; patients: number }[] }).teams.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      expect.objectContaining({ name: 'fastleger', member: true, patients: 2 }),
      expect.objectContaining({ name: 'oppfolgingsteam-a', member: true, patients: 1 }),
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
      'bin/helsevev.mjs', 'query', '--as', 'holm', '--data-dir', world.dataDir, '--team', 'lungeteam', '--format', 'csv', '--quiet', '--kind', 'heart-rate,body-weight',
      '--query', `${PREFIXES}SELECT ?time ?value WHERE { ?o sosa:resultTime ?time ; sosa:hasResult/qudt:numericValue ?value FILTER(?time > NOW() - "P1D"^^xsd:dayTimeDuration) } ORDER BY ?time`,
    ], { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, NODE_ENV: 'production' } });
    const lines = stdout.trim().split(/\r?\n/);
    expect(lines[0]).toBe('time,value');
    expect(lines.length).toBeGreaterThan(1);
    expect(stderr).toMatch(/could not read .*hans.* body-weight: forbidden/);
  }, 60_000);
});
