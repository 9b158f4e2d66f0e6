// The daemon's answers to the requests a real FreeSWITCH 1.11.2 made (second recorded set,
// xml-curl-requests.jsonl), replayed byte for byte, and hunted over the recorded channels' own
// variables the way mod_dialplan_xml does: who is recognised, who meets the PIN and the lock.
import { describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import { newUser, type User } from '../../src/domain/users.js';
import { answerFetch, type AnswerOptions } from '../../src/fsconfig/answer.js';
import { CALLER_CONTROLS_GROUP } from '../../src/fsconfig/caller-controls.js';
import { parseFetchRequest } from '../../src/fsconfig/fetch-request.js';
import { huntDialplan, type DialplanStep } from '../../src/sim/dialplan-hunt.js';
import { enforcesSecurity } from '../../src/sim/xml-curl.js';
import { findChild, parseXmlTree } from '../../src/sim/xml-tree.js';
import type { Store } from '../../src/store/store.js';
import {
  recorded,
  recordedChannelReader,
  recordedHunt,
  type RecordedFetch,
} from '../helpers/xml-curl-recording.js';

// The lab's conference (README "Second set", scenario b) and its users.
const CPIN = newConference({
  name: 'cpin',
  extension: '3201',
  owner: '2100',
  delegates: ['2101'],
  accessCode: '4321',
  moderatorPin: '9999',
  muteOnEntry: true,
  endOnOwnerExit: true,
});
const OPTIONS: AnswerOptions = {
  fsDomain: '127.0.0.1',
  dialplanContext: 'default',
  conferenceProfile: 'default',
  recordingsDir: '/var/lib/freeswitch/recordings',
};
const users: Promise<User[]> = Promise.all(
  ['2100', '2101', '2102'].map((userName) =>
    newUser(
      { userName, password: 'portal-password-1', sipPassword: `Sip${userName}pass` },
      { sipDomain: '127.0.0.1', scrypt: { N: 1024, r: 8, p: 1 } },
    ),
  ),
);

async function answer(rawBody: string) {
  const parsed = parseFetchRequest(rawBody);
  if (!parsed.ok) throw new Error(parsed.error);
  const all = await users;
  const store = {
    getUser: (name: string) => Promise.resolve(all.find((u) => u.userName === name)),
    getConference: (name: string) => Promise.resolve(name === CPIN.name ? CPIN : undefined),
    findConferenceByExtension: (ext: string) => Promise.resolve(ext === CPIN.extension ? CPIN : undefined),
  } as unknown as Store;
  return answerFetch(parsed.request, store, OPTIONS);
}

/** What the recorded channel runs with `xml` as the dialplan, `extra` variables set on it. */
function hunt(xml: string, fetch: RecordedFetch, extra: Record<string, string> = {}): DialplanStep[] {
  const section = findChild(parseXmlTree(xml), 'section', 'name', 'dialplan');
  if (section === undefined) return [];
  return huntDialplan(section, 'default', recordedChannelReader(fetch.form, extra));
}

const lines = (steps: DialplanStep[]) => steps.map((s) => `${s.application} ${s.data}`.trim());
const setting = (steps: DialplanStep[], name: string) =>
  steps.find((s) => s.application === 'set' && s.data.startsWith(`${name}=`))?.data.slice(name.length + 1);

const OWNER = [
  'set conference_enforce_security=false',
  'answer',
  'conference cpin@default+flags{moderator|endconf}',
];
const DELEGATE = [
  'set conference_enforce_security=false',
  'answer',
  'conference cpin@default+flags{moderator}',
];
const GUEST = [
  'set conference_enforce_security=true',
  'set conference_moderator_pin=9999',
  'answer',
  'conference cpin@default+4321+flags{mute}',
];

describe('click-to-call legs (outbound, never digest-authenticated)', () => {
  // 2100 and 2102 placed `/my/call/3201`: their own phone's leg runs 3201 XML default
  const ownerLeg = recordedHunt('3201', /^sofia\/internal\/2100@/).find(
    (r) => r.form['Call-Direction'] === 'outbound',
  )!;
  const guestLeg = recordedHunt('3201', /^sofia\/internal\/2102@/)[0]!;

  it('the recording: no sip_auth_username, and the answer then let the guest past PIN and lock', () => {
    for (const leg of [ownerLeg, guestLeg]) {
      expect(leg.form['Call-Direction']).toBe('outbound');
      expect(leg.form['variable_sip_auth_username']).toBeUndefined();
    }
    // what FreeSWITCH ran with the daemon's answer of the time: the guest branch, and no
    // conference_enforce_security, so mod_conference skipped the PIN (outbound leg)
    const then = hunt(guestLeg.answer, guestLeg);
    expect(lines(then).at(-1)).toBe('conference cpin@default+4321+flags{mute}');
    expect(enforcesSecurity('outbound', setting(then, 'conference_enforce_security'))).toBe(false);
    // and the owner's own click-to-call landed as a muted guest
    expect(lines(hunt(ownerLeg.answer, ownerLeg)).at(-1)).toBe('conference cpin@default+4321+flags{mute}');
  });

  it('now: the owner is recognised by fsconfd_user, the guest meets the PIN and the lock', async () => {
    const owner = hunt((await answer(ownerLeg.raw_body)).xml, ownerLeg, { fsconfd_user: '2100' });
    expect(lines(owner)).toEqual(OWNER);
    const guest = hunt((await answer(guestLeg.raw_body)).xml, guestLeg, { fsconfd_user: '2102' });
    expect(lines(guest)).toEqual(GUEST);
    expect(enforcesSecurity('outbound', setting(guest, 'conference_enforce_security'))).toBe(true);
    // a leg the daemon did not mark is a guest too
    expect(lines(hunt((await answer(ownerLeg.raw_body)).xml, ownerLeg))).toEqual(GUEST);
  });
});

describe('SIP and loopback callers', () => {
  it('phones that logged in as the owner or the delegate are hosts; loopback callers are guests', async () => {
    const ownerPhone = recordedHunt('3201', /^sofia\/internal\/2100@127\.0\.0\.1$/)[0]!;
    expect(ownerPhone.form['variable_sip_auth_username']).toBe('2100');
    expect(lines(hunt((await answer(ownerPhone.raw_body)).xml, ownerPhone))).toEqual(OWNER);
    const delegatePhone = recordedHunt('3201', /^sofia\/internal\/2101@127\.0\.0\.1$/)[0]!;
    expect(lines(hunt((await answer(delegatePhone.raw_body)).xml, delegatePhone))).toEqual(DELEGATE);
    const loopback = recordedHunt('3201', /^loopback\/3201-b$/)[0]!;
    expect(loopback.form['Call-Direction']).toBe('inbound');
    const steps = hunt((await answer(loopback.raw_body)).xml, loopback);
    expect(lines(steps)).toEqual(GUEST);
    expect(enforcesSecurity('inbound', setting(steps, 'conference_enforce_security'))).toBe(true);
  });
});

describe('calls to users', () => {
  it('a click-to-call to user 2101 rings 2101; one to a stock user falls through', async () => {
    const toUser = recordedHunt('2101', /^sofia\/internal\/2100@/)[0]!;
    expect(toUser.answer).toContain('<result status="not found"/>'); // the bug: it never rang
    const now = await answer(toUser.raw_body);
    expect(now).toMatchObject({ found: true, kind: 'user-dialplan', subject: '2101' });
    expect(lines(hunt(now.xml, toUser))).toEqual([
      'set ringback=${us-ring}',
      'set call_timeout=30',
      'set hangup_after_bridge=true',
      'set continue_on_fail=true',
      'bridge user/2101@127.0.0.1',
      'hangup ${originate_failed_cause}',
    ]);
    const toStock = recordedHunt('1000', /^sofia\/internal\/2100@/)[0]!;
    expect((await answer(toStock.raw_body)).found).toBe(false);
  });
});

describe('conference.conf', () => {
  it('a join gets the profile naming our keypad, with no member flags', async () => {
    const join = recorded(
      (r) =>
        r.form['Event-Calling-Function'] === 'conference_function' && r.form['conference_name'] === 'cpin',
    )[0]!;
    const a = await answer(join.raw_body);
    expect(a).toMatchObject({ found: true, kind: 'conference-profile', subject: 'cpin' });
    expect(a.xml).toContain(`<param name="caller-controls" value="${CALLER_CONTROLS_GROUP}"/>`);
    expect(a.xml).not.toContain('member-flags');
  });

  it('the caller-controls lookup: the stock group falls through, ours is answered', async () => {
    const lookup = recorded(
      (r) => r.form['Action'] === 'request-controls' && r.form['Conf-Name'] === 'cpin',
    )[0]!;
    expect(lookup.form['Event-Calling-Function']).toBe('conference_member_bind_controls');
    expect(lookup.form['Controls']).toBe('default'); // the profile named no group then
    expect((await answer(lookup.raw_body)).found).toBe(false);
    // with the profile naming ours, FreeSWITCH asks for it by name
    const ours = await answer(
      lookup.raw_body.replace('Controls=default', `Controls=${CALLER_CONTROLS_GROUP}`),
    );
    expect(ours).toMatchObject({ found: true, kind: 'caller-controls' });
    expect(ours.xml).toContain('<control action="mute" digits="0"/>');
    expect(ours.xml).not.toContain('digits="#"');
  });
});
