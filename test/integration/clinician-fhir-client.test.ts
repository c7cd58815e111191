/**
 * The clinician service's FHIR search as a third-party FHIR client uses it
 * (fhir-kit-client), against a real CSS with the seeded demo world and the
 * real clinician service: pages followed by their next links to the end
 * (every reading exactly once, in order), the same search POSTed to _search,
 * patient.identifier through the caller's own team lists only, page tokens
 * refused for another caller, another search, altered or after a restart,
 * strict handling of unknown parameters, the CapabilityStatement. And the
 * round trip: HL7 Norway's VkpObservation blood-pressure example sent
 * through the gateway by a paired device comes back from the search with
 * its identifier, components, extensions and performers.
 */
import { readFileSync } from 'node:fs';
import { Client } from 'fhir-kit-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi } from '../../apps/clinician/service.ts';
import { DEMO_NATIONAL_IDS } from '../../apps/shared/demo-national-ids.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../apps/shared/fhir/identifiers.ts';
import { basicAuth, clinicianHelpers, DAY, useClinicianWorld } from '../support/clinician-world.ts';
import { startGatewayProcess } from '../support/gateway-process.ts';
import { bearer, pairDevice } from '../support/pairing.ts';
import { freePort } from '../support/test-world.ts';

const shared = useClinicianWorld();
const { call, webId, expectedIris } = clinicianHelpers(shared);

interface Entry { resource: Record<string, any> & { resourceType: string; id: string }; search: { mode: string } }
interface Bundle { resourceType: 'Bundle'; total: number; link: { relation: string; url: string }[]; entry?: Entry[] }

const clientAs = (name: string) => new Client({ baseUrl: `${shared.api.url.replace(/\/$/, '')}/fhir`, customHeaders: { Authorization: basicAuth(shared.world, name) } });
const matches = (b: Bundle) => (b.entry ?? []).filter((e) => e.search.mode === 'match').map((e) => e.resource);
const linkOf = (b: Bundle, relation: string) => b.link.find((l) => l.relation === relation)?.url;
const nationalId = (name: keyof typeof DEMO_NATIONAL_IDS) => `${NO_NATIONAL_ID_SYSTEM}|${DEMO_NATIONAL_IDS[name]}`;

let from: Date;
let expected: string[];
beforeAll(() => {
  from = new Date(shared.seedEnd.getTime() - 3 * DAY);
  expected = expectedIris('hans', 'all', from, shared.seedEnd);
});

describe('searchset paging', () => {
  it('follows next links to the end: every reading exactly once, ordered by time then id, total on every page', async () => {
    // at least three pages, the last one partly filled or not
    expect(expected.length).toBeGreaterThan(2 * 4);
    const client = clientAs('nilsen');
    let bundle = (await client.search({ resourceType: 'Observation', searchParams: { subject: webId('hans'), date: `ge${from.toISOString()}`, _count: 4 } })) as unknown as Bundle;
    const seen: Record<string, any>[] = [];
    const pages: Bundle[] = [];
    for (;;) {
      pages.push(bundle);
      expect(bundle.total).toBe(expected.length);
      expect(matches(bundle).length).toBeLessThanOrEqual(4);
      seen.push(...matches(bundle));
      const next = (await client.nextPage({ bundle: bundle as never })) as unknown as Bundle | undefined;
      if (!next) break;
      bundle = next;
    }
    expect(pages.length).toBe(Math.ceil(expected.length / 4));
    expect(seen.map((o) => o.identifier[0].value).sort()).toEqual(expected);
    const keys = seen.map((o) => [Date.parse(o.effectiveDateTime), o.id] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
    // previous from the last page is the page before it
    const back = (await client.prevPage({ bundle: pages.at(-1) as never })) as unknown as Bundle;
    expect(matches(back).map((o) => o.id)).toEqual(matches(pages.at(-2)!).map((o) => o.id));
    expect(linkOf(pages[0]!, 'previous')).toBeUndefined();
  });

  it('POST _search (a form body) answers the same search as GET', async () => {
    const client = clientAs('nilsen');
    const searchParams = { subject: webId('hans'), date: `ge${from.toISOString()}`, _count: 1000 };
    const posted = (await client.search({ resourceType: 'Observation', searchParams, options: { postSearch: true } })) as unknown as Bundle;
    const got = (await client.search({ resourceType: 'Observation', searchParams })) as unknown as Bundle;
    expect(posted.total).toBe(expected.length);
    expect(matches(posted).map((o) => o.id)).toEqual(matches(got).map((o) => o.id));
    expect(linkOf(posted, 'next')).toBeUndefined();
  });

  it('_count=0 gives the total only; a _count out of range is a 400 OperationOutcome', async () => {
    const none = (await clientAs('nilsen').search({ resourceType: 'Observation', searchParams: { subject: webId('hans'), date: `ge${from.toISOString()}`, _count: 0 } })) as unknown as Bundle;
    expect(none.total).toBe(expected.length);
    expect(matches(none)).toEqual([]);
    const response = await call('nilsen', `/fhir/Observation?subject=${encodeURIComponent(webId('hans'))}&_count=1001`);
    expect(response.status).toBe(400);
    const outcome = (await response.json()) as { resourceType: string; issue: { diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]!.diagnostics).toMatch(/_count: give a whole number from 0 to 1000/);
  });
});

describe('page tokens', () => {
  let next: string;
  beforeAll(async () => {
    const first = (await clientAs('nilsen').search({ resourceType: 'Observation', searchParams: { subject: webId('hans'), date: `ge${from.toISOString()}`, _count: 5 } })) as unknown as Bundle;
    next = linkOf(first, 'next')!;
    expect(next).toMatch(/_page=/);
  });
  const refused = async (who: string, url: string) => {
    const response = await call(who, url.slice(url.indexOf('/fhir/')));
    expect(response.status).toBe(410);
    const outcome = (await response.json()) as { resourceType: string; issue: { diagnostics: string }[] };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]!.diagnostics).toBe('this page link has expired; start the search again');
  };

  it('the next link works for the caller it was made for', async () => {
    expect((await call('nilsen', next.slice(next.indexOf('/fhir/')))).status).toBe(200);
  });
  it('another caller (lunde follows hans too) gets the one "expired" answer', () => refused('lunde', next));
  it('an altered token is refused', () => {
    const token = new URL(next).searchParams.get('_page')!;
    const flipped = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    return refused('nilsen', next.replace(token, flipped));
  });
  it('the token with other search parameters is refused', () => refused('nilsen', next.replace(/date=[^&]+/, `date=ge${encodeURIComponent(new Date(from.getTime() - DAY).toISOString())}`)));
  it('a token from before a restart is refused', async () => {
    const restarted = await startClinicianApi({ port: 0, podBaseUrl: shared.world.baseUrl });
    try {
      const response = await fetch(new URL(next.slice(next.indexOf('/fhir/')), restarted.url), { headers: { authorization: basicAuth(shared.world, 'nilsen') } });
      expect(response.status).toBe(410);
      expect(((await response.json()) as { issue: { diagnostics: string }[] }).issue[0]!.diagnostics).toMatch(/start the search again/);
    } finally {
      await restarted.stop();
    }
  });
});

describe('patient.identifier', () => {
  it('finds the team\'s patient by fødselsnummer, under each of its names', async () => {
    for (const name of ['patient.identifier', 'subject:identifier', 'patient:identifier']) {
      const bundle = (await clientAs('nilsen').search({ resourceType: 'Observation', searchParams: { [name]: nationalId('hans'), date: `ge${from.toISOString()}`, _count: 1000 } })) as unknown as Bundle;
      expect(bundle.total).toBe(expected.length);
      expect(matches(bundle).every((o) => o.subject.reference === webId('hans'))).toBe(true);
    }
  });

  it('finds nothing for a patient of another team, nor for an identifier nobody has: the same empty searchset', async () => {
    const answers: Bundle[] = [];
    for (const id of [nationalId('kari'), `${NO_NATIONAL_ID_SYSTEM}|01010112345`]) {
      const response = await call('nilsen', `/fhir/Observation?patient.identifier=${encodeURIComponent(id)}`);
      expect(response.status).toBe(200);
      answers.push((await response.json()) as Bundle);
    }
    for (const b of answers) {
      expect(b.total).toBe(0);
      expect(b.entry).toEqual([]);
    }
    // while kari's own team finds her
    const dahl = (await clientAs('dahl').search({ resourceType: 'Observation', searchParams: { 'patient.identifier': nationalId('kari'), _count: 3 } })) as unknown as Bundle;
    expect(dahl.total).toBeGreaterThan(0);
    expect(matches(dahl).every((o) => o.subject.reference === webId('kari'))).toBe(true);
  });
});

describe('unknown parameters and the CapabilityStatement', () => {
  it('lenient by default: ignored, named in an OperationOutcome entry, left out of the self link', async () => {
    const response = await call('nilsen', `/fhir/Observation?subject=${encodeURIComponent(webId('hans'))}&_count=1&_sort=-date&foo=bar`);
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as unknown as Bundle;
    const outcome = bundle.entry!.find((e) => e.search.mode === 'outcome')!.resource as unknown as { issue: { diagnostics: string }[] };
    expect(outcome.issue.map((i) => i.diagnostics).join('\n')).toMatch(/"_sort"[^]*"foo"/);
    expect(linkOf(bundle, 'self')).not.toMatch(/foo|_sort/);
  });

  it('Prefer: handling=strict refuses them, naming each', async () => {
    const response = await call('nilsen', `/fhir/Observation?subject=${encodeURIComponent(webId('hans'))}&foo=bar`, { headers: { prefer: 'handling=strict' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const outcome = (await response.json()) as { issue: { diagnostics: string }[] };
    expect(outcome.issue[0]!.diagnostics).toMatch(/"foo": not a search parameter this server supports/);
  });

  it('GET /fhir/metadata names the search parameters the server supports', async () => {
    const statement = (await clientAs('nilsen').capabilityStatement()) as unknown as { rest: { resource: { type: string; searchParam: { name: string }[] }[] }[] };
    const names = statement.rest[0]!.resource.find((r) => r.type === 'Observation')!.searchParam.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['subject', 'patient', 'patient.identifier', 'code', 'date', '_count', '_page']));
    const params = (type: string) => statement.rest[0]!.resource.find((r) => r.type === type)?.searchParam.map((p) => p.name);
    expect(params('Task')).toEqual(['owner', 'status']);
    expect(params('Communication')).toEqual(['based-on']);
  });
});

describe('round trip through the gateway', () => {
  it('HL7 Norway\'s VkpObservation blood pressure comes back with its identifier, components, extensions and performers', async () => {
    const { world } = shared;
    const gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet'] });
    try {
      const identifier = { system: NO_NATIONAL_ID_SYSTEM, value: DEMO_NATIONAL_IDS.hans };
      const device = await pairDevice({
        gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('hans'), webId: webId('hans') }, kinds: ['blood-pressure'],
        device: { id: 'epj-bridge', model: 'EPJ bridge' }, patientIdentifier: identifier,
      });
      const sent = JSON.parse(readFileSync(new URL('../fixtures/fhir/vkp-blood-pressure-create.json', import.meta.url), 'utf8')) as Record<string, any>;
      sent.subject = { identifier };
      const posted = await fetch(new URL('/fhir', gateway.url), { method: 'POST', headers: { 'content-type': 'application/fhir+json', ...bearer(device) }, body: JSON.stringify(sent) });
      expect(posted.status, await posted.clone().text()).toBeLessThan(300);
      let found: Record<string, any> | undefined;
      for (let tries = 0; tries < 50 && !found; tries++) {
        const bundle = (await clientAs('nilsen').search({ resourceType: 'Observation', searchParams: { 'patient.identifier': nationalId('hans'), code: 'http://loinc.org|85354-9', date: '2021-05-10' } })) as unknown as Bundle;
        found = matches(bundle)[0];
        if (!found) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(found).toBeDefined();
      const back = found!;
      expect(back.subject.reference).toBe(webId('hans'));
      expect(back.identifier).toContainEqual(sent.identifier[0]);
      expect(back.meta.source).toBe('META_VISION');
      const components = Object.fromEntries((back.component as any[]).map((c) => [c.code.coding.map((x: any) => x.code).join(','), c.valueQuantity.value]));
      expect(Object.values(components).sort()).toEqual([123, 78, 93, 45].sort());
      expect(JSON.stringify(back.component)).toMatch(/8478-0/);
      expect(JSON.stringify(back.component)).toMatch(/4461000202102/);
      expect(back.method.coding[0]).toEqual(sent.method.coding[0]);
      expect(back.extension).toContainEqual(expect.objectContaining({ valueCoding: sent.extension[0].valueCoding }));
      // The attested sender first, then the performers as the sender stated them (identifiers as sent).
      expect(back.performer[0].reference).toMatch(/^https?:/);
      expect(back.performer.slice(1).map((p: any) => p.identifier)).toEqual(sent.performer.map((p: any) => p.identifier));
    } finally {
      await gateway.kill();
    }
  }, 90_000);
});
