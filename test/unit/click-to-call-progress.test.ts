// The `state` extra of an active-CDR entry, replayed through the recorded click-to-call (calls-json.txt
// scenario 1a: user/1000 rings and answers, then B rings, answers, is bridged and hangs up) and the
// recorded busy/no-answer originates.
import { describe, expect, it } from 'vitest';
import { applyChannelEvent, createCallState } from '../../src/state/calls.js';
import { callProgress } from '../../src/state/call-progress.js';
import { transcriptEvents } from '../helpers/state-replay.js';

const A = '0ae98fd4-bb9b-4233-a629-b868315e70ac';

/** The state of call `id` after each event that touched it, with consecutive repeats collapsed. */
function progressOf(id: string, only: (uuid: string) => boolean): string[] {
  const state = createCallState();
  const seen: string[] = [];
  for (const event of transcriptEvents('calls-json')) {
    const uuid = event.headers['Unique-ID'] ?? '';
    if (!event.name.startsWith('CHANNEL_') || !only(uuid)) continue;
    applyChannelEvent(state, event);
    const call = state.calls.get(id);
    const now = call === undefined ? 'gone' : callProgress(call);
    if (seen.at(-1) !== now) seen.push(now);
  }
  return seen;
}

describe('call progress', () => {
  it('follows a recorded click-to-call: ringing, answered, bridged, ending, gone', () => {
    const B = '7cc7d3c8-092d-4585-958e-02b31b38e7f7';
    expect(progressOf(A, (uuid) => uuid === A || uuid === B)).toEqual([
      'ringing', // the user's phone rings
      'answered', // the user answered; B is dialled and rings
      'bridged', // B answered
      'ending', // B hung up (BYE)
      'answered', // B's channel is destroyed while A, unbridged, is still up for a moment
      'ending', // A is hung up too
      'gone',
    ]);
  });

  it('a recorded busy originate rings and ends without an answer', () => {
    const busy = 'b1867714-e31e-44eb-a337-d37303a745da';
    expect(progressOf(busy, (uuid) => uuid === busy)).toEqual(['ringing', 'ending', 'gone']);
  });

  it('a recorded no-answer originate rings until its timeout, then ends', () => {
    const ringing = 'fb09a0a2-6af2-4ead-91a5-26d6043ab019';
    expect(progressOf(ringing, (uuid) => uuid === ringing)).toEqual(['ringing', 'ending', 'gone']);
  });
});
