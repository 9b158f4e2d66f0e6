// One inbound ESL connection to the simulated FreeSWITCH: authentication, the commands mod_event_socket
// understands on an inbound (non-session) socket, and event delivery between commands, as
// mod_event_socket.c's listener_run / read_packet / parse_command do it. Knows nothing of telephony:
// `api` and `bgapi` go to the SimApi through the server.
//
// A connection can be frozen (the server's freeze switch, for tests): it then reads nothing, runs no
// further command and holds everything it would send, like a stopped FreeSWITCH whose kernel still
// buffers both directions; thawing sends what was held and carries on with the buffered commands.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import type { EslCommand } from './esl-commands.js';
import { EslCommandReader, EslCommandTooLargeError, headerOf, splitFirstWord } from './esl-commands.js';
import { Subscription } from './subscription.js';
import {
  encodeApiResponse,
  encodeAuthRequest,
  encodeBgapiReply,
  encodeCommandReply,
  encodeDisconnectNotice,
  GOODBYE_TEXT,
} from './wire.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly password: string;
  readonly log: Logger;
  record(connection: number, command: EslCommand): void;
  runApi(command: string, args: string | undefined): Promise<string>;
  startBackgroundJob(jobUuid: string, command: string, args: string | undefined): void;
  forget(connection: SimConnection): void;
  /** Whether new connections start frozen. */
  isFrozen(): boolean;
}

export interface ConnectionLimits {
  /** Disconnect when the first command does not arrive in time (read_packet's 25 s in the auth loop). */
  authTimeoutMs: number;
  /** Events held while a command runs; past this the client is dropped (FreeSWITCH: lost events). */
  maxQueuedEvents: number;
  /** Bytes waiting in the socket for a client that does not read; past this the client is dropped. */
  maxUnsentBytes: number;
}

export class SimConnection {
  readonly subscription = new Subscription();
  private authed = false;
  private closed = false;
  private eof = false;
  private running = false;
  private readonly reader = new EslCommandReader();
  private readonly commands: EslCommand[] = [];
  private queuedEvents: string[] = [];
  private authTimer: NodeJS.Timeout | undefined;
  private frozen = false;
  /** What was written while frozen, in order. */
  private held: string[] = [];

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly limits: ConnectionLimits,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      this.eof = true;
      void this.drain();
    });
    socket.on('error', (err) =>
      host.log.debug({ connection: id, err: err.message }, 'esl sim: socket error'),
    );
    socket.on('close', () => this.onClose());
    this.startAuthTimer();
    if (host.isFrozen()) this.freeze();
    this.write(encodeAuthRequest());
  }

  /** Stops reading, running commands and sending (see the header). */
  freeze(): void {
    if (this.frozen || this.closed) return;
    this.frozen = true;
    this.socket.pause();
  }

  /** Sends what was held and carries on. */
  thaw(): void {
    if (!this.frozen) return;
    this.frozen = false;
    const held = this.held;
    this.held = [];
    for (const data of held) this.write(data);
    if (!this.closed) this.socket.resume();
    void this.drain();
  }

  private startAuthTimer(): void {
    // A frozen FreeSWITCH's timers do not run either.
    this.authTimer = setTimeout(
      () => (this.frozen ? this.startAuthTimer() : this.end(GOODBYE_TEXT)),
      this.limits.authTimeoutMs,
    );
    this.authTimer.unref();
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Delivers an already encoded event frame now, or after the command in progress (as FreeSWITCH does). */
  deliver(frame: string): void {
    if (this.closed) return;
    if (this.idle()) {
      this.flushQueuedEvents();
      this.write(frame);
      return;
    }
    if (this.queuedEvents.length >= this.limits.maxQueuedEvents) {
      this.host.log.warn({ connection: this.id }, 'esl sim: client too slow, events overflowed; dropping it');
      this.destroy();
      return;
    }
    this.queuedEvents.push(frame);
  }

  /** Sends a disconnect notice, then closes (FreeSWITCH's send_disconnect + close_socket). */
  end(notice: string): void {
    if (this.closed) return;
    this.closed = true;
    this.clearAuthTimer();
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) return;
    const fallback = setTimeout(() => socket.destroy(), 2000);
    fallback.unref();
    socket.end(encodeDisconnectNotice(notice), () => {
      clearTimeout(fallback);
      socket.destroy();
    });
  }

  /** Closes without a word: FIN, or RST when `reset` (a crashed FreeSWITCH, for tests). */
  destroy(reset = false): void {
    this.closed = true;
    this.clearAuthTimer();
    if (reset) this.socket.resetAndDestroy();
    else this.socket.destroy();
  }

  private idle(): boolean {
    return !this.running && this.commands.length === 0 && this.reader.pendingBytes === 0;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      const commands = this.reader.push(chunk);
      if (commands.length > 0) this.clearAuthTimer();
      this.commands.push(...commands);
    } catch (err) {
      if (!(err instanceof EslCommandTooLargeError)) throw err;
      this.host.log.warn(
        { connection: this.id, err: err.message },
        'esl sim: oversized command; disconnecting',
      );
      this.end(GOODBYE_TEXT);
      return;
    }
    void this.drain();
  }

  /** Runs queued commands one at a time; between commands, flushes the events that waited. */
  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed && !this.frozen && this.commands.length > 0)
        await this.handle(this.commands.shift()!);
    } finally {
      this.running = false;
    }
    if (this.closed || this.frozen) return;
    if (this.eof && this.commands.length === 0) {
      this.end(GOODBYE_TEXT);
      return;
    }
    if (this.idle()) this.flushQueuedEvents();
  }

  private flushQueuedEvents(): void {
    const events = this.queuedEvents;
    this.queuedEvents = [];
    for (const frame of events) this.write(frame);
  }

  private reply(text: string): void {
    this.write(encodeCommandReply(text));
  }

  private async handle(command: EslCommand): Promise<void> {
    this.host.record(this.id, command);
    const line = command.line;
    const lower = line.toLowerCase();
    if (lower.startsWith('exit') || line.startsWith('...')) {
      this.reply('+OK bye');
      this.end(GOODBYE_TEXT);
      return;
    }
    if (!this.authed) {
      this.handleUnauthenticated(line, lower);
      return;
    }
    if (lower.startsWith('filter ')) this.reply(this.subscription.filter(line));
    else if (lower.startsWith('divert_events')) this.reply('-ERR not controlling a session.');
    else if (lower.startsWith('api ')) await this.api(line.slice(4));
    else if (lower.startsWith('bgapi ')) this.bgapi(line.slice(6), command);
    else if (lower.startsWith('linger') || lower.startsWith('nolinger'))
      this.reply('-ERR not controlling a session');
    else if (lower.startsWith('nolog')) this.reply('-ERR not loging');
    else if (lower.startsWith('event')) this.reply(this.subscription.event(line));
    else if (lower.startsWith('nixevent')) this.reply(this.subscription.nixevent(line));
    else if (lower.startsWith('noevents')) {
      this.queuedEvents = [];
      this.reply(this.subscription.noevents());
    } else this.reply('-ERR command not found');
  }

  private handleUnauthenticated(line: string, lower: string): void {
    if (lower.startsWith('auth ')) {
      if (this.passwordMatches(line.slice(5))) {
        this.authed = true;
        this.reply('+OK accepted');
      } else {
        this.host.log.info({ connection: this.id }, 'esl sim: wrong password');
        this.reply('-ERR invalid');
        this.end(GOODBYE_TEXT);
      }
      return;
    }
    // userauth looks users up in the directory; the simulated directory has no ESL users.
    if (lower.startsWith('userauth ')) {
      this.reply('-ERR invalid');
      this.end(GOODBYE_TEXT);
      return;
    }
    this.reply('-ERR command not found');
  }

  private passwordMatches(given: string): boolean {
    const a = Buffer.from(given, 'utf8');
    const b = Buffer.from(this.host.password, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private async api(text: string): Promise<void> {
    const { word, rest } = splitFirstWord(text);
    let body = await this.host.runApi(word, rest);
    if (body === '') body = '-ERR no reply\n';
    this.write(encodeApiResponse(body));
  }

  private bgapi(text: string, command: EslCommand): void {
    const { word, rest } = splitFirstWord(text);
    // modesl sends its own Job-UUID header; FreeSWITCH copies at most 36 characters of it.
    const given = headerOf(command, 'job-uuid');
    const jobUuid = given !== undefined ? given.slice(0, 36) : randomUUID();
    this.write(encodeBgapiReply(jobUuid));
    this.host.startBackgroundJob(jobUuid, word, rest);
  }

  private write(data: string): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    if (this.frozen) {
      this.held.push(data);
      return;
    }
    if (this.socket.writableLength > this.limits.maxUnsentBytes) {
      this.host.log.warn({ connection: this.id }, 'esl sim: client does not read; dropping it');
      this.destroy();
      return;
    }
    this.socket.write(data);
  }

  private clearAuthTimer(): void {
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = undefined;
  }

  private onClose(): void {
    this.closed = true;
    this.clearAuthTimer();
    this.queuedEvents = [];
    this.host.forget(this);
  }
}
