// The simulator's mod_dialplan_xml and mod_conference readers over what the daemon answers.
import { describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import { conferenceConfigurationDocument } from '../../src/fsconfig/conference-profile.js';
import { dialplanDocument } from '../../src/fsconfig/dialplan.js';
import { conferencePolicyFromProfile } from '../../src/sim/conference-profile-policy.js';
import { huntDialplan, runExtension } from '../../src/sim/dialplan-hunt.js';
import { findChild, parseXmlTree } from '../../src/sim/xml-tree.js';

const conf = newConference({
  name: 'alice-conf',
  owner: '200',
  extension: '3000',
  accessCode: '482915',
  muteOnEntry: true,
  endOnOwnerExit: true,
  delegates: ['201'],
});
const section = findChild(
  parseXmlTree(dialplanDocument(conf, { context: 'default', profile: 'default' })),
  'section',
)!;

const hunt = (dest: string, user: string, context = 'default', placedBy = '') =>
  huntDialplan(section, context, (field) =>
    field === 'destination_number'
      ? dest
      : field === '${sip_auth_username}'
        ? user
        : field === '${fsconfd_user}'
          ? placedBy
          : '',
  ).map((s) => `${s.application} ${s.data}`.trim());

const GUEST = [
  'set conference_enforce_security=true',
  'answer',
  'conference alice-conf@default+482915+flags{mute}',
];

describe('huntDialplan over the daemon dialplan', () => {
  it('owner, delegate, guest, unauthenticated', () => {
    expect(hunt('3000', '200')).toEqual([
      'set conference_enforce_security=false',
      'answer',
      'conference alice-conf@default+flags{moderator|endconf}',
    ]);
    expect(hunt('3000', '201')).toEqual([
      'set conference_enforce_security=false',
      'answer',
      'conference alice-conf@default+flags{moderator}',
    ]);
    expect(hunt('3000', '202')).toEqual(GUEST);
    expect(hunt('3000', '')).toEqual(GUEST);
  });

  it('a leg the daemon placed for a host (fsconfd_user) is the host, whatever else it says', () => {
    expect(hunt('3000', '', 'default', '200').at(-1)).toBe(
      'conference alice-conf@default+flags{moderator|endconf}',
    );
    expect(hunt('3000', '', 'default', '201').at(-1)).toBe('conference alice-conf@default+flags{moderator}');
    expect(hunt('3000', '', 'default', '202')).toEqual(GUEST);
    expect(hunt('3000', '202', 'default', '200').at(-1)).toBe(
      'conference alice-conf@default+flags{moderator|endconf}',
    );
  });

  it('another number or context finds nothing', () => {
    expect(hunt('3001', '200')).toEqual([]);
    expect(hunt('3000', '200', 'public')).toEqual([]);
  });
});

describe('regex="any|all|xor" conditions (parse_exten)', () => {
  const cond = (rule: string) =>
    parseXmlTree(`<extension name="x"><condition regex="${rule}">
      <regex field="a" expression="^1$"/><regex field="b" expression="^1$"/>
      <action application="yes"/><anti-action application="no"/></condition></extension>`)!;
  const run = (rule: string, a: string, b: string) =>
    runExtension(cond(rule), (f) => (f === 'a' ? a : f === 'b' ? b : '')).map((s) => s.application);
  it('any: one passing is enough; all: every one; xor: exactly one', () => {
    expect([run('any', '1', '0'), run('any', '0', '1'), run('any', '0', '0')]).toEqual([
      ['yes'],
      ['yes'],
      ['no'],
    ]);
    expect([run('all', '1', '1'), run('all', '1', '0')]).toEqual([['yes'], ['no']]);
    expect([run('xor', '1', '0'), run('xor', '1', '1')]).toEqual([['yes'], ['no']]);
  });
});

describe('runExtension break rules', () => {
  const ext = (xml: string) => parseXmlTree(xml)!;
  const read = (v: Record<string, string>) => (field: string) => v[field] ?? '';
  it('on-false stops at a failing condition; never goes on; anti-actions run on failure', () => {
    const e = ext(`<extension name="x">
      <condition field="a" expression="^1$" break="never"><action application="one"/><anti-action application="not-one"/></condition>
      <condition field="b" expression="^2$"><action application="two"/></condition>
      <condition field="c" expression="^3$"><action application="three"/></condition>
    </extension>`);
    expect(runExtension(e, read({ a: '1', b: '2', c: '3' })).map((s) => s.application)).toEqual([
      'one',
      'two',
      'three',
    ]);
    expect(runExtension(e, read({ a: '0', b: '0', c: '3' })).map((s) => s.application)).toEqual(['not-one']);
  });
});

describe('conferencePolicyFromProfile', () => {
  const policy = (over: Parameters<typeof newConference>[0]) => {
    const xml = conferenceConfigurationDocument(newConference(over), 'default', { recordingsDir: '/rec' });
    const profile = findChild(
      findChild(findChild(findChild(parseXmlTree(xml), 'section'), 'configuration'), 'profiles'),
      'profile',
    )!;
    return conferencePolicyFromProfile(profile);
  };
  it('reads max members, wait-mod and the caller-controls group as mod_conference does', () => {
    const base = { name: 'a', owner: '200', extension: '1' };
    expect(policy(base)).toEqual({ callerControls: 'fsconfd' });
    // mute on entry is not in the profile any more: it goes with each join
    expect(policy({ ...base, maxMembers: 4, muteOnEntry: true, ownerRequired: true })).toEqual({
      maxMembers: 4,
      ownerRequired: true,
      callerControls: 'fsconfd',
    });
  });
});
