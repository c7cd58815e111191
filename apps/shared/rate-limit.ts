/**
 * A token bucket per client IP for the endpoints where guessing is cheap and
 * each try costs us (or the pod server) real work: logins (a token request
 * at the identity provider), pairing requests (a code kept in memory). A
 * client may burst `capacity` requests, then `refillPerSecond`; past that it
 * gets 429 problem+json with Retry-After, and nothing is done for it.
 *
 * The client is the TCP peer (req.socket.remoteAddress): our services do not
 * sit behind a proxy that could vouch for X-Forwarded-For, so that header is
 * never believed. In memory only; a restart forgets every bucket.
 */
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from './http-errors.ts';
import { problem, ProblemError, type Problem } from './problem.ts';

export interface RateLimit {
  /** Requests a client may make at once. */
  readonly capacity: number;
  /** Tokens a client gets back per second. */
  readonly refillPerSecond: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Most clients remembered; past it, full buckets are forgotten first (they are the default state). */
const MAX_CLIENTS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(readonly limit: RateLimit, private readonly now: () => number = Date.now) {
    if (!(limit.capacity >= 1) || !(limit.refillPerSecond > 0)) throw new Error('a rate limit needs capacity >= 1 and refillPerSecond > 0');
  }

  /** Takes a token for `client`: 0 when allowed, else the seconds until the next token. */
  take(client: string): number {
    const now = this.now();
    const bucket = this.buckets.get(client) ?? { tokens: this.limit.capacity, updated: now };
    bucket.tokens = Math.min(this.limit.capacity, bucket.tokens + ((now - bucket.updated) / 1000) * this.limit.refillPerSecond);
    bucket.updated = now;
    this.buckets.delete(client); // re-inserted last: the map's order is least recently used first
    this.buckets.set(client, bucket);
    if (this.buckets.size > MAX_CLIENTS) this.sweep(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.refillPerSecond));
  }

  private sweep(now: number): void {
    for (const [client, b] of this.buckets) {
      const full = b.tokens + ((now - b.updated) / 1000) * this.limit.refillPerSecond >= this.limit.capacity;
      if (full || this.buckets.size > MAX_CLIENTS) this.buckets.delete(client);
      if (this.buckets.size <= MAX_CLIENTS / 2) return;
    }
  }
}

const tooMany = (what: string, wait: number): Problem =>
  problem(429, 'too-many-requests', 'Too many requests', `too many ${what} from your address; wait ${wait} s and try again`, { retryAfterSeconds: wait });

/** Express middleware: 429 problem+json with Retry-After once the client's bucket is empty. */
export function rateLimit(limit: RateLimit, what: string, now?: () => number) {
  const buckets = new TokenBuckets(limit, now);
  return (req: Request, res: Response, next: NextFunction) => {
    const wait = buckets.take(req.socket.remoteAddress ?? 'unknown');
    if (wait === 0) return next();
    sendProblem(res, tooMany(what, wait));
  };
}

/**
 * The same limit for work that is not a route of its own (a login a request
 * may or may not cause): `take(req)` throws a 429 ProblemError, carrying
 * `retryAfterSeconds`, once the client's bucket is empty.
 */
export function rateLimiter(limit: RateLimit, what: string, now?: () => number): { take(req: Request): void } {
  const buckets = new TokenBuckets(limit, now);
  return {
    take(req) {
      const wait = buckets.take(req.socket.remoteAddress ?? 'unknown');
      if (wait !== 0) throw new ProblemError(tooMany(what, wait));
    },
  };
}

/** Logins (clinician POST /session, /login, /login/callback): 30 at once, then one every 2 s. */
export const LOGIN_RATE_LIMIT: RateLimit = { capacity: 30, refillPerSecond: 0.5 };
/** Pairing requests (gateway POST /pairings): a vendor pairing a ward at once, then 5 a second. */
export const PAIRING_RATE_LIMIT: RateLimit = { capacity: 300, refillPerSecond: 5 };
