// The `state` extra of an active-CDR entry, replayed through recorded calls: the click-to-call of
// calls-json.txt scenario 1a (user/1000 rings and answers, then B rings for a second, answers, is
// bridged and hangs up), an inbound call whose callee rings (2d), the recorded busy and no-answer
// originates, and the second set's click-to-call whose answered leg runs an extension (a).
import { describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import { createCallState } from '../../src/state/calls.js';
import { applyChannelEvent } from '../../src/state/channel-events.js';
import type { CallState } from '../../src/state/calls.js';
import { callProgress } from '../../src/state/call-progress.js';
import { noteUuid, replaySteps, transcriptEvents } from '../helpers/state-replay.js';

const A = '0ae98fd4-bb9b-4233-a629-b868315e70ac';
const B = '7cc7d3c8-092d-4585-958e-02b31b38e7f7';

/** The state of call `id` after each event that touched it, with consecutive repeats collapsed. */
function progressOf(
  id: string,
  only: (uuid: string) => boolean,
  name = 'calls-json',
  at: (event: EslEvent, state: CallState) => void = () => {},
): string[] {
  const state = createCallState();
  const seen: string[] = [];
  for (const event of transcriptEvents(name)) {
    const uuid = event.headers['Unique-ID'] ?? '';
    if (!event.name.startsWith('CHANNEL_') || !only(uuid)) continue;
    applyChannelEvent(state, event);
    at(event, state);
    const call = state.calls.get(id);
    const now = call === undefined ? 'gone' : callProgress(call);
    if (seen.at(-1) !== now) seen.push(now);
  }
  return seen;
}

describe('call progress', () => {
  it("follows a recorded click-to-call: the user's phone rings, then the target rings until it answers", () => {
    const ringing: string[] = [];
    const seen = progressOf(
      A,
      (uuid) => uuid === A || uuid === B,
      'calls-json',
      (event, state) => {
        // B's 180 Ringing: the user has answered, the target rings.
        if (event.name === 'CHANNEL_PROGRESS' && event.headers['Unique-ID'] === B)
          ringing.push(callProgress(state.calls.get(A)!));
      },
    );
    expect(ringing).toEqual(['ringing']);
    expect(seen).toEqual([
      'ringing', // the user's phone rings
      'answered', // the user answered; FreeSWITCH has not created B yet
      'ringing', // B is dialled and rings for a second
      'bridged', // B answered
      'ending', // B hung up (BYE)
      'answered', // B's channel is destroyed while A, unbridged, is still up for a moment
      'ending', // A is hung up too
      'gone',
    ]);
  });

  it('an inbound call rings until the extension it dialled answers (2d: 9995 rings sipp for a second)', () => {
    let caller: string | undefined;
    let callee: string | undefined;
    const state = createCallState();
    const seen: string[] = [];
    let scenario = '';
    for (const step of replaySteps('calls-json')) {
      // "sipp ... exit 0" notes come while FreeSWITCH still reports the teardown
      if (step.kind === 'note' && !/ exit \d+$/.test(step.text)) scenario = step.text;
      if (step.kind !== 'frame' || step.event === undefined || !scenario.startsWith('2 2d')) continue;
      const event = step.event;
      if (!event.name.startsWith('CHANNEL_')) continue;
      applyChannelEvent(state, event);
      if (event.name === 'CHANNEL_CREATE' && caller === undefined) caller = event.headers['Unique-ID'];
      else if (event.name === 'CHANNEL_CREATE') callee ??= event.headers['Unique-ID'];
      const call = caller === undefined ? undefined : state.channels.get(caller)?.call;
      const now = call === undefined ? 'gone' : callProgress(call);
      if (event.name === 'CHANNEL_PROGRESS' && event.headers['Unique-ID'] === callee)
        expect(now).toBe('ringing');
      if (seen.at(-1) !== now) seen.push(now);
    }
    expect(callee).toBeDefined();
    expect(seen).toEqual([
      'ringing', // the caller waits while 9995 rings sipp
      'answered', // the callee answered; FreeSWITCH answers the caller and bridges them a moment later
      'bridged',
      'ending', // the callee hung up (BYE)
      'answered', // its channel is gone while the caller, unbridged, is still up for a moment
      'ending',
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

  it('a click-to-call whose answered leg runs the target itself reads answered once the user answered', () => {
    const leg = 'cafe0001-0000-4000-8000-00000000a001';
    expect(progressOf(leg, () => true, 'click-to-call-dialplan-ext')).toEqual([
      'ringing',
      'answered',
      'ending',
      'gone',
    ]);
  });

  it('the notes name the legs the tests follow', () => {
    const notes = replaySteps('calls-json').flatMap((s) => (s.kind === 'note' ? [s.text] : []));
    expect(notes.some((n) => noteUuid(n, 'A') === A && noteUuid(n, 'B') === B)).toBe(true);
  });
});
