import { describe, expect, it } from 'vitest';
import { LiveState, applyEvent, createNodeState, nodeStateFromSnapshot } from '../../src/state/node-state.js';
import type { NodeState } from '../../src/state/node-state.js';
import { ingestFrames } from '../../src/state/ingest.js';
import { splitFrames } from '../../src/esl/frames.js';
import type { EslEvent } from '../../src/esl/events.js';
import { TRANSCRIPT_NAMES, readTranscriptBytes } from '../helpers/transcripts.js';
import { replaySteps, transcriptEvents } from '../helpers/state-replay.js';

function reply(name: string, command: string): string {
  let pending = false;
  for (const step of replaySteps(name)) {
    if (step.kind === 'send') pending = step.command === command;
    else if (pending && step.kind === 'frame' && step.frame.headers['Content-Type'] === 'api/response')
      return step.frame.body;
  }
  throw new Error(`no reply to ${command}`);
}

const SNAPSHOT = {
  channelsJson: reply('api-responses', 'api show channels as json'),
  conferenceXml: reply('api-responses', 'api conference xml_list'),
  now: Date.UTC(2026, 10, 22, 12, 23, 49, 461),
};

function synced(nodeId: string): NodeState {
  const node = createNodeState(nodeId);
  node.synced = true;
  return node;
}

/** Everything a node tracks, ids included, in a comparable form. */
function dump(node: NodeState): unknown {
  return {
    conferences: [...node.conferences.conferences.values()].map((c) => ({
      ...c,
      members: [...c.members.values()],
    })),
    channels: [...node.calls.channels.values()].map(({ call, ...channel }) => ({
      ...channel,
      call: call.id,
    })),
    calls: [...node.calls.calls.values()].map((call) => [
      call.id,
      call.legs.map((leg) => leg.uuid),
      call.users,
    ]),
    byUser: [...node.calls.byUser.entries()].map(([user, calls]) => [user, [...calls].map((c) => c.id)]),
  };
}

function replayed(events: readonly EslEvent[]): NodeState {
  const node = createNodeState('fs1', { clock: () => 0 });
  for (const event of events) applyEvent(node, event);
  return node;
}

describe('node state', () => {
  it('dispatches conference events and CHANNEL_* events, ignores the rest', () => {
    const node = createNodeState('fs1');
    const all = [...transcriptEvents('disconnect-fsctl-events'), ...transcriptEvents('calls-plain')];
    const other = all.filter((e) => !e.name.startsWith('CHANNEL_') && e.name !== 'CUSTOM');
    expect(other.length).toBeGreaterThan(10);
    for (const event of other) expect(applyEvent(node, event)).toEqual([]);
    const customOther = all.find((e) => e.name === 'CUSTOM' && e.subclass !== 'conference::maintenance');
    if (customOther) expect(applyEvent(node, customOther)).toEqual([]);
    const create = all.find((e) => e.name === 'CHANNEL_CREATE')!;
    const uuid = create.headers['Unique-ID']!;
    expect(applyEvent(node, create)).toEqual([
      { kind: 'channel', how: 'created', channel: uuid, calls: [uuid] },
    ]);
    expect(node.calls.channels.size).toBe(1);
    const confCreate = transcriptEvents('conference-json').find(
      (e) => e.headers['Action'] === 'conference-create',
    )!;
    expect(applyEvent(node, confCreate)).toEqual([
      { kind: 'conference', how: 'created', conference: 'demo' },
    ]);
    expect([...node.conferences.conferences.keys()]).toEqual(['demo']);
  });

  it('ingests raw frames: replies and notices are skipped, events applied', () => {
    const node = createNodeState('fs1');
    const { frames } = splitFrames(readTranscriptBytes('conference-plain'));
    const counts = ingestFrames(node, frames);
    expect(counts).toEqual({
      events: transcriptEvents('conference-plain').length,
      changed: expect.any(Number),
      undecodable: 0,
    });
    expect(counts.changed).toBeGreaterThan(40);
    expect(node.conferences.conferences.size).toBe(0);
  });

  it('replays every recorded transcript through decoder and reducers, leaving nothing behind', () => {
    let events = 0;
    for (const name of TRANSCRIPT_NAMES) {
      const node = createNodeState(name);
      const { frames, rest } = splitFrames(readTranscriptBytes(name));
      expect(rest).toBe(0);
      const counts = ingestFrames(node, frames);
      expect(counts.undecodable, name).toBe(0);
      events += counts.events;
      // Every call hung up and every conference ended within each recording (the `event plain all`
      // observers of a shutdown included).
      expect(
        [node.calls.channels.size, node.calls.byUser.size, node.conferences.conferences.size],
        name,
      ).toEqual([0, 0, 0]);
    }
    expect(events).toBeGreaterThan(500);
  });

  it('builds a synced node from a snapshot', () => {
    const built = nodeStateFromSnapshot('fs2', SNAPSHOT);
    expect(built.ok).toBe(true);
    if (!built.ok) return;
    expect(built.value.synced).toBe(true);
    expect(built.value.calls.channels.size).toBe(6);
    const demo = built.value.conferences.conferences.get('demo');
    expect([...(demo?.members.values() ?? [])].map((m) => [m.channelName, m.user])).toEqual([
      ['loopback/3900-b', '1003'],
      ['loopback/3900-b', '1002'],
      ['loopback/9991-a', undefined],
    ]);
    expect(nodeStateFromSnapshot('fs2', { ...SNAPSHOT, channelsJson: '-ERR' }).ok).toBe(false);
    expect(nodeStateFromSnapshot('fs2', { ...SNAPSHOT, conferenceXml: '' }).ok).toBe(false);
  });

  // Resync replays the events that arrived while the snapshot was taken on top of it; the snapshot
  // may already reflect some of them. Modelled here: state after event P, then events from P-k on
  // applied again, must equal the state reached without the overlap.
  for (const name of ['conference-plain', 'calls-plain', 'conference-json', 'calls-json']) {
    it(`${name}: replaying events the state already reflects converges`, () => {
      const events = transcriptEvents(name);
      let compared = 0;
      for (let p = 1; p < events.length; p += 3) {
        for (const overlap of [1, 2, 5, 12]) {
          const q = Math.min(events.length, p + 8);
          const node = replayed(events.slice(0, p));
          for (const event of events.slice(Math.max(0, p - overlap), q)) applyEvent(node, event);
          expect(dump(node), `snapshot after ${p}, overlap ${overlap}`).toEqual(
            dump(replayed(events.slice(0, q))),
          );
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(100);
    });
  }
});

describe('LiveState across nodes', () => {
  it('locates conferences by name as they are created and destroyed', () => {
    const live = new LiveState();
    live.replaceNode(synced('fs1'));
    let during: unknown;
    for (const step of replaySteps('conference-plain')) {
      if (step.kind === 'send' && step.command === 'api conference list') {
        during = ['demo', 'demo2', 'nosuch'].map((name) => live.conferenceNode(name));
      }
      if (step.kind === 'frame' && step.event) live.apply('fs1', step.event);
    }
    expect(during).toEqual([
      { nodeId: 'fs1', available: true },
      { nodeId: 'fs1', available: true },
      undefined,
    ]);
    expect(live.conferenceNode('demo')).toBeUndefined();
    expect(live.conferenceNode('demo2')).toBeUndefined();
  });

  it('marks a node unavailable at once and swaps a fresh state in one step, no ghosts', () => {
    const live = new LiveState();
    live.replaceNode(synced('fs1'));
    const built = nodeStateFromSnapshot('fs2', SNAPSHOT);
    if (!built.ok) throw new Error(built.error);
    live.replaceNode(built.value);
    // fs1 runs the 2c call (1011 -> 1000) and Bob's conference join, up to the bridge.
    const calls = transcriptEvents('calls-plain');
    const bridge = calls.findIndex(
      (e) => e.name === 'CHANNEL_BRIDGE' && e.headers['Caller-Username'] === '1011',
    );
    for (const event of calls.slice(0, bridge + 1)) live.apply('fs1', event);
    const before = live.callsForUser('1000');
    expect(before.unavailable).toEqual([]);
    expect(before.calls.map((c) => [c.nodeId, c.call.legs.length])).toEqual([['fs1', 2]]);
    expect(live.conferenceNode('demo')).toEqual({ nodeId: 'fs2', available: true });
    expect(live.conference('demo')?.conference.members.size).toBe(3);

    live.markUnavailable('fs1');
    expect(live.callsForUser('1000')).toEqual({ calls: [], unavailable: ['fs1'] });
    live.markUnavailable('fs2');
    expect(live.conferenceNode('demo')).toEqual({ nodeId: 'fs2', available: false });

    // fs1 comes back with what FreeSWITCH lists now (the snapshot of the other node's set):
    // the 2c call is gone, the listed channels and the conference are there.
    const fresh = nodeStateFromSnapshot('fs1', SNAPSHOT);
    if (!fresh.ok) throw new Error(fresh.error);
    live.replaceNode(fresh.value);
    expect(live.node('fs1')?.calls.channels.has(calls[bridge]!.headers['Unique-ID']!)).toBe(false);
    expect(live.callsForUser('1000')).toEqual({ calls: [], unavailable: ['fs2'] });
    expect(live.node('fs1')?.calls.channels.size).toBe(6);

    // fs2 comes back without the conference: the lookup follows the node that still has it.
    live.replaceNode(synced('fs2'));
    expect(live.conferenceNode('demo')).toEqual({ nodeId: 'fs1', available: true });
    live.replaceNode(synced('fs1'));
    expect(live.conferenceNode('demo')).toBeUndefined();
    live.removeNode('fs1');
    expect(live.nodeIds()).toEqual(['fs2']);
  });
});
