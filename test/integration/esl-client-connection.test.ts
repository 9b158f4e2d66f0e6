// The ESL client's connection life cycle against a raw TCP fake FreeSWITCH: handshake, TCP RST,
// reconnect with capped jittered backoff (no storm), disconnect notice, handshake timeout, stop().
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EslClient, type EslClientOptions, type EslConnectionState } from '../../src/esl/client.js';
import { EslDisconnectedError, EslNotConnectedError, EslTimeoutError } from '../../src/esl/errors.js';
import { captureLogger, FakeEslServer, fsFrames } from '../helpers/fake-esl-server.js';
import { eventually } from '../helpers/eventually.js';

const EVENTS = ['CHANNEL_CREATE', 'CHANNEL_HANGUP_COMPLETE', 'CUSTOM conference::maintenance'];
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fakeServer(): Promise<FakeEslServer> {
  const server = await FakeEslServer.start();
  cleanup.push(() => server.close());
  return server;
}

function newClient(port: number, extra: Partial<EslClientOptions> = {}) {
  const log = captureLogger();
  const client = new EslClient({
    node: { id: `127.0.0.1:${port}`, host: '127.0.0.1', port, password: 'ClueCon' },
    logger: log.logger,
    requestTimeoutMs: 2000,
    events: EVENTS,
    backoff: { initialMs: 20, maxMs: 200 },
    connectTimeoutMs: 1000,
    ...extra,
  });
  const states: EslConnectionState[] = [];
  const reasons: string[] = [];
  client.on('state', (s) => void states.push(s));
  client.on('disconnected', (r) => void reasons.push(r));
  cleanup.push(() => client.stop());
  return { client, log, states, reasons };
}

/** The client's timers and clock on a fake clock for this test (sockets stay real). */
function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  cleanup.push(async () => void vi.useRealTimers());
}

/**
 * The client's backoff delays measured on a fake clock (exact, whatever the machine's load): fake time
 * stands still while sockets connect and drop, and moves 1 ms at a time only while the client waits to
 * retry. Each delay is from a drop (the client going disconnected) to its next attempt.
 */
async function retryDelays(client: EslClient, count: number): Promise<number[]> {
  let drops = 0;
  client.on('state', (s) => void (s === 'disconnected' && drops++));
  useFakeClock();
  client.start();
  const delays: number[] = [];
  for (let i = 0; i < count; i++) {
    await eventually(() => drops > i, 3000, `drop ${i + 1}`);
    const fired = client.stats.reconnects;
    const t0 = Date.now();
    while (client.stats.reconnects === fired && Date.now() - t0 < 60_000)
      await vi.advanceTimersByTimeAsync(1);
    delays.push(Date.now() - t0);
  }
  return delays;
}

/** Each delay lies in [ceiling/2, ceiling] for ceilings initialMs, 2×, 4×… up to maxMs; jittered. */
function expectBackoff(delays: number[], initialMs: number, maxMs: number): void {
  delays.forEach((delay, i) => {
    const ceiling = Math.min(maxMs, initialMs * 2 ** i);
    expect(delay, `delay ${i + 1}`).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
    expect(delay, `delay ${i + 1}`).toBeLessThanOrEqual(ceiling + 1);
  });
  if (delays.length > 4) expect(new Set(delays.slice(3)).size).toBeGreaterThan(1); // jittered, not lock-step
}

describe('EslClient connection', () => {
  it('authenticates, subscribes with event json, and reports connected only after the subscription', async () => {
    const server = await fakeServer();
    let releaseSubscription: (() => void) | undefined;
    server.onCommand = (cmd, session) => {
      if (!cmd.line.startsWith('event json CHANNEL_CREATE')) return false;
      return new Promise<boolean>((resolve) => {
        releaseSubscription = () => {
          session.write(
            Buffer.from('Content-Type: command/reply\nReply-Text: +OK event listener enabled json\n\n'),
          );
          resolve(true);
        };
      });
    };
    const { client, states } = newClient(server.port);
    let connectedEvents = 0;
    client.on('connected', () => void connectedEvents++);
    expect(client.state).toBe('disconnected');
    client.start();
    await eventually(() => releaseSubscription !== undefined, 2000, 'the subscription command');
    expect(client.state).toBe('connecting');
    expect(connectedEvents).toBe(0);
    await expect(client.api('status')).rejects.toBeInstanceOf(EslNotConnectedError);
    const before = client.stateSince;
    releaseSubscription!();
    await eventually(() => client.state === 'connected');
    expect(connectedEvents).toBe(1);
    expect(states).toEqual(['connecting', 'connected']);
    expect(client.stateSince.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(server.commandLines()).toEqual([
      'auth ClueCon',
      'event json BACKGROUND_JOB', // modesl's own subscription after auth (harmless, additive)
      'event json CHANNEL_CREATE CHANNEL_HANGUP_COMPLETE BACKGROUND_JOB HEARTBEAT SHUTDOWN CUSTOM conference::maintenance',
    ]);
    expect(server.receivedText()).toContain('event json CHANNEL_CREATE');
  });

  it('after a TCP RST: disconnected at once, pending request rejected at once, fresh connection with backoff', async () => {
    const server = await fakeServer();
    server.onApi = () => undefined; // never answer
    useFakeClock();
    const { client, states, reasons } = newClient(server.port);
    let connected = 0;
    client.on('connected', () => void connected++);
    client.start();
    await eventually(() => client.state === 'connected');
    const pending = client.api('status', { timeoutMs: 5000 });
    await eventually(() => server.commandLines().includes('api status'));
    server.last!.reset();
    // the fake clock stands still: the rejection is the drop's, not the 5 s timeout's
    await expect(pending).rejects.toBeInstanceOf(EslDisconnectedError);
    expect(client.pending).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    await eventually(
      async () => (await vi.advanceTimersByTimeAsync(5), connected === 2),
      3000,
      'the reconnect',
    );
    expect(server.connections).toBe(2);
    expect(server.sessions[1]!.commands[0]!.line).toBe('auth ClueCon'); // a fresh session from the start
    expect(states).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    expect(reasons[0]).toMatch(/ECONNRESET|closed/);
    expect(client.stats.reconnects).toBe(1);
  });

  it('does not storm a node that resets every connection: delays double, with jitter, up to the cap', async () => {
    const server = await fakeServer();
    server.mode = 'rst';
    const initialMs = 20;
    const maxMs = 160;
    const { client } = newClient(server.port, { backoff: { initialMs, maxMs } });
    // Ceilings 20, 40, 80, 160, 160...: at least half of each is always waited, at most all of it.
    expectBackoff(await retryDelays(client, 8), initialMs, maxMs);
    await eventually(() => server.connections === 9, 3000, 'the ninth attempt');
    await client.stop();
    expect(client.stats.reconnects).toBe(8);
    expect(client.state).toBe('disconnected');
  });

  it('backs off the same way when the port refuses connections', async () => {
    const server = await fakeServer();
    const port = server.port;
    await server.kill();
    const { client, log } = newClient(port, { backoff: { initialMs: 20, maxMs: 100 } });
    // Ceilings 20, 40, 80, 100, 100...
    expectBackoff(await retryDelays(client, 6), 20, 100);
    await eventually(() => client.state === 'disconnected', 3000, 'the sixth refusal');
    expect(client.stats.reconnects).toBe(6);
    expect(client.lastError?.message).toMatch(/ECONNREFUSED/);
    // One warning for the whole streak of failures.
    const warnings = log
      .entries()
      .filter((e) => e['msg'] === 'ESL connection attempt failed; retrying with backoff');
    expect(warnings).toHaveLength(1);
  });

  it('on a disconnect notice (FreeSWITCH shutting down) goes disconnected, then reconnects', async () => {
    const server = await fakeServer();
    const { client, reasons } = newClient(server.port);
    client.start();
    await eventually(() => client.state === 'connected');
    const first = server.last!;
    first.write(fsFrames.shutdownNotice()); // the server does not even close: the client does
    await eventually(() => client.state !== 'connected', 1000, 'disconnected');
    expect(reasons).toEqual(['disconnect notice: The system is being shut down.']);
    await eventually(() => first.socket.destroyed || first.socket.readableEnded, 1000, 'the client to close');
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'the reconnect');
  });

  it('gives up a handshake that never completes and retries', async () => {
    const server = await fakeServer();
    server.mode = 'silent';
    const { client, reasons } = newClient(server.port, { handshakeTimeoutMs: 80 });
    client.start();
    await eventually(() => server.connections >= 2, 3000, 'a second attempt');
    expect(reasons[0]).toBe('handshake timed out');
    expect(client.lastError).toBeInstanceOf(EslTimeoutError);
    server.mode = 'normal';
    await eventually(() => client.state === 'connected', 3000, 'connected');
    expect(client.lastError).toBeUndefined();
  });

  it('stop(): says exit, rejects pending requests, never reconnects, leaves no timers', async () => {
    const server = await fakeServer();
    server.onApi = () => undefined;
    useFakeClock();
    const { client, reasons } = newClient(server.port);
    client.start();
    await eventually(() => client.state === 'connected');
    const pending = client.api('status', { timeoutMs: 5000 });
    const bg = client.bgapi('originate user/1000 &park()', { timeoutMs: 5000 });
    await eventually(() => server.commandLines().includes('api status'));
    const rejected = Promise.all([
      expect(pending).rejects.toBeInstanceOf(EslDisconnectedError),
      expect(bg).rejects.toBeInstanceOf(EslDisconnectedError),
    ]);
    await client.stop();
    await rejected;
    expect(client.state).toBe('disconnected');
    expect(reasons).toEqual(['client stopped']);
    expect(client.pending).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    await eventually(() => server.last!.commands.some((c) => c.line === 'exit'), 1000, 'exit');
    // no timer left (unref'd ones included), so nothing can reconnect; a minute later, nothing did
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(server.connections).toBe(1);
    expect(client.stats.reconnects).toBe(0);
  });

  it('stop() during the backoff wait cancels the retry', async () => {
    const server = await fakeServer();
    server.mode = 'rst';
    useFakeClock();
    const { client } = newClient(server.port, { backoff: { initialMs: 100, maxMs: 100 } });
    client.start();
    await eventually(() => server.connections === 1 && client.state === 'disconnected');
    expect(vi.getTimerCount()).toBe(1); // the retry
    await client.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000); // far past the retry's 100 ms
    expect(server.connections).toBe(1);
    expect(client.stats.reconnects).toBe(0);
  });

  it('a node that accepts, subscribes, then drops every session is retried with growing delays', async () => {
    const server = await fakeServer();
    const { client } = newClient(server.port, { backoff: { initialMs: 20, maxMs: 160 } });
    let connects = 0;
    // dropped once the client has read the subscription reply (an RST discards unread data)
    client.on('connected', () => void (connects++, server.last!.reset()));
    // Short sessions do not reset the backoff (resetAfterMs, 10 s by default): the same delays as no session.
    expectBackoff(await retryDelays(client, 6), 20, 160);
    expect(connects).toBe(6);
  });

  it('a session that stayed up for resetAfterMs starts the next retry streak from initialMs', async () => {
    const server = await fakeServer();
    const { client } = newClient(server.port, { backoff: { initialMs: 40, maxMs: 4000, resetAfterMs: 100 } });
    let connects = 0;
    client.on('connected', () => {
      connects++;
      // three sessions dropped at once; the fourth after it stayed up for resetAfterMs (fake time)
      if (connects <= 3) server.last!.reset();
      else if (connects === 4) void vi.advanceTimersByTimeAsync(100).then(() => server.last!.reset());
    });
    // Three quick drops: waits of [20,40], [40,80], [80,160] ms; the stable session: [20,40] again.
    const [first, second, third, afterStable] = await retryDelays(client, 4);
    expectBackoff([first!, second!, third!], 40, 4000);
    expect(afterStable).toBeGreaterThanOrEqual(20);
    expect(afterStable).toBeLessThanOrEqual(41);
  });

  it('a refused subscription ends the attempt and is retried', async () => {
    const server = await fakeServer();
    let refusals = 1;
    server.onCommand = (cmd, session) => {
      if (!cmd.line.startsWith('event json CHANNEL_CREATE') || refusals-- <= 0) return false;
      session.write(fsFrames.commandNotFound());
      return true;
    };
    const { client, reasons } = newClient(server.port);
    client.start();
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'second attempt');
    expect(reasons).toEqual(['subscription refused']);
  });

  it('stop() destroys the socket of a peer that ignores exit', async () => {
    const server = await fakeServer();
    server.onCommand = (cmd) => cmd.line === 'exit'; // swallowed, no reply, no close
    useFakeClock();
    const { client } = newClient(server.port);
    client.start();
    await eventually(() => client.state === 'connected');
    server.last!.socket.allowHalfOpen = true; // our FIN after `exit` does not close it either
    // stop() resolves once our socket is closed: the peer has exactly one second, then it is destroyed
    let stopped = false;
    void client.stop().then(() => void (stopped = true));
    await eventually(() => server.commandLines().includes('exit'), 1000, 'exit');
    await vi.advanceTimersByTimeAsync(999);
    expect(stopped).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await eventually(() => stopped, 1000, 'stop() after the destroy');
  });

  it('killing the server during a request rejects it at once; the client reconnects when it is back', async () => {
    const server = await fakeServer();
    server.onApi = (cmd) => (cmd === 'slow' ? undefined : `+OK ${cmd}\n`);
    useFakeClock();
    const { client, states } = newClient(server.port, { backoff: { initialMs: 20, maxMs: 80 } });
    client.start();
    await eventually(() => client.state === 'connected');
    const slow = client.api('slow', { timeoutMs: 3000 });
    await eventually(() => server.commandLines().includes('api slow'));
    await server.kill();
    // the fake clock stands still: the rejection is the drop's, not the 3 s timeout's
    await expect(slow).rejects.toBeInstanceOf(EslDisconnectedError);
    // the first retry (within 20 ms) finds the server still down
    const before = states.length;
    await vi.advanceTimersByTimeAsync(20);
    await eventually(() => states.length >= before + 2, 3000, 'the refused retry');
    expect(states.slice(before)).toEqual(['connecting', 'disconnected']);
    await server.listen(); // same port
    await eventually(
      async () => (await vi.advanceTimersByTimeAsync(10), client.state === 'connected'),
      3000,
      'the reconnect',
    );
    await expect(client.api('fast')).resolves.toBe('+OK fast\n');
  });
});
