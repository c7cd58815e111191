/**
 * The dashboard's calls to the clinician service it came from (login cookie; JSON; ETag for cheap polls).
 * Every call says it is the page's own (`X-Helsevev-Request: 1`): the service takes the login cookie only
 * from its own page, by the browser's Sec-Fetch-Site or, in browsers without it, by this header.
 * A 429 (too many queries at once for this clinician, e.g. two tabs) is retried after its Retry-After.
 */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export const PAGE_HEADERS = { 'x-helsevev-request': '1' } as const;
const RETRIES_AFTER_429 = 5;

export async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body?: T; etag?: string }> {
  let response: Response;
  for (let attempt = 0; ; attempt++) {
    response = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...PAGE_HEADERS, ...(init.headers ?? {}) } });
    if (response.status !== 429 || attempt >= RETRIES_AFTER_429) break;
    await response.body?.cancel();
    const seconds = Math.min(10, Math.max(1, Number(response.headers.get('retry-after')) || 1));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
  if (response.status === 304) return { status: 304 };
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new HttpError(response.status, body?.detail ?? body?.title ?? `HTTP ${response.status}`);
  return { status: response.status, body: body as T, etag: response.headers.get('etag') ?? undefined };
}
