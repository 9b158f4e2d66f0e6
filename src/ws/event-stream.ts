// The live event stream's hub: turns the live state's change records into deltas (projection.ts),
// decides per client what it may see (filter.ts) and sends it (stream-client.ts), pings every client
// and drops those that stopped answering.
//
// Cost on the event path: one diff of the entities the records name, then per connected client one
// filter check; each distinct view of a delta is serialized once and the same bytes go to every
// client that gets that view (bench/ws-fanout.ts measures it).
import type { Logger } from '../log.js';
import type { StateChange } from '../state/changes.js';
import type { LiveState } from '../state/node-state.js';
import { renderFor, snapshotFor, type Subscriber } from './filter.js';
import { StreamProjection } from './projection.js';
import type { Change } from './stream-change.js';
import { CLOSE_CODES, type StreamMessage } from './protocol.js';
import { StreamClient, type DropReason, type StreamSocket } from './stream-client.js';
import type { ConferenceAccess, Directory } from './views.js';

export interface StreamSettings {
  /** Unread bytes one client may have queued before it is dropped as too slow (default 1 MiB). */
  maxBufferedBytes: number;
  /** Ping interval; a client that has not answered the previous ping is dropped (default 30 s). */
  heartbeatMs: number;
  /** Time a closing client has to complete the close handshake (default 5 s). */
  closeGraceMs: number;
  /** Streams open at once, in all (default 1000) and per user (default 20). */
  maxClients: number;
  maxClientsPerUser: number;
}

export interface EventStreamOptions extends Partial<StreamSettings> {
  logger: Logger;
}

export const DEFAULT_STREAM_SETTINGS: Readonly<StreamSettings> = {
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 30_000,
  closeGraceMs: 5_000,
  maxClients: 1000,
  maxClientsPerUser: 20,
};

export interface EventStreamStats {
  messagesSent: number;
  /** Clients dropped, by reason. */
  drops: Record<DropReason, number>;
}

export type Admission = 'ok' | 'daemon-full' | 'user-full';

export class EventStream {
  readonly stats: EventStreamStats = {
    messagesSent: 0,
    drops: { slow: 0, dead: 0, credentials: 0, shutdown: 0, limit: 0 },
  };
  private readonly clients = new Set<StreamClient>();
  private readonly perUser = new Map<string, number>();
  private readonly projection: StreamProjection;
  /** Live tuning: changes apply to connected clients at once (retune() restarts the heartbeat). */
  readonly settings: StreamSettings;
  private readonly logger: Logger;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly access: (name: string) => ConferenceAccess | undefined;

  constructor(live: LiveState, directory: Directory, options: EventStreamOptions) {
    const { logger, ...rest } = options;
    this.logger = logger;
    this.settings = { ...DEFAULT_STREAM_SETTINGS, ...rest };
    this.projection = new StreamProjection(live, directory);
    this.access = (name) => directory.conference(name);
    this.retune({});
  }

  /** Changes settings; the heartbeat restarts with the (new) interval. */
  retune(settings: Partial<StreamSettings>): void {
    Object.assign(this.settings, settings);
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => this.beat(), this.settings.heartbeatMs);
    this.heartbeat.unref();
  }

  /** A listener for the live state's change feed (`live.changes.subscribe(stream.onChanges)`). */
  readonly onChanges = (nodeId: string, changes: readonly StateChange[]): void => {
    this.publish(this.projection.applyChanges(nodeId, changes));
  };

  /** A stored conference changed: who may see it, and its extension/description. */
  conferenceChanged(name: string, before: ConferenceAccess | undefined): void {
    this.publish(this.projection.accessChanged(name, before));
  }

  /** The user's credentials or role changed (or they were deleted): end their streams. */
  credentialsChanged(userName: string): void {
    for (const client of this.clients) {
      if (client.subscriber.userName === userName)
        client.drop(CLOSE_CODES.credentialsChanged, 'credentials changed; reconnect', 'credentials');
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Unread bytes queued per client (for tests and metrics). */
  bufferedAmounts(): number[] {
    return [...this.clients].map((client) => client.socket.bufferedAmount);
  }

  /** Whether one more stream for this user may open (checked before the upgrade, again on attach). */
  admission(userName: string): Admission {
    if (this.clients.size >= this.settings.maxClients) return 'daemon-full';
    if ((this.perUser.get(userName) ?? 0) >= this.settings.maxClientsPerUser) return 'user-full';
    return 'ok';
  }

  /** A socket that passed authentication: send its snapshot, then every delta it may see. */
  attach(socket: StreamSocket, subscriber: Subscriber): void {
    const client = new StreamClient(socket, subscriber, this.settings, (dropped, reason) =>
      this.onDrop(dropped, reason),
    );
    socket.on('error', (error) => this.logger.debug({ err: error.message }, 'event stream socket error'));
    if (this.admission(subscriber.userName) !== 'ok') {
      client.drop(CLOSE_CODES.tryAgainLater, 'too many event streams', 'limit');
      return;
    }
    this.clients.add(client);
    this.perUser.set(subscriber.userName, (this.perUser.get(subscriber.userName) ?? 0) + 1);
    socket.on('close', () => this.remove(client));
    const snapshot = snapshotFor(
      subscriber,
      this.projection.publishedConferences(),
      this.projection.publishedCalls(),
      this.projection.unavailableNodes(),
      this.settings.heartbeatMs,
    );
    this.sendTo(client, encode(snapshot));
  }

  /** Closes every stream (going away) and stops the heartbeat; resolves when all are closed. */
  async close(graceMs = Math.min(this.settings.closeGraceMs, 1000)): Promise<void> {
    clearInterval(this.heartbeat);
    const closed = [...this.clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          client.socket.on('close', () => resolve());
          client.drop(CLOSE_CODES.goingAway, 'server shutting down', 'shutdown', graceMs);
          if (client.socket.readyState === 3) resolve();
        }),
    );
    await Promise.all(closed);
  }

  private publish(changes: Change[]): void {
    for (const change of changes) {
      // Each distinct view of this change is serialized once.
      const encoded = new Map<string, Buffer>();
      for (const client of this.clients) {
        if (client.isClosing) continue;
        const rendered = renderFor(client.subscriber, change, this.access);
        if (rendered === undefined) continue;
        let bytes = encoded.get(rendered.key);
        if (bytes === undefined) encoded.set(rendered.key, (bytes = encode(rendered.build())));
        this.sendTo(client, bytes);
      }
    }
  }

  private sendTo(client: StreamClient, bytes: Buffer): void {
    if (client.send(bytes)) this.stats.messagesSent++;
  }

  private beat(): void {
    const bytes = encode({ type: 'heartbeat', time: Date.now() });
    for (const client of this.clients) {
      if (client.isClosing) continue;
      // Browsers cannot see pings: the message lets a page notice a dead connection.
      if (client.heartbeat()) this.sendTo(client, bytes);
    }
  }

  private onDrop(client: StreamClient, reason: DropReason): void {
    this.stats.drops[reason]++;
    if (reason !== 'shutdown')
      this.logger.info({ user: client.subscriber.userName, reason }, 'event stream client dropped');
  }

  private remove(client: StreamClient): void {
    if (!this.clients.delete(client)) return;
    const left = (this.perUser.get(client.subscriber.userName) ?? 1) - 1;
    if (left > 0) this.perUser.set(client.subscriber.userName, left);
    else this.perUser.delete(client.subscriber.userName);
  }
}

function encode(message: StreamMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}
