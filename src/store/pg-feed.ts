// The PostgreSQL store's change feed: one dedicated connection LISTENing on the store's channel, kept
// alive by a heartbeat, and re-established with capped, jittered backoff whenever it drops. After
// every (re)connection the store reloads everything (`reload`), because notifications sent while
// the feed was down are lost; only then is the store's copy current again.
import pg from 'pg';
import { Backoff, type BackoffOptions } from '../domain/backoff.js';
import type { Logger } from '../log.js';
import { reason } from './pg-errors.js';
import { CHANGE_CHANNEL } from './pg-rows.js';

export interface ChangeFeedHandlers {
  /** Some daemon (maybe this one) committed changes up to `seq`. */
  notified(seq: number): void;
  /** LISTENing (again): bring the copy up to date. A throw drops the connection and retries. */
  reload(): Promise<void>;
  /** LISTENing and reloaded: the copy is current. */
  up(): void;
  /** The connection is gone (reads are now from the last known state). */
  lost(why: string): void;
  /** Other channels LISTENed on the same connection (constant names), and their payloads' handlers. */
  channels?: Readonly<Record<string, (payload: string) => void>>;
}

export interface ChangeFeedOptions {
  client: pg.ClientConfig;
  logger: Logger | undefined;
  backoff: BackoffOptions;
  /** How often the idle connection is checked (a silent network loss raises no socket error). */
  heartbeatMs: number;
}

export class ChangeFeed {
  private client: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly backoff: Backoff;

  constructor(
    private readonly options: ChangeFeedOptions,
    private readonly handlers: ChangeFeedHandlers,
  ) {
    this.backoff = new Backoff(options.backoff);
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** The first connection; a failure is thrown (start-up stops) rather than retried. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Checks the connection now (a write just failed to reach the server). */
  probe(): void {
    if (this.client) this.beat(this.client);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.options.client);
    let lost: string | undefined;
    // Attached before connecting: an 'error' without a listener would crash the process.
    client.on('error', (err) => {
      lost ??= reason(err);
      this.drop(client, lost);
    });
    client.on('end', () => {
      lost ??= 'connection ended';
      this.drop(client, lost);
    });
    client.on('notification', (n) => {
      if (n.channel !== CHANGE_CHANNEL) return this.handlers.channels?.[n.channel]?.(n.payload ?? '');
      const seq = Number(n.payload);
      if (Number.isSafeInteger(seq) && seq > 0) this.handlers.notified(seq);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
      for (const channel of Object.keys(this.handlers.channels ?? {}))
        await client.query(`LISTEN ${channel}`);
      // Notifications from here on are delivered; the reload covers everything committed before.
      await this.handlers.reload();
      if (lost !== undefined) throw new Error(lost);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoff.reset();
    this.handlers.up();
    this.heartbeat = setInterval(() => this.beat(client), this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private beat(client: pg.Client): void {
    client.query('SELECT 1').catch((err: unknown) => this.drop(client, `heartbeat: ${reason(err)}`));
  }

  /** Forgets a live connection that failed (once), tells the store, and schedules reconnection. */
  private drop(client: pg.Client, why: string): void {
    if (client !== this.client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.options.logger?.warn(
      { reason: why },
      'lost the PostgreSQL change feed; serving the last known state',
    );
    this.handlers.lost(why);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = this.backoff.next();
    this.retry = setTimeout(() => void this.reconnect(delay), delay);
    this.retry.unref();
  }

  private async reconnect(afterMs: number): Promise<void> {
    try {
      await this.connect();
      if (this.client) this.options.logger?.info('PostgreSQL change feed back; state reloaded');
    } catch (err) {
      this.options.logger?.warn({ reason: reason(err), waitedMs: afterMs }, 'PostgreSQL still unreachable');
      this.scheduleReconnect();
    }
  }
}
