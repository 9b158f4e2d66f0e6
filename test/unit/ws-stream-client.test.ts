// One stream's send policy and heartbeat, on a fake socket and fake timers: a bounded queue, a close
// code for slow clients and a deadline for the close handshake, dead peers cut off.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '../../src/ws/protocol.js';
import {
  isStreamSocket,
  StreamClient,
  type DropReason,
  type StreamSocket,
} from '../../src/ws/stream-client.js';

/** A socket whose peer reads nothing: every byte sent stays buffered. */
class FakeSocket implements StreamSocket {
  readyState = 1;
  bufferedAmount = 0;
  sent: Buffer[] = [];
  pings = 0;
  closedWith: number | undefined;
  terminated = false;
  private listeners: Record<string, Array<(arg?: unknown) => void>> = {};
  send(data: Buffer): void {
    this.sent.push(data);
    this.bufferedAmount += data.length;
  }
  ping(): void {
    this.pings++;
  }
  close(code: number): void {
    this.closedWith = code;
    this.readyState = 2;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close', 1006);
  }
  on(event: string, listener: (...args: never[]) => void): this {
    (this.listeners[event] ??= []).push(listener as (arg?: unknown) => void);
    return this;
  }
  emit(event: string, arg?: unknown): void {
    for (const l of this.listeners[event] ?? []) l(arg);
  }
}

const SUB = { userName: '200', role: 'user' as const };

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function client(policy = { maxBufferedBytes: 1000, closeGraceMs: 500 }) {
  const socket = new FakeSocket();
  const drops: DropReason[] = [];
  const c = new StreamClient(socket, SUB, policy, (_c, reason) => drops.push(reason));
  return { socket, drops, c };
}

describe('stream client', () => {
  it('recognises a ws socket by shape', () => {
    expect(isStreamSocket(new FakeSocket())).toBe(true);
    expect(isStreamSocket({ readyState: 1 })).toBe(false);
    expect(isStreamSocket(null)).toBe(false);
  });

  it('never queues past the bound plus one message; then closes with the slow-client code', () => {
    const { socket, drops, c } = client();
    const message = Buffer.alloc(300, 'x');
    let accepted = 0;
    for (let i = 0; i < 100_000; i++) if (c.send(message)) accepted++;
    // 0, 300, 600, 900 are ≤ 1000: four messages go, the fifth finds 1200 queued.
    expect(accepted).toBe(4);
    expect(socket.bufferedAmount).toBeLessThanOrEqual(1000 + message.length);
    expect(socket.closedWith).toBe(CLOSE_CODES.slowClient);
    expect(drops).toEqual(['slow']);
    expect(c.isClosing).toBe(true);
  });

  it('destroys a socket whose close handshake does not finish in time', () => {
    const { socket, c } = client();
    c.drop(CLOSE_CODES.slowClient, 'slow', 'slow');
    vi.advanceTimersByTime(499);
    expect(socket.terminated).toBe(false);
    vi.advanceTimersByTime(1);
    expect(socket.terminated).toBe(true);
  });

  it('a completed close handshake cancels the deadline', () => {
    const { socket, c } = client();
    c.drop(CLOSE_CODES.goingAway, 'bye', 'shutdown');
    socket.emit('close', 1001);
    vi.advanceTimersByTime(10_000);
    expect(socket.terminated).toBe(false);
  });

  it('batches the messages of one event-loop turn into one write (cork until the turn ends)', () => {
    const { socket, c } = client({ maxBufferedBytes: 1_000_000, closeGraceMs: 500 });
    const tcp = { corks: 0, uncorks: 0, cork: () => tcp.corks++, uncork: () => tcp.uncorks++ };
    Object.assign(socket, { _socket: tcp });
    const batched = new StreamClient(
      socket,
      SUB,
      { maxBufferedBytes: 1_000_000, closeGraceMs: 500 },
      () => {},
    );
    for (let i = 0; i < 5; i++) batched.send(Buffer.from('{}'));
    expect(tcp).toMatchObject({ corks: 1, uncorks: 0 });
    vi.runAllTimers();
    expect(tcp).toMatchObject({ corks: 1, uncorks: 1 });
    batched.send(Buffer.from('{}'));
    expect(tcp.corks).toBe(2);
    // Without a ws socket underneath, messages are simply written.
    expect(c.send(Buffer.from('{}'))).toBe(true);
  });

  it('heartbeat: pings while the peer answers, cuts it off after one unanswered ping', () => {
    const { socket, drops, c } = client();
    expect(c.heartbeat()).toBe(true);
    socket.emit('pong');
    expect(c.heartbeat()).toBe(true);
    socket.emit('message');
    expect(c.heartbeat()).toBe(true);
    expect(socket.pings).toBe(3);
    // No pong for the third ping.
    expect(c.heartbeat()).toBe(false);
    expect(socket.terminated).toBe(true);
    expect(drops).toEqual(['dead']);
    expect(c.send(Buffer.from('{}'))).toBe(false);
  });
});
