// The ESL client's connection life cycle against a raw TCP fake FreeSWITCH: handshake, TCP RST,
// reconnect with capped jittered backoff (no storm), disconnect notice, handshake timeout, stop().
import { afterEach, describe, expect, it } from 'vitest';
import { EslClient, type EslClientOptions, type EslConnectionState } from '../../src/esl/client.js';
import { EslDisconnectedError, EslNotConnectedError, EslTimeoutError } from '../../src/esl/errors.js';
import { captureLogger, FakeEslServer, fsFrames, sleep } from '../helpers/fake-esl-server.js';
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
    const { client, states, reasons } = newClient(server.port);
    let connected = 0;
    client.on('connected', () => void connected++);
    client.start();
    await eventually(() => client.state === 'connected');
    const pending = client.api('status', { timeoutMs: 5000 });
    await eventually(() => server.commandLines().includes('api status'));
    const t0 = Date.now();
    server.last!.reset();
    await expect(pending).rejects.toBeInstanceOf(EslDisconnectedError);
    expect(Date.now() - t0).toBeLessThan(500);
    expect(client.pending).toEqual({ queued: 0, awaitingReply: false, jobs: 0 });
    await eventually(() => connected === 2, 3000, 'the reconnect');
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
    client.start();
    await sleep(1000);
    await client.stop();
    const attempts = server.connectionTimes.length;
    // Ceilings 20, 40, 80, 160, 160...: at least half of each is always waited, at most all of it.
    expect(attempts).toBeGreaterThanOrEqual(5);
    expect(attempts).toBeLessThanOrEqual(15);
    const gaps = server.connectionTimes.slice(1).map((t, i) => t - server.connectionTimes[i]!);
    gaps.forEach((gap, i) => {
      const ceiling = Math.min(maxMs, initialMs * 2 ** i);
      expect(gap).toBeGreaterThanOrEqual(ceiling / 2 - 2);
      expect(gap).toBeLessThanOrEqual(ceiling + 150); // + connect latency on a busy machine
    });
    expect(new Set(gaps.slice(3)).size).toBeGreaterThan(1); // jittered, not lock-step
    expect(client.stats.reconnects).toBe(attempts - 1);
    expect(client.state).toBe('disconnected');
  });

  it('backs off the same way when the port refuses connections', async () => {
    const server = await fakeServer();
    const port = server.port;
    await server.kill();
    const { client, log } = newClient(port, { backoff: { initialMs: 20, maxMs: 100 } });
    client.start();
    await sleep(600);
    // Ceilings 20, 40, 80, 100, 100...: no more than 1 + 10 attempts fit in 600 ms.
    expect(client.stats.reconnects).toBeGreaterThanOrEqual(4);
    expect(client.stats.reconnects).toBeLessThanOrEqual(10);
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
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
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
    await sleep(150);
    expect(server.connections).toBe(1);
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(
      timersBefore,
    );
  });

  it('stop() during the backoff wait cancels the retry', async () => {
    const server = await fakeServer();
    server.mode = 'rst';
    const { client } = newClient(server.port, { backoff: { initialMs: 100, maxMs: 100 } });
    client.start();
    await eventually(() => server.connections === 1 && client.state === 'disconnected');
    await client.stop();
    await sleep(200);
    expect(server.connections).toBe(1);
  });

  it('a node that accepts, subscribes, then drops every session is retried with growing delays', async () => {
    const server = await fakeServer();
    server.onCommand = (cmd, session) => {
      if (!cmd.line.startsWith('event json CHANNEL_CREATE')) return false;
      session.write(fsFrames.eventJsonEnabled());
      setTimeout(() => session.reset(), 30); // later than the reply (an RST discards unread data)
      return true;
    };
    const { client } = newClient(server.port, { backoff: { initialMs: 20, maxMs: 160 } });
    let connects = 0;
    client.on('connected', () => void connects++);
    client.start();
    await sleep(1000);
    await client.stop();
    // Short sessions do not reset the backoff (resetAfterMs, 10 s by default): same bound as no session.
    expect(connects).toBeGreaterThanOrEqual(4);
    expect(server.connections).toBeLessThanOrEqual(15);
  });

  it('a session that stayed up for resetAfterMs starts the next retry streak from initialMs', async () => {
    const server = await fakeServer();
    const { client } = newClient(server.port, { backoff: { initialMs: 40, maxMs: 4000, resetAfterMs: 100 } });
    client.start();
    await eventually(() => client.state === 'connected');
    // Three quick drops: waits of [20,40], [40,80], [80,160] ms.
    for (let i = 0; i < 3; i++) {
      const before = server.connections;
      server.last!.reset();
      await eventually(
        () => server.connections === before + 1 && client.state === 'connected',
        3000,
        'reconnect',
      );
    }
    const quick = server.connectionTimes.at(-1)! - server.connectionTimes.at(-2)!;
    expect(quick).toBeGreaterThanOrEqual(78);
    await sleep(120); // now the session is stable
    const t0 = Date.now();
    server.last!.reset();
    await eventually(() => client.state === 'connected' && server.connections === 5, 3000, 'reconnect');
    expect(server.connectionTimes.at(-1)! - t0).toBeLessThan(78); // back to [20,40] ms
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
    const { client } = newClient(server.port);
    client.start();
    await eventually(() => client.state === 'connected');
    const t0 = Date.now();
    await client.stop();
    expect(Date.now() - t0).toBeLessThan(1500);
    await eventually(
      () => server.last!.socket.destroyed || server.last!.socket.readableEnded,
      1000,
      'closed',
    );
  });

  it('killing the server during a request rejects it at once; the client reconnects when it is back', async () => {
    const server = await fakeServer();
    server.onApi = (cmd) => (cmd === 'slow' ? undefined : `+OK ${cmd}\n`);
    const { client } = newClient(server.port, { backoff: { initialMs: 20, maxMs: 80 } });
    client.start();
    await eventually(() => client.state === 'connected');
    const slow = client.api('slow', { timeoutMs: 3000 });
    await eventually(() => server.commandLines().includes('api slow'));
    const t0 = Date.now();
    await server.kill();
    await expect(slow).rejects.toBeInstanceOf(EslDisconnectedError);
    expect(Date.now() - t0).toBeLessThan(500);
    await sleep(150);
    expect(client.state).not.toBe('connected');
    await server.listen(); // same port
    await eventually(() => client.state === 'connected', 3000, 'the reconnect');
    await expect(client.api('fast')).resolves.toBe('+OK fast\n');
  });
});
