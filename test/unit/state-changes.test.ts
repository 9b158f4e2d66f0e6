// The reducers' change records, checked against the state itself: replaying every recorded FreeSWITCH
// session, an event that changed something returns records naming every conference, member, recording
// and call it changed, and an event that changed nothing returns none. Then the cases the recordings
// do not reach (a conference name's new life, `norecord all`).
import { describe, expect, it } from 'vitest';
import type { EslEvent } from '../../src/esl/events.js';
import type { Call } from '../../src/state/calls.js';
import { NO_CHANGES, type StateChange } from '../../src/state/changes.js';
import { applyConferenceEvent, createConferenceState } from '../../src/state/conferences.js';
import type { LiveConference, ConferenceState } from '../../src/state/conferences.js';
import { applyEvent, createNodeState, type NodeState } from '../../src/state/node-state.js';
import { transcriptEvents } from '../helpers/state-replay.js';
import { TRANSCRIPT_NAMES } from '../helpers/transcripts.js';

/** Everything the state holds about a conference but its members, as one comparable string. */
function conferenceFields(c: LiveConference): string {
  return JSON.stringify([
    c.uuid,
    c.locked,
    c.createdAt,
    c.recordings,
    [...c.members.values()].map((m) => m.floor),
  ]);
}

/** Every member, by `conference / id`, with every field but the floor (a conference field, above). */
function members(state: ConferenceState): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of state.conferences.values())
    for (const m of c.members.values()) out.set(`${c.name}/${m.id}`, JSON.stringify({ ...m, floor: 0 }));
  return out;
}

function floorHolder(c: LiveConference | undefined): number | undefined {
  return [...(c?.members.values() ?? [])].find((m) => m.floor)?.id;
}

/** Every call, by id, with every field of every leg (the leg's back-reference to its call left out). */
function calls(node: NodeState): Map<string, string> {
  const out = new Map<string, string>();
  const leg = (l: Call['legs'][number]) => JSON.stringify({ ...l, call: l.call.id });
  for (const call of node.calls.calls.values())
    out.set(call.id, JSON.stringify([call.legs.map(leg), call.users, call.hadPeers]));
  return out;
}

/** Keys whose value differs between two maps (added, removed or changed). */
function differing(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

function recordedEvents(): Array<[string, EslEvent[]]> {
  return [
    ...TRANSCRIPT_NAMES.map((name): [string, EslEvent[]] => [name, transcriptEvents(name)]),
    ['conference-pin-modpin-endconf', transcriptEvents('conference-pin-modpin-endconf')],
  ];
}

describe('change records over every recorded session', () => {
  for (const [name, events] of recordedEvents()) {
    it(`${name}: records name exactly what each event changed`, () => {
      const node = createNodeState('fs1', { clock: () => 0 });
      let recorded = 0;
      for (const [index, event] of events.entries()) {
        const confs = node.conferences.conferences;
        const confsBefore = new Map([...confs].map(([n, c]) => [n, conferenceFields(c)]));
        const lives = new Map([...confs].map(([n, c]) => [n, c]));
        const floors = new Map([...confs].map(([n, c]) => [n, floorHolder(c)]));
        const membersBefore = members(node.conferences);
        const callsBefore = calls(node);

        const changes = applyEvent(node, event);
        recorded += changes.length;
        const at = `${name} event ${index} (${event.name} ${event.headers['Action'] ?? ''})`;

        const confsAfter = new Map([...confs].map(([n, c]) => [n, conferenceFields(c)]));
        const named = (kind: StateChange['kind']) => changes.filter((c) => c.kind === kind);
        // Conferences: created/destroyed as they appear, leave or start a new life; updated otherwise.
        const started = [...confs.keys()].filter((n) => lives.get(n) !== confs.get(n)).sort();
        const ended = [...lives.keys()].filter((n) => lives.get(n) !== confs.get(n)).sort();
        const conferenceChanges = named('conference') as Array<Extract<StateChange, { kind: 'conference' }>>;
        expect(
          conferenceChanges.filter((c) => c.how === 'created').map((c) => c.conference),
          at,
        ).toEqual(started);
        expect(
          conferenceChanges.filter((c) => c.how === 'destroyed').map((c) => c.conference),
          at,
        ).toEqual(ended);
        const touched = new Set(
          changes.flatMap((c) =>
            c.kind === 'conference' || c.kind === 'recording' || c.kind === 'member' ? [c.conference] : [],
          ),
        );
        for (const n of differing(confsBefore, confsAfter)) expect(touched.has(n), at).toBe(true);
        // The floor moved within one life of a conference: that conference is updated.
        for (const [n, c] of confs)
          if (lives.get(n) === c && floorHolder(c) !== floors.get(n))
            expect(conferenceChanges, at).toContainEqual({
              kind: 'conference',
              how: 'updated',
              conference: n,
            });
        // Members: each one joined, left or changed has a record with its id.
        const memberKeys = changes.flatMap((c) =>
          c.kind === 'member' ? [`${c.conference}/${c.member}`] : [],
        );
        const movedMembers = differing(membersBefore, members(node.conferences));
        const newLife = new Set([...started, ...ended]);
        expect(memberKeys.filter((k) => !newLife.has(k.split('/')[0]!)).sort(), at).toEqual(
          movedMembers.filter((k) => !newLife.has(k.split('/')[0]!)),
        );
        // Calls: every call whose legs changed (or that began or ended) is named by the channel record.
        const callIds = new Set(changes.flatMap((c) => (c.kind === 'channel' ? c.calls : [])));
        for (const id of differing(callsBefore, calls(node)))
          expect(callIds.has(id), `${at}: call ${id}`).toBe(true);
        for (const c of changes)
          if (c.kind === 'channel') expect(c.channel, at).toBe(event.headers['Unique-ID']);
        // Nothing changed: no record, and the shared empty answer (no allocation).
        if (changes.length === 0) {
          expect(changes, at).toBe(NO_CHANGES);
          expect(confsAfter, at).toEqual(confsBefore);
          expect(members(node.conferences), at).toEqual(membersBefore);
          expect(callsBefore, at).toEqual(calls(node));
        }
      }
      if (events.some((e) => e.name.startsWith('CHANNEL_') || e.name === 'CUSTOM'))
        expect(recorded).toBeGreaterThan(0);
    });
  }

  it('conference-json: the kinds of record the session makes, in their order for the recording', () => {
    const node = createNodeState('fs1');
    const changes = transcriptEvents('conference-json').flatMap((e) => applyEvent(node, e));
    const kinds = new Set(changes.map((c) => `${c.kind}.${c.how}`));
    for (const kind of [
      'conference.created',
      'conference.destroyed',
      'conference.updated',
      'member.joined',
      'member.left',
      'member.updated',
      'recording.started',
      'recording.stopped',
    ])
      expect(kinds, kind).toContain(kind);
    expect(changes.filter((c) => c.kind === 'recording')).toEqual([
      { kind: 'recording', how: 'started', conference: 'demo', path: '/tmp/x.wav' },
      { kind: 'recording', how: 'stopped', conference: 'demo', path: '/tmp/x.wav' },
    ]);
  });
});

/** A conference::maintenance event with just the headers a case needs. */
function conferenceEvent(action: string, headers: Record<string, string> = {}): EslEvent {
  return {
    name: 'CUSTOM',
    subclass: 'conference::maintenance',
    body: undefined,
    headers: {
      'Event-Name': 'CUSTOM',
      'Event-Subclass': 'conference::maintenance',
      'Conference-Name': 'room',
      'Conference-Unique-ID': 'life-1',
      Action: action,
      ...headers,
    },
  } as unknown as EslEvent;
}

describe('change records for what the recordings do not show', () => {
  const clock = () => 1;

  it('a member of a new life of the name: the old conference destroyed, the new one created, the member joined', () => {
    const state = createConferenceState();
    applyConferenceEvent(state, conferenceEvent('add-member', { 'Member-ID': '1' }), clock);
    const again = conferenceEvent('add-member', { 'Member-ID': '7', 'Conference-Unique-ID': 'life-2' });
    expect(applyConferenceEvent(state, again, clock)).toEqual([
      { kind: 'conference', how: 'destroyed', conference: 'room' },
      { kind: 'conference', how: 'created', conference: 'room' },
      { kind: 'member', how: 'joined', conference: 'room', member: 7 },
    ]);
    const created = conferenceEvent('conference-create', { 'Conference-Unique-ID': 'life-3' });
    expect(applyConferenceEvent(state, created, clock)).toEqual([
      { kind: 'conference', how: 'destroyed', conference: 'room' },
      { kind: 'conference', how: 'created', conference: 'room' },
    ]);
    // the destroy of a life already replaced changes nothing
    expect(applyConferenceEvent(state, conferenceEvent('conference-destroy'), clock)).toEqual([]);
  });

  it('`norecord all` stops each recording with its own record; pause and resume say which', () => {
    const state = createConferenceState();
    applyConferenceEvent(state, conferenceEvent('conference-create'), clock);
    for (const path of ['/r/a.wav', '/r/b.wav'])
      expect(applyConferenceEvent(state, conferenceEvent('start-recording', { Path: path }), clock)).toEqual([
        { kind: 'recording', how: 'started', conference: 'room', path },
      ]);
    expect(
      applyConferenceEvent(state, conferenceEvent('pause-recording', { Path: '/r/b.wav' }), clock),
    ).toEqual([{ kind: 'recording', how: 'paused', conference: 'room', path: '/r/b.wav' }]);
    expect(
      applyConferenceEvent(state, conferenceEvent('resume-recording', { Path: '/r/b.wav' }), clock),
    ).toEqual([{ kind: 'recording', how: 'resumed', conference: 'room', path: '/r/b.wav' }]);
    expect(applyConferenceEvent(state, conferenceEvent('stop-recording', { Path: 'all' }), clock)).toEqual([
      { kind: 'recording', how: 'stopped', conference: 'room', path: '/r/a.wav' },
      { kind: 'recording', how: 'stopped', conference: 'room', path: '/r/b.wav' },
    ]);
    expect(applyConferenceEvent(state, conferenceEvent('stop-recording', { Path: 'all' }), clock)).toEqual(
      [],
    );
  });

  it('lock and floor are conference updates; a repeated lock changes nothing', () => {
    const state = createConferenceState();
    applyConferenceEvent(state, conferenceEvent('conference-create'), clock);
    applyConferenceEvent(state, conferenceEvent('add-member', { 'Member-ID': '3' }), clock);
    const updated = [{ kind: 'conference', how: 'updated', conference: 'room' }];
    expect(applyConferenceEvent(state, conferenceEvent('lock'), clock)).toEqual(updated);
    expect(applyConferenceEvent(state, conferenceEvent('lock'), clock)).toEqual([]);
    expect(applyConferenceEvent(state, conferenceEvent('floor-change', { 'New-ID': '3' }), clock)).toEqual(
      updated,
    );
    expect(applyConferenceEvent(state, conferenceEvent('floor-change', { 'New-ID': '3' }), clock)).toEqual(
      [],
    );
  });
});
