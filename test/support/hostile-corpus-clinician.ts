/**
 * The hostile-input corpus, clinician part: SPARQL (other hosts, updates,
 * malformed and slow queries, bad parameters), then FHIR, measurements, the
 * dashboard API, marks, reports and sessions.
 */
import { EVIL, INJECTIONS, nested, wrongValues, type CorpusBuilder, type PayloadKind, type Sender } from './hostile-corpus-kit.ts';

export function clinicianPayloads({ ctx, random, add }: CorpusBuilder): void {
  const { patient, podBaseUrl, team } = ctx;
  const json = 'application/json';

  // ------------------------------------------------------------------ clinician SPARQL
  const Q = 'clinician GET|POST /sparql';
  const enc = encodeURIComponent;
  const sparqlGet = (kind: PayloadKind, description: string, query: string, extra = `&team=${team}`, as: Sender = 'clinician') =>
    add({ target: 'clinician', endpoint: Q, kind, description, method: 'GET', path: `/sparql?query=${enc(query)}${extra}`, headers: { accept: 'application/sparql-results+json' }, as });
  const sparqlPost = (kind: PayloadKind, description: string, body: string | Buffer, type: string, extra = `?team=${team}`) =>
    add({ target: 'clinician', endpoint: Q, kind, description, method: 'POST', path: `/sparql${extra}`, headers: { 'content-type': type, accept: 'application/sparql-results+json' }, body, as: 'clinician' });
  const select = 'SELECT * WHERE { ?s ?p ?o } LIMIT 1';
  for (const [description, query] of [
    ['SERVICE to another host', `SELECT * WHERE { SERVICE <${EVIL}sparql> { ?s ?p ?o } }`],
    ['SERVICE to the pod server', `SELECT * WHERE { SERVICE <${podBaseUrl}hans/> { ?s ?p ?o } }`],
    ['SERVICE SILENT to the cloud metadata', 'SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/> { ?s ?p ?o } }'],
    ['FROM another host', `SELECT * FROM <${EVIL}data.ttl> WHERE { ?s ?p ?o }`],
    ['FROM NAMED another patient', `SELECT * FROM NAMED <${podBaseUrl}kari/health/measurements/blood-glucose/> WHERE { GRAPH ?g { ?s ?p ?o } }`],
    ['FROM a file', 'SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }'],
    ['CONSTRUCT with SERVICE', `CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <${EVIL}> { ?s ?p ?o } }`],
    ['SERVICE with a variable', 'SELECT * WHERE { BIND(<http://evil.example/> AS ?e) SERVICE ?e { ?s ?p ?o } }'],
  ] as const) sparqlGet('other-host-iri', description, query);
  for (const [description, query] of [
    ['INSERT DATA', 'INSERT DATA { <http://evil.example/s> <http://evil.example/p> "o" }'],
    ['DELETE WHERE', 'DELETE WHERE { ?s ?p ?o }'], ['DROP ALL', 'DROP ALL'], ['CLEAR GRAPH', `CLEAR GRAPH <${patient.pod}health/>`],
    ['LOAD from another host', `LOAD <${EVIL}evil.ttl>`], ['CREATE GRAPH', `CREATE GRAPH <${patient.pod}evil>`],
    ['a query then an update', `${select} ; INSERT DATA { <a:s> <a:p> <a:o> }`],
    ['DELETE/INSERT on a month document', `WITH <${patient.pod}health/measurements/oxygen-saturation/2026-01.ttl> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }`],
  ] as const) {
    sparqlGet('sparql-update', `${description} as query=`, query);
    sparqlPost('sparql-update', `${description} as application/sparql-update`, query, 'application/sparql-update');
    sparqlPost('sparql-update', `${description} as update= in a form`, `update=${enc(query)}`, 'application/x-www-form-urlencoded');
  }
  add({ target: 'clinician', endpoint: Q, kind: 'sparql-update', description: 'update= in the URL of a GET', method: 'GET', path: `/sparql?update=${enc('DROP ALL')}&team=${team}`, as: 'clinician' });
  for (const [description, query] of [
    ['unbalanced braces', 'SELECT * WHERE { ?s ?p ?o'], ['not SPARQL', 'hello'], ['an empty query', ' '],
    ['a variable where a keyword belongs', 'SELECT ?x ?y WHERE ?z'], ['an unterminated string', 'SELECT * WHERE { ?s ?p "never closed }'],
    ['a broken IRI', 'SELECT * WHERE { <http://a b> ?p ?o }'], ['prefix not declared', 'SELECT * WHERE { ?s evil:p ?o }'],
  ] as const) sparqlGet('broken-json', `malformed SPARQL: ${description}`, query);
  for (const injection of INJECTIONS.slice(0, 6)) {
    sparqlGet('injection', `team with ${JSON.stringify(injection).slice(0, 30)}`, select, `&team=${enc(injection)}`);
  }
  sparqlGet('injection', 'patient with an injection', select, `&team=${team}&patient=${enc(`${patient.webId}${INJECTIONS[0]}`)}`);
  sparqlGet('other-host-iri', 'patient on another host', select, `&team=${team}&patient=${enc(`${EVIL}hans/profile/card#me`)}`);
  sparqlGet('path-traversal', 'patient with ../ to another pod', select, `&team=${team}&patient=${enc(patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'))}`);
  sparqlGet('path-traversal', 'team with ../', select, `&team=${enc('../../kari/groups/x')}`);
  sparqlGet('bad-parameter', 'no team', select, '');
  sparqlGet('bad-parameter', 'team twice', select, `&team=${team}&team=fastleger`);
  sparqlGet('bad-parameter', 'a team that does not exist', select, '&team=no-such-team');
  sparqlGet('not-granted', 'a team the clinician is not in', select, '&team=fastleger');
  sparqlGet('bad-parameter', 'from after to', select, `&team=${team}&from=2026-02-01&to=2026-01-01`);
  sparqlGet('bad-parameter', 'a 20-year range', select, `&team=${team}&from=2006-01-01&to=2026-01-01`);
  sparqlGet('bad-parameter', 'from is not a time', select, `&team=${team}&from=${enc('yesterday"><x>')}`);
  sparqlGet('unknown-category', 'an unknown kind', select, `&team=${team}&kind=${enc('../notes')}`);
  sparqlGet('bad-parameter', 'default-graph-uri on another host', select, `&team=${team}&default-graph-uri=${enc(EVIL)}`);
  sparqlGet('bad-parameter', 'named-graph-uri of another patient', select, `&team=${team}&named-graph-uri=${enc(`${podBaseUrl}kari/`)}`);
  sparqlGet('bad-credentials', 'no credentials', select, `&team=${team}`, 'anonymous');
  sparqlGet('wrong-type', 'query given as a nested parameter', select, `&team=${team}&query[a]=1`);
  sparqlGet('wrong-type', 'team given as an object', select, `&team[x]=${team}`);
  sparqlPost('content-type', 'text/plain body', select, 'text/plain');
  sparqlPost('content-type', 'JSON body', JSON.stringify({ query: select }), json);
  sparqlPost('content-type', 'no content type', select, '');
  sparqlPost('huge-body', 'a 300 kB query (limit 200 kB)', `${select} # ${'x'.repeat(300 * 1024)}`, 'application/sparql-query');
  sparqlPost('huge-body', 'a 150 kB query (limit 100,000 characters)', `${select} # ${'x'.repeat(150 * 1024)}`, 'application/sparql-query');
  add({ target: 'clinician', endpoint: Q, kind: 'huge-body', description: 'a 40 kB query in the URL (header limit 16 kB)', method: 'GET', path: `/sparql?team=${team}&query=${enc(`${select} #${'x'.repeat(40_000)}`)}`, as: 'clinician' });
  sparqlPost('deep-nesting', 'groups nested 5,000 deep', `SELECT * WHERE ${'{ '.repeat(5000)}?s ?p ?o${' }'.repeat(5000)}`, 'application/sparql-query');
  sparqlPost('deep-nesting', 'an expression nested 5,000 deep', `SELECT * WHERE { ?s ?p ?o FILTER(${'('.repeat(5000)}?o${')'.repeat(5000)}) }`, 'application/sparql-query');
  // Six unrelated patterns: (team list + profiles)^6, millions of rows even over a small team.
  const cross = '?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r';
  const slow = [
    ['a six-way cross product', `SELECT * WHERE { ${cross} }`],
    ['a cross product behind DISTINCT and ORDER BY', `SELECT DISTINCT ?a ?d ?g ?j ?m ?p WHERE { ${cross} } ORDER BY ?a ?d ?g ?j ?m ?p`],
    ['a cross product that matches nothing', `SELECT * WHERE { ${cross} FILTER(STR(?c) = "never") }`],
    ['property paths over a cross product', `SELECT * WHERE { ?a (<http://x/p>|!<http://x/q>)* ?b . ?c (!<http://x/q>)+ ?d . ?e ?f ?g . ?h ?i ?j . ?k ?l ?m }`],
    ['a CONSTRUCT of a cross product', `CONSTRUCT { ?a ?b ?r } WHERE { ${cross} }`],
    ['a count over a cross product', `SELECT (COUNT(*) AS ?n) WHERE { ${cross} }`],
    ['an ASK that never matches', `ASK { ${cross} FILTER(STR(?c) = "never") }`],
  ] as const;
  for (const [description, query] of slow) sparqlPost('slow-query', description, query, 'application/sparql-query');

  // ------------------------------------------------------------------ clinician FHIR, measurements, dashboard, reports, session
  const clinicianGet = (endpoint: string, kind: PayloadKind, description: string, path: string, as: Sender = 'clinician') =>
    add({ target: 'clinician', endpoint, kind, description, method: 'GET', path, as });
  const O = 'clinician GET /fhir/Observation';
  const subject = `subject=${enc(patient.webId)}`;
  for (const [kind, description, query] of [
    ['other-host-iri', 'subject on another host', `subject=${enc(`${EVIL}hans/profile/card#me`)}`],
    ['other-host-iri', 'subject Patient/123', 'subject=Patient/123'],
    ['path-traversal', 'subject with ../', `subject=${enc(patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'))}`],
    ['path-traversal', 'subject with %2e%2e', `subject=${enc(patient.webId.replace(/profile\/card#me$/, '%2e%2e/kari/profile/card#me'))}`],
    ['injection', 'subject with an injection', `subject=${enc(`${patient.webId}${INJECTIONS[0]}`)}`],
    ['bad-parameter', 'two subjects', `${subject}&patient=${enc(patient.webId)}`],
    ['bad-parameter', 'no subject and no team', 'code=59408-5'],
    ['unit-code-mixup', 'a code Helsevev does not store', `${subject}&code=1234-5`],
    ['unit-code-mixup', 'a LOINC code with the SNOMED system', `${subject}&code=${enc('http://snomed.info/sct|59408-5')}`],
    ['injection', 'code with an injection', `${subject}&code=${enc(INJECTIONS[1])}`],
    ['bad-parameter', 'date not a date', `${subject}&date=${enc('ge"><x>')}`],
    ['bad-parameter', 'date with prefix ne', `${subject}&date=ne2026-01-01`],
    ['bad-parameter', 'date month 13', `${subject}&date=2026-13-01T25:61:00Z`],
    ['bad-parameter', 'a 20-year window', `${subject}&date=ge2006-01-01&date=le2026-01-01`],
    ['injection', 'team with an injection', `${subject}&team=${enc(INJECTIONS[3])}`],
    ['not-granted', 'a team the clinician is not in', `${subject}&team=fastleger`],
    ['bad-credentials', 'no credentials', subject],
  ] as const) clinicianGet(O, kind, description, `/fhir/Observation?${query}`, kind === 'bad-credentials' ? 'anonymous' : 'clinician');
  clinicianGet(O, 'method', 'an Observation read by id (not supported)', '/fhir/Observation/..%2f..%2fsession');
  const M = 'clinician GET /measurements';
  for (const [kind, description, query] of [
    ['bad-parameter', 'no team', 'kind=oxygen-saturation'],
    ['injection', 'team with an injection', `team=${enc(INJECTIONS[0])}`],
    ['unknown-category', 'an unknown kind', `team=${team}&kind=evil`],
    ['unknown-category', 'kind with ../', `team=${team}&kind=${enc('../../notes')}`],
    ['other-host-iri', 'patient on another host', `team=${team}&patient=${enc(`${EVIL}p#me`)}`],
    ['path-traversal', 'patient with %2e%2e', `team=${team}&patient=${enc(patient.webId.replace(/profile\/card#me$/, '%2e%2e/kari/profile/card#me'))}`],
    ['bad-parameter', 'from is garbage', `team=${team}&from=${enc('1e999')}`],
    ['bad-parameter', 'year 99999', `team=${team}&from=99999-01-01`],
    ['wrong-type', 'kind as an object', `team=${team}&kind[__proto__]=x`],
    ['bad-credentials', 'no credentials', `team=${team}`],
  ] as const) clinicianGet(M, kind, description, `/measurements?${query}`, kind === 'bad-credentials' ? 'anonymous' : 'clinician');
  const D = 'clinician GET /dashboard/api/*';
  for (const [kind, description, path] of [
    ['bad-parameter', 'team/list without a team', '/dashboard/api/team/list'],
    ['injection', 'team/list with an injection', `/dashboard/api/team/list?team=${enc(INJECTIONS[0])}`],
    ['not-granted', 'team/list of a team the clinician is not in', '/dashboard/api/team/list?team=fastleger'],
    ['other-host-iri', 'team with a patient on another host', `/dashboard/api/team?team=${team}&patient=${enc(`${EVIL}p#me`)}`],
    ['wrong-type', 'team given twice', `/dashboard/api/team?team=${team}&team=x`],
    ['path-traversal', 'patient with ../', `/dashboard/api/patient?team=${team}&patient=${enc(patient.webId.replace(/profile\/card#me$/, '../kari/profile/card#me'))}`],
    ['bad-parameter', 'patient with weeks=13', `/dashboard/api/patient?team=${team}&patient=${enc(patient.webId)}&weeks=13`],
    ['bad-parameter', 'patient with weeks=NaN', `/dashboard/api/patient?team=${team}&patient=${enc(patient.webId)}&weeks=NaN`],
    ['bad-parameter', 'patient without a patient', `/dashboard/api/patient?team=${team}`],
    ['other-host-iri', 'live of a patient on another host', `/dashboard/api/live?team=${team}&patient=${enc(`${EVIL}p#me`)}`],
    ['injection', 'live of a patient with an injection', `/dashboard/api/live?team=${team}&patient=${enc(`${patient.webId}${INJECTIONS[2]}`)}`],
    ['bad-credentials', 'team without credentials', `/dashboard/api/team?team=${team}`],
    ['path-traversal', 'a file outside the bundle', '/dashboard/api/..%2f..%2f..%2fpackage.json'],
    ['path-traversal', 'app.js with ../', '/app.js/../../../package.json'],
  ] as const) clinicianGet(D, kind, description, path, kind === 'bad-credentials' ? 'anonymous' : 'clinician');
  const K = 'clinician POST /dashboard/api/marks';
  const mark = { team, patient: patient.webId, measurement: `${patient.pod}health/measurements/oxygen-saturation/2026-01.ttl#m-0000`, reason: 'sensor fell off' };
  const marks = (kind: PayloadKind, description: string, body: string, type = json, as: Sender = 'clinician') =>
    add({ target: 'clinician', endpoint: K, kind, description, method: 'POST', path: '/dashboard/api/marks', headers: { 'content-type': type }, body, as });
  marks('broken-json', 'a cut body', JSON.stringify(mark).slice(0, 30));
  marks('broken-json', 'not JSON at all', 'reason=bad');
  marks('huge-body', 'a 100 kB reason (limit 16 kB)', JSON.stringify({ ...mark, reason: 'r'.repeat(100_000) }));
  marks('huge-body', 'a 2 kB reason', JSON.stringify({ ...mark, reason: 'r'.repeat(2_000) }));
  marks('deep-nesting', 'a reason nested 10,000 deep', JSON.stringify(mark).replace('"sensor fell off"', nested(10_000, '"x"')));
  for (const field of ['team', 'patient', 'measurement', 'reason'] as const) {
    for (const value of wrongValues(random, 'string')) marks('wrong-type', `${field} = ${JSON.stringify(value)?.slice(0, 40)}`, JSON.stringify({ ...mark, [field]: value }));
  }
  marks('other-host-iri', 'a measurement on another host', JSON.stringify({ ...mark, measurement: `${EVIL}hans/health/measurements/oxygen-saturation/2026-01.ttl#m-0000` }));
  marks('other-host-iri', 'a patient on another host', JSON.stringify({ ...mark, patient: `${EVIL}hans/profile/card#me` }));
  marks('path-traversal', 'a measurement IRI with ../ into notes/', JSON.stringify({ ...mark, measurement: `${patient.pod}health/measurements/../notes/2026-01.ttl#x` }));
  marks('path-traversal', 'a measurement IRI with %2e%2e into another pod', JSON.stringify({ ...mark, measurement: `${patient.pod}%2e%2e/kari/health/measurements/body-weight/2026-01.ttl#m` }));
  marks('injection', 'a reason with Turtle injection', JSON.stringify({ ...mark, reason: INJECTIONS[2] }));
  marks('injection', 'a measurement IRI with Turtle injection', JSON.stringify({ ...mark, measurement: `${mark.measurement}${INJECTIONS[0]}` }));
  marks('unknown-category', 'a measurement of an unknown kind', JSON.stringify({ ...mark, measurement: `${patient.pod}health/measurements/evil/2026-01.ttl#m` }));
  marks('content-type', 'form-encoded', 'team=x&patient=y', 'application/x-www-form-urlencoded');
  marks('content-type', 'text/plain', JSON.stringify(mark), 'text/plain');
  marks('bad-credentials', 'no credentials', JSON.stringify(mark), json, 'anonymous');
  const P = 'clinician GET /reports/:id';
  for (const id of ['..%2f..%2fsession', '%2e%2e', 'x'.repeat(4000), '%00', 'AAAAAAAAAAAAAAAA', '<script>']) clinicianGet(P, 'path-traversal', `report ${id.slice(0, 30)}`, `/reports/${id}`);
  clinicianGet(P, 'bad-credentials', 'a report without credentials', '/reports/AAAAAAAAAAAAAAAA', 'anonymous');
  const T = 'clinician /session';
  const session = (kind: PayloadKind, description: string, method: string, authorization?: string) =>
    add({ target: 'clinician', endpoint: T, kind, description, method, path: '/session', ...(authorization === undefined ? {} : { headers: { authorization } }), as: 'anonymous' });
  session('bad-credentials', 'POST without credentials', 'POST');
  session('bad-credentials', 'Basic with wrong credentials', 'POST', `Basic ${Buffer.from('nobody:wrong').toString('base64')}`);
  session('bad-credentials', 'Basic without a colon', 'POST', `Basic ${Buffer.from('nobody').toString('base64')}`);
  session('bad-credentials', 'Basic that is not base64', 'POST', 'Basic %%%');
  session('bad-credentials', 'Basic with a 2 kB id', 'POST', `Basic ${Buffer.from(`${'i'.repeat(2000)}:x`).toString('base64')}`);
  session('injection', 'Basic with an injection', 'POST', `Basic ${Buffer.from(`${INJECTIONS[0]}:${INJECTIONS[3]}`).toString('base64')}`);
  session('bad-credentials', 'an unknown bearer token', 'POST', 'Bearer not-a-token');
  session('bad-credentials', 'a Digest scheme', 'POST', 'Digest username="x"');
  session('bad-credentials', 'DELETE an unknown token', 'DELETE', 'Bearer not-a-token');
  session('method', 'GET /session', 'GET');
  session('huge-body', 'a 20 kB Authorization header', 'POST', `Basic ${'A'.repeat(20_000)}`);
  clinicianGet('clinician /login/callback', 'bad-credentials', 'a callback without a login cookie', `/login/callback?code=${enc(INJECTIONS[0])}&state=x&iss=${enc(EVIL)}`, 'anonymous');
  clinicianGet('clinician other methods and paths', 'method', 'DELETE /sparql', '/sparql');
  add({ target: 'clinician', endpoint: 'clinician other methods and paths', kind: 'method', description: 'PUT /measurements', method: 'PUT', path: '/measurements', headers: { 'content-type': json }, body: '{}', as: 'clinician' });
  add({ target: 'clinician', endpoint: 'clinician other methods and paths', kind: 'path-traversal', description: 'GET /../../etc/passwd', method: 'GET', path: '/../../etc/passwd', as: 'clinician' });
}
