// One ESL session: one fresh modesl Connection from TCP connect to close. It runs the handshake
// (auth/request -> auth -> `event json ...`), routes each frame (events to the client, replies to
// modesl's callback queues), notices every way the session can end and reports that exactly once.
// Reconnecting, requests, liveness and listeners belong to the client (client.ts).
//
// Two handshake deadlines: the TCP connect (a host that does not answer), then, once connected, the
// greeting, auth and subscription. The second is long on purpose: a stopped FreeSWITCH's kernel still
// accepts connections, and waiting on one lets the client resume the moment FreeSWITCH does.
import type { Socket } from 'node:net';
import type { EslNodeConfig } from './client-types.js';
import { EslAuthError, EslDisconnectedError, EslProtocolError, EslTimeoutError } from './errors.js';
import type { EslFrame } from './frames.js';
import { GuardedConnection, type ModeslEvent } from './guarded-connection.js';
import type { RequestKind, RequestWriter } from './serial-requests.js';

export interface SessionEnd {
  reason: string;
  error: Error | undefined;
  /** The byte stream lost its framing (counted as a decode error). */
  streamBroken: boolean;
  /** The socket is left open for the peer to close (FreeSWITCH announced its shutdown). */
  lingering?: boolean;
}

export interface SessionTimeouts {
  /** From starting the TCP connect to the connection being established. */
  connectMs: number;
  /** From the established connection to an accepted subscription. */
  handshakeMs: number;
  /** How long a lingering socket is left for the peer to close before it is destroyed. */
  lingerMs: number;
}

export interface SessionHooks {
  /** Auth and the event subscription were accepted; `writer` may be used from now on. */
  ready(): void;
  /** A text/event-json or text/event-plain frame, undecoded. */
  event(frame: EslFrame): void;
  /** Called once, whatever ended the session (including close()). */
  ended(end: SessionEnd): void;
  /** What kind of reply the client's request line is waiting for, if any. */
  awaiting(): RequestKind | undefined;
}

export class EslSession {
  readonly writer: RequestWriter;
  /** Resolves once the socket is closed, by either side. */
  readonly closed: Promise<void>;
  private readonly conn: GuardedConnection;
  private readonly socket: Socket;
  private phase: 'handshake' | 'ready' | 'ended' = 'handshake';
  private handshakeTimer: NodeJS.Timeout | undefined;
  private socketError: Error | undefined;
  private authRequested = false;

  /** Starts connecting at once. Throws only if the connect cannot even be attempted. */
  constructor(
    private readonly node: EslNodeConfig,
    private readonly subscription: string,
    private readonly timeouts: SessionTimeouts,
    private readonly hooks: SessionHooks,
  ) {
    const conn = new GuardedConnection(node.host, node.port, node.password);
    this.conn = conn;
    this.socket = conn.socket as Socket;
    // modesl adds these to every subscription; CHANNEL_EXECUTE_COMPLETE would flood us for nothing.
    conn.reqEvents = ['BACKGROUND_JOB'];
    conn.sink = {
      frame: (frame) => this.onFrame(frame),
      broken: (reason, error) =>
        this.end(reason, new EslProtocolError(`${reason}: ${error.message}`, node.id), true),
    };
    // modesl re-emits socket errors as 'error' (EventEmitter2 throws when nobody listens); the
    // session ends on 'close', which always follows.
    conn.on('error', (err: Error) => (this.socketError ??= err));
    this.socket.setKeepAlive(true, 15_000);
    this.socket.setNoDelay(true);
    this.closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('close', () => {
      const err = this.socketError;
      const why = err ? `socket error: ${errorCode(err)}` : 'connection closed by peer';
      this.end(why, err ?? new EslDisconnectedError(node.id, why));
    });
    conn.once('esl::ready', () => this.subscribe());
    conn.on('esl::event::auth::fail', (reply: ModeslEvent) =>
      this.end('authentication failed', new EslAuthError(node.id, reply.getHeader('Reply-Text') ?? '')),
    );
    this.startHandshakeTimer('connect', timeouts.connectMs);
    this.socket.once('connect', () => this.startHandshakeTimer('handshake', timeouts.handshakeMs));
    this.writer = this.makeWriter();
  }

  get isReady(): boolean {
    return this.phase === 'ready';
  }

  /**
   * Ends the session; 'exit' says goodbye first when it can, 'linger' leaves the socket for the peer
   * to close (ignoring whatever it still sends). Resolves once the socket is closed.
   */
  close(reason: string, mode: 'exit' | 'destroy' | 'linger'): Promise<void> {
    const socket = this.socket;
    const closed = socket.destroyed ? Promise.resolve() : this.closed;
    if (this.phase === 'ended') {
      if (mode === 'destroy') socket.destroy(); // e.g. the peer ignored our `exit`
    } else {
      const how = mode === 'exit' && this.phase !== 'ready' ? 'destroy' : mode;
      this.end(reason, undefined, false, how);
    }
    return closed;
  }

  private startHandshakeTimer(stage: 'connect' | 'handshake', ms: number): void {
    clearTimeout(this.handshakeTimer);
    if (this.phase !== 'handshake') return;
    this.handshakeTimer = setTimeout(() => {
      const what = stage === 'connect' ? 'answer to the TCP connect' : 'handshake';
      this.end(`${stage} timed out`, new EslTimeoutError(this.node.id, ms, what));
    }, ms);
    this.handshakeTimer.unref();
  }

  private subscribe(): void {
    if (this.phase !== 'handshake') return;
    this.conn.sendRecv(`event json ${this.subscription}`, (reply: ModeslEvent) => {
      if (this.phase !== 'handshake') return;
      const text = reply.getHeader('Reply-Text') ?? '';
      if (!text.startsWith('+OK')) {
        const error = new EslProtocolError(`event json refused: ${text.slice(0, 80)}`, this.node.id);
        this.end('subscription refused', error);
        return;
      }
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
      this.phase = 'ready';
      this.hooks.ready();
    });
  }

  private onFrame(frame: EslFrame): void {
    if (this.phase === 'ended') return;
    const type = frame.headers['Content-Type'];
    const ready = this.phase === 'ready';
    switch (type) {
      case 'text/event-json':
      case 'text/event-plain':
        this.hooks.event(frame);
        return;
      case 'auth/request':
        // Only once: a second auth/request would make modesl send the password again.
        if (!this.authRequested && !ready) this.conn.deliver(frame);
        this.authRequested = true;
        return;
      case 'command/reply':
        // During the handshake modesl's own queue expects these (auth, subscriptions).
        if (!ready || this.hooks.awaiting() === 'bgapi') this.conn.deliver(frame);
        else this.outOfStep(type);
        return;
      case 'api/response':
        if (ready && this.hooks.awaiting() === 'api') this.conn.deliver(frame);
        else this.outOfStep(type);
        return;
      case 'text/disconnect-notice':
        this.end(`disconnect notice: ${frame.body.trim().slice(0, 100)}`, undefined);
        return;
      default:
        // log/data and anything newer: not ours to act on.
        return;
    }
  }

  /** A reply nobody is waiting for: the stream is out of step, and only a new session fixes that. */
  private outOfStep(type: string): void {
    this.end(`unexpected ${type}`, new EslProtocolError(`unexpected ${type}`, this.node.id));
  }

  private end(
    reason: string,
    error: Error | undefined,
    streamBroken = false,
    close: 'destroy' | 'exit' | 'linger' = 'destroy',
  ): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.conn.retired = true;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = undefined;
    const lingering = close === 'linger' && !this.socket.destroyed;
    if (lingering) {
      const timer = setTimeout(() => this.socket.destroy(), this.timeouts.lingerMs);
      timer.unref();
      this.socket.once('close', () => clearTimeout(timer));
    } else if (close === 'exit' && !this.socket.destroyed && this.conn.socket) this.conn.disconnect();
    else this.socket.destroy();
    this.hooks.ended({ reason, error, streamBroken, lingering });
  }

  /** Writes requests through modesl; replies reach `onReply` only while the session is ready. */
  private makeWriter(): RequestWriter {
    const conn = this.conn;
    return {
      api: (command, onReply) => {
        conn.api(command, (reply: ModeslEvent) => {
          if (this.phase === 'ready') onReply(reply.getBody());
        });
      },
      bgapi: (command, jobUuid, onReply) => {
        // modesl's bgapi() is not used: it appends a space to every command and drops the
        // command/reply, which the one-request-on-the-wire rule needs to free the wire.
        conn.sendRecv(`bgapi ${command}`, { 'Job-UUID': jobUuid }, (reply: ModeslEvent) => {
          if (this.phase === 'ready') onReply(reply.getHeader('Reply-Text') ?? '');
        });
      },
    };
  }
}

function errorCode(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? err.message.slice(0, 100);
}
