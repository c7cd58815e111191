/**
 * What every Helsevev HTTP server does the same way (gateway, clinician API
 * and dashboard, consent page): timeouts so a slow or silent client cannot
 * hold a connection for ever, problem+json even for requests Node refuses
 * before Express sees them (headers too large, malformed HTTP, too slow),
 * and the headers that keep a browser from sniffing, framing or leaking the
 * URL of an answer. Pages set a stricter CSP of their own on top.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import { problem } from './problem.ts';

export interface ServerTimeouts {
  /** The whole request (headers and body) must arrive within this; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** The headers must arrive within this; default 15 s. */
  readonly headersTimeoutMs?: number;
  /** An idle keep-alive connection is closed after this; default 5 s. */
  readonly keepAliveTimeoutMs?: number;
}

/** Headers for every answer that is not a page: nothing to sniff, frame or refer from. */
export const API_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Express middleware setting API_SECURITY_HEADERS (a page's own headers replace them). */
export function apiSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set(API_SECURITY_HEADERS);
  next();
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/** The problem for an error Node's HTTP parser raised (no request object exists yet). */
function clientErrorProblem(code: string | undefined) {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problem(431, 'headers-too-large', 'The request headers are too large', 'the request line and headers may be at most 16 kB together; send long queries in a POST body');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problem(408, 'request-timeout', 'The request took too long', 'the request was not received in time; send it again, all at once');
    default:
      return problem(400, 'malformed-request', 'The request is not valid HTTP', 'the request could not be read as HTTP/1.1; check the request line and headers');
  }
}

/** Sets the server's timeouts and answers parser-level errors with problem+json. */
export function hardenServer(server: Server, timeouts: ServerTimeouts = {}): void {
  server.requestTimeout = timeouts.requestTimeoutMs ?? 30_000;
  server.headersTimeout = Math.min(timeouts.headersTimeoutMs ?? 15_000, server.requestTimeout);
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs ?? 5_000;
  server.maxHeadersCount = 100;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const p = clientErrorProblem(error.code);
    const body = JSON.stringify(p);
    socket.end([
      `HTTP/1.1 ${p.status} ${STATUS_TEXT[p.status] ?? 'Bad Request'}`,
      'content-type: application/problem+json',
      `content-length: ${Buffer.byteLength(body)}`,
      'x-content-type-options: nosniff',
      'connection: close',
      '',
      body,
    ].join('\r\n'));
  });
}
