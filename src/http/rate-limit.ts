// Per-key limit on actions per time window (click-to-call: calls one user may place per minute, against
// toll fraud with stolen credentials). A sliding window: the times of the last `limit` actions are kept
// per key, so a burst cannot straddle a window boundary to get twice the limit.
// Memory is bounded: at most `limit` numbers per key, and keys whose actions all left the window are
// swept once the map grows past `maxKeys`.
import { HttpError } from './errors.js';

export interface RateLimitOptions {
  /** Actions allowed per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Sweep expired keys when the map holds more than this many (default 10,000). */
  maxKeys?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

export class SlidingWindowLimiter {
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

/** 429 with Retry-After in whole seconds (at least 1). */
export function tooManyRequests(message: string, retryAfterMs: number): HttpError {
  return new HttpError(429, message, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });
}
