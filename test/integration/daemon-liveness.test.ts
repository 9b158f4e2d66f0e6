// Issue 13 item 4: the daemon against a simulated FreeSWITCH that freezes (the simulator's in-process
// freeze switch: nothing read, run or sent, like SIGSTOP) or shuts down. A frozen node is reported
// unavailable (503) once its HEARTBEAT is late and a probe goes unanswered, or as soon as a request
// is stuck; a command whose outcome is unknown answers 504 and says so; a click-to-call FreeSWITCH did
// not acknowledge is cancelled and hung up if FreeSWITCH starts it when it resumes; SHUTDOWN is 503 at
// once. Deadlines are short; every wait is on an outcome with a generous bound.
import { afterEach, describe, expect, it } from 'vitest';
import { OUTCOME_UNKNOWN } from '../../src/control/errors.js';
import { CALL_CANCELLED } from '../../src/control/click-to-call.js';
import { startConferenceHarness, type ConferenceHarness } from '../helpers/conference-harness.js';
import type { Harness, HarnessOptions } from '../helpers/daemon-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Heartbeats every 50 ms, a frozen node probed after 1 s, requests answered within 1 s (slack for
 * a loaded machine: a healthy node is never dropped, whatever the scheduling delays). */
const FAST: HarnessOptions = {
  env: { ESL_TIMEOUT_MS: '1000' },
  sim: { heartbeatMs: 50 },
  eslLiveness: { liveness: { heartbeatDeadlineMs: 1000, probeTimeoutMs: 500 } },
};

async function harness(options: HarnessOptions = {}): Promise<ConferenceHarness> {
  const started = await startConferenceHarness({ ...FAST, ...options });
  h = started;
  return started;
}

async function health(hh: Harness) {
  const res = await hh.request('GET', '/health');
  const body = (await res.json()) as {
    nodes: Array<{ state: string; sync: string; lastDisconnect: string | null }>;
  };
  return { status: res.status, node: body.nodes[0]! };
}

const errorText = async (res: Response) => ((await res.json()) as { error: string }).error;

describe('a frozen FreeSWITCH', () => {
  it('idle: 503 once its heartbeat is late and the probe unanswered; live reads 503; back in sync after it resumes', async () => {
    const hh = await harness();
    const a = await hh.join('200');
    expect((await hh.details('alice-conf')).status).toBe(200);
    expect((await health(hh)).status).toBe(200);

    hh.sim.freeze();
    await hh.eventually(async () => (await health(hh)).status === 503, 10_000);
    const { node } = await health(hh);
    expect(node.lastDisconnect).toMatch(
      /^no HEARTBEAT for \d+\.\d s and no answer to a probe within 500 ms$/,
    );
    expect(node.sync).toBe('unsynced');
    expect((await hh.details('alice-conf')).status).toBe(503);
    expect((await hh.request('GET', '/my/activecdrs', { as: 'owner' })).status).toBe(503);
    expect(hh.daemon.pool.all()[0]!.stats.livenessFailures).toBe(1);

    hh.sim.thaw();
    await hh.waitSynced(10_000);
    expect((await health(hh)).status).toBe(200);
    expect((await hh.member('alice-conf', a))?.canSpeak).toBe(true);
  });

  it('a command written to it answers 504 "may have happened"; later ones 503 at once; FreeSWITCH runs only the first after it resumes', async () => {
    const hh = await harness({
      eslLiveness: { liveness: { heartbeatDeadlineMs: 60_000, probeTimeoutMs: 500 } },
    });
    const a = await hh.join('200');
    const b = await hh.join('201');
    hh.sim.freeze();
    const first = await hh.request('PUT', `/my/conference/alice-conf/mute&${a}`, { as: 'owner', json: true });
    expect(first.status).toBe(504);
    expect(await errorText(first)).toBe(OUTCOME_UNKNOWN);
    // The stuck request dropped the connection: the node is unavailable, nothing more is sent.
    expect((await health(hh)).node.lastDisconnect).toBe('a request got no reply within 1000 ms');
    const second = await hh.request('PUT', `/my/conference/alice-conf/mute&${b}`, {
      as: 'owner',
      json: true,
    });
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/);

    hh.sim.thaw();
    await hh.waitSynced(10_000);
    // FreeSWITCH ran the command it had read (the user was told it may have happened), not the other.
    await hh.eventually(async () => (await hh.member('alice-conf', a))?.canSpeak === false);
    expect((await hh.member('alice-conf', b))?.canSpeak).toBe(true);
    const sent = hh.sim.server.received.map((r) => r.line).filter((l) => l.includes(' mute '));
    expect(sent).toEqual([`api conference alice-conf mute ${a}`]);
  });

  it('a click-to-call it did not acknowledge answers 504, and is hung up when FreeSWITCH places it after resuming', async () => {
    const hh = await harness({
      eslLiveness: { liveness: { heartbeatDeadlineMs: 60_000, probeTimeoutMs: 500 } },
      // The user's phone would answer after 5 s: long enough to see the daemon cancel it while ringing.
      reachability: { '127.0.0.1:5200': { kind: 'answer', afterMs: 5000 } },
    });
    const answered: string[] = [];
    hh.daemon.pool.all()[0]!.on('event', (e) => {
      if (e.name === 'CHANNEL_ANSWER') answered.push(e.headers['Unique-ID'] ?? '');
    });
    hh.sim.freeze();
    const res = await hh.request('PUT', '/my/call/201', { as: 'owner', json: true });
    expect(res.status).toBe(504);
    expect(await errorText(res)).toBe(CALL_CANCELLED);
    const later = await hh.request('PUT', '/my/call/202', { as: 'owner', json: true });
    expect(later.status).toBe(503);

    hh.sim.thaw();
    const originates = () =>
      hh.sim.server.received.map((r) => r.line).filter((l) => l.startsWith('bgapi originate'));
    await hh.eventually(() => originates().length > 0, 10_000);
    const uuid = /origination_uuid=([0-9a-f-]{36})/.exec(originates()[0]!)![1]!;
    // FreeSWITCH runs the originate it had read; the daemon hangs the call up.
    await hh.eventually(() => hh.sim.server.received.some((r) => r.line === `api uuid_kill ${uuid}`), 10_000);
    await hh.eventually(() => !hh.sim.fs.snapshot().channels.includes(uuid), 10_000);
    expect(answered).not.toContain(uuid);
    expect(originates()).toHaveLength(1); // the second call was never sent, not even after resuming
    await hh.eventually(() => hh.daemon.live.unwanted.count === 0);
    expect(hh.logs.join('')).toContain('hung up a call FreeSWITCH started after the daemon had answered');
  });
});

describe('FreeSWITCH shutting down', () => {
  it('SHUTDOWN: 503 at once, while FreeSWITCH still holds the connection open', async () => {
    const hh = await harness({ sim: { heartbeatMs: 50, shutdownDelayMs: 2000 } });
    await hh.join('200');
    expect((await health(hh)).status).toBe(200);
    const stopping = hh.sim.shutdown();
    await hh.eventually(async () => (await health(hh)).status === 503, 1500);
    const { node } = await health(hh);
    expect(node.lastDisconnect).toBe('FreeSWITCH is shutting down (SHUTDOWN event)');
    expect(hh.sim.server.connectionCount).toBe(1); // ESL not closed yet: the daemon did not wait for it
    expect((await hh.details('alice-conf')).status).toBe(503);
    await stopping;
    expect((await health(hh)).status).toBe(503);
  });
});
