import { describe, expect, it } from 'vitest';
import { applyEvent, createNodeState } from '../../src/state/node-state.js';
import type { NodeState } from '../../src/state/node-state.js';
import { parseConferenceXmlList, parseShowChannelsJson } from '../../src/state/snapshot.js';
import { parseConferenceListText } from '../../src/state/conference-list-text.js';
import type { EslEvent } from '../../src/esl/events.js';
import type { StateChange } from '../../src/state/changes.js';
import { replaySteps, transcriptEvents } from '../helpers/state-replay.js';
import { prng as random } from '../helpers/prng.js';

const TRANSCRIPTS = [
  'conference-plain',
  'conference-json',
  'calls-plain',
  'calls-json',
  'disconnect-fsctl-events',
  'click-to-call-dialplan-ext',
];

const HOSTILE = [
  '',
  'true',
  'false',
  'none',
  '0',
  '-1',
  '4294967296',
  '99999999999999999999999',
  'NaN',
  '1e3',
  'x'.repeat(5000),
  'a\u0000b\r\nc',
  '%',
  'outbound',
  'inbound',
  'originator',
  'moderator',
  'sofia/',
  'sofia/internal/@',
  '@',
  '__proto__',
  'constructor',
];

function mangle(event: EslEvent, rand: () => number, pool: readonly string[]): EslEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers)) {
    const roll = rand();
    if (roll < 0.15) continue; // deleted
    if (roll < 0.25) headers[name] = HOSTILE[Math.floor(rand() * HOSTILE.length)]!;
    else if (roll < 0.3) headers[name] = pool[Math.floor(rand() * pool.length)]!;
    else headers[name] = value;
  }
  const name = rand() < 0.05 ? (HOSTILE[Math.floor(rand() * HOSTILE.length)] ?? '') : event.name;
  return { name, subclass: rand() < 0.05 ? undefined : event.subclass, headers, body: event.body };
}

/** Structural invariants of the state; plain checks (no expect per item) to keep the fuzz fast. */
function checkInvariants(node: NodeState): void {
  const fail = (what: string): never => {
    throw new Error(`invariant broken: ${what}`);
  };
  const { channels, calls, byUser } = node.calls;
  for (const [uuid, channel] of channels) {
    if (channel.uuid !== uuid) fail(`channel key ${uuid}`);
    if (calls.get(channel.call.id) !== channel.call) fail(`call of ${uuid} not tracked`);
    if (!channel.call.legs.includes(channel)) fail(`call of ${uuid} lacks it`);
    if (channel.callerIdName.length > 256 || channel.name.length > 256) fail(`unbounded text on ${uuid}`);
    if ((channel.target?.length ?? 0) > 256 || channel.origCallerIdName.length > 256)
      fail(`unbounded text on ${uuid}`);
  }
  for (const [callId, call] of calls) {
    if (call.id !== callId) fail(`call key ${callId}`);
    if (call.legs.length === 0) fail(`empty call ${callId}`);
    for (const leg of call.legs) if (channels.get(leg.uuid) !== leg) fail(`leg ${leg.uuid} not tracked`);
    const users = [...new Set(call.legs.flatMap((leg) => (leg.user === undefined ? [] : [leg.user])))].sort();
    if (JSON.stringify([...call.users].sort()) !== JSON.stringify(users)) fail(`users of ${callId}`);
    for (const user of call.users)
      if (byUser.get(user)?.has(call) !== true) fail(`${callId} not filed under ${user}`);
  }
  for (const [user, filed] of byUser) {
    if (filed.size === 0) fail(`empty index entry ${user}`);
    for (const call of filed) {
      if (calls.get(call.id) !== call) fail(`index ${user} holds a dropped call`);
      if (!call.users.includes(user)) fail(`index ${user} holds a call without that user`);
    }
  }
  for (const [name, conference] of node.conferences.conferences) {
    if (conference.name !== name) fail(`conference key ${name}`);
    if ([...conference.members.values()].filter((m) => m.floor).length > 1)
      fail(`two floor holders in ${name}`);
    for (const [memberId, member] of conference.members) {
      if (member.id !== memberId) fail(`member key ${memberId}`);
      if (Math.abs(member.volumeIn) > 4 || Math.abs(member.volumeOut) > 4) fail(`volume of ${memberId}`);
    }
  }
}

/** What each record says holds in the state right after the event (whatever the event looked like). */
function checkRecords(node: NodeState, changes: readonly StateChange[]): void {
  const conferences = node.conferences.conferences;
  for (const change of changes) {
    switch (change.kind) {
      case 'conference': {
        // a destroyed life is gone, unless the same event started the name's next life
        const reborn = changes.some(
          (c) => c.kind === 'conference' && c.how === 'created' && c.conference === change.conference,
        );
        expect(conferences.has(change.conference)).toBe(change.how !== 'destroyed' || reborn);
        break;
      }
      case 'member':
        expect(conferences.get(change.conference)?.members.has(change.member)).toBe(change.how !== 'left');
        break;
      case 'recording': {
        const running = conferences.get(change.conference)?.recordings.some((r) => r.path === change.path);
        expect(running).toBe(change.how !== 'stopped');
        break;
      }
      case 'channel':
        expect(node.calls.channels.has(change.channel)).toBe(change.how !== 'ended');
        if (change.how !== 'ended')
          expect(change.calls).toContain(node.calls.channels.get(change.channel)?.call.id);
        break;
      case 'node':
        throw new Error('a reducer never reports a whole node');
    }
  }
}

describe('reducers on hostile events', () => {
  const events = TRANSCRIPTS.flatMap((name) => transcriptEvents(name));
  const pool = [
    ...new Set(events.flatMap((e) => [e.headers['Unique-ID'] ?? '', e.headers['Member-ID'] ?? ''])),
  ];

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`never throw and keep their indexes consistent (seed ${seed})`, () => {
      const rand = random(seed);
      const node = createNodeState('fs1', { clock: () => 1_000 });
      for (const event of events) {
        checkRecords(node, applyEvent(node, mangle(event, rand, pool)));
        checkInvariants(node);
      }
    });
  }

  it('with each header the reducers read deleted in turn, every event still applies', () => {
    const transcript = TRANSCRIPTS.slice(0, 4).flatMap((name) => transcriptEvents(name));
    // Which headers the reducers look at, recorded through a proxy on a first pass.
    const read = new Set<string>();
    const probe = createNodeState('probe');
    for (const event of transcript) {
      const headers = new Proxy(event.headers, {
        get: (target, key) => {
          if (typeof key === 'string') read.add(key);
          return Reflect.get(target, key) as unknown;
        },
      });
      applyEvent(probe, { ...event, headers });
    }
    expect(read.size).toBeGreaterThan(25);
    const node = createNodeState('fs1');
    for (const event of transcript) {
      for (const hidden of read) {
        if (!(hidden in event.headers)) continue;
        const headers = new Proxy(event.headers, {
          get: (target, key) => (key === hidden ? undefined : (Reflect.get(target, key) as unknown)),
          has: (target, key) => key !== hidden && Reflect.has(target, key),
        });
        applyEvent(node, { ...event, headers });
      }
      applyEvent(node, event);
      checkInvariants(node);
    }
    // Each damaged copy was followed by the real event: nothing may be left behind.
    expect([node.calls.channels.size, node.calls.calls.size, node.conferences.conferences.size]).toEqual([
      0, 0, 0,
    ]);
  });

  it('late events never bring back a channel or a member that left', () => {
    for (const name of ['calls-plain', 'conference-plain']) {
      const node = createNodeState('fs1');
      const seen: EslEvent[] = [];
      for (const event of transcriptEvents(name)) {
        applyEvent(node, event);
        seen.push(event);
        if (event.name === 'CHANNEL_DESTROY') {
          const uuid = event.headers['Unique-ID'];
          const late = seen.filter(
            (e) => e.headers['Unique-ID'] === uuid && /HANGUP|UNBRIDGE|DESTROY/.test(e.name),
          );
          for (const e of late) expect(applyEvent(node, e)).toEqual([]);
          expect(node.calls.channels.has(uuid ?? '')).toBe(false);
        }
        if (event.headers['Action'] === 'del-member') {
          const memberId = event.headers['Member-ID'];
          const late = seen.filter(
            (e) => e.headers['Member-ID'] === memberId && e.headers['Action'] !== 'add-member',
          );
          for (const e of late) expect(applyEvent(node, e)).toEqual([]);
          const conference = node.conferences.conferences.get(event.headers['Conference-Name'] ?? '');
          expect(conference?.members.has(Number(memberId)) ?? false).toBe(false);
        }
      }
    }
  });

  it('snapshot parsers answer every truncation of the real replies without throwing', () => {
    const bodies = replaySteps('api-responses').flatMap((step) =>
      step.kind === 'frame' && step.frame.headers['Content-Type'] === 'api/response' ? [step.frame.body] : [],
    );
    expect(bodies.length).toBeGreaterThan(30);
    const rand = random(7);
    for (const body of bodies) {
      for (let i = 0; i < 20; i++) {
        const cut = body.slice(0, Math.floor(rand() * body.length));
        expect(() => parseShowChannelsJson(cut)).not.toThrow();
        expect(() => parseConferenceXmlList(cut, { now: 0 })).not.toThrow();
        expect(() => parseConferenceListText(cut)).not.toThrow();
      }
    }
  });
});
