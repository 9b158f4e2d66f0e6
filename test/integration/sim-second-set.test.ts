// The telephony model against the second set of real FreeSWITCH recordings (fs-transcripts/README.md,
// "Second set"), replayed like the first set's (test/helpers/sim-replay.ts): recording (a), a
// click-to-call whose answered leg runs extension 9991 itself, event by event and reply by reply; then
// the daemon's own click-to-call line (with fsconfd_user/fsconfd_target) through the same model and
// the call reducers.
import { describe, expect, it } from 'vitest';
import { parseCallTarget } from '../../src/domain/call-target.js';
import { clickToCallCommand } from '../../src/domain/click-to-call.js';
import { KNOWN_USERS_ONLY } from '../../src/domain/dial-policy.js';
import type { EslEvent } from '../../src/esl/events.js';
import { ManualClock } from '../../src/sim/model/clock.js';
import { secondLabConfig } from '../../src/sim/model/config.js';
import { SimSwitch } from '../../src/sim/model/switch.js';
import type { SimEvent } from '../../src/sim/types.js';
import { activeCdrsForUser } from '../../src/state/active-cdr.js';
import { callProgress } from '../../src/state/call-progress.js';
import { createCallState } from '../../src/state/calls.js';
import { applyChannelEvent } from '../../src/state/channel-events.js';
import { compareCalls, eventDifferences, header, readTranscript, replay } from '../helpers/sim-replay.js';
import { parseJsonEventBody, shapeOf } from '../helpers/transcript-compare.js';
import { transcriptTestsRun } from '../helpers/transcripts.js';

const NAME = 'click-to-call-dialplan-ext';
/** The switch's heartbeat runs on its own timer since start, not on anything the recording did. */
const notHeartbeat = (e: SimEvent): boolean => header(e, 'Event-Name') !== 'HEARTBEAT';

describe.runIf(transcriptTestsRun(NAME))(
  'second set: click-to-call whose answered leg runs an extension',
  () => {
    it('the same channel events (caller profile flipped only at the hang-up) and the same replies', async () => {
      const expected = readTranscript(NAME);
      const sessionId = Number(header(expected.events[0]!, 'variable_session_id'));
      const actual = await replay(NAME, { lab: secondLabConfig(), sessionId });
      expect(compareCalls(expected.events, actual.events.filter(notHeartbeat), notHeartbeat)).toEqual([]);

      // show calls as json (up), uuid_dump json, uuid_kill, show calls as json (gone)
      expect(actual.replies).toHaveLength(expected.replies.length);
      const [listing, dump, kill, empty] = expected.replies;
      expect(shapeOf(actual.replies[0]!)).toBe(shapeOf(listing!));
      expect(actual.replies[2]).toBe(kill);
      expect(actual.replies[3]).toBe(empty);
      const wantDump = parseJsonEventBody(dump!);
      const gotDump = parseJsonEventBody(actual.replies[1]!);
      // The dump's sequence number and session counters follow the switch's life, not the call's.
      expect(eventDifferences(wantDump, gotDump, new Map())).toEqual([]);
    });
  },
);

describe('the daemon click-to-call line run by the simulator', () => {
  const UUID = 'cafe0001-0000-4000-8000-00000000a001';

  async function run(): Promise<{ events: SimEvent[]; sw: SimSwitch; clock: ManualClock }> {
    const target = parseCallTarget('9991');
    if (!target.ok) throw new Error(target.error);
    const plan = clickToCallCommand(
      { userName: '1000', callerIdNumber: '1000', callerIdName: 'Click2Call', firstName: '', lastName: '' },
      target.value,
      UUID,
      {
        domain: '127.0.0.1',
        dialplanContext: 'default',
        sipProfile: 'internal',
        originateTimeoutS: 20,
        dialPolicy: KNOWN_USERS_ONLY,
      },
    );
    if (!plan.ok) throw new Error(plan.error);
    const clock = new ManualClock(1_796_475_438_417_000);
    const events: SimEvent[] = [];
    const sw = new SimSwitch({
      bus: { publish: (e) => events.push(e) },
      clock,
      domain: '127.0.0.1',
      ...secondLabConfig(),
    });
    const reply = sw.execute('originate', plan.value.line.slice('originate '.length));
    await clock.advance(2000);
    expect(await reply).toBe(`+OK ${UUID}\n`);
    return { events, sw, clock };
  }

  const asEslEvent = (e: SimEvent): EslEvent => ({
    name: header(e, 'Event-Name') ?? '',
    subclass: undefined,
    headers: Object.fromEntries(e.headers),
    body: e.body,
  });

  it('carries fsconfd_user and fsconfd_target as variable_* headers, in the order of the {} block', async () => {
    const { events } = await run();
    const create = events.find((e) => header(e, 'Event-Name') === 'CHANNEL_CREATE')!;
    const names = create.headers.map(([k]) => k);
    const at = names.indexOf('variable_origination_uuid');
    expect(names.slice(at, at + 3)).toEqual([
      'variable_origination_uuid',
      'variable_fsconfd_user',
      'variable_fsconfd_target',
    ]);
    expect([header(create, 'variable_fsconfd_user'), header(create, 'variable_fsconfd_target')]).toEqual([
      '1000',
      '9991',
    ]);
  });

  it('reads as 1000 calling 9991 at every event, while FreeSWITCH names 1000 until the hang-up', async () => {
    const { events, sw, clock } = await run();
    expect(await sw.execute('uuid_kill', UUID)).toBe('+OK\n');
    await clock.advance(1000);
    const state = createCallState();
    const seen: Array<[string, string | undefined, string]> = [];
    for (const event of events.map(asEslEvent)) {
      if (applyChannelEvent(state, event).length === 0) continue;
      const call = state.calls.get(UUID);
      const [cdr] = activeCdrsForUser(state, '1000', { domain: '127.0.0.1', now: 0 });
      if (cdr) expect(cdr).toMatchObject({ from: '1000', to: '9991', direction: 'OUTGOING' });
      seen.push([event.name, event.headers['Caller-Destination-Number'], call ? callProgress(call) : 'gone']);
    }
    expect(seen).toEqual([
      ['CHANNEL_CREATE', '1000', 'ringing'],
      ['CHANNEL_PROGRESS', '1000', 'ringing'],
      ['CHANNEL_ANSWER', '1000', 'answered'],
      ['CHANNEL_HANGUP', '9991', 'ending'],
      ['CHANNEL_HANGUP_COMPLETE', '9991', 'ending'],
      ['CHANNEL_DESTROY', '9991', 'gone'],
    ]);
  });
});
