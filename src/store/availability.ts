// Whether a shared store's in-memory copy can be trusted. While its change feed is up, the copy is
// current. When the feed goes down the copy is the last known state: reads keep being served from it
// for `staleReadsMs` (users keep logging in, FreeSWITCH keeps getting its directory), then refused,
// because by then a deleted user might still be getting in. Pure: the clock is passed in.
import type { StoreHealth } from './store.js';

export class StoreAvailability {
  private downSince: number | undefined;

  constructor(
    private readonly staleReadsMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The feed is up and the copy was reloaded: current again. */
  up(): void {
    this.downSince = undefined;
  }

  /** The feed (or a write) found the server gone; the first call starts the stale-read clock. */
  down(): void {
    this.downSince ??= this.now();
  }

  get isUp(): boolean {
    return this.downSince === undefined;
  }

  /** May reads be served from memory now? */
  get readable(): boolean {
    return this.downSince === undefined || this.now() - this.downSince < this.staleReadsMs;
  }

  health(): StoreHealth {
    if (this.downSince === undefined) return { engine: 'postgresql', status: 'ok', since: null };
    return {
      engine: 'postgresql',
      status: this.readable ? 'degraded' : 'unavailable',
      since: new Date(this.downSince).toISOString(),
      readsUntil: new Date(this.downSince + this.staleReadsMs).toISOString(),
    };
  }
}
