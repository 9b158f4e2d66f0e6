// Hold as the call reducer tracks it, replayed from a real FreeSWITCH (test/fixtures/fs-transcripts/
// call-control-hold-transfer): `uuid_hold` on the A-leg makes the call `held` (CHANNEL_HOLD, call state
// HELD), `uuid_hold off` makes it `bridged` again (CHANNEL_UNHOLD), the blind transfer of the B-leg
// leaves B alone running the extension, and `uuid_kill` ends it. A resync from `show channels` keeps a
// held leg held.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeEventFrame, isEventFrame, type EslEvent } from '../../src/esl/events.js';
import { callProgress } from '../../src/state/call-progress.js';
import { createCallState } from '../../src/state/calls.js';
import { applyChannelEvent } from '../../src/state/channel-events.js';
import { callStateFromChannels, parseShowChannelsJson } from '../../src/state/snapshot.js';
import { readFileSync } from 'node:fs';
import { framesOf } from '../helpers/transcript-compare.js';
import { FIXTURE_TRANSCRIPT_DIR } from '../helpers/transcript-replay.js';

const NAME = 'call-control-hold-transfer';
const A = 'ca11c0de-0000-4000-8000-00000000a001';
const B = 'ca11c0de-0000-4000-8000-00000000b001';

function recorded(): { events: EslEvent[]; replies: string[] } {
  const events: EslEvent[] = [];
  const replies: string[] = [];
  for (const frame of framesOf(readFileSync(path.join(FIXTURE_TRANSCRIPT_DIR, `${NAME}.txt`)))) {
    if (isEventFrame(frame)) {
      const decoded = decodeEventFrame(frame);
      if (decoded.ok) events.push(decoded.event);
    } else if (frame.headers['Content-Type'] === 'api/response') replies.push(frame.body);
  }
  return { events, replies };
}

describe('hold in the call reducer, from the recording', () => {
  it('held after CHANNEL_HOLD, bridged after CHANNEL_UNHOLD, B alone after the transfer, nothing after the kill', () => {
    const state = createCallState();
    const seen: Array<[string, string]> = [];
    for (const event of recorded().events) {
      applyChannelEvent(state, event);
      const call = state.channels.get(A)?.call ?? state.channels.get(B)?.call;
      seen.push([event.name, call === undefined ? 'none' : callProgress(call)]);
    }
    const after = (name: string) => seen.find(([n]) => n === name)?.[1];
    expect(after('CHANNEL_BRIDGE')).toBe('bridged');
    expect(after('CHANNEL_HOLD')).toBe('held');
    expect(after('CHANNEL_UNHOLD')).toBe('bridged');
    expect(state.channels.size).toBe(0);
    // each state reached, in order, and never `held` once resumed
    const states = seen.map(([, s]) => s).filter((s, i, all) => s !== all[i - 1]);
    // (A answers, then B rings: the call rings until its far end answers)
    expect(states).toEqual([
      'ringing',
      'answered',
      'ringing',
      'bridged',
      'held',
      'bridged',
      'ending',
      'answered',
      'ending',
      'none',
    ]);
  });

  it('only the held leg is held: A while held, neither after', () => {
    const state = createCallState();
    for (const event of recorded().events) {
      applyChannelEvent(state, event);
      if (event.name === 'CHANNEL_HOLD') {
        expect(state.channels.get(A)?.held).toBe(true);
        expect(state.channels.get(B)?.held).toBe(false);
      }
      if (event.name === 'CHANNEL_UNHOLD') expect(state.channels.get(A)?.held).toBe(false);
    }
  });

  it('a held leg in `show channels` (callstate HELD) is held after a resync', () => {
    // the recording's `show channels as json` after the transfer, as it would read while B is on hold
    const reply = recorded().replies.find((r) => r.includes('"application":"echo"'))!;
    const held = parseShowChannelsJson(reply.replace('"callstate":"ACTIVE"', '"callstate":"HELD"'));
    const active = parseShowChannelsJson(reply);
    if (!held.ok || !active.ok) throw new Error('the recorded reply does not parse');
    const heldCall = callStateFromChannels(held.value).channels.get(B)!.call;
    expect(callProgress(heldCall)).toBe('held');
    expect(callProgress(callStateFromChannels(active.value).channels.get(B)!.call)).toBe('answered');
  });

  it('an event without a call state leaves hold as it was', () => {
    const state = createCallState();
    const events = recorded().events;
    for (const event of events.slice(0, events.findIndex((e) => e.name === 'CHANNEL_HOLD') + 1))
      applyChannelEvent(state, event);
    const bridge = events.find((e) => e.name === 'CHANNEL_BRIDGE')!;
    const { ['Channel-Call-State']: _dropped, ...headers } = bridge.headers;
    applyChannelEvent(state, { ...bridge, headers });
    expect(state.channels.get(A)?.held).toBe(true);
  });
});
