// A byte-level ESL test client: sends exactly what it is told and keeps every byte it receives, so tests
// can compare them with the real FreeSWITCH transcripts. Waits are bounded and fail with a clear message.
import { connect, type Socket } from 'node:net';
import type { EslFrame } from '../../src/esl/frames.js';
import { splitFrames } from '../../src/esl/frames.js';

export class RawEslClient {
  private chunks: Buffer[] = [];
  private waiters: Array<() => void> = [];
  /** True once the server has closed its side (FIN) or the socket is gone. */
  closed = false;
  /** The socket error, if the connection failed (ECONNRESET after an RST, for instance). */
  error: NodeJS.ErrnoException | undefined;

  private constructor(private readonly socket: Socket) {
    // No Nagle: each send leaves at once, so tests control what the server has seen.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.wake();
    });
    socket.on('error', (err) => {
      this.error = err;
    });
    // The server's FIN: it has closed the connection; finish ours too, as any client would.
    socket.on('end', () => {
      this.closed = true;
      socket.end();
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawEslClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, allowHalfOpen: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawEslClient(socket));
      });
    });
  }

  /** Every byte received so far. */
  get bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  /** The complete frames received so far. */
  get frames(): EslFrame[] {
    return splitFrames(this.bytes).frames;
  }

  /** Sends `<command>\n\n`, as the transcript recorder and modesl do. */
  send(command: string): void {
    this.socket.write(`${command}\n\n`);
  }

  /** Sends bytes exactly as given. */
  sendRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Closes our write side only (the server may still answer). */
  end(): void {
    this.socket.end();
  }

  /**
   * Resolves once every byte sent so far (and our FIN, after end()) has been handed to the kernel,
   * which on loopback means it waits in the server's socket.
   */
  flushed(): Promise<void> {
    if (this.socket.writableFinished) return Promise.resolve();
    if (this.socket.writableEnded) return new Promise((resolve) => this.socket.once('finish', resolve));
    return new Promise((resolve) => this.socket.write('', () => resolve()));
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Resolves once `predicate` holds; rejects after `timeoutMs` describing what was received. */
  async until(what: string, predicate: () => boolean, timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const tail = this.bytes.subarray(-300).toString('utf8');
        throw new Error(
          `timed out waiting for ${what}; closed=${this.closed}; last bytes: ${JSON.stringify(tail)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForFrames(count: number, timeoutMs?: number): Promise<void> {
    return this.until(`${count} frames`, () => this.frames.length >= count, timeoutMs);
  }

  waitForClose(timeoutMs?: number): Promise<void> {
    return this.until('the server to close the connection', () => this.closed, timeoutMs);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Resolves once the event loop has polled for I/O again: bytes already waiting in the socket of a
 * server in this process (see flushed()) have been read and handled. No wall-clock wait.
 */
export async function afterNextPoll(): Promise<void> {
  // the first immediate runs at the end of this loop turn, the second after the next turn's poll
  for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
