// Keeps one node's live state in step with FreeSWITCH across connects, disconnects and restarts.
//
// On every (re)connect the client has already subscribed (its 'connected' fires after the `event json`
// reply), so nothing is missed: events that arrive while the snapshot is taken are buffered, then
// replayed over the fresh snapshot (the reducers converge when an event repeats what the snapshot
// shows) and the new state is swapped in as one step. On disconnect the node is marked unavailable at
// once, so readers answer 503 instead of serving state that may be stale. What each applied event
// changed is published on the live state's change feed; a resync or a disconnect publishes one node
// record (synced / unavailable) and readers re-read that node.
//
// `show channels as json` has no channel variables, and some calls cannot be read without them: the
// daemon's click-to-call names its target only in `fsconfd_target` (its caller profile names the
// user's own number until FreeSWITCH flips it), and the two halves of a loopback channel are paired
// only by `other_loopback_leg_uuid`. So each listed channel that needs it (snapshot.ts needsVariables:
// originated legs and loopback `-a` halves, not inbound calls or bridged B-legs) is dumped
// (`uuid_dump <uuid> json`, the same headers as a CHANNEL_* event) and the dumps are applied over the
// rows, up to `maxChannelDumps` of them (past that the rest keep what the listing says, and the log
// says so). That is one request per such channel at resync (about a millisecond each, see
// bench/RESULTS.md); reads never wait on FreeSWITCH.
import type { EslEvent } from '../esl/events.js';
import type { Logger } from '../log.js';
import { NODE_SYNCED, NODE_UNAVAILABLE, type StateChange } from './changes.js';
import { applyEvent, nodeStateFromSnapshot, type LiveState, type NodeStateOptions } from './node-state.js';
import { needsVariables, parseShowChannelsJson } from './snapshot.js';

/** The part of EslClient the resync needs (kept narrow so tests can drive it with a fake). */
export interface SyncSource {
  readonly nodeId: string;
  api(command: string, opts?: { timeoutMs?: number }): Promise<string>;
  on(name: 'event', listener: (event: EslEvent) => unknown): void;
  on(name: 'connected', listener: () => unknown): void;
  on(name: 'disconnected', listener: (reason: string) => unknown): void;
}

export interface NodeSyncOptions {
  logger: Logger;
  /** Time allowed for each snapshot command; a big node's `show channels` takes a while. */
  snapshotTimeoutMs?: number;
  /** Events held while a snapshot is in flight; past this the snapshot is retried from scratch. */
  maxBufferedEvents?: number;
  /** Delay before retrying a failed snapshot on a live connection. */
  retryDelayMs?: number;
  /** Most channels dumped (`uuid_dump`) per resync; default 2000. */
  maxChannelDumps?: number;
  state?: NodeStateOptions;
}

export type SyncStatus = 'unsynced' | 'syncing' | 'synced';

export const SNAPSHOT_COMMANDS = ['show channels as json', 'conference xml_list'] as const;

/** What FreeSWITCH uuids (and sane origination_uuids) are made of. */
const SAFE_UUID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `uuid_dump` of one channel; undefined for an id that is not safe on a command line. */
export function channelDumpCommand(uuid: string): string | undefined {
  return SAFE_UUID.test(uuid) ? `uuid_dump ${uuid} json` : undefined;
}

export class NodeSync {
  private buffer: EslEvent[] | null = null;
  /** Bumped on every connect/disconnect so a stale snapshot never lands. */
  private generation = 0;
  private connected = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private statusValue: SyncStatus = 'unsynced';
  private lastSyncAt: Date | undefined;
  readonly stats = { resyncs: 0, resyncFailures: 0, eventsApplied: 0, lastResyncMs: 0 };

  constructor(
    private readonly source: SyncSource,
    private readonly live: LiveState,
    private readonly options: NodeSyncOptions,
  ) {
    live.addNode(source.nodeId);
    source.on('event', (event) => this.onEvent(event));
    source.on('connected', () => {
      this.connected = true;
      void this.resync();
    });
    source.on('disconnected', () => this.onDisconnected());
  }

  get status(): SyncStatus {
    return this.statusValue;
  }

  get syncedAt(): Date | undefined {
    return this.lastSyncAt;
  }

  /** Stops retry timers (the client itself is stopped by its owner). */
  stop(): void {
    this.generation++;
    clearTimeout(this.retryTimer);
  }

  private onEvent(event: EslEvent): void {
    if (this.buffer !== null) {
      this.buffer.push(event);
      if (this.buffer.length > (this.options.maxBufferedEvents ?? 100_000)) {
        this.options.logger.warn(
          { node: this.source.nodeId },
          'too many events during snapshot; starting over',
        );
        void this.resync();
      }
      return;
    }
    if (this.statusValue !== 'synced') return; // the next snapshot will include it
    const changes = this.live.apply(this.source.nodeId, event);
    if (changes.length === 0) return;
    this.stats.eventsApplied++;
    this.publish(changes);
  }

  private onDisconnected(): void {
    this.connected = false;
    this.generation++;
    this.buffer = null;
    clearTimeout(this.retryTimer);
    this.statusValue = 'unsynced';
    this.live.markUnavailable(this.source.nodeId);
    this.publish(NODE_UNAVAILABLE);
  }

  /** Tells the live state's change feed; a failing reader is logged and never stops the sync. */
  private publish(changes: readonly StateChange[]): void {
    try {
      this.live.changes.publish(this.source.nodeId, changes);
    } catch (err) {
      this.options.logger.error(
        { node: this.source.nodeId, err: (err as Error).message },
        'a reader of live state changes failed',
      );
    }
  }

  /** Takes a snapshot and swaps it in; retried while the connection stays up. */
  async resync(): Promise<boolean> {
    const generation = ++this.generation;
    clearTimeout(this.retryTimer);
    this.buffer = [];
    this.statusValue = 'syncing';
    const started = performance.now();
    const timeoutMs = this.options.snapshotTimeoutMs ?? 30_000;
    try {
      // Sequential on purpose: the client serialises requests anyway, and channels first means a
      // member's channel is known when its conference is parsed.
      const channelsJson = await this.source.api(SNAPSHOT_COMMANDS[0], { timeoutMs });
      const conferenceXml = await this.source.api(SNAPSHOT_COMMANDS[1], { timeoutMs });
      const channelDumps = await this.dumpChannels(channelsJson, generation, timeoutMs);
      if (generation !== this.generation) return false;
      const built = nodeStateFromSnapshot(
        this.source.nodeId,
        { channelsJson, conferenceXml, channelDumps, now: Date.now() },
        this.options.state,
      );
      if (!built.ok) throw new Error(`snapshot unreadable: ${built.error}`);
      const fresh = built.value;
      for (const event of this.buffer ?? []) applyEvent(fresh, event);
      if (generation !== this.generation) return false;
      this.buffer = null;
      this.live.replaceNode(fresh);
      this.statusValue = 'synced';
      this.lastSyncAt = new Date();
      this.stats.resyncs++;
      this.stats.lastResyncMs = performance.now() - started;
      this.options.logger.info(
        {
          node: this.source.nodeId,
          ms: Math.round(this.stats.lastResyncMs),
          channels: fresh.calls.channels.size,
          conferences: fresh.conferences.conferences.size,
        },
        'node state synced',
      );
      this.publish(NODE_SYNCED);
      return true;
    } catch (err) {
      if (generation !== this.generation) return false;
      this.stats.resyncFailures++;
      this.buffer = null;
      this.statusValue = 'unsynced';
      this.options.logger.warn(
        { node: this.source.nodeId, err: (err as Error).message },
        'resync failed; retrying',
      );
      if (this.connected) {
        this.retryTimer = setTimeout(() => void this.resync(), this.options.retryDelayMs ?? 1000);
        this.retryTimer.unref();
      }
      return false;
    }
  }

  /** `uuid_dump` of each listed channel, in listing order; stops early when the generation moves on. */
  private async dumpChannels(channelsJson: string, generation: number, timeoutMs: number): Promise<string[]> {
    const rows = parseShowChannelsJson(channelsJson);
    if (!rows.ok) return []; // nodeStateFromSnapshot reports the unreadable listing
    const wanted = rows.value.filter(needsVariables);
    const max = this.options.maxChannelDumps ?? 2000;
    if (wanted.length > max)
      this.options.logger.warn(
        { node: this.source.nodeId, channels: wanted.length, dumped: max },
        'too many channels to dump at resync; the rest are read from the listing alone',
      );
    const dumps: string[] = [];
    for (const row of wanted.slice(0, max)) {
      if (generation !== this.generation) break;
      const command = channelDumpCommand(row.uuid);
      if (command !== undefined) dumps.push(await this.source.api(command, { timeoutMs }));
    }
    return dumps;
  }
}
