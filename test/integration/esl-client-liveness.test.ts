// The ESL client noticing a FreeSWITCH that stopped talking, against a raw TCP fake FreeSWITCH that
// sends recorded HEARTBEAT and SHUTDOWN frames: heartbeat deadline + probe, SHUTDOWN, and nothing
// that was queued for a dropped session is ever written later. Deadlines are short; every wait is on
// an event with a generous bound, never a tight timing assertion.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EslClient, type EslClientOptions } from '../../src/esl/client.js';
import { EslDisconnectedError, isOutcomeUnknown } from '../../src/esl/errors.js';
import { captureLogger, connectedClient, FakeEslServer, fsFrames } from '../helpers/fake-esl-server.js';
import { eventually } from '../helpers/eventually.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function connectedPair(extra: Partial<EslClientOptions> = {}) {
  const reasons: string[] = [];
  const pair = await connectedClient(
    cleanup,
    // Probed 300 ms after the last heartbeat; the probe has 1 s (slack for a loaded machine).
    { liveness: { heartbeatDeadlineMs: 300, probeTimeoutMs: 1000 }, ...extra },
    (client) => client.on('disconnected', (r) => void reasons.push(r)),
  );
  return { ...pair, reasons };
}

/** The client's timers and clock on a fake clock for this test (sockets stay real). */
function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  cleanup.push(async () => void vi.useRealTimers());
}

/** Whether a TCP connect of this process still waits for its callback (Node's ConnectWrap request). */
const connectPending = (): boolean => process.getActiveResourcesInfo().some((r) => r.endsWith('ConnectWrap'));

describe('EslClient liveness', () => {
  it('subscribes to HEARTBEAT and SHUTDOWN whatever it was asked for', async () => {
    const { server } = await connectedPair();
    expect(server.commandLines()).toContain('event json CHANNEL_CREATE BACKGROUND_JOB HEARTBEAT SHUTDOWN');
  });

  it('heartbeats keep the session; a recorded HEARTBEAT reaches listeners', async () => {
    const { server, client, reasons } = await connectedPair();
    const names: string[] = [];
    client.on('event', (e) => void names.push(e.name));
    const session = server.last!;
    const beat = setInterval(() => session.write(fsFrames.heartbeatJson()), 50);
    cleanup.push(async () => clearInterval(beat));
    await eventually(() => names.filter((n) => n === 'HEARTBEAT').length >= 20, 5000, '20 heartbeats');
    expect(reasons).toEqual([]);
    expect(client.state).toBe('connected');
    expect(server.connections).toBe(1);
  });

  it('no HEARTBEAT but the probe is answered: the session stays (heartbeats may be slower)', async () => {
    const { server, client, reasons, log } = await connectedPair();
    await eventually(() => server.commandLines().includes('api status'), 3000, 'the probe');
    await eventually(
      () => log.text().includes('no HEARTBEAT from FreeSWITCH in time, but it answered a probe'),
      3000,
      'the warning',
    );
    expect(reasons).toEqual([]);
    expect(client.state).toBe('connected');
  });

  it('no HEARTBEAT and no answer to the probe: dropped, then a fresh session', async () => {
    const { server, client, reasons } = await connectedPair();
    server.onApi = (cmd) => (cmd === 'status' ? undefined : `+OK ${cmd}\n`); // a frozen FreeSWITCH
    await eventually(() => reasons.length === 1, 3000, 'the drop');
    expect(reasons[0]).toMatch(/^no HEARTBEAT for \d+\.\d s and no answer to a probe within 1000 ms$/);
    expect(client.stats).toMatchObject({ livenessFailures: 1, stuckRequests: 0 });
    expect(client.lastDisconnectReason).toBe(reasons[0]);
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'reconnect');
    expect(client.lastDisconnectReason).toBeUndefined();
  });

  it('requests queued behind a stuck one are rejected at once as not sent and never written later', async () => {
    const { server, client } = await connectedPair({
      liveness: { heartbeatDeadlineMs: 60_000, probeTimeoutMs: 1000 },
    });
    server.onApi = (cmd) => (cmd.startsWith('conference') ? undefined : `+OK ${cmd}\n`);
    const stuck = client.api('conference demo mute 13', { timeoutMs: 150 });
    const queued = [client.api('conference demo mute 14'), client.bgapi('originate user/200 &park()')];
    const stuckError = await stuck.catch((e: unknown) => e);
    expect(isOutcomeUnknown(stuckError)).toBe(true);
    for (const q of queued) {
      const err = await q.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(EslDisconnectedError);
      expect(isOutcomeUnknown(err)).toBe(false);
    }
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'reconnect');
    await expect(client.api('status')).resolves.toBe('+OK status\n');
    const written = server.commandLines().filter((l) => /^(api|bgapi) /.test(l));
    expect(written).toEqual(['api conference demo mute 13', 'api status']);
  });

  it('SHUTDOWN: disconnected at once with the socket still open; reconnects only once FreeSWITCH closed it', async () => {
    useFakeClock();
    const { server, client, reasons } = await connectedPair();
    const session = server.last!;
    const beat = setInterval(() => session.write(fsFrames.heartbeatJson()), 50);
    cleanup.push(async () => clearInterval(beat));
    server.onApi = () => undefined;
    const pending = client.api('conference demo list', { timeoutMs: 10_000 }).catch((e: unknown) => e);
    await eventually(() => server.commandLines().includes('api conference demo list'), 2000, 'the request');
    session.write(fsFrames.shutdownPlain());
    await eventually(() => client.state === 'disconnected', 2000, 'disconnected');
    expect(reasons).toEqual(['FreeSWITCH is shutting down (SHUTDOWN event)']);
    expect(isOutcomeUnknown(await pending)).toBe(true); // it was written: FreeSWITCH may have run it
    // ten of the longest backoff waits on the fake clock: a client that did not wait would have retried
    await vi.advanceTimersByTimeAsync(10 * 100);
    expect(client.stats.reconnects).toBe(0);
    expect(session.open).toBe(true);
    expect(server.connections).toBe(1);
    clearInterval(beat);
    session.write(fsFrames.shutdownNotice());
    session.end();
    await eventually(
      async () => (await vi.advanceTimersByTimeAsync(5), client.stats.reconnects === 1),
      3000,
      'the retry',
    );
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'reconnect');
  });

  it('SHUTDOWN from a FreeSWITCH that never closes: the socket is given up after the linger time', async () => {
    const { server, client } = await connectedPair({
      shutdownLingerMs: 100,
      liveness: { heartbeatDeadlineMs: 60_000, probeTimeoutMs: 1000 },
    });
    const session = server.last!;
    session.write(fsFrames.shutdownPlain());
    await eventually(() => client.state === 'disconnected', 2000, 'disconnected');
    await eventually(() => session.socket.destroyed || session.socket.readableEnded, 3000, 'given up');
    await eventually(() => client.state === 'connected' && server.connections === 2, 3000, 'reconnect');
  });

  it('a stopped peer that accepted the TCP connection is waited for, not retried: resumes at once', async () => {
    useFakeClock();
    const server = await FakeEslServer.start();
    cleanup.push(() => server.close());
    server.mode = 'silent'; // the kernel accepted; FreeSWITCH says nothing (SIGSTOP)
    const client = new EslClient({
      node: { id: 'n', host: '127.0.0.1', port: server.port, password: 'ClueCon' },
      logger: captureLogger().logger,
      requestTimeoutMs: 2000,
      events: [],
      backoff: { initialMs: 20, maxMs: 100 },
      connectTimeoutMs: 100,
    });
    cleanup.push(() => client.stop());
    client.start();
    await eventually(() => server.connections === 1, 2000, 'the TCP connection');
    await eventually(() => !connectPending(), 2000, 'the client to see its TCP connect');
    // 59 s on the fake clock, 590 connect timeouts: the handshake wait (60 s) is what applies now
    await vi.advanceTimersByTimeAsync(59_000);
    expect(client.stats.reconnects).toBe(0);
    expect(server.connections).toBe(1);
    expect(client.state).toBe('connecting');
    server.last!.write(fsFrames.authRequest()); // FreeSWITCH resumes
    await eventually(() => client.state === 'connected', 2000, 'connected');
  });
});
