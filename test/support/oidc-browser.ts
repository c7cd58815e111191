/**
 * A person logging in through a browser, without a browser: follows the
 * Solid-OIDC authorization code flow from an app's /login through CSS 7's
 * own login and consent steps (its account JSON API, the calls its login
 * pages make) back to the app's callback, keeping cookies per host like a
 * browser would. Returns the app's cookies (its session cookie).
 */

type Jar = Map<string, Map<string, string>>;

function store(jar: Jar, url: string, response: Response): void {
  const host = new URL(url).host;
  const cookies = jar.get(host) ?? new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const eq = pair!.indexOf('=');
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    if (/max-age=0/i.test(header) || value === '') cookies.delete(name);
    else cookies.set(name, value);
  }
  jar.set(host, cookies);
}

function cookieHeader(jar: Jar, url: string): string {
  return [...(jar.get(new URL(url).host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function request(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = cookieHeader(jar, url);
  if (cookie) headers.set('cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  store(jar, url, response);
  return response;
}

/** GETs `url` and follows redirects until a non-redirect answer or a URL starting with `stopAt`. */
async function follow(jar: Jar, url: string, stopAt?: string): Promise<string> {
  let current = url;
  for (let i = 0; i < 15; i++) {
    if (stopAt && current.startsWith(stopAt)) return current;
    const response = await request(jar, current, { headers: { accept: 'text/html' } });
    await response.body?.cancel();
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return current;
    current = new URL(location, current).href;
  }
  throw new Error(`too many redirects from ${url}`);
}

async function postJson(jar: Jar, url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await request(jar, url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${JSON.stringify(json).slice(0, 300)}`);
  return json;
}

export async function browserLogin(options: { appUrl: string; podBaseUrl: string; email: string; password: string; webId: string }): Promise<{ cookie: string; landedAt: string }> {
  const jar: Jar = new Map();
  const app = options.appUrl.replace(/\/$/, '');
  // 1. The app sends the browser to the pod server's authorization endpoint, which sends it to its login page.
  const start = await request(jar, `${app}/login`);
  const authorize = new URL(start.headers.get('location')!, app).href;
  await follow(jar, authorize);
  // 2. The login page's calls: password login, pick the WebID, consent; each answers where to go next.
  const account = `${options.podBaseUrl}.account/`;
  const controls = async () => ((await (await request(jar, account, { headers: { accept: 'application/json' } })).json()) as { controls: { password: { login: string }; oidc: { webId: string; consent: string } } }).controls;
  const login = await postJson(jar, (await controls()).password.login, { email: options.email, password: options.password });
  await follow(jar, login.location as string);
  const picked = await postJson(jar, (await controls()).oidc.webId, { webId: options.webId });
  await follow(jar, picked.location as string);
  const consented = await postJson(jar, (await controls()).oidc.consent, { remember: false });
  // 3. Back to the app's callback with the code; the app sets its session cookie.
  const callback = await follow(jar, consented.location as string, `${app}/login/callback`);
  const landed = await follow(jar, callback);
  return { cookie: cookieHeader(jar, app), landedAt: landed };
}
