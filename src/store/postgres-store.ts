// The shared store: users and conferences in PostgreSQL, for several daemons behind a load balancer.
// Each daemon keeps the whole data set in memory (reads never wait on the database) and keeps it
// current through a change log and LISTEN/NOTIFY (pg-feed.ts); a change another daemon commits
// reaches this one's subscribers as the same StoreChange a local write produces, marked `remote`.
//
// A write runs in one transaction: take the store-wide write lock (the rules it checks span rows:
// one login namespace for user names, IM ids and extensions; owners and delegates must exist), bring
// the copy up to date from the change log, lock the row being changed (SELECT ... FOR UPDATE), plan
// the change with the embedded store's own rules (dataset.ts), write it with its change-log rows and
// a NOTIFY, commit. Only then does memory change. So no writer on any daemon loses another's change,
// and every error is the one the embedded store gives.
//
// When PostgreSQL cannot be reached, writes fail at once with StoreUnavailableError (HTTP 503) and
// reads are served from the last known state for `staleReadsMs`, then refused (availability.ts).
import pg from 'pg';
import type { ClientBase, PoolClient } from 'pg';
import type { BackoffOptions } from '../domain/backoff.js';
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import type { Logger } from '../log.js';
import { StoreAvailability } from './availability.js';
import type { Dataset, Plan } from './dataset.js';
import { DatasetReads } from './dataset-reads.js';
import { datasetFrom, importPlan } from './dataset-sync.js';
import { StoreListeners } from './listeners.js';
import { isConnectionError, reason, storeErrorFrom } from './pg-errors.js';
import { ChangeFeed } from './pg-feed.js';
import { LOGIN_CHANNEL } from './pg-login-schema.js';
import { PgLogins } from './pg-logins.js';
import { migrate } from './pg-migrations.js';
import { DatasetMirror } from './pg-mirror.js';
import { PgRateWindows } from './pg-rate-windows.js';
import { beginCatchUp, beginWrite, writeOps, type RecordKind } from './pg-rows.js';
import {
  StoreError,
  StoreOpenError,
  StoreUnavailableError,
  type Store,
  type StoreHealth,
  type StoreListener,
} from './store.js';

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database (the password is never logged). */
  url: string;
  /** Connections for writes, change catch-up and rate counting (the feed has one more). */
  poolSize?: number;
  /** Connecting and each query time out after this long. */
  timeoutMs?: number;
  /** How long reads are served from memory while PostgreSQL is unreachable. */
  staleReadsMs?: number;
  logger?: Logger;
  /** Reconnection of the change feed. */
  backoff?: BackoffOptions;
  heartbeatMs?: number;
  now?: () => number;
  /** The login counters' clock, for tests (by default PostgreSQL's). */
  loginClock?: () => number;
}

export const DEFAULT_PG_OPTIONS = {
  poolSize: 5,
  timeoutMs: 5000,
  staleReadsMs: 5 * 60_000,
  backoff: { initialMs: 250, maxMs: 5000 },
  heartbeatMs: 5000,
};

/** The URL without its password, for logs and error lines. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

export class PostgresStore extends DatasetReads implements Store {
  /** Shared per-key action windows (click-to-call limits) in the same database. */
  readonly rateWindows: PgRateWindows;
  /** The login throttle's shared counters and known addresses (SharedLoginThrottle uses them). */
  readonly logins: PgLogins;
  private readonly mirror: DatasetMirror;
  /** The newest seq a notification announced. */
  private wantedSeq = 0;
  private catchUpQueued = false;
  /** Writes, catch-ups and reloads run one at a time, so the copy changes in commit order. */
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly listeners: StoreListeners;
  private readonly availability: StoreAvailability;
  private readonly feed: ChangeFeed;
  private readonly log: Logger | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    clientConfig: pg.ClientConfig,
    options: Required<Omit<PostgresStoreOptions, 'logger' | 'url' | 'loginClock'>> &
      Pick<PostgresStoreOptions, 'loginClock'> & { logger: Logger | undefined },
  ) {
    super();
    this.log = options.logger?.child({ part: 'store' });
    this.listeners = new StoreListeners(this.log);
    this.mirror = new DatasetMirror(this.listeners, this.log);
    this.availability = new StoreAvailability(options.staleReadsMs, options.now);
    this.rateWindows = new PgRateWindows(pool, this.availability);
    this.logins = new PgLogins(pool, this.availability, this.log, options.loginClock);
    // A deleted user's addresses go with them (in the database by ON DELETE CASCADE).
    this.listeners.add((change) => {
      if (change.kind === 'user' && change.action === 'deleted') this.logins.forgetUser(change.userName);
    });
    this.feed = new ChangeFeed(
      {
        client: clientConfig,
        logger: this.log,
        backoff: options.backoff,
        heartbeatMs: options.heartbeatMs,
      },
      {
        notified: (seq) => this.notified(seq),
        reload: () => this.serial(() => this.reload()),
        up: () => this.availability.up(),
        lost: () => this.availability.down(),
        channels: { [LOGIN_CHANNEL]: (payload) => this.logins.notified(payload) },
      },
    );
  }

  /** Connects, migrates the schema, loads everything and starts LISTENing. Throws StoreOpenError. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const settings = { ...DEFAULT_PG_OPTIONS, now: Date.now, ...options, logger: options.logger };
    const clientConfig: pg.ClientConfig = {
      connectionString: options.url,
      connectionTimeoutMillis: settings.timeoutMs,
      query_timeout: settings.timeoutMs,
      keepAlive: true,
      application_name: 'fs-confd',
    };
    const pool = new pg.Pool({ ...clientConfig, max: settings.poolSize, idleTimeoutMillis: 30_000 });
    // An idle pooled connection that dies emits 'error' on the pool; unhandled, it would crash.
    pool.on('error', (err) =>
      options.logger?.warn({ reason: reason(err) }, 'idle PostgreSQL connection lost'),
    );
    const where = describeDatabaseUrl(options.url);
    try {
      const client = await pool.connect();
      let applied: number[];
      try {
        applied = await migrate(client);
      } finally {
        client.release();
      }
      const store = new PostgresStore(pool, clientConfig, settings);
      await store.feed.start();
      options.logger?.info(
        {
          database: where,
          migrated: applied,
          users: store.mirror.data.users.size,
          conferences: store.mirror.data.conferences.size,
        },
        'store opened',
      );
      return store;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new StoreOpenError(where, err instanceof StoreError ? err.message : reason(err));
    }
  }

  protected readable(): Dataset {
    if (!this.availability.readable)
      throw new StoreUnavailableError('PostgreSQL has been unreachable longer than stale reads are allowed');
    return this.mirror.data;
  }

  health(): StoreHealth {
    return this.availability.health();
  }

  // ---- writes ----

  createUser(user: User): Promise<User> {
    return this.write(undefined, () => this.mirror.data.planCreateUser(user));
  }
  updateUser(userName: string, change: (current: User) => User): Promise<User> {
    return this.write({ kind: 'user', key: userName }, () =>
      this.mirror.data.planUpdateUser(userName, change),
    );
  }
  deleteUser(userName: string): Promise<void> {
    return this.write({ kind: 'user', key: userName }, () => this.mirror.data.planDeleteUser(userName));
  }
  createConference(conf: Conference): Promise<Conference> {
    return this.write(undefined, () => this.mirror.data.planCreateConference(conf));
  }
  updateConference(name: string, change: (current: Conference) => Conference): Promise<Conference> {
    return this.write({ kind: 'conference', key: name }, () =>
      this.mirror.data.planUpdateConference(name, change),
    );
  }
  deleteConference(name: string): Promise<void> {
    return this.write({ kind: 'conference', key: name }, () => this.mirror.data.planDeleteConference(name));
  }

  /**
   * Copies a whole data set into an empty database in one transaction (the embedded store's copy
   * command); refused with a ConflictError if the database already holds users or conferences.
   */
  importAll(users: readonly User[], conferences: readonly Conference[]): Promise<void> {
    const next = datasetFrom(users, conferences); // every rule, before anything is written
    return this.write(undefined, () => importPlan(this.mirror.data, next));
  }

  subscribe(listener: StoreListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail.catch(() => undefined);
    await this.feed.stop();
    await this.pool.end().catch(() => undefined);
  }

  private write<T>(row: { kind: RecordKind; key: string } | undefined, makePlan: () => Plan<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('store is closed'));
    return this.serial(async () => {
      // While the feed is down the server is known to be gone: answer at once, do not queue up.
      if (!this.availability.isUp) throw new StoreUnavailableError('PostgreSQL is not reachable');
      const client = await this.connect();
      let broken: Error | undefined;
      try {
        const { log, record } = await beginWrite(client, this.mirror.seq, row);
        await this.mirror.catchUp(client, log);
        if (row) this.mirror.adoptRow(row.kind, row.key, record);
        const plan = makePlan(); // the embedded store's rules, on a copy now equal to the database
        const seq = await writeOps(client, plan.ops);
        await client.query('COMMIT');
        this.mirror.committed(plan, seq);
        return plan.result;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: unknown) => (broken = e as Error));
        const mapped = storeErrorFrom(err);
        if (mapped instanceof StoreUnavailableError) {
          // If the commit itself was cut off its outcome is unknown: the change log tells, once back.
          broken ??= mapped;
          this.log?.warn({ reason: mapped.message }, 'write not saved: PostgreSQL unavailable');
          this.feed.probe();
        }
        throw mapped;
      } finally {
        client.release(broken);
      }
    });
  }

  private async connect(): Promise<PoolClient> {
    try {
      return await this.pool.connect();
    } catch (err) {
      this.feed.probe();
      throw storeErrorFrom(err);
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  // ---- keeping the copy current ----

  /** Everything, in one consistent snapshot (after the feed (re)connects). */
  private async reload(): Promise<void> {
    await this.inTransaction(
      (client) => client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'),
      async (client) => {
        await this.mirror.replaceWith(client);
        await this.logins.reload(client);
      },
    );
  }

  /** `begin` opens the transaction (and may read something in the same round trip) for `work`. */
  private async inTransaction<B>(
    begin: (client: ClientBase) => Promise<B>,
    work: (client: ClientBase, begun: B) => Promise<void>,
  ): Promise<void> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      await work(client, await begin(client));
      await client.query('COMMIT');
    } catch (err) {
      if (isConnectionError(err)) broken = err as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  private notified(seq: number): void {
    this.wantedSeq = Math.max(this.wantedSeq, seq);
    if (this.wantedSeq <= this.mirror.seq || this.catchUpQueued || this.closed) return;
    this.catchUpQueued = true;
    void this.serial(async () => {
      this.catchUpQueued = false;
      if (this.wantedSeq <= this.mirror.seq) return;
      await this.inTransaction(
        (client) => beginCatchUp(client, this.mirror.seq),
        (client, log) => this.mirror.catchUp(client, log),
      );
    }).catch((err: unknown) => {
      // The change stays announced: try again shortly (and let the feed find out if the server is gone).
      this.log?.warn({ reason: reason(err) }, 'could not read changes from PostgreSQL; retrying');
      this.feed.probe();
      setTimeout(() => this.notified(this.wantedSeq), 1000).unref();
    });
  }
}
