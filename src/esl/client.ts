// A typed, self-healing client for one FreeSWITCH node, wrapping modesl 1.2.1.
//
// modesl keeps doing what it does well: the TCP connect, the auth handshake, writing commands and
// handing replies to its callback queues. The client works around what modesl gets wrong:
// - its Parser throws on a stray `%` inside the socket handler: replaced (guarded-connection.ts);
// - it never notices a dead socket and never reconnects: every session (session.ts) is a fresh
//   Connection whose end is always noticed, and the client retries with capped, jittered backoff;
// - its callbacks never fire when the socket dies and nothing times out; overlapping requests can
//   reach the wrong callback (node-esl #75): requests go through serial-requests.ts, and a request
//   stuck on the wire past its timeout drops the session (a late reply would confuse the next one);
// - a frozen FreeSWITCH keeps its socket open and silent: HEARTBEAT plus a probe (liveness.ts) notice
//   it; a SHUTDOWN event ends the session at once (FreeSWITCH may take half a minute to close it);
// - send() writes verbatim: every command passes assertSafeCommand (command-guard.ts) first;
// - a throwing listener would unwind through the socket: listeners are isolated (listener-set.ts).
import { Backoff, DEFAULT_BACKOFF } from '../domain/backoff.js';
import type { Logger } from '../log.js';
import type {
  EslClientEvents,
  EslClientOptions,
  EslClientStats,
  EslConnectionState,
  EslJob,
} from './client-types.js';
import { assertSafeCommand, buildEventSubscription } from './command-guard.js';
import { ConnectionLog } from './connection-log.js';
import { EslNotConnectedError } from './errors.js';
import { decodeEventFrame } from './events.js';
import type { EslFrame } from './frames.js';
import { asError } from './guarded-connection.js';
import { ListenerSet } from './listener-set.js';
import { LivenessWatch, validateLiveness } from './liveness.js';
import { SerialRequests, type RequestKind, type RequestTiming } from './serial-requests.js';
import { EslSession, type SessionEnd, type SessionTimeouts } from './session.js';

export type { EslClientEvents, EslClientOptions, EslClientStats, EslConnectionState, EslJob };

export class EslClient {
  readonly nodeId: string;
  readonly stats: EslClientStats = {
    reconnects: 0,
    eventsReceived: 0,
    decodeErrors: 0,
    listenerErrors: 0,
    authFailures: 0,
    livenessFailures: 0,
    stuckRequests: 0,
  };

  private readonly log: Logger;
  private readonly connectionLog: ConnectionLog;
  private readonly subscription: string;
  private readonly backoff: Backoff;
  private readonly resetAfterMs: number;
  private readonly timeouts: SessionTimeouts;
  private readonly liveness: ReturnType<typeof validateLiveness>;
  private readonly listeners = new ListenerSet<EslClientEvents>((name, err) =>
    this.onListenerError(name, err),
  );
  private readonly requests: SerialRequests;

  private currentState: EslConnectionState = 'disconnected';
  private since = new Date();
  private lastEvent: Date | undefined;
  private failure: Error | undefined;
  private endReason: string | undefined;
  private running = false;
  private session: EslSession | undefined;
  private watch: LivenessWatch | undefined;
  /** A session FreeSWITCH announced it would close (SHUTDOWN): no reconnect until it has. */
  private lingering: EslSession | undefined;
  private connectedAt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EslClientOptions) {
    this.nodeId = options.node.id;
    this.log = options.logger.child({ eslNode: this.nodeId });
    this.connectionLog = new ConnectionLog(this.log);
    this.subscription = buildEventSubscription(options.events);
    const { initialMs, maxMs } = options.backoff ?? DEFAULT_BACKOFF;
    this.backoff = new Backoff({ initialMs, maxMs });
    this.resetAfterMs = options.backoff?.resetAfterMs ?? 10_000;
    this.timeouts = {
      connectMs: options.connectTimeoutMs ?? 10_000,
      handshakeMs: options.handshakeTimeoutMs ?? 60_000,
      lingerMs: options.shutdownLingerMs ?? 60_000,
    };
    if (!(options.requestTimeoutMs > 0)) throw new RangeError('requestTimeoutMs must be > 0');
    for (const [name, ms] of Object.entries(this.timeouts))
      if (!(ms > 0)) throw new RangeError(`${name} must be > 0`);
    this.liveness = validateLiveness(options.liveness);
    this.requests = new SerialRequests(this.nodeId, undefined, (ms) => this.onStuck(ms));
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
  /** The reason the last session or attempt ended, in words (no secrets), until the next connect. */
  get lastDisconnectReason(): string | undefined {
    return this.endReason;
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
    if (!this.session && !this.reconnectTimer) this.connect();
  }

  /** Closes the connection, rejects pending requests, stops reconnecting; leaves no timers behind. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    void this.lingering?.close('client stopped', 'destroy');
    const session = this.session;
    if (!session) return;
    const closed = session.close('client stopped', 'exit');
    // A peer that ignores `exit` gets the socket destroyed; the timer ends with the close.
    const force = setTimeout(() => void session.close('client stopped', 'destroy'), 1000);
    await closed;
    clearTimeout(force);
  }

  /** Runs `api <command>`; resolves with the api/response body. */
  api(command: string, opts?: { timeoutMs?: number }): Promise<string> {
    const timeoutMs = opts?.timeoutMs ?? this.options.requestTimeoutMs;
    return this.request('api', command, { replyTimeoutMs: timeoutMs });
  }

  /** Runs `bgapi <command>`; resolves with the BACKGROUND_JOB body ("+OK <uuid>\n",
   * "-ERR USER_BUSY\n"), or with the Reply-Text if FreeSWITCH refused to start the job. */
  bgapi(command: string, opts?: { timeoutMs?: number }): Promise<string> {
    return this.startJob(command, opts).done;
  }

  /** bgapi, telling apart "FreeSWITCH has the job" (`accepted`) from its result (`done`). `timeoutMs`
   * bounds the whole job; the command/reply must still come within the request timeout. */
  startJob(command: string, opts?: { timeoutMs?: number }): EslJob {
    const jobTimeoutMs = opts?.timeoutMs ?? this.options.requestTimeoutMs;
    let accept: () => void = () => undefined;
    const acceptedByReply = new Promise<void>((resolve) => (accept = resolve));
    const done = this.request('bgapi', command, {
      replyTimeoutMs: Math.min(jobTimeoutMs, this.options.requestTimeoutMs),
      jobTimeoutMs,
      onAccepted: () => accept(),
    });
    // Whichever comes first: the acknowledgement, a refusal (done resolves), or the failure of both.
    const accepted = Promise.race([acceptedByReply, done.then(() => undefined)]);
    accepted.catch(() => undefined); // callers that only want `done` must not see an unhandled rejection
    return { accepted, done };
  }

  private request(kind: RequestKind, command: string, timing: RequestTiming): Promise<string> {
    try {
      assertSafeCommand(command);
    } catch (err) {
      return Promise.reject(asError(err));
    }
    for (const ms of [timing.replyTimeoutMs, timing.jobTimeoutMs ?? 1])
      if (!(ms > 0 && Number.isFinite(ms)))
        return Promise.reject(new RangeError('timeoutMs must be a positive number'));
    const session = this.session;
    if (this.currentState !== 'connected' || !session?.isReady)
      return Promise.reject(new EslNotConnectedError(this.nodeId, this.failure));
    const reply = this.requests.enqueue(kind, command, timing);
    this.requests.pump(session.writer);
    return reply;
  }

  private connect(): void {
    this.setState('connecting');
    let session: EslSession | undefined;
    try {
      session = new EslSession(this.options.node, this.subscription, this.timeouts, {
        ready: () => this.onReady(session),
        event: (frame) => this.onEventFrame(frame),
        ended: (end) => this.onEnded(session, end),
        awaiting: () => this.requests.awaiting,
      });
    } catch (err) {
      this.onEnded(undefined, { reason: 'cannot connect', error: asError(err), streamBroken: false });
      return;
    }
    this.session = session;
  }

  private onReady(session: EslSession | undefined): void {
    this.connectionLog.connected();
    this.failure = undefined;
    this.endReason = undefined;
    this.connectedAt = Date.now();
    this.watch = new LivenessWatch(this.liveness, {
      probe: (timeoutMs) => this.api('status', { timeoutMs }),
      lateButAlive: (silentMs) =>
        this.log.warn({ silentMs }, 'no HEARTBEAT from FreeSWITCH in time, but it answered a probe'),
      dead: (reason) => {
        if (session !== this.session) return;
        this.stats.livenessFailures++;
        void session?.close(reason, 'destroy');
      },
    });
    this.setState('connected');
    this.listeners.emit('connected');
  }

  /** A written request got no reply in time: nothing later on this session can be trusted. */
  private onStuck(timeoutMs: number): void {
    const session = this.session;
    if (!session) return;
    // The probe of a late heartbeat (or a request ahead of it) got stuck: the node is dead either way.
    if (this.watch?.probing === true) {
      this.stats.livenessFailures++;
      void session.close(this.watch.failureReason(), 'destroy');
      return;
    }
    this.stats.stuckRequests++;
    void session.close(`a request got no reply within ${timeoutMs} ms`, 'destroy');
  }

  /** FreeSWITCH is shutting down: it stops serving now but may keep the socket open for half a minute. */
  private onShutdownAnnounced(): void {
    const session = this.session;
    if (!session) return;
    this.lingering = session;
    void session.close('FreeSWITCH is shutting down (SHUTDOWN event)', 'linger');
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
    if (event.name === 'HEARTBEAT') this.watch?.heartbeat();
    const jobUuid = event.headers['Job-UUID'];
    if (event.name === 'BACKGROUND_JOB' && jobUuid !== undefined)
      this.requests.backgroundJob(jobUuid, event.body ?? '');
    this.listeners.emit('event', event);
    if (event.name === 'SHUTDOWN') this.onShutdownAnnounced();
  }

  /** A session ended (any way at all): reject its requests, report, and schedule the next one. */
  private onEnded(session: EslSession | undefined, end: SessionEnd): void {
    if (session !== this.session) return;
    this.session = undefined;
    this.watch?.stop();
    this.watch = undefined;
    const { reason, error } = end;
    this.endReason = reason;
    const wasConnected = this.currentState === 'connected';
    if (wasConnected && Date.now() - this.connectedAt >= this.resetAfterMs) this.backoff.reset();
    if (end.streamBroken) this.stats.decodeErrors++;
    this.requests.rejectAll(reason);
    if (error) this.failure = error;
    if (this.connectionLog.ended(end, wasConnected, this.running)) this.stats.authFailures++;
    this.setState('disconnected');
    this.listeners.emit('disconnected', reason);
    if (end.lingering && session) {
      // Reconnecting now would reach the FreeSWITCH that is going away and resync against it.
      void session.closed.then(() => {
        if (this.lingering === session) this.lingering = undefined;
        this.scheduleReconnect();
      });
    } else this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.running || this.reconnectTimer || this.session) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.running || this.session) return;
      this.stats.reconnects++;
      this.connect();
    }, this.backoff.next());
    this.reconnectTimer.unref();
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
