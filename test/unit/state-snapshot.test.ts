import { describe, expect, it } from 'vitest';
import {
  callStateFromChannels,
  channelFacts,
  needsVariables,
  parseConferenceXmlList,
  parseShowChannelsJson,
} from '../../src/state/snapshot.js';
import type { ChannelRow } from '../../src/state/snapshot.js';
import { parseConferenceListText } from '../../src/state/conference-list-text.js';
import { memberCount } from '../../src/state/conferences.js';
import { activeCdr } from '../../src/state/active-cdr.js';
import { replaySteps } from '../helpers/state-replay.js';

/** The body of FreeSWITCH's reply to each command of api-responses.txt. */
function replies(): Map<string, string> {
  const byCommand = new Map<string, string>();
  let pending: string | undefined;
  for (const step of replaySteps('api-responses')) {
    if (step.kind === 'send') pending = step.command;
    else if (step.kind === 'frame' && step.frame.headers['Content-Type'] === 'api/response' && pending) {
      if (!byCommand.has(pending)) byCommand.set(pending, step.frame.body);
      pending = undefined;
    }
  }
  return byCommand;
}

const REPLIES = replies();
function reply(command: string): string {
  const body = REPLIES.get(command);
  if (body === undefined) throw new Error(`no reply to ${command}`);
  return body;
}

function rows(): ChannelRow[] {
  const parsed = parseShowChannelsJson(reply('api show channels as json'));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const NOW = Date.UTC(2026, 10, 22, 12, 23, 46, 649);

function conferences(command: string) {
  const facts = new Map(rows().map((row) => [row.uuid, channelFacts(row)]));
  const parsed = parseConferenceXmlList(reply(command), { now: NOW, channel: (uuid) => facts.get(uuid) });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

describe('snapshot parsers on the recorded replies', () => {
  for (const command of ['api conference demo xml_list', 'api conference xml_list']) {
    it(`\`${command}\` gives the state \`conference demo list\` describes`, () => {
      const state = conferences(command);
      expect([...state.conferences.keys()]).toEqual(['demo']);
      const demo = state.conferences.get('demo')!;
      const [listed] = parseConferenceListText(reply('api conference demo list'));
      const [header] = parseConferenceListText(reply('api conference list'));
      expect(memberCount(demo)).toBe(header?.memberCount);
      expect(demo.locked).toBe(header?.locked);
      expect(String(memberCount(demo))).toBe(reply('api conference demo count'));
      const tracked = [...demo.members.values()].map((m) => ({
        id: m.id,
        channelName: m.channelName,
        uuid: m.uuid,
        callerIdName: m.callerIdName,
        callerIdNumber: m.callerIdNumber,
        flags: [
          m.canHear && 'hear',
          m.canSpeak && 'speak',
          m.talking && 'talking',
          m.floor && 'floor',
          m.moderator && 'moderator',
        ].filter(Boolean),
        volumeIn: m.volumeIn,
        volumeOut: m.volumeOut,
        energyLevel: m.energyLevel,
      }));
      expect(tracked).toEqual(listed?.members);
      expect(tracked.length).toBe(3);
    });
  }

  it('takes uuid, creation and join times from the XML, users from the channels', () => {
    const demo = conferences('api conference demo xml_list').conferences.get('demo')!;
    const json = JSON.parse(reply('api conference demo json_list')) as Array<{ conference_uuid: string }>;
    expect(demo.uuid).toBe(json[0]?.conference_uuid);
    expect(demo.createdAt).toBe(NOW - 6_000); // run_time="6"
    expect([...demo.members.values()].map((m) => [m.id, m.user, NOW - m.joinedAt])).toEqual([
      [31, '1003', 3_000],
      [30, '1002', 4_000],
      [29, undefined, 6_000], // Alice's loopback A-leg: "Outbound Call" / "default"
    ]);
    expect(demo.recordings).toEqual([]);
  });

  it('`show channels as json` gives the calls `show calls as json` lists', () => {
    const state = callStateFromChannels(rows());
    expect(state.channels.size).toBe(6);
    const listed = JSON.parse(reply('api show calls as json')) as {
      rows: Array<{ uuid: string; b_uuid: string }>;
    };
    const expected = listed.rows.map((row) => [row.uuid, row.b_uuid].filter((uuid) => uuid !== '').sort());
    const tracked = [...state.calls.values()].map((call) => call.legs.map((leg) => leg.uuid).sort());
    expect(tracked.sort()).toEqual(expected.sort());
    const alice = state.channels.get('b6e0fdd7-173f-4614-b71e-68c3eac67587');
    expect(alice).toMatchObject({
      name: 'loopback/9991-a',
      direction: 'outbound',
      callerIdName: 'Outbound Call',
      callerIdNumber: 'default',
      destination: '9991',
      phase: 'answered',
      createdAt: 1795350220 * 1000,
    });
  });

  it('groups legs by call_uuid whatever order the rows come in', () => {
    // The recorded rows, with the 9991-b leg made the B-leg of 9991-a as a bridge would show it.
    const [a, b, ...rest] = rows();
    const bridged = [a!, { ...b!, callUuid: a!.uuid }, ...rest];
    for (const order of [bridged, [...bridged].reverse()]) {
      const state = callStateFromChannels(order);
      const call = state.channels.get(a!.uuid)?.call;
      expect(call?.legs.map((leg) => leg.uuid).sort()).toEqual([a!.uuid, b!.uuid].sort());
      expect(state.calls.size).toBe(5);
      expect(call?.id).toBe(a!.uuid);
      expect(activeCdr(call!, 'nobody', { domain: 'd', now: a!.createdAt + 1500 })).toMatchObject({
        from: '9991',
        to: '9991',
        recipient: '9991',
        duration: 1500,
      });
    }
  });

  it('reads SIP channels: presence gives the user, RINGING/EARLY/HANGUP the phase', () => {
    const [row] = rows();
    const sip: ChannelRow[] = [
      {
        ...row!,
        uuid: 'u1',
        name: 'sofia/internal/1011@127.0.0.1:5092',
        direction: 'inbound',
        presenceId: '1011@127.0.0.1',
        phase: 'early',
      },
      {
        ...row!,
        uuid: 'u2',
        name: 'sofia/internal/1000@127.0.0.1:5070',
        presenceId: '1000@127.0.0.1',
        callUuid: 'u1',
      },
    ];
    const state = callStateFromChannels(sip);
    expect([...state.byUser.keys()].sort()).toEqual(['1000', '1011']);
    expect(state.byUser.get('1000')).toEqual(state.byUser.get('1011'));
    const json = JSON.stringify({
      row_count: 3,
      rows: ['RINGING', 'EARLY', 'HANGUP'].map((callstate, i) => ({
        uuid: `x${i}`,
        callstate,
        created_epoch: '1795350220',
      })),
    });
    const parsed = parseShowChannelsJson(json);
    expect(parsed.ok && parsed.value.map((r) => r.phase)).toEqual(['ringing', 'early', 'hangup']);
  });

  it('reads recording nodes, lock and moderators as conference_xlist writes them', () => {
    // Attributes and the recording_node member as mod_conference's conference_xlist() emits them,
    // spliced into the recorded reply.
    const xml = reply('api conference xml_list')
      .replace('uuid="', 'locked="true" recording="true" uuid="')
      .replace('<is_moderator>false</is_moderator>', '<is_moderator>true</is_moderator>')
      .replace(
        '<members>',
        '<members>\n      <member type="recording_node">\n        <record_path status="paused">/tmp/a%20b.wav</record_path>\n        <join_time type="UNIX-epoch">1795350220</join_time>\n      </member>',
      );
    const parsed = parseConferenceXmlList(xml, { now: NOW });
    expect(parsed.ok).toBe(true);
    const demo = parsed.ok ? parsed.value.conferences.get('demo') : undefined;
    expect(demo?.locked).toBe(true);
    expect(demo?.recordings).toEqual([
      { path: '/tmp/a%20b.wav', startedAt: 1795350220 * 1000, paused: true },
    ]);
    expect(memberCount(demo!)).toBe(3);
    expect([...demo!.members.values()].map((m) => m.moderator)).toEqual([true, false, false]);
    // Without channel facts the user falls back to the caller ID number.
    expect([...demo!.members.values()].map((m) => m.user)).toEqual(['1003', '1002', undefined]);
  });

  it('answers errors, never throws, on replies that are not listings', () => {
    for (const body of [
      '',
      '-ERR Conference nosuch not found\n',
      '{',
      '[]',
      '{"rows":[]}',
      '{"row_count":"x"}',
    ]) {
      expect(parseShowChannelsJson(body).ok).toBe(false);
    }
    expect(parseShowChannelsJson('{"row_count":0}')).toEqual({ ok: true, value: [] });
    const skipped = parseShowChannelsJson('{"row_count":3,"rows":[1,{"uuid":""},{"uuid":"a b"}]}');
    expect(skipped).toEqual({ ok: true, value: [] });
    for (const body of ['', '-ERR Conference nosuch not found\n', '<conferences', '{}']) {
      expect(parseConferenceXmlList(body, { now: NOW }).ok).toBe(false);
    }
    const empty = parseConferenceXmlList('<?xml version="1.0"?>\n<conferences></conferences>\n', {
      now: NOW,
    });
    expect(empty.ok && empty.value.conferences.size).toBe(0);
    const noId = parseConferenceXmlList(
      '<conferences><conference name="x"><members><member type="caller"><id>zero</id></member></members></conference></conferences>',
      { now: NOW },
    );
    expect(noId.ok && noId.value.conferences.get('x')?.members.size).toBe(0);
  });
});

describe('which listed channels a resync dumps', () => {
  it('the recorded loopback -a halves (their -b half is named only by a variable), not the -b halves', () => {
    const listed = rows();
    expect(listed.map((row) => [row.name, needsVariables(row)])).toEqual(
      listed.map((row) => [row.name, row.name?.endsWith('-a') === true]),
    );
    // The initial caller ID survives FreeSWITCH's flip of the -a half's profile.
    const alice = listed.find((row) => row.name === 'loopback/9991-a')!;
    expect([alice.callerIdNumber, alice.initialCallerIdNumber, alice.initialCallerIdName]).toEqual([
      'default',
      '1001',
      'Alice',
    ]);
  });

  it('an originated leg, but neither an inbound call nor a bridged B-leg', () => {
    const row = (over: Partial<ChannelRow>): ChannelRow => ({
      ...rows()[0]!,
      name: 'sofia/internal/200@h',
      ...over,
    });
    expect(needsVariables(row({ uuid: 'a', direction: 'outbound', callUuid: 'a' }))).toBe(true);
    expect(needsVariables(row({ uuid: 'a', direction: 'outbound', callUuid: undefined }))).toBe(true);
    expect(needsVariables(row({ uuid: 'b', direction: 'outbound', callUuid: 'a' }))).toBe(false);
    expect(needsVariables(row({ uuid: 'c', direction: 'inbound', callUuid: undefined }))).toBe(false);
  });
});
