// Issue 11 item 4, from the second set's recording (a): a click-to-call whose answered leg runs
// extension 9991 itself (no B-leg). FreeSWITCH's caller profile names the user's own number (1000) up
// to the answer and flips to 9991 only in the hang-up events, so the live state reads the target
// from the variables the daemon's originate now adds. The recording was made with the originate
// before those variables existed; FreeSWITCH carries every `{var=value}` of an originate as
// `variable_<var>` on each event of the leg (the recording shows origination_* and effective_*
// that way, in the order given), so the test adds the two the daemon now sends to each event of
// the leg, as FreeSWITCH would.
import { describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import { activeCdrsForUser } from '../../src/state/active-cdr.js';
import { callProgress } from '../../src/state/call-progress.js';
import { createCallState } from '../../src/state/calls.js';
import { applyChannelEvent } from '../../src/state/channel-events.js';
import { nodeStateFromSnapshot } from '../../src/state/node-state.js';
import type { CallState } from '../../src/state/calls.js';
import { replaySteps } from '../helpers/state-replay.js';

const NAME = 'click-to-call-dialplan-ext';
const LEG = 'cafe0001-0000-4000-8000-00000000a001';
const DOMAIN = 'example.test';

function withDaemonVariables(event: EslEvent): EslEvent {
  if (event.headers['Unique-ID'] !== LEG) return event;
  // The `{}` variables appear in order right after variable_origination_uuid; the reducer reads a map.
  const headers = { ...event.headers, variable_fsconfd_user: '1000', variable_fsconfd_target: '9991' };
  return { ...event, headers };
}

interface Step {
  event: string;
  progress: string | undefined;
  cdrs: ReturnType<typeof activeCdrsForUser>;
  /** What FreeSWITCH's own caller profile says at that moment. */
  destination: string | undefined;
}

function replay(transform: (e: EslEvent) => EslEvent): Step[] {
  const state: CallState = createCallState();
  const steps: Step[] = [];
  for (const step of replaySteps(NAME)) {
    if (step.kind !== 'frame' || step.event === undefined) continue;
    const event = transform(step.event);
    if (applyChannelEvent(state, event).length === 0) continue;
    const call = state.calls.get(LEG);
    const now = Math.floor(Number(event.headers['Event-Date-Timestamp']) / 1000);
    steps.push({
      event: event.name,
      progress: call && callProgress(call),
      cdrs: activeCdrsForUser(state, '1000', { domain: DOMAIN, now }),
      destination: event.headers['Caller-Destination-Number'],
    });
  }
  return steps;
}

describe('click-to-call whose answered leg runs an extension (recording a)', () => {
  it('shows the target as `to` at every step, although FreeSWITCH names 1000 until the hang-up', () => {
    const steps = replay(withDaemonVariables);
    expect(steps.map((s) => [s.event, s.destination, s.progress])).toEqual([
      ['CHANNEL_CREATE', '1000', 'ringing'],
      ['CHANNEL_PROGRESS', '1000', 'ringing'],
      ['CHANNEL_ANSWER', '1000', 'answered'],
      ['CHANNEL_HANGUP', '9991', 'ending'],
      ['CHANNEL_HANGUP_COMPLETE', '9991', 'ending'],
      ['CHANNEL_DESTROY', '9991', undefined],
    ]);
    const live = steps.filter((s) => s.cdrs.length > 0);
    expect(live.map((s) => s.event)).toEqual(['CHANNEL_CREATE', 'CHANNEL_PROGRESS', 'CHANNEL_ANSWER']);
    for (const step of live)
      expect(step.cdrs, step.event).toEqual([
        expect.objectContaining({
          from: '1000',
          'from-aor': `<sip:1000@${DOMAIN}>`,
          to: '9991',
          'to-aor': `<sip:9991@${DOMAIN}>`,
          direction: 'OUTGOING',
          recipient: step.event === 'CHANNEL_ANSWER' ? '9991' : '',
        }),
      ]);
    expect(steps.at(-1)?.cdrs).toEqual([]);
  });

  it('without the daemon variables the same events read as an incoming call to 1000 from 9991', () => {
    // What the recorded originate (no fsconfd_*) gives: FreeSWITCH rang 1000 showing 9991, and
    // nothing says 1000 asked for it.
    const [create] = replay((e) => e);
    expect(create?.cdrs).toEqual([
      expect.objectContaining({ from: '9991', to: '1000', direction: 'INCOMING', recipient: '' }),
    ]);
  });

  it('a resync reads the target back from uuid_dump: the listing alone shows the flipped profile', () => {
    // The recording's `show calls as json` (its A side has the `show channels` columns the parser
    // reads) and `uuid_dump <uuid> json`, both taken while the call was up, after the flip.
    const replies = replaySteps(NAME).flatMap((step) =>
      step.kind === 'frame' && step.frame.headers['Content-Type'] === 'api/response' ? [step.frame.body] : [],
    );
    const listing = replies[0]!;
    const recordedDump = replies[1]!;
    expect(JSON.parse(listing)).toMatchObject({ rows: [{ uuid: LEG, cid_num: '1000', dest: '9991' }] });
    const dump = recordedDump.replace(
      `"variable_origination_uuid":"${LEG}",`,
      `"variable_origination_uuid":"${LEG}","variable_fsconfd_user":"1000","variable_fsconfd_target":"9991",`,
    );
    expect(dump).not.toBe(recordedDump);
    const cdrsAfter = (channelDumps: string[]) => {
      const built = nodeStateFromSnapshot('fs', {
        channelsJson: listing,
        conferenceXml: '<conferences/>',
        channelDumps,
        now: 1_796_475_440_000,
      });
      if (!built.ok) throw new Error(built.error);
      return activeCdrsForUser(built.value.calls, '1000', { domain: DOMAIN, now: 1_796_475_440_000 });
    };
    expect(cdrsAfter([dump])).toEqual([
      expect.objectContaining({ from: '1000', to: '9991', direction: 'OUTGOING', recipient: '9991' }),
    ]);
    // The dump also brings the answer time the listing lacks; a dump of a channel gone meanwhile
    // (or anything unreadable) is skipped.
    expect(cdrsAfter([dump, '-ERR No such channel!\n', '{"Event-Name":'])).toEqual(cdrsAfter([dump]));
    // Without it the flipped profile names 1000 as the caller ID: FreeSWITCH ringing 1000's phone.
    expect(cdrsAfter([])).toEqual([expect.objectContaining({ to: '1000', direction: 'INCOMING' })]);
  });
});
