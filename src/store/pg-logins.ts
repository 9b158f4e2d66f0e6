// The login throttle's shared state in PostgreSQL (schema: pg-login-schema.ts): failed-login counters,
// one round trip to count an attempt and one to settle it, and this daemon's copy of where users
// logged in from, loaded with the store and kept current by notifications, so asking "is this a known
// address?" costs nothing. The throttle's policy (what to ask, what to decide locally, what to do
// while PostgreSQL is away) is SharedLoginThrottle's, in http/.
import type pg from 'pg';
import type { ClientBase } from 'pg';
import { KNOWN_CLIENTS_PER_USER, RecentClients, type KnownClients } from '../domain/known-clients.js';
import type { Logger } from '../log.js';
import type { StoreAvailability } from './availability.js';
import { storeErrorFrom } from './pg-errors.js';
import { StoreUnavailableError } from './store.js';

export type LoginCounterKind = 'pair' | 'client' | 'account';
export type LoginCounterKey = readonly [LoginCounterKind, string];

export interface LoginLimits {
  clientFailureLimit: number;
  userFailureLimit: number;
  lockoutMs: number;
  maxLockoutMs: number;
  failureWindowMs: number;
  /** An attempt admitted this long ago and never settled (its daemon died) stops counting. */
  pendingMs: number;
  /** Retry-After when only attempts still being checked reach a limit. */
  pendingRetryMs: number;
}

/** A counter blocked by a lockout, for `ms` more (on the database's clock). */
export interface BlockedCounter {
  key: LoginCounterKey;
  ms: number;
}

export interface SharedAdmission {
  /** 0: admitted (then admittedAt is set). */
  waitMs: number;
  admittedAt: number | undefined;
  /** Whether the pair counter, if asked, has nothing that counts (no failure, lockout, pending). */
  pairClean: boolean | undefined;
  blocked: BlockedCounter[];
}

export interface SharedSettlement {
  /** This failure started a lockout. */
  locked: boolean;
  pairClean: boolean | undefined;
  blocked: BlockedCounter[];
}

export interface SettleRequest {
  keys: readonly LoginCounterKey[];
  /** From the admission; undefined for an attempt the daemon admitted without asking. */
  admittedAt: number | undefined;
  outcome: 'success' | 'failure' | 'unchecked';
  userName: string | undefined;
  client: string;
}

interface AdmitRow {
  wait_ms: string;
  admitted_at: string | null;
  pair_clean: boolean | null;
  blocked_kinds: string[];
  blocked_ids: string[];
  blocked_ms: string[];
}

interface SettleRow {
  locked: boolean;
  pair_clean: boolean | null;
  blocked_kinds: string[];
  blocked_ids: string[];
  blocked_ms: string[];
}

export class PgLogins implements KnownClients {
  /** Every user's addresses (the database keeps KNOWN_CLIENTS_PER_USER each; so does the copy). */
  private known = new RecentClients(Number.MAX_SAFE_INTEGER);

  /** `now`: a clock for tests; by default the database's. */
  constructor(
    private readonly pool: pg.Pool,
    private readonly availability: StoreAvailability,
    private readonly log: Logger | undefined,
    private readonly now?: () => number,
  ) {}

  /** False while the store knows PostgreSQL is unreachable (every call then throws at once). */
  get reachable(): boolean {
    return this.availability.isUp;
  }

  isKnown(userName: string, client: string): boolean {
    return this.known.isKnown(userName, client);
  }

  /** A success this daemon recorded (the notification confirms it a moment later). */
  remember(userName: string, client: string): void {
    this.known.remember(userName, client);
  }

  /** Counts an attempt on `keys` if none refuses it. Throws StoreUnavailableError. */
  async admit(keys: readonly LoginCounterKey[], limits: LoginLimits): Promise<SharedAdmission> {
    const r = await this.call<AdmitRow>('SELECT * FROM login_admit($1, $2, $3, $4, $5, $6, $7, $8)', [
      keys.map((k) => k[0]),
      keys.map((k) => k[1]),
      limits.clientFailureLimit,
      limits.userFailureLimit,
      limits.failureWindowMs,
      limits.pendingMs,
      limits.pendingRetryMs,
      this.now?.() ?? null,
    ]);
    return {
      waitMs: Number(r.wait_ms),
      admittedAt: r.admitted_at === null ? undefined : Number(r.admitted_at),
      pairClean: r.pair_clean ?? undefined,
      blocked: blockedFrom(r),
    };
  }

  /** Settles an attempt (see login_settle). Throws StoreUnavailableError. */
  async settle(request: SettleRequest, limits: LoginLimits): Promise<SharedSettlement> {
    const r = await this.call<SettleRow>(
      'SELECT * FROM login_settle($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)',
      [
        request.keys.map((k) => k[0]),
        request.keys.map((k) => k[1]),
        request.admittedAt ?? null,
        request.outcome,
        request.userName ?? null,
        request.client,
        limits.clientFailureLimit,
        limits.userFailureLimit,
        limits.failureWindowMs,
        limits.lockoutMs,
        limits.maxLockoutMs,
        KNOWN_CLIENTS_PER_USER,
        limits.failureWindowMs + limits.maxLockoutMs + limits.pendingMs,
        this.now?.() ?? null,
      ],
    );
    if (request.outcome === 'success' && request.userName !== undefined)
      this.remember(request.userName, request.client);
    return { locked: r.locked, pairClean: r.pair_clean ?? undefined, blocked: blockedFrom(r) };
  }

  // ---- the copy of login_known (the store calls these) ----

  /** Replaces the copy from the database (inside the store's reload snapshot). */
  async reload(client: ClientBase): Promise<void> {
    const rows = await client.query<{ user_name: string; client: string }>(
      'SELECT user_name, client FROM login_known ORDER BY last_success, user_name, client',
    );
    const next = new RecentClients(Number.MAX_SAFE_INTEGER);
    for (const row of rows.rows) next.remember(row.user_name, row.client);
    this.known = next;
  }

  /** A LOGIN_CHANNEL notification: an address became known, or was pushed out. */
  notified(payload: string): void {
    const change = parseKnownChange(payload);
    if (change === undefined) {
      this.log?.warn('ignored a malformed login notification');
      return;
    }
    if (change.op === 'add') this.known.remember(change.user, change.client);
    else this.known.forget(change.user, change.client);
  }

  /** The user was deleted (the database dropped their addresses with them). */
  forgetUser(userName: string): void {
    this.known.forgetUser(userName);
  }

  private async call<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<R> {
    if (!this.availability.isUp) throw new StoreUnavailableError('PostgreSQL is not reachable');
    let result: pg.QueryResult<R>;
    try {
      result = await this.pool.query<R>(sql, params);
    } catch (err) {
      throw storeErrorFrom(err);
    }
    const row = result.rows[0];
    if (row === undefined) throw new Error('login throttle: no row returned');
    return row;
  }
}

const KINDS = new Set<string>(['pair', 'client', 'account']);

function blockedFrom(r: { blocked_kinds: string[]; blocked_ids: string[]; blocked_ms: string[] }) {
  const blocked: BlockedCounter[] = [];
  r.blocked_kinds.forEach((kind, i) => {
    const id = r.blocked_ids[i];
    const ms = Number(r.blocked_ms[i]);
    if (KINDS.has(kind) && id !== undefined && ms > 0)
      blocked.push({ key: [kind as LoginCounterKind, id], ms });
  });
  return blocked;
}

/** `{"op":"add"|"remove","user":…,"client":…}`, or undefined. */
export function parseKnownChange(
  payload: string,
): { op: 'add' | 'remove'; user: string; client: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { op, user, client } = value as Record<string, unknown>;
  if ((op !== 'add' && op !== 'remove') || typeof user !== 'string' || typeof client !== 'string')
    return undefined;
  return { op, user, client };
}
