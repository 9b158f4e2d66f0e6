// Capped exponential backoff with "equal jitter": the n-th delay lies in [base/2, base] where
// base = min(maxMs, initialMs * 2^n). Half the delay is guaranteed, so a dead node is never hammered
// (no reconnect storm), and the random half spreads several daemons' retries apart.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000 };

export function validateBackoff(options: BackoffOptions): BackoffOptions {
  const { initialMs, maxMs } = options;
  if (!Number.isFinite(initialMs) || initialMs <= 0) throw new RangeError('backoff.initialMs must be > 0');
  if (!Number.isFinite(maxMs) || maxMs < initialMs)
    throw new RangeError('backoff.maxMs must be >= initialMs');
  return { initialMs, maxMs };
}

/** The un-jittered delay before retry number `attempt` (0-based). */
export function backoffCeiling(attempt: number, options: BackoffOptions): number {
  // 2^attempt overflows to Infinity for huge attempts, which Math.min caps; no loop, no NaN.
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
}

/** The jittered delay before retry number `attempt`: uniform in [ceiling/2, ceiling]. */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(attempt, options);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (r * ceiling) / 2);
}

/** Counts consecutive failures; `next()` gives the delay before the next try, `reset()` after a success. */
export class Backoff {
  private failures = 0;
  private readonly options: BackoffOptions;

  constructor(
    options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {
    this.options = validateBackoff(options);
  }

  /** Number of delays handed out since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  next(): number {
    const delay = backoffDelay(this.failures, this.options, this.random);
    this.failures++;
    return delay;
  }

  reset(): void {
    this.failures = 0;
  }
}
