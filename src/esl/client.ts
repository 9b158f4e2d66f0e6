// A typed, self-healing client for one FreeSWITCH node, wrapping modesl 1.2.1.
//
// modesl keeps doing what it does well: the TCP connect, the auth handshake, writing commands and
// handing replies to its callback queues. The client works around what modesl gets wrong:
// - its Parser throws on a stray `%` inside the socket handler: replaced (guarded-connection.ts);
// - it never notices a dead socket and never reconnects: the client watches the socket, makes a
//   fresh Connection each time and retries with capped, jittered backoff (backoff.ts);
// - its callbacks never fire when the socket dies and nothing times out; overlapping requests can
//   reach the wrong callback (node-esl #75): requests go through serial-requests.ts;
// - send() writes verbatim: every command passes assertSafeCommand (command-guard.ts) first;
// - a throwing listener would unwind through the socket: listeners are isolated (listener-set.ts).
import type { Socket } from 'node:net';
import type { EslNodeConfig } from '../config.js';
import type { Logger } from '../log.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { assertSafeCommand, buildEventSubscription } from './command-guard.js';
import {
  EslAuthError,
  EslDisconnectedError,
  EslNotConnectedError,
  EslProtocolError,
  EslTimeoutError,
} from './errors.js';
import { decodeEventFrame, type EslEvent } from './events.js';
import type { EslFrame } from './frames.js';
import { asError, GuardedConnection, type ModeslEvent } from './guarded-connection.js';
import { ListenerSet } from './listener-set.js';
import { SerialRequests, type RequestKind, type RequestWriter } from './serial-requests.js';

export type EslConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface EslClientOptions {
  node: EslNodeConfig;
  logger: Logger;
  /** Default time a request may take (queueing, reply and, for bgapi, the BACKGROUND_JOB). */
  requestTimeoutMs: number;
  /** Entries for `event json ...`, e.g. ['CHANNEL_CREATE', 'CUSTOM conference::maintenance']. */
  events: readonly string[];
  /** Capped exponential backoff with jitter; defaults 250 / 30000 ms. After a session that stayed
   * up for `resetAfterMs` (default 10000) the next retry streak starts from the beginning again. */
  backoff?: BackoffOptions & { resetAfterMs?: number };
  /** Time from starting the TCP connect to an accepted subscription (default 10000 ms). */
  connectTimeoutMs?: number;
}

export interface EslClientEvents {
  event: (event: EslEvent) => unknown;
  /** After auth AND the event subscription succeeded. */
  connected: () => unknown;
  disconnected: (reason: string) => unknown;
  state: (state: EslConnectionState) => unknown;
}

export interface EslClientStats {
  /** Connection attempts after the first one. */
  reconnects: number;
  eventsReceived: number;
  /** Event frames that could not be decoded, plus byte streams that lost their framing. */
  decodeErrors: number;
  listenerErrors: number;
  authFailures: number;
}

export class EslClient {
  readonly nodeId: string;
  readonly stats: EslClientStats = {
    reconnects: 0,
    eventsReceived: 0,
    decodeErrors: 0,
    listenerErrors: 0,
    authFailures: 0,
  };

  private readonly log: Logger;
  private readonly subscription: string;
  private readonly backoff: Backoff;
  private readonly resetAfterMs: number;
  private readonly connectTimeoutMs: number;
  private readonly listeners = new ListenerSet<EslClientEvents>((name, err) =>
    this.onListenerError(name, err),
  );
  private readonly requests: SerialRequests;

  private currentState: EslConnectionState = 'disconnected';
  private since = new Date();
  private lastEvent: Date | undefined;
  private failure: Error | undefined;
  private running = false;
  private conn: GuardedConnection | undefined;
  private socket: Socket | undefined;
  private writer: RequestWriter | undefined;
  private connectedAt = 0;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failureStreak = 0;
  private authFailing = false;

  constructor(private readonly options: EslClientOptions) {
    this.nodeId = options.node.id;
    this.log = options.logger.child({ eslNode: this.nodeId });
    this.subscription = buildEventSubscription(options.events);
    const { initialMs, maxMs } = options.backoff ?? DEFAULT_BACKOFF;
    this.backoff = new Backoff({ initialMs, maxMs });
    this.resetAfterMs = options.backoff?.resetAfterMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    if (!(options.requestTimeoutMs > 0)) throw new RangeError('requestTimeoutMs must be > 0');
    if (!(this.connectTimeoutMs > 0)) throw new RangeError('connectTimeoutMs must be > 0');
    this.requests = new SerialRequests(this.nodeId);
  }

  get state(): EslConnectionState {
    return this.currentState;
  }
  get stateSince(): Date {
    return this.since;
  }
  get lastEventAt(): Date | undefined {
    return this.lastEvent;
  }
  /** Why the last attempt or session ended (an EslAuthError after a rejected password). */
  get lastError(): Error | undefined {
    return this.failure;
  }
  /** Book-keeping sizes for tests and diagnostics: all zero/false when nothing is pending. */
  get pending(): { queued: number; awaitingReply: boolean; jobs: number } {
    return this.requests.sizes;
  }

  on<K extends keyof EslClientEvents>(name: K, listener: EslClientEvents[K]): this {
    this.listeners.add(name, listener);
    return this;
  }
  off<K extends keyof EslClientEvents>(name: K, listener: EslClientEvents[K]): this {
    this.listeners.remove(name, listener);
    return this;
  }
  listenerCount(name: keyof EslClientEvents): number {
    return this.listeners.count(name);
  }

  /** Begins connecting; reconnects forever until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    if (!this.conn && !this.reconnectTimer) this.connect();
  }

  /** Closes the connection, rejects pending requests, stops reconnecting; leaves no timers behind. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const { conn, socket } = this;
    if (!conn || !socket) return;
    const closed = new Promise<void>((resolve) => {
      if (socket.destroyed) resolve();
      else socket.once('close', () => resolve());
    });
    this.drop(conn, 'client stopped', undefined, this.currentState === 'connected' ? 'exit' : 'destroy');
    // A peer that ignores `exit` gets the socket destroyed; the timer ends with the close.
    const force = setTimeout(() => socket.destroy(), Math.min(1000, this.options.requestTimeoutMs));
    await closed;
    clearTimeout(force);
  }

  /** Runs `api <command>`; resolves with the api/response body. */
  api(command: string, opts?: { timeoutMs?: number }): Promise<string> {
    return this.request('api', command, opts?.timeoutMs);
  }

  /** Runs `bgapi <command>`; resolves with the BACKGROUND_JOB body ("+OK <uuid>\n",
   * "-ERR USER_BUSY\n"), or with the Reply-Text if FreeSWITCH refused to start the job. */
  bgapi(command: string, opts?: { timeoutMs?: number }): Promise<string> {
    return this.request('bgapi', command, opts?.timeoutMs);
  }

  private request(
    kind: RequestKind,
    command: string,
    timeoutMs = this.options.requestTimeoutMs,
  ): Promise<string> {
    try {
      assertSafeCommand(command);
    } catch (err) {
      return Promise.reject(asError(err));
    }
    if (!(timeoutMs > 0 && Number.isFinite(timeoutMs)))
      return Promise.reject(new RangeError('timeoutMs must be a positive number'));
    if (this.currentState !== 'connected' || !this.writer)
      return Promise.reject(new EslNotConnectedError(this.nodeId, this.failure));
    const reply = this.requests.enqueue(kind, command, timeoutMs);
    this.requests.pump(this.writer);
    return reply;
  }

  // ---- session life cycle ----

  private connect(): void {
    this.setState('connecting');
    const { host, port, password } = this.options.node;
    let conn: GuardedConnection;
    try {
      conn = new GuardedConnection(host, port, password);
    } catch (err) {
      this.afterDrop(`cannot connect: ${asError(err).message}`, asError(err), false);
      return;
    }
    const socket = conn.socket as Socket;
    this.conn = conn;
    this.socket = socket;
    // modesl adds these to every subscription; CHANNEL_EXECUTE_COMPLETE would flood us for nothing.
    conn.reqEvents = ['BACKGROUND_JOB'];
    let socketError: Error | undefined;
    let authRequested = false;
    conn.sink = {
      frame: (frame) => {
        if (frame.headers['Content-Type'] === 'auth/request') {
          if (authRequested) return; // a second auth/request would make modesl send the password again
          authRequested = true;
        }
        this.onFrame(conn, frame);
      },
      broken: (reason, error) => {
        this.stats.decodeErrors++;
        this.drop(conn, reason, new EslProtocolError(`${reason}: ${error.message}`, this.nodeId));
      },
    };
    // modesl re-emits socket errors as 'error' (EventEmitter2 throws when nobody listens); the
    // session ends on 'close', which always follows.
    conn.on('error', (err: Error) => (socketError = err));
    socket.setKeepAlive(true, 15_000);
    socket.setNoDelay(true);
    socket.on('close', () => {
      const why = socketError ? `socket error: ${errorCode(socketError)}` : 'connection closed by peer';
      this.drop(conn, why, socketError ?? new EslDisconnectedError(this.nodeId, why));
    });
    conn.once('esl::ready', () => this.subscribe(conn));
    conn.on('esl::event::auth::fail', (reply: ModeslEvent) => this.onAuthFailed(conn, reply));
    this.handshakeTimer = setTimeout(
      () =>
        this.drop(
          conn,
          'handshake timed out',
          new EslTimeoutError(this.nodeId, this.connectTimeoutMs, 'handshake'),
        ),
      this.connectTimeoutMs,
    );
    this.handshakeTimer.unref();
  }

  private subscribe(conn: GuardedConnection): void {
    if (conn !== this.conn) return;
    conn.sendRecv(`event json ${this.subscription}`, (reply: ModeslEvent) => {
      if (conn !== this.conn) return;
      const text = reply.getHeader('Reply-Text') ?? '';
      if (!text.startsWith('+OK')) {
        const error = new EslProtocolError(`event json refused: ${text.slice(0, 80)}`, this.nodeId);
        this.drop(conn, 'subscription refused', error);
        return;
      }
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
      if (this.failureStreak > 0)
        this.log.info({ failedAttempts: this.failureStreak }, 'ESL connected again');
      else this.log.info('ESL connected');
      this.failureStreak = 0;
      this.authFailing = false;
      this.failure = undefined;
      this.connectedAt = Date.now();
      this.writer = writerFor(conn, () => conn === this.conn);
      this.setState('connected');
      this.listeners.emit('connected');
    });
  }

  private onAuthFailed(conn: GuardedConnection, reply: ModeslEvent): void {
    if (conn !== this.conn) return;
    this.stats.authFailures++;
    const error = new EslAuthError(this.nodeId, reply.getHeader('Reply-Text') ?? '');
    // Once per streak: a wrong password retried every 30 s must not fill the log.
    if (!this.authFailing) this.log.error({ err: error }, 'ESL password rejected; retrying with backoff');
    this.authFailing = true;
    this.drop(conn, 'authentication failed', error);
  }

  private onFrame(conn: GuardedConnection, frame: EslFrame): void {
    if (conn !== this.conn) return;
    const type = frame.headers['Content-Type'];
    const connected = this.currentState === 'connected';
    const awaiting = this.requests.awaiting;
    switch (type) {
      case 'text/event-json':
      case 'text/event-plain':
        this.onEventFrame(frame);
        return;
      case 'auth/request':
        if (!connected) conn.deliver(frame);
        return;
      case 'command/reply':
        // During the handshake modesl's own queue expects these (auth, subscriptions).
        if (!connected || awaiting === 'bgapi') conn.deliver(frame);
        else this.desync(conn, type);
        return;
      case 'api/response':
        if (connected && awaiting === 'api') conn.deliver(frame);
        else this.desync(conn, type);
        return;
      case 'text/disconnect-notice':
        this.drop(conn, `disconnect notice: ${frame.body.trim().slice(0, 100)}`);
        return;
      case 'log/data':
        return;
      default:
        this.log.debug({ contentType: String(type).slice(0, 60) }, 'ignoring ESL frame');
    }
  }

  /** A reply nobody is waiting for means the stream is out of step; only a new session fixes that. */
  private desync(conn: GuardedConnection, type: string): void {
    this.drop(conn, `unexpected ${type}`, new EslProtocolError(`unexpected ${type}`, this.nodeId));
  }

  private onEventFrame(frame: EslFrame): void {
    const decoded = decodeEventFrame(frame);
    if (!decoded.ok) {
      const n = ++this.stats.decodeErrors;
      if (n <= 10 || n % 1000 === 0)
        this.log.warn({ error: decoded.error, decodeErrors: n }, 'ESL event dropped');
      return;
    }
    const event = decoded.event;
    this.stats.eventsReceived++;
    this.lastEvent = new Date();
    const jobUuid = event.headers['Job-UUID'];
    if (event.name === 'BACKGROUND_JOB' && jobUuid !== undefined)
      this.requests.backgroundJob(jobUuid, event.body ?? '');
    this.listeners.emit('event', event);
  }

  /** Ends a session (once per Connection) and schedules the next one unless stopped. */
  private drop(
    conn: GuardedConnection,
    reason: string,
    error?: Error,
    close: 'destroy' | 'exit' = 'destroy',
  ): void {
    if (conn !== this.conn) return;
    const wasConnected = this.currentState === 'connected';
    if (wasConnected && Date.now() - this.connectedAt >= this.resetAfterMs) this.backoff.reset();
    conn.retired = true;
    const socket = this.socket;
    this.conn = undefined;
    this.socket = undefined;
    this.writer = undefined;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    if (close === 'exit' && socket && !socket.destroyed) conn.disconnect();
    else socket?.destroy();
    this.requests.rejectAll(reason);
    this.afterDrop(reason, error, wasConnected);
  }

  private afterDrop(reason: string, error: Error | undefined, wasConnected: boolean): void {
    if (error) this.failure = error;
    if (wasConnected && !this.running) this.log.info({ reason }, 'ESL connection closed');
    else if (wasConnected) this.log.warn({ reason, error: error?.message }, 'ESL connection lost');
    else if (this.running && !(error instanceof EslAuthError)) {
      // One warning per streak of failed attempts; the rest at debug.
      if (this.failureStreak === 0)
        this.log.warn({ reason }, 'ESL connection attempt failed; retrying with backoff');
      else
        this.log.debug({ reason, failedAttempts: this.failureStreak + 1 }, 'ESL connection attempt failed');
    }
    if (!wasConnected) this.failureStreak++;
    this.setState('disconnected');
    this.listeners.emit('disconnected', reason);
    if (this.running && !this.reconnectTimer && !this.conn) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (!this.running || this.conn) return;
        this.stats.reconnects++;
        this.connect();
      }, this.backoff.next());
      this.reconnectTimer.unref();
    }
  }

  private setState(state: EslConnectionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.since = new Date();
    this.listeners.emit('state', state);
  }

  private onListenerError(name: string, err: unknown): void {
    this.stats.listenerErrors++;
    this.log.error({ err: asError(err), listenerOf: name }, 'ESL client listener threw; isolated');
  }
}

/** Writes requests through modesl; replies reach `onReply` only while the session is current. */
function writerFor(conn: GuardedConnection, current: () => boolean): RequestWriter {
  return {
    api(command, onReply) {
      conn.api(command, (reply: ModeslEvent) => {
        if (current()) onReply(reply.getBody());
      });
    },
    bgapi(command, jobUuid, onReply) {
      // modesl's bgapi() is not used: it appends a space to every command and drops the
      // command/reply, which the one-request-on-the-wire rule needs to free the wire.
      conn.sendRecv(`bgapi ${command}`, { 'Job-UUID': jobUuid }, (reply: ModeslEvent) => {
        if (current()) onReply(reply.getHeader('Reply-Text') ?? '');
      });
    },
  };
}

function errorCode(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? err.message.slice(0, 100);
}
