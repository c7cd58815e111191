/**
 * A small client for CSS 7's account JSON API (`/.account/`), as documented in
 * CSS's documentation/markdown/usage/account/json-api.md. Every URL comes from
 * the `controls` the server returns, never hard-coded, except the index.
 *
 * Errors carry CSS's own message ("Invalid email/password combination.") and
 * the step that failed, so a person can act on them.
 */

export interface AccountControls {
  main: { index: string; logins: string };
  account: { create: string; pod?: string; webId?: string; clientCredentials?: string; logout?: string };
  password: { login: string; create?: string; forgot?: string; reset?: string };
}

/** A logged-in account: its token (for `Authorization: CSS-Account-Token`) and its controls. */
export interface AccountSession {
  token: string;
  controls: AccountControls;
}

export class AccountApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AccountApiError';
  }
}

async function call<T>(
  step: string,
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token) headers.authorization = `CSS-Account-Token ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { message: text };
  }
  if (!response.ok) {
    const message = (json as { message?: string }).message ?? response.statusText;
    throw new AccountApiError(`${step} failed (${response.status} from ${url}): ${message}`, response.status);
  }
  return json as T;
}

function need(url: string | undefined, what: string): string {
  if (!url) throw new Error(`The pod server's account API offers no "${what}" control; is the account logged in?`);
  return url;
}

export async function getIndexControls(baseUrl: string): Promise<AccountControls> {
  const { controls } = await call<{ controls: AccountControls }>('Reading the account API index', new URL('.account/', baseUrl).href);
  return controls;
}

async function controlsFor(baseUrl: string, token: string): Promise<AccountControls> {
  const { controls } = await call<{ controls: AccountControls }>(
    'Reading the account controls',
    new URL('.account/', baseUrl).href,
    { token },
  );
  return controls;
}

/** Logs in with email and password; `undefined` if CSS rejects the combination (no such login, or wrong password). */
export async function logIn(baseUrl: string, email: string, password: string): Promise<AccountSession | undefined> {
  const index = await getIndexControls(baseUrl);
  try {
    const { authorization } = await call<{ authorization: string }>(`Logging in as ${email}`, index.password.login, {
      body: { email, password },
    });
    return { token: authorization, controls: await controlsFor(baseUrl, authorization) };
  } catch (error) {
    if (error instanceof AccountApiError && error.status === 403) return undefined;
    throw error;
  }
}

/**
 * Creates an account and adds an email/password login to it. CSS has no way to
 * do both at once: if we crash in between, CSS expires the login-less account.
 * Where registration is closed, only a call with the operator's `registrationKey`
 * (pod-server/registration.ts) creates an account.
 */
export async function createAccountWithPassword(
  baseUrl: string,
  email: string,
  password: string,
  registrationKey?: string,
): Promise<AccountSession> {
  const index = await getIndexControls(baseUrl);
  const { authorization: token } = await call<{ authorization: string }>(`Creating an account for ${email}`, index.account.create, {
    body: registrationKey ? { registrationKey } : {},
  });
  const controls = await controlsFor(baseUrl, token);
  await call(`Adding the password login ${email}`, need(controls.password.create, 'password.create'), {
    token,
    body: { email, password },
  });
  return { token, controls: await controlsFor(baseUrl, token) };
}

/** Pods of the account: pod base URL -> account resource URL. */
export async function listPods(session: AccountSession): Promise<Record<string, string>> {
  const { pods } = await call<{ pods: Record<string, string> }>('Listing pods', need(session.controls.account.pod, 'account.pod'), {
    token: session.token,
  });
  return pods;
}

/** WebIDs linked to the account: WebID -> link resource URL. */
export async function listWebIds(session: AccountSession): Promise<Record<string, string>> {
  const { webIdLinks } = await call<{ webIdLinks: Record<string, string> }>(
    'Listing WebIDs',
    need(session.controls.account.webId, 'account.webId'),
    { token: session.token },
  );
  return webIdLinks;
}

/** Creates a pod named `name`; CSS generates the WebID `{pod}profile/card#me` and links it to the account. */
export async function createPod(session: AccountSession, name: string): Promise<{ pod: string; webId: string }> {
  return call<{ pod: string; webId: string }>(`Creating the pod "${name}"`, need(session.controls.account.pod, 'account.pod'), {
    token: session.token,
    body: { name },
  });
}

/** Client credentials of the account: credential id -> resource URL (DELETE it to revoke). */
export async function listClientCredentials(session: AccountSession): Promise<Record<string, string>> {
  const { clientCredentials } = await call<{ clientCredentials: Record<string, string> }>(
    'Listing client credentials',
    need(session.controls.account.clientCredentials, 'account.clientCredentials'),
    { token: session.token },
  );
  return clientCredentials;
}

/** Creates client credentials for `webId`. The secret is only ever shown here: keep it. */
export async function createClientCredentials(
  session: AccountSession,
  name: string,
  webId: string,
): Promise<{ id: string; secret: string; resource: string }> {
  return call<{ id: string; secret: string; resource: string }>(
    `Creating client credentials for ${webId}`,
    need(session.controls.account.clientCredentials, 'account.clientCredentials'),
    { token: session.token, body: { name, webId } },
  );
}

export async function deleteAccountResource(session: AccountSession, resource: string): Promise<void> {
  await call(`Deleting ${resource}`, resource, { method: 'DELETE', token: session.token });
}

export async function logOut(session: AccountSession): Promise<void> {
  if (session.controls.account.logout) {
    await call('Logging out of the account API', session.controls.account.logout, { token: session.token, body: {} });
  }
}
