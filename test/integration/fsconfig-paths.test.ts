// Every way into a conference and to a user, end to end through the simulator's mod_xml_curl and the
// daemon's answers (issue 11): legs FreeSWITCH originates (click-to-call, invite) meet the PIN and the
// lock like calls coming in; hosts are moderators and unmuted however they come; a PIN keyed with `#`
// does not hang the caller up; a moderator-PIN guest ends up unmuted; users call each other by name.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExtendedMemberDetails } from '../../src/state/conference-details.js';
import type { SimEvent } from '../../src/sim/types.js';
import { CONFERENCES, TEST_DOMAIN } from '../helpers/http.js';
import {
  liveMembers,
  putSettings,
  startFsconfigHarness,
  type FsconfigHarness,
} from '../helpers/fsconfig-harness.js';

const CONF = CONFERENCES.owned; // alice-conf, ext 3000, owner 200, delegate 201, PIN 482915, mod PIN 771133
const GUEST = '202';

let h: FsconfigHarness;
let events: SimEvent[];
beforeEach(async () => {
  h = await startFsconfigHarness();
  events = [];
  const publish = h.sim.server.publish.bind(h.sim.server);
  h.sim.server.publish = (e) => {
    events.push(e);
    publish(e);
  };
});
afterEach(async () => {
  await h.close();
});

const header = (e: SimEvent, name: string) => e.headers.find(([n]) => n === name)?.[1];
const sent = () => h.sim.server.received.map((r) => r.line);

const put = (settings: Record<string, unknown>): Promise<void> => putSettings(h, CONF.name, settings);

const members = (): Promise<ExtendedMemberDetails[]> => liveMembers(h, CONF.name);

/** The member whose name (caller id number) is `name`, once the daemon shows it. */
async function memberNamed(name: string): Promise<ExtendedMemberDetails> {
  let found: ExtendedMemberDetails | undefined;
  await h.eventually(
    async () => (found = (await members()).find((m) => m.name === name)) !== undefined,
    4000,
  );
  return found!;
}

/** Whether channel `uuid` ended, with which cause. */
function hangupCause(uuid: string): string | undefined {
  const e = events.find(
    (ev) => header(ev, 'Event-Name') === 'CHANNEL_HANGUP' && header(ev, 'Unique-ID') === uuid,
  );
  return e && header(e, 'Hangup-Cause');
}

/** `user` phones in from their SIP phone (digest-authenticated in the simulator). */
async function phoneIn(from: string, keys?: string | string[]): Promise<string> {
  h.xmlCurl.keys(from, keys);
  return h.sim.fs.inboundCall({ from, to: CONF.extension });
}

describe('click-to-call into a conference (an outbound leg)', () => {
  async function clickToCall(as: 'other' | 'owner'): Promise<string> {
    const res = await h.request('PUT', `/my/call/${CONF.extension}`, { as });
    expect(res.status).toBe(200);
    return ((await res.json()) as { call: { uuid: string } }).call.uuid;
  }

  it('a guest is asked for the PIN: no PIN, no entry; the right one lets it in muted if so set', async () => {
    await put({ muteOnEntry: true });
    h.xmlCurl.keys(GUEST, undefined);
    const refused = await clickToCall('other');
    await h.eventually(() => hangupCause(refused) !== undefined, 4000);
    expect(await members()).toEqual([]);
    h.xmlCurl.keys(GUEST, CONF.accessCode);
    await clickToCall('other');
    expect(await memberNamed(GUEST)).toMatchObject({ moderator: false, canSpeak: false });
  });

  it('a guest meets the lock even with the right PIN', async () => {
    await phoneIn('200');
    await memberNamed('200');
    await h.sim.fs.execute('conference', `${CONF.name} lock`);
    h.xmlCurl.keys(GUEST, CONF.accessCode);
    const refused = await clickToCall('other');
    await h.eventually(() => hangupCause(refused) !== undefined, 4000);
    expect((await members()).map((m) => m.name)).toEqual(['200']);
  });

  it('a leg the daemon placed for the owner (fsconfd_user) joins as moderator, unmuted, without the PIN', async () => {
    // the originate click-to-call sends (domain/click-to-call.ts): the user's own phone first, with
    // fsconfd_user; on answer it runs the extension. The owner keys nothing.
    await put({ muteOnEntry: true, endOnOwnerExit: true });
    h.xmlCurl.keys('200', undefined);
    const reply = await h.sim.fs.execute(
      'originate',
      `{fsconfd_user=200,fsconfd_target=${CONF.extension},origination_caller_id_number=${CONF.extension}}user/200@${TEST_DOMAIN} ${CONF.extension} XML default`,
    );
    expect(reply).toMatch(/^\+OK /);
    expect(await memberNamed('200')).toMatchObject({ moderator: true, canSpeak: true });
    const dialplanFetch = h.xmlCurl.fetches.filter((f) => f.section === 'dialplan');
    expect(dialplanFetch.length).toBeGreaterThan(0);
  });
});

describe('invite and dial (legs the conference places)', () => {
  it('an invited owner or delegate is a moderator and unmuted; an invited guest gets mute on entry', async () => {
    await put({ muteOnEntry: true });
    for (const user of ['201', GUEST]) {
      const res = await h.request('PUT', `/my/conference/${CONF.name}/invite&${user}`, { as: 'owner' });
      expect(res.status).toBe(200);
    }
    expect(await memberNamed('201')).toMatchObject({ moderator: true, canSpeak: true });
    expect(await memberNamed(GUEST)).toMatchObject({ moderator: false, canSpeak: false });
    // (the second may still name the profile: the daemon may not have seen the conference start yet)
    const bgdials = sent()
      .filter((l) => l.includes(' bgdial '))
      .map((l) => l.replace(`${CONF.name}@default`, CONF.name));
    expect(bgdials).toEqual([
      `api conference ${CONF.name} bgdial {outcall_flags=moderator,fsconfd_user=200}user/201@${TEST_DOMAIN} 3000 Alice_weekly`,
      `api conference ${CONF.name} bgdial {outcall_flags=mute,fsconfd_user=200}user/202@${TEST_DOMAIN} 3000 Alice_weekly`,
    ]);
  });
});

describe('a PIN keyed with # (caller controls)', () => {
  it('the caller stays in: the daemon answers its keypad, which has no hang-up on #', async () => {
    await phoneIn(GUEST, `${CONF.accessCode}#`);
    expect(await memberNamed(GUEST)).toMatchObject({ moderator: false });
    await h.eventually(() => h.xmlCurl.fetches.some((f) => f.section === 'configuration' && f.used), 4000);
    // the keypad was fetched and bound, and the # reached it: still in, call up
    await h.eventually(
      () => h.xmlCurl.fetches.filter((f) => f.section === 'configuration' && f.used).length === 2,
      4000,
    );
    expect((await members()).map((m) => m.name)).toEqual([GUEST]);
  });

  it('0 toggles mute on the daemon keypad', async () => {
    await put({ muteOnEntry: true });
    await phoneIn(GUEST, `${CONF.accessCode}0`);
    await h.eventually(async () => (await members()).some((m) => m.name === GUEST && m.canSpeak), 4000);
  });
});

describe('moderator PIN', () => {
  it('a guest keying it joins as moderator and is unmuted even with mute on entry', async () => {
    await put({ muteOnEntry: true });
    await phoneIn(GUEST, CONF.moderatorPin);
    await h.eventually(async () => {
      const m = (await members()).find((x) => x.name === GUEST);
      return m !== undefined && m.moderator && m.canSpeak;
    }, 4000);
    expect(sent().some((l) => /^api conference alice-conf unmute \d+ quiet$/.test(l))).toBe(true);
    // a plain guest stays muted
    await phoneIn('555', CONF.accessCode);
    expect(await memberNamed('555')).toMatchObject({ moderator: false, canSpeak: false });
  });
});

describe('calls to users', () => {
  it('a phone calls another user by name: the daemon rings it', async () => {
    const uuid = h.sim.fs.inboundCall({ from: '200', to: '201' });
    await h.eventually(
      () =>
        events.some(
          (e) =>
            header(e, 'Event-Name') === 'CHANNEL_BRIDGE' &&
            header(e, 'Unique-ID') === uuid &&
            (header(e, 'Other-Leg-Channel-Name') ?? '').startsWith('sofia/internal/201@'),
        ),
      4000,
    );
    expect(h.xmlCurl.fetches.some((f) => f.section === 'dialplan' && f.used)).toBe(true);
  });

  it('busy and not registered end the call with that cause', async () => {
    h.sim.fs.setReachability('127.0.0.1:5201', { kind: 'busy', afterMs: 10 });
    const busy = h.sim.fs.inboundCall({ from: '200', to: '201' });
    await h.eventually(() => hangupCause(busy) !== undefined, 4000);
    expect(hangupCause(busy)).toBe('USER_BUSY');
    h.sim.fs.setUser('201', {});
    const away = h.sim.fs.inboundCall({ from: '200', to: '201' });
    await h.eventually(() => hangupCause(away) !== undefined, 4000);
    expect(hangupCause(away)).toBe('USER_NOT_REGISTERED');
  });

  it('a name the daemon does not own is left to the stock dialplan', async () => {
    const uuid = h.sim.fs.inboundCall({ from: '200', to: '7777' });
    await h.eventually(() => hangupCause(uuid) !== undefined, 4000);
    expect(hangupCause(uuid)).toBe('NO_ROUTE_DESTINATION');
  });
});
