/**
 * The clinician query side against a real CSS with the seeded demo world,
 * through the HTTP API: a team sees exactly what its patients granted
 * (checked against the deterministic seed), results formats validate, a
 * revocation takes effect on the very next query (warm ETag cache and all),
 * unreadable patients are reported, and a query cannot make the server fetch
 * outside the team's pods. FHIR out, problem details, sessions and the CLI:
 * clinician-api.test.ts.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { healthAclTurtle, type Grantee } from '../../apps/shared/health-acl.ts';
import { healthContainers } from '../../apps/shared/health-layout.ts';
import { measurementIri, type Measurement } from '../../apps/shared/measurement/index.ts';
import { demoGroup, groupIriOf } from '../../pod-server/world/demo-world.ts';
import { publishTeamList } from '../../pod-server/world/teams.ts';
import { demoHealthAccess } from '../../pod-server/world/world.ts';
import { clinicianHelpers, DAY, PREFIXES, useClinicianWorld, type MeasurementsAnswer } from '../support/clinician-world.ts';
import type { TestWorld } from '../support/test-world.ts';
import { checkSparqlResults } from '../support/sparql-results.ts';

const shared = useClinicianWorld();
const { call, json, webId, pod, iso, expectedIris } = clinicianHelpers(shared);
let world: TestWorld;
let seedEnd: Date;
let seeded: Measurement[];
let outsider: Server;
let outsiderRequests: string[];
let deadServer: string;
beforeAll(() => {
  ({ world, seedEnd, seeded, outsider, outsiderRequests, deadServer } = shared);
});

describe('a team reads exactly what its patients granted', () => {
  // holm is in the lung team only: lunde, in the cross-level team A too, may read all of hans's categories.
  it('lungeteam (holm): hans\'s SpO2 and pulse for 90 days, nothing else, and says which categories it may not read', async () => {
    const from = new Date(seedEnd.getTime() - 89 * DAY);
    const { status, body, headers } = await json<MeasurementsAnswer>('holm', `/measurements?team=lungeteam&from=${iso(from)}&to=${iso(seedEnd)}`);
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
    const before = await json<MeasurementsAnswer & { stats: { notModified: number } }>('holm', path);
    const again = await json<MeasurementsAnswer & { stats: { notModified: number } }>('holm', path);
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

    const after = await json<MeasurementsAnswer>('holm', path);
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
