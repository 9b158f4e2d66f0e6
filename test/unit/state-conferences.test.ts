import { describe, expect, it } from 'vitest';
import { applyConferenceEvent, createConferenceState, memberCount } from '../../src/state/conferences.js';
import { INFORMATIONAL_ACTIONS, STATE_ACTIONS } from '../../src/state/conference-actions.js';
import type { LiveConference, ConferenceState } from '../../src/state/conferences.js';
import { parseConferenceListText } from '../../src/state/conference-list-text.js';
import { replaySteps, transcriptEvents } from '../helpers/state-replay.js';

const FORMATS = ['conference-plain', 'conference-json'] as const;

/** Replays a transcript; calls `at` with the state when each command is sent and each reply arrives. */
function replay(
  name: string,
  at: (point: { command: string; reply?: string }, node: ConferenceState) => void = () => {},
): ConferenceState {
  const node = createConferenceState();
  const clock = (): number => {
    throw new Error('every recorded event carries its own timestamp');
  };
  let pending: string | undefined;
  for (const step of replaySteps(name)) {
    if (step.kind === 'send') {
      pending = step.command;
      at({ command: step.command }, node);
    } else if (step.kind === 'frame') {
      if (step.event) applyConferenceEvent(node, step.event, clock);
      else if (step.frame.headers['Content-Type'] === 'api/response' && pending !== undefined) {
        at({ command: pending, reply: step.frame.body }, node);
        pending = undefined;
      }
    }
  }
  return node;
}

/** The state without ids, uuids and times, to compare two recordings of the same scenario. */
function shape(node: ConferenceState): unknown {
  return [...node.conferences.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((c) => ({
      name: c.name,
      locked: c.locked,
      recordings: c.recordings.map((r) => r.path),
      members: [...c.members.values()].map((m) => ({
        channel: m.channelName,
        cid: `${m.callerIdName} <${m.callerIdNumber}>`,
        user: m.user,
        hear: m.canHear,
        speak: m.canSpeak,
        talking: m.talking,
        floor: m.floor,
        moderator: m.moderator,
        volume: [m.volumeIn, m.volumeOut],
        energy: m.energyLevel,
      })),
    }));
}

function conference(node: ConferenceState, name: string): LiveConference {
  const found = node.conferences.get(name);
  if (found === undefined) throw new Error(`no conference ${name}`);
  return found;
}

describe('conference reducer replaying the real transcripts', () => {
  it('knows every conference::maintenance Action in the recordings', () => {
    const actions = new Set(
      FORMATS.flatMap((name) => transcriptEvents(name).map((e) => e.headers['Action'] ?? '(none)')),
    );
    expect(actions.size).toBeGreaterThan(20);
    for (const action of actions) {
      expect(STATE_ACTIONS.has(action) || INFORMATIONAL_ACTIONS.has(action), action).toBe(true);
    }
  });

  for (const name of FORMATS) {
    it(`${name}: state equals FreeSWITCH's own \`conference list\` reply`, () => {
      let checked = 0;
      replay(name, (point, node) => {
        if (point.command !== 'api conference list' || point.reply === undefined) return;
        const listed = parseConferenceListText(point.reply);
        expect(listed.map((c) => c.name).sort()).toEqual([...node.conferences.keys()].sort());
        for (const expected of listed) {
          const actual = conference(node, expected.name);
          expect(memberCount(actual)).toBe(expected.memberCount);
          expect(actual.locked).toBe(expected.locked);
          const members = expected.members.map((m) => ({
            id: m.id,
            channelName: m.channelName,
            uuid: m.uuid,
            callerIdName: m.callerIdName,
            callerIdNumber: m.callerIdNumber,
            canHear: m.flags.includes('hear'),
            canSpeak: m.flags.includes('speak'),
            talking: m.flags.includes('talking'),
            floor: m.flags.includes('floor'),
            moderator: m.flags.includes('moderator'),
            volumeIn: m.volumeIn,
            volumeOut: m.volumeOut,
            energyLevel: m.energyLevel,
          }));
          const tracked = [...actual.members.values()].map((m) => ({
            id: m.id,
            channelName: m.channelName,
            uuid: m.uuid,
            callerIdName: m.callerIdName,
            callerIdNumber: m.callerIdNumber,
            canHear: m.canHear,
            canSpeak: m.canSpeak,
            talking: m.talking,
            floor: m.floor,
            moderator: m.moderator,
            volumeIn: m.volumeIn,
            volumeOut: m.volumeOut,
            energyLevel: m.energyLevel,
          }));
          expect(tracked.sort((a, b) => a.id - b.id)).toEqual(members.sort((a, b) => a.id - b.id));
          checked += expected.members.length;
        }
      });
      expect(checked).toBe(5); // demo: Frank, Grace, Bob, Alice; demo2: Eve
    });

    it(`${name}: follows each command's effect and ends with no conferences`, () => {
      const seen: string[] = [];
      let previous: string[] = [];
      // FreeSWITCH answers a command before it fires the event, so look when the next command goes out.
      const node = replay(name, (point, state) => {
        if (point.reply !== undefined) return;
        const demo = state.conferences.get('demo');
        const previousArgs = previous.slice(3);
        const [verb, target] = previousArgs;
        previous = point.command.split(' ');
        const member = demo?.members.get(Number(target));
        switch (verb) {
          case 'mute':
            expect(member?.canSpeak).toBe(false);
            break;
          case 'unmute':
            expect(member?.canSpeak).toBe(true);
            break;
          case 'deaf':
            expect(member?.canHear).toBe(false);
            break;
          case 'undeaf':
            expect(member?.canHear).toBe(true);
            break;
          case 'lock':
          case 'unlock':
            expect(demo?.locked).toBe(verb === 'lock');
            break;
          case 'record':
            expect(demo?.recordings.map((r) => r.path)).toEqual(['/tmp/x.wav']);
            break;
          case 'norecord':
            expect(demo?.recordings).toEqual([]);
            break;
          case 'kick':
          case 'hup':
            expect(member).toBeUndefined();
            break;
          case 'transfer': {
            // `transfer demo2 <id>`: the member left demo and joined demo2 with the same Member-ID.
            const moved = Number(previousArgs[2]);
            expect(demo?.members.has(moved)).toBe(false);
            expect(state.conferences.get('demo2')?.members.get(moved)?.callerIdName).toBe('Outbound Call');
            break;
          }
          default:
            return;
        }
        seen.push(verb ?? '');
      });
      expect(seen).toEqual([
        ...['mute', 'unmute', 'deaf', 'undeaf', 'lock', 'unlock', 'record', 'norecord'],
        ...['kick', 'hup', 'transfer', 'kick', 'hup', 'hup', 'hup'],
      ]);
      expect(node.conferences.size).toBe(0);
    });
  }

  it('derives member users from the channel, else a real caller ID number', () => {
    let users: Record<string, string | undefined> = {};
    replay('conference-plain', (point, node) => {
      if (point.command !== 'api conference list' || point.reply === undefined) return;
      users = Object.fromEntries(
        [...node.conferences.values()].flatMap((c) =>
          [...c.members.values()].map((m) => [`${c.name}/${m.id}`, m.user]),
        ),
      );
    });
    // Grace is a SIP caller (presence 1007@...); Bob's loopback leg shows his caller ID; Alice's,
    // Eve's and Frank's loopback A-legs only show FreeSWITCH's "Outbound Call"/"default".
    expect(users).toEqual({
      'demo/13': undefined,
      'demo/14': '1002',
      'demo/17': '1007',
      'demo/20': undefined,
      'demo2/19': undefined,
    });
  });

  it('records member settings, lock and recording as the scenario ran them', () => {
    const started = transcriptEvents('conference-plain').find(
      (e) => e.headers['Action'] === 'start-recording',
    );
    // FreeSWITCH's clock in microseconds; the state keeps epoch ms.
    const recordingStartedAt = Math.floor(Number(started?.headers['Event-Date-Timestamp']) / 1000);
    expect(recordingStartedAt).toBeGreaterThan(1.7e12);
    const states: Record<string, unknown> = {};
    replay('conference-plain', (point, node) => {
      if (point.reply !== undefined) return;
      const demo = node.conferences.get('demo');
      if (point.command === 'api conference demo unlock') states['locked'] = demo?.locked;
      if (point.command === 'api conference demo norecord /tmp/x.wav')
        states['recording'] = demo?.recordings[0];
      if (point.command === 'api conference demo kick 15') {
        const alice = demo?.members.get(13);
        states['alice'] = [alice?.volumeIn, alice?.volumeOut, alice?.canHear, alice?.canSpeak];
        states['carol'] = demo?.members.get(15)?.energyLevel;
      }
      if (point.command === 'api conference list') {
        states['eve'] = node.conferences.get('demo2')?.members.get(19)?.callerIdName;
        states['mallory'] = [...(demo?.members.values() ?? [])].some((m) => m.callerIdNumber === '1666');
      }
    });
    expect(states).toEqual({
      locked: true,
      recording: { path: '/tmp/x.wav', startedAt: recordingStartedAt, paused: false },
      alice: [2, -1, true, true],
      carol: 300,
      eve: 'Outbound Call',
      mallory: false,
    });
  });

  it('plain and json recordings reach the same states at every command', () => {
    const shapes = FORMATS.map((name) => {
      const points: unknown[] = [];
      const node = replay(name, (point, state) => {
        if (point.reply === undefined) points.push(shape(state));
      });
      points.push(shape(node));
      return points;
    });
    expect(shapes[0]!.length).toBe(33);
    expect(shapes[1]).toEqual(shapes[0]);
  });
});
