/**
 * POST /patients/lookup (apps/gateway/http/platform-routes.ts): a platform
 * finds the WebID of a patient who paired through it, and learns nothing
 * about anyone else (unknown and not-yours are the same 404).
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformRoutes, type PatientIdentifier } from '../../../apps/gateway/http/platform-routes.ts';
import { problemHandler } from '../../../apps/shared/http-errors.ts';
import { NO_NATIONAL_ID_SYSTEM } from '../../../apps/shared/fhir/identifiers.ts';

const KARI = 'http://localhost:3000/kari/profile/card#me';
const OLA = 'http://localhost:3000/ola/profile/card#me';
const TOKENS: Record<string, { clientId: string; name: string }> = {
  hvp_acme: { clientId: 'acme', name: 'Acme' }, hvp_other: { clientId: 'other', name: 'Other' },
};
// Kari paired through acme; Ola through other.
const PAIRED: Record<string, string> = { [`acme|${NO_NATIONAL_ID_SYSTEM}|01010112345`]: KARI, [`other|${NO_NATIONAL_ID_SYSTEM}|02020212345`]: OLA };

let base: string;
let close: () => void;
const asked: string[] = [];

beforeAll(async () => {
  const app = express();
  app.use(platformRoutes({
    verifyPlatformToken: (token) => TOKENS[token],
    findPatient: (clientId: string, id: PatientIdentifier) => {
      asked.push(clientId);
      return PAIRED[`${clientId}|${id.system}|${id.value}`];
    },
  }));
  app.use(problemHandler({ service: 'test', internalDetail: 'x' }));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  close = () => server.close();
});
afterAll(() => close());

async function lookup(body: unknown, token?: string, type = 'application/json') {
  const response = await fetch(new URL('patients/lookup', base), {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, type: response.headers.get('content-type') ?? '', auth: response.headers.get('www-authenticate'), body: await response.json() as any };
}

const kari = { identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '01010112345' } };

describe('POST /patients/lookup', () => {
  it('200 { webId } for a patient who paired through the calling platform', async () => {
    expect(await lookup(kari, 'hvp_acme')).toMatchObject({ status: 200, body: { webId: KARI } });
  });

  it('404 alike for a patient of another platform and for an unknown identifier, without echoing it', async () => {
    const ofOther = await lookup({ identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '02020212345' } }, 'hvp_acme');
    const unknown = await lookup({ identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '99999999999' } }, 'hvp_acme');
    expect(ofOther.status).toBe(404);
    expect(ofOther.type).toMatch(/^application\/problem\+json/);
    expect(unknown).toEqual(ofOther);
    expect(JSON.stringify(ofOther.body)).not.toContain('0202021');
    expect((await lookup(kari, 'hvp_other')).status).toBe(404);
  });

  it('401 with WWW-Authenticate: Bearer without a platform token, with a device credential, or with an unknown one; nothing is looked up', async () => {
    asked.length = 0;
    for (const token of [undefined, 'hvd_pairing_secret', 'hvp_forged', 'not a token']) {
      const r = await lookup(kari, token);
      expect(r.status, String(token)).toBe(401);
      expect(r.auth).toMatch(/^Bearer/);
      expect(r.body).toMatchObject({ status: 401, detail: expect.stringMatching(/token/) });
    }
    expect(asked).toEqual([]);
  });

  it('422 naming the field for a malformed identifier', async () => {
    const cases: [unknown, string[]][] = [
      [{}, ['identifier']],
      [{ identifier: 'x' }, ['identifier']],
      [{ identifier: { system: 'not a uri', value: '01010112345' } }, ['identifier/system']],
      [{ identifier: { system: NO_NATIONAL_ID_SYSTEM, value: '0101 0112345' } }, ['identifier/value']],
      [{ identifier: { system: NO_NATIONAL_ID_SYSTEM, value: 'x'.repeat(129) } }, ['identifier/value']],
      [{ identifier: { value: 1 } }, ['identifier/system', 'identifier/value']],
      [[], ['identifier']],
    ];
    for (const [body, fields] of cases) {
      const r = await lookup(body, 'hvp_acme');
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    }
  });

  it('415 for a body that is not JSON; 400 for broken JSON', async () => {
    expect((await lookup('identifier=x', 'hvp_acme', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await lookup('{"identifier":', 'hvp_acme')).status).toBe(400);
  });
});
