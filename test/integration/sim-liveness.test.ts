// The simulator's liveness behaviour, against the recordings where FreeSWITCH was recorded: HEARTBEAT
// (click-to-call-dialplan-ext.txt), SHUTDOWN before the calls are hung up and long before the
// disconnect notice (disconnect-fsctl-events.txt), `status` saying "not ready" meanwhile (mod_commands
// status_function), and the freeze switch that stands in for SIGSTOP.
import { afterEach, describe, expect, it } from 'vitest';
import type { EslFrame } from '../../src/esl/frames.js';
import { splitFrames } from '../../src/esl/frames.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import { transcriptLabConfig } from '../../src/sim/model/config.js';
import { createSimIdentity } from '../../src/sim/model/identity.js';
import { startSimulatedFreeswitch, type SimulatedFreeswitch } from '../../src/sim/start.js';
import { eventually } from '../helpers/eventually.js';
import { afterNextPoll, RawEslClient } from '../helpers/raw-esl-client.js';
import { eventOfFrame } from '../helpers/transcript-compare.js';
import { readTranscriptBytes } from '../helpers/transcripts.js';

const sims: SimulatedFreeswitch[] = [];
const clients: RawEslClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sims.splice(0)) await s.close();
});

const LAB_IDENTITY = { hostname: 'vm', ipv4: '192.0.2.2', ipv6: 'fd00::2' };

async function sim(
  options: Parameters<typeof startSimulatedFreeswitch>[0] = {},
): Promise<SimulatedFreeswitch> {
  const started = await startSimulatedFreeswitch({
    ...transcriptLabConfig(),
    identity: createSimIdentity(LAB_IDENTITY),
    ...options,
  });
  sims.push(started);
  return started;
}

async function client(port: number, subscription?: string): Promise<RawEslClient> {
  const c = await RawEslClient.connect(port);
  clients.push(c);
  await c.waitForFrames(1);
  c.send('auth ClueCon');
  await c.waitForFrames(2);
  if (subscription !== undefined) {
    c.send(subscription);
    await c.waitForFrames(3);
  }
  return c;
}

const named = (name: string) => (f: EslFrame) =>
  eventOfFrame(f)?.headers.some(([n, v]) => n === 'Event-Name' && v === name) === true;
const header = (f: EslFrame, name: string) => eventOfFrame(f)?.headers.find(([n]) => n === name)?.[1];
const recorded = (transcript: string, name: string): EslFrame =>
  splitFrames(readTranscriptBytes(transcript)).frames.find(named(name))!;

/** Same outer headers, same event headers in the same order, the fixed values equal. */
function expectLikeRecording(actual: EslFrame, expected: EslFrame, fixed: readonly string[]): void {
  expect(Object.keys(actual.headers)).toEqual(Object.keys(expected.headers));
  expect(actual.headers['Content-Type']).toBe(expected.headers['Content-Type']);
  const names = (f: EslFrame) => eventOfFrame(f)!.headers.map(([n]) => n);
  expect(names(actual)).toEqual(names(expected));
  for (const name of fixed) expect(header(actual, name), name).toBe(header(expected, name));
}

const UP_TIME =
  /^\d+ years?, \d+ days?, \d+ hours?, \d+ minutes?, \d+ seconds?, \d+ milliseconds?, \d+ microseconds?$/;

describe('simulated FreeSWITCH liveness', () => {
  it('sends HEARTBEAT every interval, shaped like the recorded one', async () => {
    const fs = await sim({ heartbeatMs: 40 });
    const c = await client(fs.port, 'event json HEARTBEAT');
    await c.until('two heartbeats', () => c.frames.filter(named('HEARTBEAT')).length >= 2);
    const beat = c.frames.find(named('HEARTBEAT'))!;
    const real = recorded('click-to-call-dialplan-ext', 'HEARTBEAT');
    expectLikeRecording(beat, real, [
      'Event-Name',
      'FreeSWITCH-Hostname',
      'FreeSWITCH-IPv4',
      'FreeSWITCH-IPv6',
      'Event-Calling-File',
      'Event-Calling-Function',
      'Event-Calling-Line-Number',
      'Event-Info',
      'FreeSWITCH-Version',
      'Max-Sessions',
      'Session-Per-Sec',
    ]);
    expect(header(real, 'Up-Time')).toMatch(UP_TIME);
    expect(header(beat, 'Up-Time')).toMatch(UP_TIME);
    for (const name of ['Uptime-msec', 'Session-Count', 'Session-Since-Startup', 'Session-Peak-Max'])
      expect(header(beat, name), name).toMatch(/^\d+$/);
    expect(header(beat, 'Idle-CPU')).toMatch(/^\d+\.\d{6}$/);
  });

  it('shutdown: SHUTDOWN first (as recorded), then the hang-ups, `status` not ready, the notice only after the delay', async () => {
    const fs = await sim({ heartbeatMs: 0, shutdownDelayMs: 300 });
    await fs.fs.execute('originate', 'loopback/9991/default &park()');
    const watcher = await client(fs.port, 'event plain SHUTDOWN CHANNEL_HANGUP');
    const asker = await client(fs.port);
    const done = fs.shutdown();
    await watcher.until('SHUTDOWN', () => watcher.frames.some(named('SHUTDOWN')));
    const shutdown = watcher.frames.find(named('SHUTDOWN'))!;
    expectLikeRecording(shutdown, recorded('disconnect-fsctl-events', 'SHUTDOWN'), [
      'Event-Name',
      'Event-Calling-File',
      'Event-Calling-Function',
      'Event-Calling-Line-Number',
      'Event-Info',
    ]);
    await watcher.until('the hang-up', () => watcher.frames.some(named('CHANNEL_HANGUP')));
    const events = watcher.frames.map((f) => header(f, 'Event-Name')).filter(Boolean);
    expect(events[0]).toBe('SHUTDOWN');
    expect(header(watcher.frames.find(named('CHANNEL_HANGUP'))!, 'Hangup-Cause')).toBe('SYSTEM_SHUTDOWN');
    asker.send('api status');
    await asker.until('the status reply', () => asker.frames.length >= 3);
    expect(asker.frames[2]!.body).toContain('FreeSWITCH (Version 1.11.2-release  64bit) is not ready\n');
    expect(watcher.closed).toBe(false); // ESL stays up while FreeSWITCH unloads its modules
    await done;
    await watcher.waitForClose();
    expect(watcher.frames.at(-1)!.body).toBe('The system is being shut down.\n');
  });

  it('freeze: nothing read, run or sent, no heartbeat, new connections not greeted; thaw runs what was buffered', async () => {
    // The switch's clock moves only when told: heartbeats come exactly when the test says.
    const clock = new ManualClock();
    const fs = await sim({ heartbeatMs: 30, clock });
    const watcher = await client(fs.port, 'event json HEARTBEAT');
    await clock.advance(30);
    await watcher.until('a heartbeat', () => watcher.frames.some(named('HEARTBEAT')));
    const quitter = await client(fs.port);
    fs.freeze();
    const beatsAtFreeze = watcher.frames.filter(named('HEARTBEAT')).length;
    const commandsAtFreeze = fs.server.received.length;
    watcher.send('api status');
    const uuid = '0f7d3f0e-8a44-4c7e-9d2b-5b3c1f6a9e01';
    // Sent, then the client goes away, as the daemon does with a frozen FreeSWITCH.
    quitter.send(`bgapi originate {origination_uuid=${uuid}}user/1000 &park()`);
    await Promise.all([watcher.flushed(), quitter.flushed()]); // both commands wait in the server's sockets
    quitter.destroy();
    const late = await RawEslClient.connect(fs.port);
    clients.push(late);
    await clock.advance(90); // three heartbeat intervals
    // The server accepted `late` after the commands were waiting; a server that read, ran or sent
    // anything has done so by then, and what it sent has arrived one poll later.
    await eventually(() => fs.server.connectionCount === 3, 2000, 'the late connection accepted');
    await afterNextPoll();
    expect(fs.server.received.length).toBe(commandsAtFreeze);
    expect(fs.fs.snapshot().channels).not.toContain(uuid);
    expect(watcher.frames.filter(named('HEARTBEAT')).length).toBe(beatsAtFreeze);
    expect(watcher.frames.some((f) => f.headers['Content-Type'] === 'api/response')).toBe(false);
    expect(late.frames).toEqual([]);

    fs.thaw();
    await watcher.until('the status reply', () =>
      watcher.frames.some((f) => f.headers['Content-Type'] === 'api/response'),
    );
    // anything held during the freeze went out before the reply: no heartbeat was fired meanwhile
    expect(watcher.frames.filter(named('HEARTBEAT')).length).toBe(beatsAtFreeze);
    await late.waitForFrames(1);
    expect(late.frames[0]!.headers['Content-Type']).toBe('auth/request');
    // FreeSWITCH runs what it had read before the client left: the call is placed late.
    await watcher.until('the late call', () => fs.fs.snapshot().channels.includes(uuid));
    await clock.advance(30);
    await watcher.until(
      'heartbeats again',
      () => watcher.frames.filter(named('HEARTBEAT')).length > beatsAtFreeze,
    );
  });
});
