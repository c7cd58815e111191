/** The dashboard's calls to the clinician service it came from (login cookie; JSON; ETag for cheap polls). */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body?: T; etag?: string }> {
  const response = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  if (response.status === 304) return { status: 304 };
  const text = await response.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!response.ok) throw new HttpError(response.status, body?.detail ?? body?.title ?? `HTTP ${response.status}`);
  return { status: response.status, body: body as T, etag: response.headers.get('etag') ?? undefined };
}
