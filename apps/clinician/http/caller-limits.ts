/**
 * What one caller of the clinician service may hold at once, so that one
 * user of the system cannot starve or log out the others (issue #17,
 * docs/clinician-queries.md "Limits per caller"):
 *
 * - queries in flight per account (WebID): the next gets 429 with
 *   Retry-After, nothing is fetched for it;
 * - live streams (dashboard/live.ts) per session: the next gets 429. Refused,
 *   not "oldest closed": an EventSource whose stream is closed reconnects by
 *   itself, so closing the oldest would make two pages take turns forever,
 *   each turn a new set of subscriptions at the pod server; a refused one
 *   (non-200) does not reconnect, and that page polls instead;
 * - sessions per account and in all (bearer tokens, cached client-credential
 *   logins, browser sessions): least recently used out (fair-lru.ts).
 */
import type { Request } from 'express';
import type { PodSession } from '../../shared/pod-session.ts';
import { problem, ProblemError } from '../../shared/problem.ts';

export interface CallerLimits {
  /** Queries one account may have in flight (every endpoint that reads pods); default 4, the dashboard's own row concurrency. */
  readonly queriesPerCaller: number;
  /** Live streams (SSE) one session may have open; default 4. */
  readonly liveStreamsPerSession: number;
  /** Bearer tokens, cached client-credential logins and browser sessions of one account, each; default 20. */
  readonly sessionsPerAccount: number;
  /** Bearer tokens, cached logins and browser sessions in all, each; default 2,000. */
  readonly maxSessions: number;
}

export const DEFAULT_CALLER_LIMITS: CallerLimits = { queriesPerCaller: 4, liveStreamsPerSession: 4, sessionsPerAccount: 20, maxSessions: 2_000 };

export function callerLimits(given: Partial<CallerLimits> = {}): CallerLimits {
  const limits = { ...DEFAULT_CALLER_LIMITS, ...given };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`the clinician service's ${name} must be a whole number >= 1, not ${value}`);
  }
  return limits;
}

/** Seconds a refused query is told to wait: queries take ~0.1-2 s. */
const QUERY_RETRY_AFTER_S = 1;

/** Queries in flight per account. A request holds its slot until its answer is closed, or until released early (a stream). */
export class QuerySlots {
  private readonly inFlight = new Map<string, number>();
  private readonly held = new WeakMap<Request, () => void>();

  constructor(private readonly perCaller: number) {}

  /** Takes a slot of `account` for `req` (once per request); a 429 ProblemError when all are taken. */
  hold(req: Request, account: string): void {
    if (this.held.has(req)) return;
    const n = this.inFlight.get(account) ?? 0;
    if (n >= this.perCaller) {
      throw new ProblemError(problem(429, 'too-many-queries', 'Too many queries at once',
        `you have ${n} queries running; at most ${this.perCaller} at once per account: wait for an answer, then ask again`,
        { retryAfterSeconds: QUERY_RETRY_AFTER_S }));
    }
    this.inFlight.set(account, n + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.inFlight.get(account) ?? 1) - 1;
      if (left > 0) this.inFlight.set(account, left);
      else this.inFlight.delete(account);
    };
    this.held.set(req, release);
    req.res?.once('close', release);
  }

  /** Gives the request's slot back before its answer ends (a live stream, once its topics are planned). */
  release(req: Request): void {
    this.held.get(req)?.();
  }
}

/** Open live streams per session; each can be ended from outside (logout). */
export class LiveStreams {
  private readonly open = new Map<PodSession, Set<() => void>>();

  constructor(private readonly perSession: number) {}

  /**
   * Registers a stream of `session`, ended by `end`; answers the function to
   * call when it closes. A 429 ProblemError when the session has its fill.
   */
  add(session: PodSession, end: () => void): () => void {
    const streams = this.open.get(session) ?? new Set();
    if (streams.size >= this.perSession) {
      throw new ProblemError(problem(429, 'too-many-live-streams', 'Too many live streams',
        `this session has ${streams.size} live streams open, the most it may; close a patient view in another tab or window (this one keeps polling)`,
        { retryAfterSeconds: 30 }));
    }
    streams.add(end);
    this.open.set(session, streams);
    return () => {
      streams.delete(end);
      if (streams.size === 0 && this.open.get(session) === streams) this.open.delete(session);
    };
  }

  /** Ends every stream of `session` (its login ended). */
  endAll(session: PodSession): void {
    const streams = this.open.get(session);
    this.open.delete(session);
    for (const end of streams ?? []) end();
  }
}
