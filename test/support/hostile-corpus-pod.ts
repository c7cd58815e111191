/**
 * The hostile-input corpus, pod part: hostile decisions the consent page could
 * be made to plan and carry out as the patient, and raw PUT/PATCH/DELETE of
 * consent/ and .acl documents, as others and (malformed only) as the patient.
 */
import { EVIL, INJECTIONS, type CorpusBuilder, type HttpPayload, type PayloadKind, type Sender } from './hostile-corpus-kit.ts';

export function consentPayloads({ ctx, add }: CorpusBuilder): void {
  const { patient, podBaseUrl } = ctx;
  // ------------------------------------------------------------------ consent: hostile decisions through planDecisions + carryOut
  const C = 'consent decisions (planDecisions + carryOut)';
  const group = (g: string) => ({ group: g });
  const agent = (a: string) => ({ agent: a });
  const decide = (kind: PayloadKind, description: string, decisions: unknown[]) => add({ target: 'consent-plan', endpoint: C, kind, description, decisions });
  const lungeteam = `${podBaseUrl}ous/groups/lungeteam#group`;
  decide('other-host-iri', 'grant a group on another host', [{ grantee: group(`${EVIL}groups/all#group`), category: 'blood-glucose', give: true }]);
  decide('other-host-iri', 'grant an agent on another host', [{ grantee: agent(`${EVIL}profile/card#me`), category: 'oxygen-saturation', give: true }]);
  decide('other-host-iri', 'grant an agent on the cloud metadata address', [{ grantee: agent('http://169.254.169.254/#me'), category: 'heart-rate', give: true }]);
  decide('other-host-iri', 'grant a file: IRI', [{ grantee: agent('file:///etc/passwd'), category: 'heart-rate', give: true }]);
  decide('other-host-iri', 'grant a urn', [{ grantee: agent('urn:x:everyone'), category: 'heart-rate', give: true }]);
  decide('other-host-iri', 'grant the public (foaf:Agent as a group)', [{ grantee: group('http://xmlns.com/foaf/0.1/Agent'), category: 'heart-rate', give: true }]);
  for (const injection of INJECTIONS.slice(0, 5)) {
    decide('injection', `grant a group IRI with ${JSON.stringify(injection).slice(0, 30)}`, [{ grantee: group(`${lungeteam}${injection}`), category: 'blood-glucose', give: true }]);
    decide('injection', `grant an agent IRI with ${JSON.stringify(injection).slice(0, 30)}`, [{ grantee: agent(`${podBaseUrl}lunde/profile/card#me${injection}`), category: 'blood-glucose', give: true }]);
  }
  for (const category of ['evil', '../notes', '__proto__', 'constructor', 'oxygen-saturation/../../consent', '', 'Oxygen-Saturation']) {
    decide('unknown-category', `grant an unknown category ${JSON.stringify(category)}`, [{ grantee: group(lungeteam), category, give: true }]);
  }
  decide('wrong-type', 'grantee without group or agent', [{ grantee: {}, category: 'blood-glucose', give: true }]);
  decide('wrong-type', 'grantee a string', [{ grantee: lungeteam, category: 'blood-glucose', give: true }]);
  decide('wrong-type', 'grantee with both group and agent', [{ grantee: { group: lungeteam, agent: `${EVIL}me` }, category: 'blood-glucose', give: true }]);
  decide('wrong-type', 'give as a string', [{ grantee: group(lungeteam), category: 'blood-glucose', give: 'yes' }]);
  decide('wrong-type', 'a decision that is null', [null]);
  decide('wrong-type', 'category a number', [{ grantee: group(lungeteam), category: 3, give: true }]);
  decide('path-traversal', 'grant a group IRI with ../', [{ grantee: group(`${podBaseUrl}ous/groups/../../hans/profile/card#me`), category: 'blood-glucose', give: true }]);
  decide('path-traversal', 'grant the patient themselves', [{ grantee: agent(patient.webId), category: 'blood-glucose', give: true }]);
  decide('other-host-iri', 'a good grant and one to another host together', [
    { grantee: group(lungeteam), category: 'blood-glucose', give: true },
    { grantee: agent(`${EVIL}profile/card#me`), category: 'blood-glucose', give: true },
  ]);
}

export function podWritePayloads({ ctx, add }: CorpusBuilder): void {
  const { patient } = ctx;
  // ------------------------------------------------------------------ raw writes to the pod: consent/ and .acl documents
  const W = 'pod PUT/PATCH consent/ and .acl';
  const consentDoc = `${patient.pod}health/consent/${ctx.now.toISOString().slice(0, 7)}.ttl`;
  const acls = [`${patient.pod}health/measurements/oxygen-saturation/.acl`, `${patient.pod}health/notes/.acl`, `${patient.pod}health/consent/.acl`, `${patient.pod}.acl`];
  const grantAll = `@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n<#evil> a acl:Authorization; acl:agentClass <http://xmlns.com/foaf/0.1/Agent>; acl:mode acl:Read, acl:Write, acl:Control; acl:accessTo <./>; acl:default <./>.`;
  const n3Insert = (triples: string) => `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { ${triples} }.`;
  const n3Delete = (triples: string) => `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:deletes { ${triples} }.`;
  const pod = (kind: PayloadKind, description: string, method: string, url: string, as: Sender, body?: string, type = 'text/turtle') =>
    add({ target: 'pod', endpoint: W, kind, description: `${as}: ${description}`, method, path: url, headers: body === undefined ? {} : { 'content-type': type }, ...(body === undefined ? {} : { body }), as });
  const podPut = (kind: PayloadKind, description: string, url: string, body: string): Omit<HttpPayload, 'id'> =>
    ({ target: 'pod', endpoint: W, kind, description: `hans: ${description}`, method: 'PUT', path: url, headers: { 'content-type': 'text/turtle' }, body, as: 'hans' });
  // As others: anything, even well-formed, must be refused.
  for (const as of ['kari', 'lunde', 'vendor', 'anonymous'] as const) {
    for (const url of acls) pod('not-granted', `PUT a public-write ACL at ${url.slice(patient.pod.length) || '/'}`, 'PUT', url, as, grantAll);
    pod('not-granted', 'PATCH an insert into the consent document', 'PATCH', consentDoc, as, n3Insert(`<#c> <http://www.w3.org/ns/dpv#hasRecipient> <${EVIL}me>.`), 'text/n3');
    pod('not-granted', 'PUT over the consent document', 'PUT', consentDoc, as, '<#c> <http://example.org/p> "o".');
    pod('injection', 'PATCH the oxygen ACL adding an agent with an injected IRI', 'PATCH', acls[0]!, as, n3Insert(`<#x> <http://www.w3.org/ns/auth/acl#agent> <${EVIL}me>.`), 'text/n3');
    pod('not-granted', 'DELETE the consent ACL', 'DELETE', acls[2]!, as);
  }
  pod('not-granted', 'vendor: POST a document into consent/', 'POST', `${patient.pod}health/consent/`, 'vendor', '<#c> <http://example.org/p> "o".');
  pod('not-granted', 'lunde: PATCH with deletes on the notes ACL', 'PATCH', acls[1]!, 'lunde', n3Delete('?a ?b ?c.'), 'text/n3');
  // As the patient: only malformed bodies, which the pod server must refuse.
  // CSS 7.2 parsed what is PUT only for .acl documents; our RdfValidatingStore refuses any RDF body that does not parse.
  for (const url of [...acls.slice(0, 3), consentDoc]) {
    const where = url.slice(patient.pod.length);
    pod('broken-json', `PATCH a broken N3 patch at ${where}`, 'PATCH', url, 'hans', '@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { <#a> <#b> ', 'text/n3');
    pod('wrong-type', `PATCH deleting triples that are not there at ${where}`, 'PATCH', url, 'hans', n3Delete(`<#never> <http://example.org/p> "${INJECTIONS[2].replace(/["\\]/g, '')}".`), 'text/n3');
    pod('content-type', `PATCH as a SPARQL update with a syntax error at ${where}`, 'PATCH', url, 'hans', 'INSERT DATA { <#a> <#b> ', 'application/sparql-update');
    pod('content-type', `PATCH as JSON at ${where}`, 'PATCH', url, 'hans', '{"op":"add"}', 'application/json-patch+json');
    // Last for each document: a PUT (refused since the pod server parses RDF bodies) would spoil the payloads before it if taken.
    add({ ...podPut('broken-json', `PUT broken Turtle at ${where}`, url, '@prefix acl: <http://www.w3.org/ns/auth/acl#>.\n<#a> a acl:Authorization; acl:mode acl:Read') });
    add({ ...podPut('injection', `PUT Turtle with an injected IRI at ${where}`, url, `<#a> <http://www.w3.org/ns/auth/acl#agent> <${INJECTIONS[0]}>.`) });
  }
  add({
    target: 'pod', endpoint: W, kind: 'broken-json', description: 'hans: PUT an ACL with a wrong If-Match', method: 'PUT', path: acls[0]!,
    headers: { 'content-type': 'text/turtle', 'if-match': '"not-the-etag"' }, body: grantAll.replace('<#evil>', '<#x>'), as: 'hans',
  });
}
