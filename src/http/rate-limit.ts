// Per-key limit on actions per time window (click-to-call: calls one user may place per minute, against
// toll fraud with stolen credentials). A sliding window: the times of the last `limit` actions are kept
// per key, so a burst cannot straddle a window boundary to get twice the limit.
// Memory is bounded: at most `limit` numbers per key, and keys whose actions all left the window are
// swept once the map grows past `maxKeys`.
// With several daemons the window is counted in the shared store (SharedWindowLimiter), so a user
// gets the limit once, not once per daemon.
import type { Logger } from '../log.js';
import { HttpError } from './errors.js';

/** What a route needs from a limiter, in memory or shared. */
/** The window CALLS_PER_MINUTE (click-to-calls, transfers) is counted over. */
export const CALL_RATE_WINDOW_MS = 60_000;

export interface RateLimiter {
  /** Counts one action for `key` if the limit allows it; otherwise says how long until it would. */
  take(key: string): RateDecision | Promise<RateDecision>;
  /** Gives back the newest action of `key` (it did not happen after all). */
  refund(key: string): void | Promise<void>;
}

export interface RateLimitOptions {
  /** Actions allowed per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Sweep expired keys when the map holds more than this many (default 10,000). */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export class SlidingWindowLimiter implements RateLimiter {
  private readonly times = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(private readonly options: RateLimitOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be >= 1');
    if (!(options.windowMs > 0)) throw new RangeError('windowMs must be > 0');
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Counts one action for `key` if the limit allows it; otherwise says how long until it would. */
  take(key: string): RateDecision {
    const now = this.now();
    const recent = this.recent(key, now);
    if (recent.length >= this.options.limit) {
      // The oldest action in the window leaves it first.
      return { ok: false, retryAfterMs: Math.max(1, recent[0]! + this.options.windowMs - now) };
    }
    recent.push(now);
    if (recent.length === 1) {
      this.times.set(key, recent);
      if (this.times.size > this.maxKeys) this.sweep(now);
    }
    return { ok: true };
  }

  /** Gives back the newest action of `key` (it did not happen after all, e.g. FreeSWITCH was down). */
  refund(key: string): void {
    const recent = this.times.get(key);
    if (recent === undefined) return;
    recent.pop();
    if (recent.length === 0) this.times.delete(key);
  }

  /** Keys currently tracked (for tests and metrics). */
  get size(): number {
    return this.times.size;
  }

  private recent(key: string, now: number): number[] {
    const list = this.times.get(key);
    if (list === undefined) return [];
    const from = now - this.options.windowMs;
    let drop = 0;
    while (drop < list.length && list[drop]! <= from) drop++;
    if (drop > 0) list.splice(0, drop);
    return list;
  }

  private sweep(now: number): void {
    const from = now - this.options.windowMs;
    for (const [key, list] of this.times)
      if (list.length === 0 || list.at(-1)! <= from) this.times.delete(key);
  }
}

/** A window every daemon counts in (the PostgreSQL store's rate windows); throws when unreachable. */
export interface SharedWindow {
  take(key: string): Promise<RateDecision>;
  refund(key: string): Promise<void>;
}

/**
 * Counts in the shared window. While it cannot be reached, counts in this daemon's memory instead:
 * calls keep working and each user is still limited, at worst to the limit once per daemon, until the
 * shared store is back.
 */
export class SharedWindowLimiter implements RateLimiter {
  private readonly local: SlidingWindowLimiter;
  /** Keys whose newest action was counted locally (their refund goes there too). */
  private readonly countedLocally = new Set<string>();

  constructor(
    private readonly shared: SharedWindow,
    options: RateLimitOptions,
    private readonly logger?: Logger,
  ) {
    this.local = new SlidingWindowLimiter(options);
  }

  async take(key: string): Promise<RateDecision> {
    try {
      const decision = await this.shared.take(key);
      this.countedLocally.delete(key);
      return decision;
    } catch (err) {
      this.logger?.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'shared rate limit unavailable; counting in this daemon only',
      );
      const decision = this.local.take(key);
      if (decision.ok) this.countedLocally.add(key);
      return decision;
    }
  }

  async refund(key: string): Promise<void> {
    if (this.countedLocally.delete(key)) {
      this.local.refund(key);
      return;
    }
    await this.shared.refund(key).catch(() => undefined);
  }
}

/** 429 with Retry-After in whole seconds (at least 1). */
export function tooManyRequests(message: string, retryAfterMs: number): HttpError {
  return new HttpError(429, message, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });
}
