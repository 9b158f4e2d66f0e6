// A client that stops reading: the daemon keeps at most its bound queued for it, closes it with the
// slow-client code and forgets it, while a client that reads keeps getting everything.
//
// The talking events are real: the simulated FreeSWITCH produces one start-talking and one
// stop-talking, the daemon's ESL client receives them, and the test feeds those two events 100,000
// times into the daemon's own event path (live state, then the stream), as NodeSync does for each
// event. The simulator alone would need ~10 s to produce that many.
import { afterEach, describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import { CLOSE_CODES, type StreamMessage } from '../../src/ws/protocol.js';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { connectStream, type StreamConnection } from '../helpers/ws-client.js';

const BOUND = 64 * 1024;
const EVENTS = 100_000;

let h: Harness | undefined;
const open: StreamConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.terminate();
  await h?.close();
  h = undefined;
});

interface TalkingSetup {
  harness: Harness;
  nodeId: string;
  memberId: number;
  start: EslEvent;
  stop: EslEvent;
}

/** Alice in alice-conf, and the start/stop-talking events FreeSWITCH sent when she talked once. */
async function talkingSetup(): Promise<TalkingSetup> {
  h = await startHarness();
  const harness = h;
  await harness.waitSynced();
  await harness.sim.fs.execute('originate', '{origination_caller_id_number=200}user/200 3000 XML default');
  let memberId: number | undefined;
  await harness.eventually(
    () => (memberId = harness.sim.fs.snapshot().conferences[0]?.members[0]) !== undefined,
  );
  const client = harness.daemon.pool.all()[0]!;
  const seen: EslEvent[] = [];
  const record = (event: EslEvent) => void seen.push(event);
  client.on('event', record);
  harness.sim.fs.setTalking(memberId!, true);
  harness.sim.fs.setTalking(memberId!, false);
  const action = (name: string) => seen.find((e) => e.headers['Action'] === name);
  await harness.eventually(() => action('stop-talking') !== undefined);
  client.off('event', record);
  return {
    harness,
    nodeId: client.nodeId,
    memberId: memberId!,
    start: action('start-talking')!,
    stop: action('stop-talking')!,
  };
}

/** What NodeSync does with each event of a synced node. */
function feed(setup: TalkingSetup, event: EslEvent): void {
  const { daemon } = setup.harness;
  daemon.live.changes.publish(setup.nodeId, daemon.live.apply(setup.nodeId, event));
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('slow event stream clients', () => {
  it(`a paused client is closed with ${CLOSE_CODES.slowClient} and never has more than the bound queued`, async () => {
    const setup = await talkingSetup();
    const { harness, memberId } = setup;
    // A long grace, so the paused client can still read the close frame after it resumes.
    harness.daemon.events.retune({ closeGraceMs: 30_000, maxBufferedBytes: BOUND });

    const reader = await connectStream(harness.url, 'admin');
    const paused = await connectStream(harness.url, 'owner');
    open.push(reader, paused);
    await paused.waitFor((m) => m.type === 'snapshot');
    await reader.waitFor((m) => m.type === 'snapshot');
    paused.socket.pause();

    let maxQueued = 0;
    const sample = () => {
      for (const queued of harness.daemon.events.bufferedAmounts()) maxQueued = Math.max(maxQueued, queued);
    };
    const started = performance.now();
    for (let i = 0; i < EVENTS; i++) {
      feed(setup, i % 2 === 0 ? setup.start : setup.stop);
      // Let the sockets flush now and then, as a busy daemon's event loop would.
      if (i % 200 === 199) {
        sample();
        await turn();
      }
    }
    const fedMs = performance.now() - started;
    const isStop = (m: StreamMessage) => m.type === 'member.talking-stopped' && m.member.id === memberId;
    await harness.eventually(() => reader.messages.filter(isStop).length === EVENTS / 2, 30_000);
    sample();

    // The reader got every delta; the paused client was dropped (sent nothing more, closing).
    expect(reader.messages.filter((m) => m.type === 'member.talking-started').length).toBe(EVENTS / 2);
    expect(harness.daemon.events.stats.drops.slow).toBe(1);
    // Never more than the bound plus the message that crossed it (a talking delta is ~300 bytes).
    expect(maxQueued).toBeGreaterThan(BOUND / 2);
    expect(maxQueued).toBeLessThanOrEqual(BOUND + 1024);
    // What the paused client can still read ends with the close code.
    paused.socket.resume();
    expect(await paused.closed).toBe(CLOSE_CODES.slowClient);
    expect(paused.messages.length).toBeGreaterThan(1);
    expect(paused.messages.length).toBeLessThan(EVENTS);
    await harness.eventually(() => harness.daemon.events.clientCount === 1);
    console.log(
      `${EVENTS} events fed in ${fedMs.toFixed(0)} ms; paused client dropped after ` +
        `${paused.messages.length} messages; max queued ${maxQueued} bytes`,
    );
  });

  it('a paused client that never reads again is cut off after the close grace', async () => {
    const setup = await talkingSetup();
    const { harness } = setup;
    harness.daemon.events.retune({ closeGraceMs: 200, maxBufferedBytes: BOUND });
    const paused = await connectStream(harness.url, 'owner');
    open.push(paused);
    await paused.waitFor((m) => m.type === 'snapshot');
    paused.socket.pause();
    for (let i = 0; harness.daemon.events.stats.drops.slow === 0; i++) {
      if (i > EVENTS) throw new Error('the paused client was never dropped');
      feed(setup, i % 2 === 0 ? setup.start : setup.stop);
      if (i % 200 === 199) await turn();
    }
    const dropped = performance.now();
    await harness.eventually(() => harness.daemon.events.clientCount === 0, 5000);
    expect(performance.now() - dropped).toBeGreaterThanOrEqual(150);
    // Destroyed: the close frame never got through (the client notices once it reads again).
    paused.socket.resume();
    expect(await paused.closed).toBe(1006);
  });
});
