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

const hunt = (dest: string, user: string, context = 'default') =>
  huntDialplan(section, context, (field) =>
    field === 'destination_number' ? dest : field === '${sip_auth_username}' ? user : '',
  ).map((s) => `${s.application} ${s.data}`.trim());

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
    expect(hunt('3000', '202')).toEqual(['answer', 'conference alice-conf@default+482915+flags{mute}']);
    expect(hunt('3000', '')).toEqual(['answer', 'conference alice-conf@default+482915+flags{mute}']);
  });

  it('another number or context finds nothing', () => {
    expect(hunt('3001', '200')).toEqual([]);
    expect(hunt('3000', '200', 'public')).toEqual([]);
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
  it('reads max members, mute, wait-mod as mod_conference does', () => {
    const base = { name: 'a', owner: '200', extension: '1' };
    expect(policy(base)).toEqual({});
    expect(policy({ ...base, maxMembers: 4, muteOnEntry: true, ownerRequired: true })).toEqual({
      maxMembers: 4,
      muteOnEntry: true,
      ownerRequired: true,
    });
  });
});
