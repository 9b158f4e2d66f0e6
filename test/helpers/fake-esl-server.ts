// A scriptable raw-TCP ESL server for client tests. Every frame it sends is a frame of the real
// FreeSWITCH transcripts (../shared/fs-transcripts), re-encoded with only the values a test needs
// changed (Job-UUID, body). It records every byte it receives, and a test can script replies, delay
// or drop them, send arbitrary bytes, reset connections (RST) or refuse to talk.
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import type { EslFrame } from '../../src/esl/frames.js';
import { splitFrames } from '../../src/esl/frames.js';
import { createLogger, type Logger } from '../../src/log.js';
import { EslClient, type EslClientOptions } from '../../src/esl/client.js';
import { eventually } from './eventually.js';
import { readTranscriptBytes, readTranscriptLines } from './transcripts.js';

// ---- frames copied from the transcripts ----

function framesOf(name: string): EslFrame[] {
  return splitFrames(readTranscriptBytes(name)).frames;
}

function find(frames: EslFrame[], what: string, test: (f: EslFrame) => boolean): EslFrame {
  const frame = frames.find(test);
  if (!frame) throw new Error(`transcript has no ${what}`);
  return frame;
}

/** Encodes a frame the way FreeSWITCH does: headers in the given order, Content-Length in bytes. */
export function encodeFrame(frame: EslFrame): Buffer {
  let head = '';
  for (const [name, value] of Object.entries(frame.headers)) {
    head += `${name}: ${name === 'Content-Length' ? Buffer.byteLength(frame.body, 'utf8') : value}\n`;
  }
  if (frame.body !== '' && frame.headers['Content-Length'] === undefined)
    throw new Error('a body needs a template with Content-Length');
  return Buffer.concat([Buffer.from(`${head}\n`, 'utf8'), Buffer.from(frame.body, 'utf8')]);
}

const authFrames = framesOf('auth');
const callsJson = framesOf('calls-json');
const callsPlain = framesOf('calls-plain');
const clickToCallExt = framesOf('click-to-call-dialplan-ext');
const shutdownEvents = framesOf('disconnect-fsctl-events');
const replyText = (text: string) => (f: EslFrame) => f.headers['Reply-Text'] === text;
const isEvent = (type: string, name: string) => (f: EslFrame) =>
  f.headers['Content-Type'] === type &&
  f.body.includes(`Event-Name${type.endsWith('json') ? '":"' : ': '}${name}`);

const T = {
  authRequest: find(authFrames, 'auth/request', (f) => f.headers['Content-Type'] === 'auth/request'),
  accepted: find(authFrames, '+OK accepted', replyText('+OK accepted')),
  invalid: find(authFrames, '-ERR invalid', replyText('-ERR invalid')),
  commandNotFound: find(authFrames, '-ERR command not found', replyText('-ERR command not found')),
  bye: find(authFrames, '+OK bye', replyText('+OK bye')),
  goodbyeNotice: find(
    authFrames,
    'goodbye notice',
    (f) => f.headers['Content-Type'] === 'text/disconnect-notice',
  ),
  shutdownNotice: find(
    framesOf('disconnect-fsctl-idle'),
    'shutdown notice',
    (f) => f.headers['Content-Type'] === 'text/disconnect-notice',
  ),
  eventJsonEnabled: find(callsJson, 'event json reply', replyText('+OK event listener enabled json')),
  bgapiReply: find(callsJson, 'bgapi reply', (f) => f.headers['Job-UUID'] !== undefined),
  backgroundJobJson: find(callsJson, 'BACKGROUND_JOB json', isEvent('text/event-json', 'BACKGROUND_JOB')),
  channelCreateJson: find(callsJson, 'CHANNEL_CREATE json', isEvent('text/event-json', 'CHANNEL_CREATE')),
  channelCreatePlain: find(callsPlain, 'CHANNEL_CREATE plain', isEvent('text/event-plain', 'CHANNEL_CREATE')),
  apiResponse: find(authFrames, 'api/response', (f) => f.headers['Content-Type'] === 'api/response'),
  heartbeatJson: find(clickToCallExt, 'HEARTBEAT json', isEvent('text/event-json', 'HEARTBEAT')),
  shutdownPlain: find(shutdownEvents, 'SHUTDOWN plain', isEvent('text/event-plain', 'SHUTDOWN')),
};

/** The api/response FreeSWITCH sent for each `api <command>` of api-responses.txt, by command. */
const recordedApiReplies: Map<string, Buffer> = (() => {
  const commands = readTranscriptLines('api-responses')
    .filter((l) => l.dir === 'send' && l.data?.startsWith('api '))
    .map((l) => l.data!.slice(4).replace(/\n\n$/, ''));
  const replies = framesOf('api-responses').filter((f) => f.headers['Content-Type'] === 'api/response');
  if (commands.length !== replies.length)
    throw new Error('api-responses: commands and replies do not pair up');
  const map = new Map<string, Buffer>();
  commands.forEach((c, i) => map.set(c, encodeFrame(replies[i]!)));
  return map;
})();

/** Builders for the frames a test sends; each starts from a real frame of the transcripts. */
export const fsFrames = {
  authRequest: () => encodeFrame(T.authRequest),
  accepted: () => encodeFrame(T.accepted),
  invalid: () => encodeFrame(T.invalid),
  commandNotFound: () => encodeFrame(T.commandNotFound),
  bye: () => encodeFrame(T.bye),
  goodbyeNotice: () => encodeFrame(T.goodbyeNotice),
  shutdownNotice: () => encodeFrame(T.shutdownNotice),
  eventJsonEnabled: () => encodeFrame(T.eventJsonEnabled),
  apiResponse: (body: string) => encodeFrame({ headers: T.apiResponse.headers, body }),
  /** The recorded reply to `api <command>` (api-responses.txt), if that command was recorded. */
  recordedApiReply: (command: string) => recordedApiReplies.get(command),
  bgapiReply: (jobUuid: string) =>
    encodeFrame({
      headers: { ...T.bgapiReply.headers, 'Reply-Text': `+OK Job-UUID: ${jobUuid}`, 'Job-UUID': jobUuid },
      body: '',
    }),
  backgroundJobJson: (jobUuid: string, command: string, body: string) => {
    const fields = JSON.parse(T.backgroundJobJson.body) as Record<string, string>;
    const space = command.indexOf(' ');
    fields['Job-UUID'] = jobUuid;
    fields['Job-Command'] = space === -1 ? command : command.slice(0, space);
    fields['Job-Command-Arg'] = space === -1 ? '' : command.slice(space + 1);
    fields['Content-Length'] = String(Buffer.byteLength(body, 'utf8'));
    fields['_body'] = body;
    return encodeFrame({ headers: T.backgroundJobJson.headers, body: JSON.stringify(fields) });
  },
  /** A real CHANNEL_CREATE text/event-json frame, optionally with its body replaced verbatim. */
  channelCreateJson: (rawBody?: string) =>
    encodeFrame({ headers: T.channelCreateJson.headers, body: rawBody ?? T.channelCreateJson.body }),
  channelCreateJsonBody: () => T.channelCreateJson.body,
  /** A real CHANNEL_CREATE text/event-plain frame with Caller-Caller-ID-Name set to `encoded` as is. */
  channelCreatePlain: (encodedCallerName: string) => {
    const body = T.channelCreatePlain.body.replace(
      /^Caller-Caller-ID-Name: .*$/m,
      `Caller-Caller-ID-Name: ${encodedCallerName}`,
    );
    if (body === T.channelCreatePlain.body) throw new Error('no Caller-Caller-ID-Name in the template');
    return encodeFrame({ headers: T.channelCreatePlain.headers, body });
  },
  channelCreatePlainBody: () => T.channelCreatePlain.body,
  /** The HEARTBEAT FreeSWITCH sent every 20 s (click-to-call-dialplan-ext.txt), as recorded. */
  heartbeatJson: () => encodeFrame(T.heartbeatJson),
  /** The SHUTDOWN `fsctl shutdown` fired first (disconnect-fsctl-events.txt, plain), as recorded. */
  shutdownPlain: () => encodeFrame(T.shutdownPlain),
  plainEventFrame: (body: string) => encodeFrame({ headers: T.channelCreatePlain.headers, body }),
};

// ---- the server ----

export interface FakeCommand {
  /** The command line, e.g. `api status`. */
  line: string;
  headers: Record<string, string>;
}

/** What an api handler answers: an api/response body, raw bytes, or undefined for "never reply". */
export type ApiAnswer = string | { raw: Buffer } | undefined;

export class FakeEslSession {
  readonly received: Buffer[] = [];
  readonly commands: FakeCommand[] = [];
  authed = false;
  private pendingBytes = '';
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: net.Socket,
    private readonly server: FakeEslServer,
  ) {
    socket.on('error', () => undefined);
    socket.setNoDelay(true); // no Nagle delay: tests that reset soon after a reply stay deterministic
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  write(bytes: Buffer | string): void {
    if (this.open) this.socket.write(bytes);
  }

  /** Sends a TCP RST. */
  reset(): void {
    if (!this.socket.destroyed) this.socket.resetAndDestroy();
  }

  end(): void {
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    this.received.push(chunk);
    this.server.received.push(chunk);
    this.pendingBytes += chunk.toString('latin1');
    let end: number;
    while ((end = this.pendingBytes.indexOf('\n\n')) !== -1) {
      const [line = '', ...rest] = Buffer.from(this.pendingBytes.slice(0, end), 'latin1')
        .toString('utf8')
        .split('\n');
      this.pendingBytes = this.pendingBytes.slice(end + 2);
      const headers: Record<string, string> = {};
      for (const h of rest) {
        const sep = h.indexOf(': ');
        if (sep !== -1) headers[h.slice(0, sep)] = h.slice(sep + 2);
      }
      const cmd = { line, headers };
      this.commands.push(cmd);
      // FreeSWITCH answers the commands of one connection one after the other.
      this.chain = this.chain.then(() => this.server.handle(cmd, this)).catch(() => undefined);
    }
  }
}

export interface FakeEslServerOptions {
  password?: string;
}

export class FakeEslServer {
  password: string;
  /** normal: greet with auth/request; rst: reset every new connection; silent: accept, say nothing. */
  mode: 'normal' | 'rst' | 'silent' = 'normal';
  readonly sessions: FakeEslSession[] = [];
  /** Date.now() of every accepted TCP connection. */
  readonly connectionTimes: number[] = [];
  readonly received: Buffer[] = [];
  /** Answers `api <command>`; by default the recorded reply, else FreeSWITCH's "Command not found". */
  onApi: (command: string, session: FakeEslSession) => ApiAnswer | Promise<ApiAnswer> = (command) => {
    const recorded = fsFrames.recordedApiReply(command);
    if (recorded) return { raw: recorded };
    return `-ERR ${command.split(' ')[0]} Command not found!\n`;
  };
  /** The BACKGROUND_JOB body for `bgapi <command>`; undefined sends no BACKGROUND_JOB. */
  onBgapi: (command: string, jobUuid: string, session: FakeEslSession) => string | undefined = () =>
    undefined;
  /** Takes over a command completely when it returns true (after auth). */
  onCommand: ((cmd: FakeCommand, session: FakeEslSession) => boolean | Promise<boolean>) | undefined;

  private readonly server: net.Server;
  private listenPort = 0;

  private constructor(options: FakeEslServerOptions) {
    this.password = options.password ?? 'ClueCon';
    this.server = net.createServer((socket) => this.accept(socket));
  }

  static async start(options: FakeEslServerOptions = {}): Promise<FakeEslServer> {
    const server = new FakeEslServer(options);
    await server.listen();
    return server;
  }

  get port(): number {
    return this.listenPort;
  }

  get connections(): number {
    return this.connectionTimes.length;
  }

  /** The last accepted session. */
  get last(): FakeEslSession | undefined {
    return this.sessions.at(-1);
  }

  /** Everything received on every connection, as text. */
  receivedText(): string {
    return Buffer.concat(this.received).toString('utf8');
  }

  /** Every command line received (auth included), over all connections, in order. */
  commandLines(): string[] {
    return this.sessions.flatMap((s) => s.commands.map((c) => c.line));
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.listenPort, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listenPort = (this.server.address() as net.AddressInfo).port;
  }

  /** Like a killed FreeSWITCH: drops every connection and stops listening (the port then refuses). */
  async kill(): Promise<void> {
    for (const s of this.sessions) s.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  async close(): Promise<void> {
    if (this.server.listening) await this.kill();
    else for (const s of this.sessions) s.socket.destroy();
  }

  private accept(socket: net.Socket): void {
    this.connectionTimes.push(Date.now());
    if (this.mode === 'rst') {
      socket.on('error', () => undefined);
      socket.resetAndDestroy();
      return;
    }
    const session = new FakeEslSession(socket, this);
    this.sessions.push(session);
    if (this.mode === 'normal') session.write(fsFrames.authRequest());
  }

  /** @internal FreeSWITCH's answer to one command. */
  async handle(cmd: FakeCommand, session: FakeEslSession): Promise<void> {
    const [verb = '', ...rest] = cmd.line.split(' ');
    const arg = rest.join(' ');
    if (!session.authed) {
      if (verb === 'auth' && arg === this.password) {
        session.authed = true;
        session.write(fsFrames.accepted());
      } else {
        session.write(verb === 'auth' ? fsFrames.invalid() : fsFrames.commandNotFound());
        session.write(fsFrames.goodbyeNotice());
        session.end();
      }
      return;
    }
    if (this.onCommand && (await this.onCommand(cmd, session))) return;
    switch (verb) {
      case 'event':
        session.write(rest[0] === 'json' ? fsFrames.eventJsonEnabled() : fsFrames.commandNotFound());
        return;
      case 'api': {
        const answer = await this.onApi(arg, session);
        if (answer === undefined) return;
        session.write(typeof answer === 'string' ? fsFrames.apiResponse(answer) : answer.raw);
        return;
      }
      case 'bgapi': {
        const jobUuid = cmd.headers['Job-UUID'] ?? randomUUID();
        session.write(fsFrames.bgapiReply(jobUuid));
        const body = this.onBgapi(arg, jobUuid, session);
        if (body !== undefined) session.write(fsFrames.backgroundJobJson(jobUuid, arg, body));
        return;
      }
      case 'exit':
        session.write(fsFrames.bye());
        session.write(fsFrames.goodbyeNotice());
        session.end();
        return;
      default:
        session.write(fsFrames.commandNotFound());
    }
  }
}

// ---- small test utilities ----

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A pino logger whose JSON lines are kept in memory. */
export function captureLogger(level = 'debug'): {
  logger: Logger;
  entries: () => Array<Record<string, unknown>>;
  text: () => string;
} {
  const lines: string[] = [];
  const logger = createLogger(level as 'debug', { write: (line: string) => void lines.push(line) });
  return {
    logger,
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    text: () => lines.join(''),
  };
}

/**
 * A FakeEslServer and an EslClient connected to it (2 s requests, 20–100 ms backoff), both stopped by
 * `cleanup`. `onCreate` sees the client before it connects (to listen from its first event).
 */
export async function connectedClient(
  cleanup: Array<() => Promise<void>>,
  extra: Partial<EslClientOptions> = {},
  onCreate: (client: EslClient) => void = () => undefined,
): Promise<{ server: FakeEslServer; client: EslClient; log: ReturnType<typeof captureLogger> }> {
  const server = await FakeEslServer.start();
  cleanup.push(() => server.close());
  const log = captureLogger();
  const client = new EslClient({
    node: { id: `127.0.0.1:${server.port}`, host: '127.0.0.1', port: server.port, password: 'ClueCon' },
    logger: log.logger,
    requestTimeoutMs: 2000,
    events: ['CHANNEL_CREATE'],
    backoff: { initialMs: 20, maxMs: 100 },
    ...extra,
  });
  onCreate(client);
  cleanup.push(() => client.stop());
  client.start();
  await eventually(() => client.state === 'connected', 3000, 'connected');
  return { server, client, log };
}
