/**
 * The dashboard's "mark as unreliable" endpoint, against a stub engine: it
 * validates at the edge (problem+json naming the field), writes only for a
 * measurement the clinician can read of a patient on the team, and appends
 * an insert-only patch to the patient's notes document as the clinician.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClinicianQueryEngine } from '../../../apps/clinician/engine/engine.ts';
import { Sessions } from '../../../apps/clinician/http/auth.ts';
import { createClinicianApp } from '../../../apps/clinician/http/app.ts';
import { notesDocument } from '../../../apps/shared/measurement/notes.ts';
import type { PodSession } from '../../../apps/shared/pod-session.ts';

const POD = 'http://localhost:3000/hans/';
const HANS = `${POD}profile/card#me`;
const LUNDE = 'http://localhost:3000/lunde/profile/card#me';
const MEASUREMENT = `${POD}health/measurements/oxygen-saturation/2026-11.ttl#m-abc`;

let server: Server;
let base: string;
let patches: { url: string; body: string }[] = [];
let patchStatus = 205;
let readable: string[] = [];

const session: PodSession = {
  webId: LUNDE,
  fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
    patches.push({ url: String(input), body: String(init?.body) });
    return new Response(null, { status: patchStatus });
  }) as typeof fetch,
  refresh: async () => {},
  close: async () => {},
};

const engine = {
  measurements: async () => ({ measurements: readable.map((iri) => ({ iri })), marks: [], team: { patients: [HANS] } }),
} as unknown as ClinicianQueryEngine;

beforeAll(async () => {
  const app = createClinicianApp({
    engine,
    sessions: new Sessions({ oidcIssuer: 'http://localhost:3000/' }),
    browserLogin: { mount: () => {}, sessionOf: () => session, close: async () => {} },
    dashboard: Promise.resolve({ js: '', map: '', css: '', html: '<!doctype html>' }),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  patches = [];
  patchStatus = 205;
  readable = [MEASUREMENT];
});

const mark = (body: unknown) => fetch(`${base}/dashboard/api/marks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('POST /dashboard/api/marks', () => {
  it('appends the mark to the patient\'s notes document, as the clinician, insert-only', async () => {
    const response = await mark({ team: 'lungeteam', patient: HANS, measurement: MEASUREMENT, reason: '  Cold fingers ' });
    expect(response.status).toBe(201);
    const body = await response.json();
    expect(body).toMatchObject({ measurement: MEASUREMENT, reason: 'Cold fingers', author: LUNDE });
    expect(patches).toHaveLength(1);
    expect(patches[0]!.url).toBe(notesDocument(POD, body.created));
    expect(patches[0]!.body).toContain('solid:inserts');
    expect(patches[0]!.body).not.toContain('solid:deletes');
    expect(patches[0]!.body).toContain('Cold fingers');
  });

  it('names the wrong field in problem+json, and writes nothing', async () => {
    const response = await mark({ team: 'lungeteam', patient: HANS, measurement: MEASUREMENT, reason: '' });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json()).errors.map((e: { field: string }) => e.field)).toEqual(['reason']);
    const missing = await mark({ measurement: MEASUREMENT, reason: 'x' });
    expect((await missing.json()).errors.map((e: { field: string }) => e.field)).toEqual(['team', 'patient']);
    expect(patches).toEqual([]);
  });

  it('writes nowhere a request points: only under a readable measurement\'s pod', async () => {
    const elsewhere = await mark({ team: 'lungeteam', patient: HANS, measurement: 'http://evil.example/x#y', reason: 'x' });
    expect(elsewhere.status).toBe(422);
    readable = [];
    const unknown = await mark({ team: 'lungeteam', patient: HANS, measurement: MEASUREMENT, reason: 'x' });
    expect(unknown.status).toBe(404);
    expect(patches).toEqual([]);
  });

  it('says so when the patient has not let the organisation write notes', async () => {
    patchStatus = 403;
    const response = await mark({ team: 'lungeteam', patient: HANS, measurement: MEASUREMENT, reason: 'x' });
    expect(response.status).toBe(403);
    expect((await response.json()).type).toContain('notes-not-granted');
  });

  it('serves the page to browsers and the JSON index to everyone else', async () => {
    const page = await fetch(`${base}/`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toBe('<!doctype html>');
    const index = await fetch(`${base}/`);
    expect((await index.json()).service).toBe('Helsevev clinician queries');
  });
});
