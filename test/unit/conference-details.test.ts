// The pure `conference` details view: field mapping from the live member, who a member is called, and
// its XML/JSON rendering with sipX's element names (members/member).
import { describe, expect, it } from 'vitest';
import { conferenceDetails, memberName, type MemberIdentity } from '../../src/state/conference-details.js';
import { renderJson, renderXml } from '../../src/http/represent.js';
import type { LiveConference, Member } from '../../src/state/conferences.js';

function member(id: number, overrides: Partial<Member> = {}): Member {
  return {
    id,
    uuid: `uuid-${id}`,
    channelName: `sofia/internal/${id}@127.0.0.1`,
    callerIdNumber: '',
    callerIdName: '',
    user: undefined,
    canHear: true,
    canSpeak: true,
    talking: false,
    floor: false,
    moderator: false,
    muteDetect: false,
    volumeIn: 0,
    volumeOut: 0,
    energyLevel: 100,
    joinedAt: 1_795_350_220_000 + id,
    ...overrides,
  };
}

function live(members: Member[], locked = false): LiveConference {
  return {
    name: 'team',
    uuid: 'conf-uuid',
    locked,
    recordings: [],
    members: new Map(members.map((m) => [m.id, m])),
    createdAt: 0,
  };
}

const STORED = { extension: '3000', description: 'Team <weekly> & more' };
const ALICE: MemberIdentity = { userName: '200', imId: 'alice' };

describe('member name', () => {
  it('is the store user when the member is one of ours', () => {
    expect(memberName(member(1, { user: '200', callerIdNumber: '555' }), ALICE)).toBe('200');
  });
  it('else the SIP user FreeSWITCH names, else the caller ID number, else the caller ID name', () => {
    expect(memberName(member(1, { user: 'guest7', callerIdNumber: '555' }), undefined)).toBe('guest7');
    expect(memberName(member(1, { callerIdNumber: '555', callerIdName: 'Eve' }), undefined)).toBe('555');
    expect(memberName(member(1, { callerIdName: 'Eve' }), undefined)).toBe('Eve');
    expect(memberName(member(1), undefined)).toBe('');
  });
});

describe('conference details', () => {
  it('maps every live field (extended), in join order, with the imId of known users only', () => {
    const a = member(31, { user: '200', canSpeak: false, volumeIn: 2, volumeOut: -1, energyLevel: 300 });
    const b = member(29, {
      user: 'stranger',
      callerIdNumber: '1007',
      talking: true,
      moderator: true,
      canHear: false,
    });
    const details = conferenceDetails(
      STORED,
      live([a, b], true),
      (m) => (m.user === '200' ? ALICE : undefined),
      {
        extended: true,
      },
    );
    const sipx = conferenceDetails(STORED, live([a, b], true), (m) => (m.user === '200' ? ALICE : undefined));
    expect(sipx.members.map((m) => Object.keys(m))).toEqual([
      ['id', 'name', 'imId', 'uuid', 'volumeIn', 'volumeOut', 'energyLevel', 'canHear', 'canSpeak'],
      ['id', 'name', 'imId', 'uuid', 'volumeIn', 'volumeOut', 'energyLevel', 'canHear', 'canSpeak'],
    ]);
    expect(sipx.members).toEqual(
      details.members.map(({ talking: _t, moderator: _m, joinTime: _j, ...rest }) => rest),
    );
    expect(details).toEqual({
      extension: '3000',
      description: 'Team <weekly> & more',
      locked: true,
      members: [
        {
          id: 31,
          name: '200',
          imId: 'alice',
          uuid: 'uuid-31',
          volumeIn: 2,
          volumeOut: -1,
          energyLevel: 300,
          canHear: true,
          canSpeak: false,
          talking: false,
          moderator: false,
          joinTime: 1_795_350_220_031,
        },
        {
          id: 29,
          name: 'stranger',
          imId: '',
          uuid: 'uuid-29',
          volumeIn: 0,
          volumeOut: 0,
          energyLevel: 100,
          canHear: false,
          canSpeak: true,
          talking: true,
          moderator: true,
          joinTime: 1_795_350_220_029,
        },
      ],
    });
  });

  it('a user without an IM id shows an empty imId', () => {
    const details = conferenceDetails(STORED, live([member(1, { user: '201' })]), () => ({
      userName: '201',
      imId: undefined,
    }));
    expect(details.members[0]?.imId).toBe('');
  });

  it('renders as sipX clients parse it: conference/members/member, escaped text', () => {
    const details = conferenceDetails(STORED, live([member(1, { user: '200' }), member(2)]), (m) =>
      m.user === '200' ? ALICE : undefined,
    );
    const xml = renderXml('conference', details);
    expect(xml).toContain('<conference><extension>3000</extension>');
    expect(xml).toContain('<description>Team &lt;weekly&gt; &amp; more</description><locked>false</locked>');
    expect(xml.match(/<member>/g)).toHaveLength(2);
    expect(xml).toContain('<member><id>1</id><name>200</name><imId>alice</imId><uuid>uuid-1</uuid>');
    expect(xml).toContain('<canHear>true</canHear><canSpeak>true</canSpeak></member>');
    expect(xml).not.toContain('<talking>');
    const json = JSON.parse(renderJson('conference', details)) as { conference: { members: unknown[] } };
    expect(json.conference.members).toHaveLength(2);
    expect(json.conference.members[0]).toMatchObject({ id: 1, name: '200', imId: 'alice', canSpeak: true });
  });
});
