/**
 * Issue #17, point 1 (and the pod server's half of point 7): nothing a user
 * stores runs as a page of the pod server's origin, where the login and
 * account pages live. Attacks, each against a real CSS:
 * - an HTML or SVG file with a script, or Markdown CSS turns into HTML, put
 *   into a pod and opened: it must come sandboxed, as a download, nosniff;
 * - a team with Append on notes/ posts HTML into a patient's pod, a patient
 *   stores text under measurements/, an oversized note: refused, nothing stored;
 * - script reading the account cookie: it must be HttpOnly;
 * - anyone creating an account where registration is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPodServer, type PodServer } from '../../pod-server/start.ts';
import { getIndexControls } from '../../pod-server/world/account-api.ts';
import { DEMO_PASSWORD, demoEmail } from '../../pod-server/world/demo-world.ts';
import { readRegistrationKey } from '../../pod-server/registration.ts';
import { diff, podTree } from '../support/access-table-http.ts';
import { countAccounts, freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let world: TestWorld;
const url = (path: string) => new URL(path, world.baseUrl).href;

const HTML = '<!doctype html><html><body><script>fetch("/.account/").then((r) => r.json()).then(steal)</script></body></html>';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/.account/").then((r) => r.json()).then(steal)</script></svg>';
const MARKDOWN = '# Hello\n\n<script>fetch("/.account/").then((r) => r.json()).then(steal)</script>\n';

beforeAll(async () => {
  world = await startTestWorld({ podServer: { registration: 'closed' } });
}, 120_000);

afterAll(async () => {
  await world?.stop();
});

async function send(as: string, path: string, init: RequestInit): Promise<Response> {
  const response = await (await world.fetchAs(as))(url(path), init);
  return response;
}

/** The headers that keep a stored document from running as a page of this origin. */
function inertHeaders(response: Response) {
  return {
    csp: response.headers.get('content-security-policy'),
    disposition: response.headers.get('content-disposition'),
    nosniff: response.headers.get('x-content-type-options'),
  };
}

describe('what a pod holds never runs as a page of the pod server', () => {
  it('serves an HTML, SVG or Markdown file a patient stored in their pod root sandboxed, as a download, nosniff', async () => {
    const files: [string, string, string, string][] = [
      ['hans/evil.html', 'text/html', HTML, 'text/html'],
      ['hans/evil.svg', 'image/svg+xml', SVG, 'image/svg+xml'],
      // CSS converts Markdown to HTML for a browser (MarkdownToHtmlConverter), raw <script> included.
      ['hans/evil.md', 'text/markdown', MARKDOWN, 'text/html'],
    ];
    for (const [path, type, body, accept] of files) {
      const put = await send('hans', path, { method: 'PUT', headers: { 'content-type': type }, body });
      expect(put.status, `PUT ${path}`).toBe(201);
      const get = await send('hans', path, { headers: { accept } });
      expect(get.status, `GET ${path}`).toBe(200);
      expect(get.headers.get('content-type'), path).toContain(accept);
      await get.body?.cancel();
      expect(inertHeaders(get), path).toEqual({ csp: 'sandbox', disposition: 'attachment', nosniff: 'nosniff' });
      const head = await send('hans', path, { method: 'HEAD', headers: { accept } });
      expect(inertHeaders(head), `HEAD ${path}`).toEqual({ csp: 'sandbox', disposition: 'attachment', nosniff: 'nosniff' });
    }
  });

  it('serves RDF to be read in place (sandboxed, nosniff, no download), and leaves CSS\'s own login pages alone', async () => {
    const card = await fetch(url('hans/profile/card'), { headers: { accept: 'text/turtle' } });
    expect(card.status).toBe(200);
    await card.body?.cancel();
    expect(inertHeaders(card)).toEqual({ csp: 'sandbox', disposition: null, nosniff: 'nosniff' });

    // The login page runs CSS's own script: it is not user data and must keep working.
    const login = await fetch(url('.account/login/password/'), { headers: { accept: 'text/html' } });
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('<script');
    expect(login.headers.get('content-security-policy')).toBeNull();
    expect(login.headers.get('content-disposition')).toBeNull();
  });
});

describe('health/ takes RDF only, and notes have a size limit', () => {
  it('refuses HTML posted into a patient\'s notes/ by a team with Append (415, naming what is accepted), and stores nothing', async () => {
    const before = await podTree(world.dataDir);
    for (const [type, body] of [['text/html', HTML], ['image/svg+xml', SVG], ['text/plain', 'hello']] as const) {
      const response = await send('lunde', 'hans/health/notes/', { method: 'POST', headers: { 'content-type': type, accept: 'application/json' }, body });
      expect(response.status, `POST ${type} into notes/`).toBe(415);
      expect(await response.text(), type).toContain('text/turtle');
    }
    // The patient may not either: nothing but RDF belongs under health/.
    const refused: [string, string][] = [
      ['hans/health/measurements/oxygen-saturation/2026-01.txt', 'text/plain'],
      ['hans/health/consent/evil.html', 'text/html'],
      ['hans/health/notes/evil.svg', 'image/svg+xml'],
    ];
    for (const [path, type] of refused) {
      const response = await send('hans', path, { method: 'PUT', headers: { 'content-type': type }, body: 'x' });
      await response.body?.cancel();
      expect(response.status, `PUT ${type} ${path}`).toBe(415);
    }
    expect(diff(before, await podTree(world.dataDir))).toEqual([]);
  });

  it('refuses a notes write over 64 KiB (413) by POST, PUT or PATCH, and stores nothing; a note under it is taken', async () => {
    const before = await podTree(world.dataDir);
    const big = `<#n> <http://purl.org/dc/terms/description> "${'x'.repeat(70 * 1024)}".\n`;
    const patch = `@prefix solid: <http://www.w3.org/ns/solid/terms#>.\n_:p a solid:InsertDeletePatch; solid:inserts { ${big} }.\n`;
    const attempts: [string, string, RequestInit][] = [
      ['lunde', 'hans/health/notes/', { method: 'POST', headers: { 'content-type': 'text/turtle' }, body: big }],
      ['hans', 'hans/health/notes/big.ttl', { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: big }],
      ['lunde', 'hans/health/notes/2031-01.ttl', { method: 'PATCH', headers: { 'content-type': 'text/n3' }, body: patch }],
    ];
    for (const [as, path, init] of attempts) {
      const response = await send(as, path, init);
      await response.body?.cancel();
      expect(response.status, `${as} ${init.method} ${path}`).toBe(413);
    }
    expect(diff(before, await podTree(world.dataDir))).toEqual([]);

    const small = await send('lunde', 'hans/health/notes/', { method: 'POST', headers: { 'content-type': 'text/turtle' }, body: '<#n> <http://purl.org/dc/terms/description> "ok".' });
    expect(small.status).toBe(201);
    const removed = await send('hans', small.headers.get('location')!, { method: 'DELETE' });
    expect(removed.ok).toBe(true);
  });
});

describe('the account cookie', () => {
  it('is HttpOnly (script on the origin cannot read it) and SameSite', async () => {
    const controls = await getIndexControls(world.baseUrl);
    const response = await fetch(controls.password.login, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email: demoEmail('hans'), password: DEMO_PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('css-account='));
    expect(cookie).toBeDefined();
    const attributes = cookie!.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    // Over http (this test), Secure would keep browsers from sending it back: only over https.
    expect(attributes).not.toContain('secure');
  });
});

describe('registration of new accounts', () => {
  const create = async (baseUrl: string, body: unknown) => {
    const controls = await getIndexControls(baseUrl);
    const response = await fetch(controls.account.create, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };

  it('closed: refuses anyone without the operator\'s key (403, no account added); the key creates one', async () => {
    const before = await countAccounts(world.dataDir);
    const anyone = await create(world.baseUrl, {});
    expect(anyone.status).toBe(403);
    expect(anyone.text).toContain('closed');
    expect((await create(world.baseUrl, { registrationKey: 'guessed' })).status).toBe(403);
    expect(await countAccounts(world.dataDir)).toBe(before);

    const key = await readRegistrationKey(world.dataDir);
    expect(key).toBeDefined();
    expect((await create(world.baseUrl, { registrationKey: key })).status).toBe(200);
    expect(await countAccounts(world.dataDir)).toBe(before + 1);
  });

  it('open (the demo): anyone may create an account', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'helsevev-open-'));
    let server: PodServer | undefined;
    try {
      server = await startPodServer({ port: await freePort(), dataDir, loggingLevel: 'error', registration: 'open' });
      const before = await countAccounts(dataDir).catch(() => 0);
      expect((await create(server.baseUrl, {})).status).toBe(200);
      expect(await countAccounts(dataDir)).toBe(before + 1);
    } finally {
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
