// One connected stream: sending under a memory bound, the close handshake with a deadline, and the
// liveness flag the heartbeat checks.
//
// Slow clients: the daemon never queues more than `maxBufferedBytes` (plus the message that crossed
// it) for one socket. A socket whose unread data is over the bound when the next message is due is
// closed with CLOSE_CODES.slowClient and sent nothing more; the close frame waits behind the unread
// data, so a client that never reads again is cut off after `closeGraceMs`.
import type { Subscriber } from './filter.js';
import { CLOSE_CODES } from './protocol.js';

/** What the stream needs of a `ws` WebSocket (kept narrow so tests can look at it). */
export interface StreamSocket {
  readonly readyState: number;
  /** Bytes accepted by send() but not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: boolean }): void;
  ping(): void;
  close(code: number, reason: string): void;
  terminate(): void;
  on(event: 'pong' | 'message', listener: () => void): unknown;
  on(event: 'close', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** `ws`'s WebSocket.OPEN. */
const OPEN = 1;

/** The TCP socket under a `ws` WebSocket, which ws keeps in `_socket`. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

/**
 * Messages sent in one turn of the event loop go out in one write: the socket is corked at the first
 * and uncorked when the turn ends. A burst of events (one TCP read from FreeSWITCH can carry dozens)
 * then costs one system call per client instead of one per message. Without access to the socket
 * (not a ws WebSocket) messages are written one by one.
 */
function transportOf(socket: StreamSocket): Corkable | undefined {
  const inner = (socket as unknown as { _socket?: unknown })._socket;
  if (typeof inner !== 'object' || inner === null) return undefined;
  const { cork, uncork } = inner as Record<string, unknown>;
  return typeof cork === 'function' && typeof uncork === 'function' ? (inner as Corkable) : undefined;
}

export function isStreamSocket(value: unknown): value is StreamSocket {
  if (typeof value !== 'object' || value === null) return false;
  const socket = value as Record<string, unknown>;
  return (
    typeof socket['readyState'] === 'number' &&
    typeof socket['bufferedAmount'] === 'number' &&
    ['send', 'ping', 'close', 'terminate', 'on'].every((name) => typeof socket[name] === 'function')
  );
}

export interface SendPolicy {
  maxBufferedBytes: number;
  closeGraceMs: number;
}

export type DropReason = 'slow' | 'dead' | 'credentials' | 'shutdown' | 'limit';

export class StreamClient {
  /** Cleared by each heartbeat, set by a pong or any message from the peer. */
  alive = true;
  private closing = false;
  private deadline: NodeJS.Timeout | undefined;
  private readonly transport: Corkable | undefined;
  private corked = false;

  constructor(
    readonly socket: StreamSocket,
    readonly subscriber: Subscriber,
    private readonly policy: SendPolicy,
    private readonly onDrop: (client: StreamClient, reason: DropReason) => void,
  ) {
    this.transport = transportOf(socket);
    socket.on('pong', () => (this.alive = true));
    socket.on('message', () => (this.alive = true));
    socket.on('close', () => clearTimeout(this.deadline));
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** Sends one message; false when the socket is closing or was just dropped as too slow. */
  send(bytes: Buffer): boolean {
    if (this.closing || this.socket.readyState !== OPEN) return false;
    if (this.socket.bufferedAmount > this.policy.maxBufferedBytes) {
      this.drop(CLOSE_CODES.slowClient, 'slow client: unread data over the limit', 'slow');
      return false;
    }
    if (this.transport !== undefined && !this.corked) {
      this.corked = true;
      this.transport.cork();
      setImmediate(() => {
        this.corked = false;
        this.transport?.uncork();
      });
    }
    this.socket.send(bytes, { binary: false });
    return true;
  }

  /** Starts the close handshake; the socket is destroyed if it has not completed by the deadline. */
  drop(code: number, reason: string, why: DropReason, graceMs = this.policy.closeGraceMs): void {
    if (this.closing) return;
    this.closing = true;
    this.onDrop(this, why);
    this.socket.close(code, reason);
    this.deadline = setTimeout(() => this.socket.terminate(), graceMs);
    this.deadline.unref();
  }

  /** One heartbeat: false (and the socket destroyed) when the peer did not answer the last one. */
  heartbeat(): boolean {
    if (!this.alive) {
      this.closing = true;
      this.onDrop(this, 'dead');
      this.socket.terminate();
      return false;
    }
    this.alive = false;
    if (this.socket.readyState === OPEN) this.socket.ping();
    return true;
  }
}
