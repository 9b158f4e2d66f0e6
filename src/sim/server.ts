// The simulated FreeSWITCH event socket: a TCP server speaking ESL byte for byte like mod_event_socket.
// It owns sockets, authentication, subscriptions and formatting; everything telephony is behind SimApi
// (api/bgapi replies) and arrives as SimEvents through publish().
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import type { Logger } from '../log.js';
import { SimConnection, type ConnectionHost, type ConnectionLimits } from './connection.js';
import type { EslCommand } from './esl-commands.js';
import { buildEvent, systemMicroClock, type MicroClock } from './event-builder.js';
import type { SimApi, SimEvent, SimEventBus } from './types.js';
import { encodeEventFrame, SHUTDOWN_TEXT, type EventFormat } from './wire.js';

export interface EslSimServerOptions {
  /** The ESL password clients must send with `auth`. */
  password: string;
  /** Runs `api`/`bgapi` commands and gives the identity stamped on BACKGROUND_JOB events. */
  api: SimApi;
  logger?: Logger;
  /** Clock for BACKGROUND_JOB event dates (microseconds). */
  clock?: MicroClock;
  /** Close a connection whose first command does not arrive in time. FreeSWITCH: 25 s. */
  authTimeoutMs?: number;
  /** Keep at most this many entries in `received` (the oldest go first). */
  receivedLimit?: number;
  /** Events held for one connection while it runs a command; past this the client is dropped. */
  maxQueuedEvents?: number;
  /** Bytes a client may leave unread before it is dropped. */
  maxUnsentBytes?: number;
}

/** One command as it reached the simulated FreeSWITCH (auth passwords are replaced by `[redacted]`). */
export interface ReceivedCommand {
  /** Connection number, 1 for the first connection this server accepted. */
  connection: number;
  line: string;
  headers: Array<[string, string]>;
}

/** Where FreeSWITCH 1.11 fires BACKGROUND_JOB (seen in the transcripts). */
const BACKGROUND_JOB_SOURCE = {
  name: 'BACKGROUND_JOB',
  callingFile: 'mod_event_socket.c',
  callingFunction: 'api_exec',
  callingLine: 1580,
} as const;

export class EslSimServer implements SimEventBus {
  /** Every command line every connection sent, in arrival order (tests assert on it). */
  readonly received: ReceivedCommand[] = [];
  private readonly server: Server;
  private readonly connections = new Set<SimConnection>();
  private readonly log: Logger;
  private readonly limits: ConnectionLimits;
  private readonly receivedLimit: number;
  private readonly clock: MicroClock;
  private readonly host: ConnectionHost;
  private nextId = 1;
  private stopped = false;
  private frozenFlag = false;

  constructor(private readonly options: EslSimServerOptions) {
    this.log = options.logger ?? pino({ level: 'silent' });
    this.clock = options.clock ?? systemMicroClock;
    this.receivedLimit = options.receivedLimit ?? 10_000;
    this.limits = {
      authTimeoutMs: options.authTimeoutMs ?? 25_000,
      maxQueuedEvents: options.maxQueuedEvents ?? 100_000,
      maxUnsentBytes: options.maxUnsentBytes ?? 64 * 1024 * 1024,
    };
    this.host = {
      password: options.password,
      log: this.log,
      record: (connection, command) => this.record(connection, command),
      runApi: (command, args) => this.runApi(command, args),
      startBackgroundJob: (jobUuid, command, args) => this.startBackgroundJob(jobUuid, command, args),
      forget: (connection) => {
        this.connections.delete(connection);
        this.log.debug({ connection: connection.id }, 'esl sim: connection closed');
      },
      isFrozen: () => this.frozenFlag,
    };
    // allowHalfOpen: a client that only closes its write side still gets the goodbye notice.
    this.server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.on('error', (err) => this.log.error({ err: err.message }, 'esl sim: server error'));
  }

  /** Starts listening; port 0 picks a free port. */
  listen(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        const address = this.server.address() as AddressInfo;
        this.log.info({ host, port: address.port }, 'esl sim: listening');
        resolve({ port: address.port });
      });
    });
  }

  /** The port being listened on, once listening. */
  get port(): number | undefined {
    const address = this.server.address();
    return address && typeof address === 'object' ? address.port : undefined;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Fans an event out to every connection whose subscription and filters want it. */
  publish(event: SimEvent): void {
    if (this.stopped) return;
    const encoded: Partial<Record<EventFormat, string>> = {};
    for (const connection of this.connections) {
      if (!connection.subscription.wants(event)) continue;
      const format = connection.subscription.format;
      encoded[format] ??= encodeEventFrame(event, format);
      connection.deliver(encoded[format]);
    }
  }

  /**
   * What FreeSWITCH does on `fsctl shutdown` or SIGTERM: every client, authenticated or not, gets
   * "The system is being shut down." (31 bytes) and is disconnected; then the listener closes.
   */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const connection of this.connections) connection.end(SHUTDOWN_TEXT);
    await this.closeListener();
  }

  /** Stops listening and closes every connection without a notice. */
  async close(): Promise<void> {
    this.stopped = true;
    for (const connection of this.connections) connection.destroy();
    await this.closeListener();
  }

  /**
   * Freezes every connection, and every connection accepted from now on, until thaw(): nothing is
   * read, run or sent, as with a FreeSWITCH stopped by SIGSTOP (whose kernel still accepts
   * connections and buffers bytes). The telephony model's own timers keep running.
   */
  freeze(): void {
    this.frozenFlag = true;
    for (const connection of this.connections) connection.freeze();
  }

  /** Ends a freeze: held bytes go out, buffered commands run, in order. */
  thaw(): void {
    this.frozenFlag = false;
    for (const connection of this.connections) connection.thaw();
  }

  get frozen(): boolean {
    return this.frozenFlag;
  }

  /** Resets every connection (TCP RST) and keeps listening: a crash as the clients see it. */
  dropAllConnections(): void {
    for (const connection of this.connections) connection.destroy(true);
  }

  private accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    const id = this.nextId++;
    this.log.debug({ connection: id, remote: socket.remoteAddress }, 'esl sim: connection');
    this.connections.add(new SimConnection(id, socket, this.host, this.limits));
  }

  private async closeListener(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    // server.close waits for connections; they are all ending or gone by now.
  }

  private record(connection: number, command: EslCommand): void {
    const secret = /^(user)?auth /i.test(command.line);
    const line = secret ? command.line.replace(/^((?:user)?auth ).*/is, '$1[redacted]') : command.line;
    this.log.debug({ connection, line }, 'esl sim: command');
    this.received.push({ connection, line, headers: command.headers });
    if (this.received.length > this.receivedLimit)
      this.received.splice(0, this.received.length - this.receivedLimit);
  }

  private async runApi(command: string, args: string | undefined): Promise<string> {
    try {
      return await this.options.api.execute(command, args ?? '');
    } catch (err) {
      // A model bug; say so plainly instead of inventing a FreeSWITCH reply.
      const message = err instanceof Error ? err.message : String(err);
      this.log.error({ command, err: message }, 'esl sim: api command threw');
      return `-ERR simulator error: ${message.replace(/[\r\n\0]/g, ' ')}\n`;
    }
  }

  /** bgapi: runs the command, then fires BACKGROUND_JOB to every subscriber (mod_event_socket api_exec). */
  private startBackgroundJob(jobUuid: string, command: string, args: string | undefined): void {
    void this.runApi(command, args).then((reply) => {
      const headers: Array<[string, string]> = [
        ['Job-UUID', jobUuid],
        ['Job-Command', command],
      ];
      if (args !== undefined) headers.push(['Job-Command-Arg', args]);
      this.publish(buildEvent(this.options.api.identity, BACKGROUND_JOB_SOURCE, headers, reply, this.clock));
    });
  }
}
