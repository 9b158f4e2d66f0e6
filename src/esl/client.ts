// A typed, self-healing client for one FreeSWITCH node, wrapping modesl 1.2.1.
//
// modesl keeps doing what it does well: the TCP connect, the auth handshake, writing commands and
// handing replies to its callback queues. The client works around what modesl gets wrong:
// - its Parser throws on a stray `%` inside the socket handler: replaced (guarded-connection.ts);
// - it never notices a dead socket and never reconnects: every session (session.ts) is a fresh
//   Connection whose end is always noticed, and the client retries with capped, jittered backoff;
// - its callbacks never fire when the socket dies and nothing times out; overlapping requests can
//   reach the wrong callback (node-esl #75): requests go through serial-requests.ts;
// - send() writes verbatim: every command passes assertSafeCommand (command-guard.ts) first;
// - a throwing listener would unwind through the socket: listeners are isolated (listener-set.ts).
import type { EslNodeConfig } from '../config.js';
import type { Logger } from '../log.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { assertSafeCommand, buildEventSubscription } from './command-guard.js';
import { EslAuthError, EslNotConnectedError } from './errors.js';
import { decodeEventFrame, type EslEvent } from './events.js';
import type { EslFrame } from './frames.js';
import { asError } from './guarded-connection.js';
import { ListenerSet } from './listener-set.js';
import { SerialRequests, type RequestKind } from './serial-requests.js';
import { EslSession, type SessionEnd } from './session.js';

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
  private session: EslSession | undefined;
  private connectedAt = 0;
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
    if (!this.session && !this.reconnectTimer) this.connect();
  }

  /** Closes the connection, rejects pending requests, stops reconnecting; leaves no timers behind. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
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
    const session = this.session;
    if (this.currentState !== 'connected' || !session?.isReady)
      return Promise.reject(new EslNotConnectedError(this.nodeId, this.failure));
    const reply = this.requests.enqueue(kind, command, timeoutMs);
    this.requests.pump(session.writer);
    return reply;
  }

  private connect(): void {
    this.setState('connecting');
    let session: EslSession | undefined;
    try {
      session = new EslSession(this.options.node, this.subscription, this.connectTimeoutMs, {
        ready: () => this.onReady(),
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

  private onReady(): void {
    if (this.failureStreak > 0) this.log.info({ failedAttempts: this.failureStreak }, 'ESL connected again');
    else this.log.info('ESL connected');
    this.failureStreak = 0;
    this.authFailing = false;
    this.failure = undefined;
    this.connectedAt = Date.now();
    this.setState('connected');
    this.listeners.emit('connected');
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

  /** A session ended (any way at all): reject its requests, report, and schedule the next one. */
  private onEnded(session: EslSession | undefined, end: SessionEnd): void {
    if (session !== this.session) return;
    this.session = undefined;
    const { reason, error } = end;
    const wasConnected = this.currentState === 'connected';
    if (wasConnected && Date.now() - this.connectedAt >= this.resetAfterMs) this.backoff.reset();
    if (end.streamBroken) this.stats.decodeErrors++;
    this.requests.rejectAll(reason);
    if (error) this.failure = error;
    this.logEnd(end, wasConnected);
    if (!wasConnected) this.failureStreak++;
    this.setState('disconnected');
    this.listeners.emit('disconnected', reason);
    if (this.running && !this.reconnectTimer && !this.session) {
      this.reconnectTimer = setTimeout(() => {
        this.reconnectTimer = undefined;
        if (!this.running || this.session) return;
        this.stats.reconnects++;
        this.connect();
      }, this.backoff.next());
      this.reconnectTimer.unref();
    }
  }

  /** Loud once per streak of failures, quiet (debug) for the rest, so a dead node cannot flood the log. */
  private logEnd({ reason, error }: SessionEnd, wasConnected: boolean): void {
    if (error instanceof EslAuthError) {
      this.stats.authFailures++;
      if (!this.authFailing) this.log.error({ err: error }, 'ESL password rejected; retrying with backoff');
      else this.log.debug({ reason }, 'ESL password rejected again');
      this.authFailing = true;
    } else if (wasConnected) {
      if (this.running) this.log.warn({ reason, error: error?.message }, 'ESL connection lost');
      else this.log.info({ reason }, 'ESL connection closed');
    } else if (this.running) {
      if (this.failureStreak === 0)
        this.log.warn({ reason }, 'ESL connection attempt failed; retrying with backoff');
      else
        this.log.debug({ reason, failedAttempts: this.failureStreak + 1 }, 'ESL connection attempt failed');
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
