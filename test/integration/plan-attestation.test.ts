/**
 * A patient's self-treatment plan may come only from a team she granted,
 * and its author shown to anyone is the writer the pod server
 * authenticated, never a claim in the data (docs/security.md). Against a
 * real pod server with the demo world (kari lets her GP group `fastleger`
 * write her plan; dahl wrote it while the world was made):
 *
 * - kari's plan is there, attested as dahl;
 * - lunde (not granted anything in kari's pod) writes a plan into it: 403,
 *   nothing stored;
 * - dahl writes a plan claiming to be lunde's: the author shown is dahl;
 * - dahl states the attestation himself, or PUTs/overwrites: refused, nothing stored;
 * - kari (who owns the pod and may write anything in it) puts a plan there
 *   "by dahl", or adds a step to dahl's plan: neither is shown (not
 *   verified); dahl's last verified plan stays the current one.
 * - the dashboard's plan API (apps/clinician/dashboard/plan-routes.ts), as
 *   dahl: shows the plan with its attested author's name; bad input (a red
 *   step below the yellow one, an empty text, an unknown kind) is a 422
 *   problem+json naming the field and writes nothing; a patient who has not
 *   let his team write (ola) is a 403; a patient not on the team a 404.
 */
import { Parser } from 'n3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendQuads } from '../../apps/shared/append.ts';
import { N3_PATCH_CONTENT_TYPE } from '../../apps/shared/n3-patch.ts';
import { parsePlanInput, type PlanInput } from '../../apps/shared/plan/plan.ts';
import { planDocument, plansContainer, planToQuads } from '../../apps/shared/plan/plan-rdf.ts';
import { readPlans, writePlan } from '../../apps/shared/plan/plan-pod.ts';
import { webIdOf } from '../../pod-server/world/demo-world.ts';
import { KARI_GLUCOSE_PLAN } from '../../pod-server/world/plans.ts';
import { HV, NS } from '../../vocab/terms.ts';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { basicAuth } from '../support/clinician-world.ts';
import { startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let api: ClinicianApi;
const webId = (name: string) => webIdOf(world.baseUrl, name);
const pod = (name: string) => `${world.baseUrl}${name}/`;
let seconds = 0;
/** A plan for kari "by" `claimed`, a second apart from the last (a version per second). */
function karisPlan(claimed: string, input: PlanInput = KARI_GLUCOSE_PLAN) {
  const checked = parsePlanInput(input, { patient: webId('kari'), author: webId(claimed), created: new Date(Date.UTC(2026, 11, 3, 9, 0, seconds++)).toISOString().replace('Z', '+00:00') });
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.value;
}

async function asKari() {
  const read = await readPlans(await world.fetchAs('kari'), pod('kari'), webId('kari'));
  if (read.status !== 'read') throw new Error(`kari cannot read her plans: ${read.status}`);
  return read;
}

async function listing(): Promise<string> {
  const response = await (await world.fetchAs('kari'))(plansContainer(pod('kari')), { headers: { accept: 'text/turtle' } });
  return response.text();
}

beforeAll(async () => {
  world = await startTestWorld();
  api = await startClinicianApi({ port: 0, podBaseUrl: world.baseUrl });
}, 240_000);

afterAll(async () => {
  await api?.stop();
  await world?.stop();
});

describe('who may write a patient\'s plan', () => {
  it('kari\'s plan, written by dahl when the world was made, is attested as dahl', async () => {
    const { current, notVerified } = await asKari();
    expect(current).toHaveLength(1);
    expect(current[0]).toMatchObject({ kind: 'blood-glucose', attestedAuthor: webId('dahl'), author: webId('dahl') });
    expect(current[0]!.steps.map((s) => [s.direction, s.threshold])).toEqual([['above', 10], ['above', 15]]);
    expect(notVerified).toEqual([]);
  });

  it('lunde (no grant in kari\'s pod) writing a plan into it: 403, nothing stored', async () => {
    const before = await listing();
    const { document, outcome } = await writePlan(await world.fetchAs('lunde'), pod('kari'), karisPlan('lunde'));
    expect(outcome).toMatchObject({ ok: false, status: 403 });
    expect(await listing()).toBe(before);
    expect(before).not.toContain(document.slice(plansContainer(pod('kari')).length));
  });

  it('lunde cannot even read it: 403', async () => {
    expect((await readPlans(await world.fetchAs('lunde'), pod('kari'), webId('kari'))).status).toBe('forbidden');
  });

  it('dahl writing a plan that claims to be lunde\'s: stored, and the author shown is dahl', async () => {
    const forged = karisPlan('lunde', { ...KARI_GLUCOSE_PLAN, steps: [(KARI_GLUCOSE_PLAN.steps as object[])[1]] });
    const { document, outcome } = await writePlan(await world.fetchAs('dahl'), pod('kari'), forged);
    expect(outcome.ok).toBe(true);
    const { current } = await asKari();
    expect(current[0]).toMatchObject({ document, author: webId('lunde'), attestedAuthor: webId('dahl') });
    expect(current[0]!.steps).toHaveLength(1);
  });
});

describe('nobody states the attestation, and unattested plans are not shown', () => {
  it('dahl stating hv:attestedAuthor in a patch or a PUT: 422; overwriting a plan (he has Append, not Write): 403; a SPARQL Update: refused; nothing changed', async () => {
    const before = await listing();
    const dahl = await world.fetchAs('dahl');
    const plan = karisPlan('dahl');
    const document = planDocument(pod('kari'), plan);
    const turtle = `@prefix hv: <${NS.hv}>.\n<${document}#plan> hv:attestedAuthor <${webId('dahl')}>.`;
    const patch = await dahl(document, { method: 'PATCH', headers: { 'content-type': N3_PATCH_CONTENT_TYPE }, body: `@prefix solid: <${NS.solid}>. @prefix hv: <${NS.hv}>.\n_:p a solid:InsertDeletePatch; solid:inserts { <${document}#plan> hv:attestedAuthor <${webId('nilsen')}> }.` });
    expect(patch.status).toBe(422);
    expect((await dahl(document, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: turtle })).status).toBe(422);
    const { current: [existing] } = await asKari();
    const overwrite = await dahl(existing!.document, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: `<${existing!.iri}> <${NS.rdfs}label> "gone".` });
    expect(overwrite.status).toBe(403);
    expect((await asKari()).current[0]!.document).toBe(existing!.document);
    const update = await dahl(document, { method: 'PATCH', headers: { 'content-type': 'application/sparql-update' }, body: `INSERT DATA { <${document}#plan> <${NS.rdfs}label> "x" }` });
    expect([403, 415]).toContain(update.status);
    expect(await listing()).toBe(before);
  });

  it('kari PUTting a plan "by dahl" into her own pod: stored (her pod), never shown', async () => {
    const plan = karisPlan('dahl', { ...KARI_GLUCOSE_PLAN, steps: [{ direction: 'above', threshold: 30, instruction: { nb: 'Ikke gjør noe.' } }] });
    const document = planDocument(pod('kari'), plan);
    const kari = await world.fetchAs('kari');
    const { Writer } = await import('n3');
    const turtle = new Writer().quadsToString(planToQuads(plan, document));
    expect((await kari(document, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: turtle })).status).toBe(201);
    const { current, notVerified } = await asKari();
    expect(notVerified).toContain(document);
    expect(current[0]!.attestedAuthor).toBe(webId('dahl'));
    expect(current[0]!.document).not.toBe(document);
  });

  it('kari adding a step to dahl\'s latest plan makes that version unverified; the one before is current again', async () => {
    const { current: [latest] } = await asKari();
    const step = `${latest!.document}#step-9`;
    const outcome = await appendQuads(await world.fetchAs('kari'), latest!.document, new Parser().parse(
      `<${latest!.iri}> <${HV.planStep}> <${step}>. <${step}> a <${HV.PlanStep}>; <${HV.stepLevel}> 2; <${HV.whenAbove}> 40.0; <${HV.instruction}> "Ingenting."@nb.`,
    ));
    expect(outcome.ok).toBe(true);
    const after = await asKari();
    expect(after.notVerified).toContain(latest!.document);
    expect(after.current[0]!.document).not.toBe(latest!.document);
    expect(after.current[0]!.attestedAuthor).toBe(webId('dahl'));
  });

  it('the honest write is stamped in the document itself', async () => {
    const { current: [plan] } = await asKari();
    const response = await (await world.fetchAs('dahl'))(plan!.document, { headers: { accept: 'text/turtle' } });
    const quads = new Parser({ baseIRI: plan!.document }).parse(await response.text());
    expect(quads.filter((q) => q.predicate.value === HV.attestedAuthor).map((q) => q.object.value)).toEqual(
      expect.arrayContaining([webId('dahl')]),
    );
  });
});

describe('the dashboard\'s plan API', () => {
  const call = async (who: string, method: 'GET' | 'POST', query: string, body?: unknown) => fetch(new URL(`/dashboard/api/plans${query}`, api.url), {
    method, headers: { authorization: basicAuth(world, who), ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const kariOn = (team: string) => `?team=${team}&patient=${encodeURIComponent(webId('kari'))}`;
  const step = (threshold: unknown, nb: string) => ({ direction: 'above', threshold, instruction: { nb } });

  it('dahl sees kari\'s current plan with its attested author named from his profile', async () => {
    const response = await call('dahl', 'GET', kariOn('fastleger'));
    expect(response.status).toBe(200);
    const body = await response.json() as { status: string; plans: { kind: string; author: string; authorName?: string; authorOrganisation?: string }[]; notVerified: number };
    expect(body.status).toBe('read');
    expect(body.plans).toEqual([expect.objectContaining({ kind: 'blood-glucose', author: webId('dahl'), authorName: 'Erik Dahl', authorOrganisation: 'Storgata legekontor' })]);
    expect(body.notVerified).toBeGreaterThan(0); // the versions kari tampered with above
  });

  it.each([
    ['a red step below the yellow one', { kind: 'blood-glucose', steps: [step('10', 'Gul'), step('8', 'Rød')] }, '/plan/steps/1/threshold'],
    ['an empty text', { kind: 'blood-glucose', steps: [step('10', '  ')] }, '/plan/steps/0/instruction/nb'],
    ['an unknown kind', { kind: 'cholesterol', steps: [step('10', 'Gul')] }, '/plan/kind'],
    ['a unit that is not the kind\'s', { kind: 'blood-glucose', unit: 'mg/dL', steps: [step('180', 'Gul')] }, '/plan/unit'],
  ])('%s: 422 problem+json naming the field, nothing written', async (_name, plan, pointer) => {
    const before = await listing();
    const response = await call('dahl', 'POST', '', { team: 'fastleger', patient: webId('kari'), plan });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = await response.json() as { errors: { pointer: string; message: string }[] };
    expect(problem.errors.map((e) => e.pointer)).toContain(pointer);
    expect(await listing()).toBe(before);
  });

  it('dahl replaces kari\'s plan: 201, and it is the current one, attested as him', async () => {
    const plan = { kind: 'blood-glucose', unit: 'mmol/L', steps: [step('11', 'Drikk vann.'), step('16', 'Ring legekontoret.')] };
    const response = await call('dahl', 'POST', '', { team: 'fastleger', patient: webId('kari'), plan });
    expect(response.status).toBe(201);
    const { document } = await response.json() as { document: string };
    const { current } = await asKari();
    expect(current[0]).toMatchObject({ document, attestedAuthor: webId('dahl') });
    expect(current[0]!.steps.map((s) => s.threshold)).toEqual([11, 16]);
  });

  it('ola has not let the GPs write his plan: 403 saying so; kari is not on the lung team: 404', async () => {
    const plan = { kind: 'body-weight', steps: [step('90', 'Ring.')] };
    const ola = await call('dahl', 'POST', '', { team: 'fastleger', patient: webId('ola'), plan });
    expect(ola.status).toBe(403);
    expect((await ola.json() as { title: string }).title).toBe('The patient has not let your team write their plan');
    expect((await call('lunde', 'POST', '', { team: 'lungeteam', patient: webId('kari'), plan })).status).toBe(404);
    expect((await call('lunde', 'GET', kariOn('lungeteam'))).status).toBe(404);
  });
});
