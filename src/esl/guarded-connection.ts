// modesl's Connection with its Parser swapped for the team's framing (frames.ts).
// Why: modesl's Parser runs decodeURIComponent on every header line and throws a URIError on a
// stray `%` (a Latin-1 caller name like `Jos%E9`) from inside the socket's 'data' handler, which
// kills the process; it also rescans its whole buffer on every chunk, never bounds it, trusts any
// Content-Length and calls listeners inside its parse loop. Only _onConnect changes: modesl still
// connects, answers auth/request, writes commands and dispatches replies to its callback queues.
import esl from 'modesl';
import { EslFrameSplitter, type EslFrame } from './frames.js';

export type ModeslEvent = InstanceType<typeof esl.Event>;

/** Where the frames of one connection go. Both methods are called from the socket's data handler. */
export interface FrameSink {
  frame(frame: EslFrame): void;
  /** The byte stream lost its frame boundaries, or handling a frame threw: the session is unusable. */
  broken(reason: string, error: Error): void;
}

export class GuardedConnection extends esl.Connection {
  sink: FrameSink | undefined;
  /** Set by the owner when the session is over; frames still buffered are then ignored. */
  retired = false;
  private readonly splitter = new EslFrameSplitter();

  override _onConnect(): void {
    this.socket?.on('data', (chunk: Buffer) => this.onData(chunk));
    this.emit('esl::connect');
    this.connecting = false;
    // As in modesl: answer auth/request with `auth <password>`, then emit esl::ready or auth::fail.
    this.on('esl::event::auth::request', this.auth.bind(this));
  }

  /** Hands a reply frame (auth/request, command/reply, api/response) to modesl's dispatch, shaped
   * as its Parser would have made it (Modesl-Reply-OK / Modesl-Reply-ERR from Reply-Text). */
  deliver(frame: EslFrame): void {
    const event = new esl.Event({ ...frame.headers }, frame.body);
    const reply = event.getHeader('Reply-Text');
    if (reply?.startsWith('-ERR')) event.addHeader('Modesl-Reply-ERR', reply.substring(5));
    else if (reply?.startsWith('+OK')) event.addHeader('Modesl-Reply-OK', reply.substring(4));
    this._onEvent(event, frame.headers, frame.body);
  }

  private onData(chunk: Buffer): void {
    const sink = this.sink;
    if (this.retired || !sink) return;
    let frames: EslFrame[];
    try {
      frames = this.splitter.push(chunk);
    } catch (err) {
      sink.broken('unframeable byte stream', asError(err));
      return;
    }
    for (const frame of frames) {
      if (this.retired) return;
      try {
        sink.frame(frame);
      } catch (err) {
        // Last line of defence: nothing may escape into the socket's 'data' handler.
        sink.broken('internal error while handling a frame', asError(err));
        return;
      }
    }
  }
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
