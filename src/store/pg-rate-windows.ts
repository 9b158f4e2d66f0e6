// Per-key action limits counted in PostgreSQL, so every daemon behind the load balancer draws from the
// same window (click-to-call: calls per user per minute). One round trip per action: rate_take
// (pg-migrations.ts) locks the key's row, drops actions older than the window and counts this one
// if the limit allows, on PostgreSQL's clock.
import type pg from 'pg';
import type { StoreAvailability } from './availability.js';
import { storeErrorFrom } from './pg-errors.js';
import { StoreUnavailableError } from './store.js';

export type WindowDecision = { ok: true } | { ok: false; retryAfterMs: number };

/** One limit (scope) shared by every daemon; keys are e.g. user names. */
export interface SharedWindow {
  take(key: string): Promise<WindowDecision>;
  /** Gives back the key's newest action (it did not happen after all). */
  refund(key: string): Promise<void>;
}

export class PgRateWindows {
  constructor(
    private readonly pool: pg.Pool,
    private readonly availability: StoreAvailability,
  ) {}

  /** A shared window: at most `limit` actions per key within `windowMs`. Throws StoreUnavailableError. */
  window(scope: string, limit: number, windowMs: number): SharedWindow {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be >= 1');
    if (!Number.isInteger(windowMs) || windowMs < 1) throw new RangeError('windowMs must be >= 1');
    return {
      take: async (key) => {
        const r = await this.query<{ wait: string }>('SELECT rate_take($1, $2, $3, $4)::text AS wait', [
          scope,
          key,
          limit,
          windowMs,
        ]);
        const wait = Number(r.rows[0]?.wait ?? 0);
        return wait > 0 ? { ok: false, retryAfterMs: wait } : { ok: true };
      },
      refund: async (key) => {
        await this.query(
          `UPDATE rate_windows SET times = times[1:cardinality(times) - 1]
           WHERE scope = $1 AND key = $2 AND cardinality(times) > 0`,
          [scope, key],
        );
      },
    };
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string,
    params: unknown[],
  ): Promise<pg.QueryResult<R>> {
    if (!this.availability.isUp) throw new StoreUnavailableError('PostgreSQL is not reachable');
    try {
      return await this.pool.query<R>(sql, params);
    } catch (err) {
      throw storeErrorFrom(err);
    }
  }
}
