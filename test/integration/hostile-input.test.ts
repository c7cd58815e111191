/**
 * The hostile-input corpus (test/support/hostile-corpus.ts) against the real
 * services: CSS with the demo world, the gateway as its own process, the
 * clinician API (with the dashboard) in this process, and the consent page's
 * pod code (planDecisions + carryOut) logged in as the patient.
 *
 * Every payload must be refused: our endpoints with a 4xx problem+json (FHIR
 * search: an OperationOutcome) that says in words what is wrong and shows no
 * stack trace or internal path; raw writes to the pod with CSS's 4xx;
 * hostile consent decisions with a PlanError before anything is written.
 * After each payload the pods on disk (test/support/pod-snapshot.ts; CSS
 * internals and access logs left out: reads are logged by design), the
 * gateway's outbox log and its pairings must be exactly as before. Gateway
 * payloads are sent with the credential of a device hans paired for every
 * kind (so they meet the body's checks, not only the 401), unless the payload
 * carries its own Authorization (the credential attacks).
 * At the end every service still answers, and a valid reading and a valid
 * query still work (so the refusals were not a broken service).
 * A JSON summary goes to test/reports/hostile-input.json.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { planDecisions, PlanError, type CurrentAccess, type Decision } from '../../apps/consent/access.ts';
import { carryOut, readCurrentAccess, readDirectory } from '../../apps/consent/pod.ts';
import { demoDirectoryUrl } from '../../apps/consent/server.ts';
import type { Grantee } from '../../apps/shared/health-acl.ts';
import { CATEGORIES } from '../../vocab/catalogue.ts';
import { pairDevice } from '../support/pairing.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.ts';
import { countBy, hostileCorpus, type CorpusContext, type DecisionPayload, type HostilePayload, type HttpPayload } from '../support/hostile-corpus.ts';
import { isUnchanged, podSnapshot, snapshotDiff, type PodSnapshot } from '../support/pod-snapshot.ts';

const REPORT = new URL('../reports/hostile-input.json', import.meta.url);

let world: TestWorld;
let gateway: GatewayProcess;
let api: ClinicianApi;
let corpus: HostilePayload[];
let corpusContext: CorpusContext;
let bearer: string;
/** A device credential hans paired for every kind. */
let device: string;
let startedAt: number;
/** The directory's teams: whom the consent page lets the patient give access to. */
let grantable: Grantee[];
/** The patient's access as the consent page reads it. */
let current: CurrentAccess | undefined;

interface Outcome {
  id: string;
  endpoint: string;
  kind: string;
  status: number | string;
  ok: boolean;
  changed: boolean;
  why?: string;
  ms: number;
  knownDefect?: string;
}
const outcomes: Outcome[] = [];

/** What must not change: the pods on disk, the outbox log, the pairings. */
interface State {
  pods: PodSnapshot;
  outboxBytes: number;
  pairings: string;
}

let state: State;

async function currentState(): Promise<State> {
  const gatewayDir = join(world.dataDir, 'gateway');
  const outboxBytes = await stat(join(gatewayDir, 'outbox.log')).then((s) => s.size, () => 0);
  const pairings = createHash('sha256').update(await readFile(join(gatewayDir, 'pairings.json'), 'utf8')).digest('hex');
  return { pods: await podSnapshot(world.dataDir), outboxBytes, pairings };
}

function stateChange(before: State, after: State): string | undefined {
  const diff = snapshotDiff(before.pods, after.pods);
  const changes = [
    ...(isUnchanged(diff) ? [] : [`pods: ${JSON.stringify(diff)}`]),
    ...(after.outboxBytes !== before.outboxBytes ? [`outbox log grew by ${after.outboxBytes - before.outboxBytes} bytes`] : []),
    ...(after.pairings !== before.pairings ? ['pairings.json changed'] : []),
  ];
  return changes.length > 0 ? changes.join('; ') : undefined;
}

/** Sends the request exactly as written (no URL normalisation), reads at most 1 MB of the answer. */
function send(base: string, p: HttpPayload, headers: Record<string, string>): Promise<{ status: number; type: string; text: string }> {
  const url = new URL(base);
  const path = p.path.startsWith('http') ? p.path.slice(url.origin.length) : p.path;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: p.method, path, headers: { ...headers, ...(p.body !== undefined ? { 'content-length': String(Buffer.byteLength(p.body)) } : {}) }, timeout: 60_000 }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= 1024 * 1024) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 60 s')));
    req.on('error', reject);
    req.end(p.body);
  });
}

/** A stack frame, a file path of the machine, or a Node internal. */
const LEAK = /\bat [\w.$<>]+ \(|\bat (?:async )?[\w./-]+:\d+:\d+|node:internal|node_modules|\/(?:home|work|tmp|usr|var|root)\/|[\w-]+\.[cm]?[jt]s:\d+|\bTypeError\b|\bReferenceError\b|\bSyntaxError\b/;

/** Checks one answer of ours: a 4xx that is problem+json (an OperationOutcome under /fhir/ of the clinician and /fhir of the gateway) with words in it. */
function checkAnswer(p: HttpPayload, r: { status: number; type: string; text: string }): string | undefined {
  if (r.status < 400 || r.status >= 500) return `HTTP ${r.status}: ${r.text.slice(0, 300)}`;
  if (LEAK.test(r.text)) return `the body leaks internals: ${r.text.slice(0, 300)}`;
  if (p.target === 'pod') return undefined;
  // The gateway's FHIR REST (issue 19) answers every error under /fhir as an OperationOutcome too.
  const fhirSearch = (p.target === 'clinician' && p.path.startsWith('/fhir/'))
    || (p.target === 'gateway' && (p.path === '/fhir' || p.path.startsWith('/fhir/') || p.path.startsWith('/fhir?')));
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(r.text) as Record<string, unknown>;
  } catch {
    return `not JSON (${r.type}): ${r.text.slice(0, 200)}`;
  }
  if (fhirSearch) {
    if (!r.type.startsWith('application/fhir+json') || body.resourceType !== 'OperationOutcome') return `not an OperationOutcome (${r.type})`;
    const diagnostics = (body.issue as { diagnostics?: string }[] | undefined)?.[0]?.diagnostics;
    return typeof diagnostics === 'string' && diagnostics.length > 10 ? undefined : 'the OperationOutcome says nothing';
  }
  if (!r.type.startsWith('application/problem+json')) return `content type ${r.type}, not application/problem+json`;
  if (body.status !== r.status) return `problem status ${String(body.status)} differs from HTTP ${r.status}`;
  const words = [body.title, body.detail].filter((x): x is string => typeof x === 'string');
  if (words.join(' ').length < 15) return `no message a person can act on: ${r.text.slice(0, 200)}`;
  return undefined;
}

async function runHttp(p: HttpPayload): Promise<Omit<Outcome, 'changed' | 'ms'>> {
  const headers: Record<string, string> = { ...p.headers };
  let base: string;
  if (p.target === 'pod') {
    base = world.baseUrl;
    if (p.as !== 'anonymous') {
      // An authenticated fetch (DPoP) of the account; the raw path is sent as written.
      const f = await world.fetchAs(p.as);
      const response = await f(p.path, { method: p.method, headers, ...(p.body !== undefined ? { body: typeof p.body === "string" ? p.body : new Uint8Array(p.body) } : {}) });
      const r = { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
      const why = checkAnswer(p, r);
      return { id: p.id, endpoint: p.endpoint, kind: p.kind, status: r.status, ok: !why, ...(why ? { why } : {}) };
    }
  } else {
    base = p.target === 'gateway' ? gateway.url : api.url;
    if (p.as === 'clinician') headers.authorization = `Bearer ${bearer}`;
    if (p.target === 'gateway' && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.authorization = `Bearer ${device}`;
  }
  const r = await send(base, p, headers);
  const why = checkAnswer(p, r);
  return { id: p.id, endpoint: p.endpoint, kind: p.kind, status: r.status, ok: !why, ...(why ? { why } : {}) };
}

async function runDecisions(p: DecisionPayload): Promise<Omit<Outcome, 'changed' | 'ms'>> {
  const fetchAsPatient = await world.fetchAs('hans');
  const patient = { webId: world.accounts.hans!.webId, pod: world.accounts.hans!.podUrl };
  // Read once (the page reads it when it opens); if a payload changed it, the state check says so anyway.
  current ??= await readCurrentAccess(fetchAsPatient, patient);
  let plan;
  try {
    plan = planDecisions(current, p.decisions as Decision[], new Date(), { grantable });
  } catch (error) {
    const ok = error instanceof PlanError && error.detail.length > 5 && !LEAK.test(error.message);
    return { id: p.id, endpoint: p.endpoint, kind: p.kind, status: 'refused by planDecisions', ok, ...(ok ? {} : { why: `threw ${String(error)}` }) };
  }
  // Not refused: the page would carry it out. Do so, and let the state check say whether it changed anything.
  const outcome = await carryOut(fetchAsPatient, patient, plan).then((o) => `carried out: ${o.written} ACL(s)`, (error: Error) => `carryOut failed: ${error.message}`);
  return { id: p.id, endpoint: p.endpoint, kind: p.kind, status: outcome, ok: false, why: `planDecisions accepted it (${plan.writes.length} writes); ${outcome}` };
}

beforeAll(async () => {
  startedAt = performance.now();
  world = await startTestWorld();
  gateway = await startGatewayProcess({ dataDir: world.dataDir, podBaseUrl: world.baseUrl, port: await freePort(), args: ['--quiet'] });
  device = (await pairDevice({
    gatewayUrl: gateway.url, patient: { fetch: await world.fetchAs('hans'), webId: world.accounts.hans!.webId }, kinds: [...CATEGORIES],
  })).access_token;
  // A short query timeout keeps the slow-query payloads quick (the default is 20 s).
  api = await startClinicianApi({ port: 0, podBaseUrl: world.baseUrl, engine: { queryTimeoutMs: 1_500 } });
  const c = world.credentials.lunde!;
  const session = await fetch(new URL('/session', api.url), { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}` } });
  expect(session.status).toBe(201);
  bearer = ((await session.json()) as { access_token: string }).access_token;
  corpusContext = {
    podBaseUrl: world.baseUrl,
    patient: { webId: world.accounts.hans!.webId, pod: world.accounts.hans!.podUrl },
    team: 'lungeteam',
    now: new Date(),
  };
  corpus = hostileCorpus(corpusContext);
  grantable = (await readDirectory(await world.fetchAs('hans'), demoDirectoryUrl(world.baseUrl))).entries.map((e) => e.grantee);
  expect(grantable.length).toBeGreaterThan(0);
  // Log everyone in once before the first snapshot (logins touch only CSS internals, but be sure).
  for (const name of ['hans', 'kari', 'lunde', 'vendor']) await world.fetchAs(name);
  await readCurrentAccess(await world.fetchAs('hans'), { webId: world.accounts.hans!.webId, pod: world.accounts.hans!.podUrl });
  state = await currentState();
}, 180_000);

afterAll(async () => {
  await gateway?.kill();
  await api?.stop();
  await world?.stop();
});

const ENDPOINTS = [
  'gateway POST /readings', 'gateway POST /fhir', 'gateway POST /enrolments', 'gateway GET /readings/:id', 'gateway other methods and paths',
  'clinician GET|POST /sparql', 'clinician GET /fhir/Observation', 'clinician GET /measurements', 'clinician GET /dashboard/api/*',
  'clinician POST /dashboard/api/marks', 'clinician GET /reports/:id', 'clinician /session', 'clinician /login/callback', 'clinician other methods and paths',
  'consent decisions (planDecisions + carryOut)', 'pod PUT/PATCH consent/ and .acl',
];

describe('hostile input: every payload is refused and changes nothing', () => {
  it('the corpus is deterministic, has at least 300 payloads and covers every endpoint group', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.map((p) => p.id)).size).toBe(corpus.length);
    expect(new Set(corpus.map((p) => p.endpoint))).toEqual(new Set(ENDPOINTS));
    const fingerprint = (list: HostilePayload[]) => createHash('sha256').update(JSON.stringify(list.map((p) => ('body' in p && Buffer.isBuffer(p.body) ? { ...p, body: p.body.toString('base64') } : p)))).digest('hex');
    expect(fingerprint(hostileCorpus(corpusContext))).toBe(fingerprint(corpus));
  });

  for (const endpoint of ENDPOINTS) {
    it(endpoint, async () => {
      const payloads = corpus.filter((p) => p.endpoint === endpoint);
      const failures: string[] = [];
      for (const p of payloads) {
        const started = performance.now();
        let result: Omit<Outcome, 'changed' | 'ms'>;
        try {
          result = p.target === 'consent-plan' ? await runDecisions(p) : await runHttp(p);
        } catch (error) {
          result = { id: p.id, endpoint: p.endpoint, kind: p.kind, status: 'no answer', ok: false, why: String(error) };
        }
        const after = await currentState();
        const change = stateChange(state, after);
        if (change) state = after; // report each change once
        const outcome: Outcome = { ...result, changed: Boolean(change), ms: Math.round(performance.now() - started), ...(change ? { why: `${result.why ? `${result.why}; ` : ''}CHANGED ${change}` } : {}) };
        const known = 'knownDefect' in p ? p.knownDefect : undefined;
        outcomes.push({ ...outcome, ...(known ? { knownDefect: known } : {}) });
        if (known) {
          // Still accepted as recorded? When it is refused, the defect is fixed: drop knownDefect from the corpus.
          if (outcome.ok && !outcome.changed) failures.push(`${p.id}: the known defect "${known}" no longer happens; remove knownDefect`);
        } else if (!outcome.ok || outcome.changed) {
          failures.push(`${p.id} [${p.kind}] ${p.description}: ${outcome.status} ${outcome.why ?? ''}`);
        }
      }
      console.log(`${endpoint}: ${payloads.length} payloads, ${failures.length} not refused cleanly`);
      expect(failures).toEqual([]);
    }, 120_000);
  }

  it('every service is still up, and valid input still works', async () => {
    expect((await fetch(new URL('/health', gateway.url))).status).toBe(200);
    expect((await fetch(new URL('/', api.url), { headers: { accept: 'application/json' } })).status).toBe(200);
    expect((await fetch(world.baseUrl)).status).toBeLessThan(500);
    const teams = await fetch(new URL('/teams', api.url), { headers: { authorization: `Bearer ${bearer}` } });
    expect(teams.status).toBe(200);
    const query = await fetch(new URL(`/sparql?team=lungeteam&query=${encodeURIComponent('SELECT * WHERE { ?s ?p ?o } LIMIT 1')}`, api.url), { headers: { authorization: `Bearer ${bearer}`, accept: 'application/sparql-results+json' } });
    expect(query.status).toBe(200);
    // The corpus's base reading, unharmed, is accepted: its mutations were refused for what was wrong with them.
    const reading = { patient: world.accounts.hans!.webId, kind: 'oxygen-saturation', value: 95, unit: '%', device: 'oxi-hostile-1', effectiveTime: new Date(Date.now() - 3 * 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z') };
    const accepted = await fetch(new URL('/readings', gateway.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${device}` }, body: JSON.stringify(reading) });
    expect(accepted.status).toBe(202);
  });
});

afterAll(async () => {
  if (!corpus) return;
  const changed = outcomes.filter((o) => o.changed && !o.knownDefect).length;
  const summary = {
    generatedAt: new Date().toISOString(),
    payloads: outcomes.length,
    corpusSize: corpus.length,
    changed,
    notRefusedCleanly: outcomes.filter((o) => !o.ok && !o.knownDefect).length,
    knownDefects: outcomes.filter((o) => o.knownDefect).map((o) => ({ id: o.id, status: o.status, changed: o.changed, defect: o.knownDefect })),
    runtimeSeconds: Math.round((performance.now() - startedAt) / 100) / 10,
    byEndpoint: countBy(outcomes, (o) => o.endpoint),
    byKind: countBy(outcomes, (o) => o.kind),
    byStatus: countBy(outcomes, (o) => String(o.status)),
    slowest: [...outcomes].sort((a, b) => b.ms - a.ms).slice(0, 5).map((o) => ({ id: o.id, ms: o.ms })),
    failures: outcomes.filter((o) => (!o.ok || o.changed) && !o.knownDefect),
    excludedFromSnapshot: ['pods/.internal/ (CSS accounts, sessions, locks)', 'pods/*/health/access-log/ (reads are logged by design)'],
  };
  console.log(`hostile input: ${summary.payloads} payloads tried, ${changed} changed anything, ${summary.notRefusedCleanly} not refused cleanly, ${summary.knownDefects.length} known pod-server defect(s) (${summary.runtimeSeconds} s)`);
  await mkdir(new URL('.', REPORT), { recursive: true });
  await writeFile(REPORT, `${JSON.stringify(summary, null, 2)}\n`);
});
