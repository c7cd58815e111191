/**
 * The world the clinician API integration tests share: a real CSS with the
 * seeded demo world, the clinician API in front of it (allowed one pod server
 * that is down), a server outside the allowed ones that records any request
 * it gets, and helpers that call the API as a demo clinician and compute what
 * the seed says a query must return. `useClinicianWorld()` registers the
 * set-up and tear-down in the calling test file.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { startClinicianApi, type ClinicianApi } from '../../apps/clinician/service.ts';
import { measurementIri, type Measurement } from '../../apps/shared/measurement/index.ts';
import { demoMeasurements, seedDemoMeasurements } from '../../pod-server/world/demo-measurements.ts';
import { webIdOf } from '../../pod-server/world/demo-world.ts';
import { freePort, startTestWorld, type TestWorld } from './test-world.ts';

export const DAY = 86_400_000;

export const PREFIXES = `PREFIX sosa: <http://www.w3.org/ns/sosa/> PREFIX qudt: <http://qudt.org/schema/qudt/> PREFIX sct: <http://snomed.info/id/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX hv: <https://w3id.org/helsevev#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>\n`;

export interface MeasurementsAnswer {
  measurements: { iri: string; kind: string; patient: string }[];
  access: { complete: boolean; unreadable: { patient: string; category?: string; reason: string }[] };
  scope: { kinds: string[] };
}

export interface ClinicianWorld {
  world: TestWorld;
  api: ClinicianApi;
  seedEnd: Date;
  seeded: Measurement[];
  /** Records every request it gets: a "patient" on a server the API may not read. */
  outsider: Server;
  outsiderRequests: string[];
  deadServer: string;
}

/** A test world with the demo measurements seeded up to the moment it started; `seeded` is what the seed wrote. */
export async function startSeededWorld(): Promise<{ world: TestWorld; seedEnd: Date; seeded: Measurement[] }> {
  let seedEnd = new Date();
  const world = await startTestWorld({
    seedMeasurements: async (ctx) => {
      seedEnd = new Date(ctx.startedAt);
      await seedDemoMeasurements((await ctx.sessionFor('vendor')).fetch, { baseUrl: ctx.baseUrl, end: seedEnd });
    },
  });
  return { world, seedEnd, seeded: demoMeasurements({ baseUrl: world.baseUrl, end: seedEnd }) };
}

/** A demo account's client credentials as HTTP Basic, which the clinician API takes from machine callers. */
export function basicAuth(world: TestWorld, name: string): string {
  const c = world.credentials[name]!;
  return `Basic ${Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64')}`;
}

/** Starts the world before the file's tests and stops it after; its parts are there once `beforeAll` has run. */
export function useClinicianWorld(): ClinicianWorld {
  const w = { outsiderRequests: [] as string[] } as ClinicianWorld;
  beforeAll(async () => {
    Object.assign(w, await startSeededWorld());
    w.outsider = createServer((req, res) => {
      w.outsiderRequests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/turtle' }).end('<#me> <http://www.w3.org/ns/pim/space#storage> </> .');
    });
    await new Promise<void>((resolve) => w.outsider.listen(0, '127.0.0.1', resolve));
    w.deadServer = `http://127.0.0.1:${await freePort()}/`;
    w.api = await startClinicianApi({ port: 0, podBaseUrl: w.world.baseUrl, otherPodServers: [w.deadServer] });
  }, 180_000);

  afterAll(async () => {
    await w.api?.stop();
    w.outsider?.close();
    await w.world?.stop();
  });
  return w;
}

/** Calls and expectations in a clinician world. */
export function clinicianHelpers(w: ClinicianWorld) {
  async function call(who: string | undefined, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (who) headers.set('authorization', basicAuth(w.world, who));
    return fetch(new URL(path, w.api.url), { ...init, headers });
  }

  async function json<T = Record<string, unknown>>(who: string, path: string): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await call(who, path);
    return { status: response.status, body: (await response.json()) as T, headers: response.headers };
  }

  const webId = (name: string) => webIdOf(w.world.baseUrl, name);
  const pod = (name: string) => `${w.world.baseUrl}${name}/`;
  const iso = (d: Date) => encodeURIComponent(d.toISOString());

  /** The seeded measurements of `patient` of `kinds` in [from, to], by IRI. */
  function expectedIris(patient: string, kinds: readonly string[] | 'all', from: Date, to: Date): string[] {
    return w.seeded
      .filter((m) => m.patient === webId(patient) && (kinds === 'all' || kinds.includes(m.kind)))
      .filter((m) => Date.parse(m.effectiveTime) >= from.getTime() && Date.parse(m.effectiveTime) <= to.getTime())
      .map((m) => measurementIri(pod(patient), m))
      .sort();
  }

  return { call, json, webId, pod, iso, expectedIris };
}
