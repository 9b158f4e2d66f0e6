// Every conference setting end to end: PUT /my/conferences/{name} → a simulated caller dials the
// extension → the simulator fetches the dialplan and the profile from the daemon's fsconfig listener
// (as mod_xml_curl does) → the member joins muted / as moderator / is refused / waits / the conference
// ends with its owner; what FreeSWITCH can change live reaches a running conference at once.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExtendedMemberDetails } from '../../src/state/conference-details.js';
import { CONFERENCES } from '../helpers/http.js';
import {
  FSCONFIG_SECRET,
  liveMembers,
  putSettings,
  startFsconfigHarness,
  type FsconfigHarness,
} from '../helpers/fsconfig-harness.js';

const CONF = CONFERENCES.owned; // alice-conf, ext 3000, owner 200, delegate 201, PIN 482915, mod PIN 771133
const GUEST = '202';

let h: FsconfigHarness;
beforeEach(async () => {
  h = await startFsconfigHarness();
});
afterEach(async () => {
  await h.close();
});

const put = (settings: Record<string, unknown>): Promise<void> => putSettings(h, CONF.name, settings);

const members = (): Promise<ExtendedMemberDetails[]> => liveMembers(h, CONF.name);

/** `from` dials the conference (keying `keys` at a PIN prompt); resolves when the call is settled. */
async function dial(from: string, keys?: string): Promise<{ uuid: string; joined: boolean }> {
  h.xmlCurl.keys(from, keys);
  const before = (await members()).length;
  const uuid = h.sim.fs.inboundCall({ from, to: CONF.extension });
  let joined = false;
  await h.eventually(async () => {
    if ((await members()).some((m) => m.uuid === uuid)) return (joined = true);
    return !h.sim.fs.snapshot().channels.includes(uuid); // refused: FreeSWITCH hung the call up
  }, 4000);
  if (joined) await h.eventually(async () => (await members()).length === before + 1);
  return { uuid, joined };
}

const member = async (uuid: string) => (await members()).find((m) => m.uuid === uuid)!;
const simConference = (args: string) => h.sim.fs.execute('conference', `${CONF.name} ${args}`);

describe('participant PIN (accessCode)', () => {
  it('guests must key it; the owner and delegates are let in without it', async () => {
    expect((await dial(GUEST)).joined).toBe(false);
    expect((await dial(GUEST, '000000')).joined).toBe(false);
    const owner = await dial('200');
    expect(owner.joined).toBe(true);
    expect(await member(owner.uuid)).toMatchObject({ name: '200', moderator: true, canSpeak: true });
    const delegate = await dial('201');
    expect(await member(delegate.uuid)).toMatchObject({ name: '201', moderator: true });
    const guest = await dial(GUEST, CONF.accessCode);
    expect(await member(guest.uuid)).toMatchObject({ name: GUEST, moderator: false, canSpeak: true });
  });

  it('a new PIN applies to the next caller and to the running conference; removing it opens the room', async () => {
    await dial('200');
    await put({ accessCode: '1111' });
    expect(h.sim.server.received.map((r) => r.line)).toContain(`api conference ${CONF.name} pin 1111`);
    expect((await dial(GUEST, CONF.accessCode)).joined).toBe(false);
    expect((await dial(GUEST, '1111')).joined).toBe(true);
    await put({ accessCode: '' });
    expect(h.sim.server.received.map((r) => r.line)).toContain(`api conference ${CONF.name} nopin`);
    expect((await dial(GUEST)).joined).toBe(true);
  });
});

describe('moderator PIN', () => {
  it('keyed at the PIN prompt it admits a moderator; a new one replaces it for the next caller', async () => {
    const guest = await dial(GUEST, CONF.moderatorPin);
    expect(await member(guest.uuid)).toMatchObject({ moderator: true });
    await put({ moderatorPin: '135790' });
    expect((await dial(GUEST, CONF.moderatorPin)).joined).toBe(false);
    const next = await dial(GUEST, '135790');
    expect(await member(next.uuid)).toMatchObject({ moderator: true });
    const plain = await dial(GUEST, CONF.accessCode);
    expect(await member(plain.uuid)).toMatchObject({ moderator: false });
  });
});

describe('mute on entry', () => {
  it('guests join muted, hosts do not; turning it off un-mutes the next guest of the running conference', async () => {
    await put({ muteOnEntry: true, accessCode: '' });
    const guest = await dial(GUEST);
    expect(await member(guest.uuid)).toMatchObject({ canSpeak: false, moderator: false });
    const owner = await dial('200');
    expect(await member(owner.uuid)).toMatchObject({ canSpeak: true, moderator: true });
    await put({ muteOnEntry: false });
    const next = await dial(GUEST);
    expect(await member(next.uuid)).toMatchObject({ canSpeak: true });
  });
});

describe('max members', () => {
  it('refuses the caller over the limit, set before the conference starts', async () => {
    await put({ maxMembers: 2, accessCode: '' });
    expect((await dial('200')).joined).toBe(true);
    expect((await dial(GUEST)).joined).toBe(true);
    expect((await dial(GUEST)).joined).toBe(false);
    expect((await dial('201')).joined).toBe(false); // hosts too: FreeSWITCH checks it for everyone
    expect(await members()).toHaveLength(2);
  });

  it('a change reaches the running conference at once', async () => {
    await put({ accessCode: '' });
    await dial('200');
    await dial(GUEST);
    await put({ maxMembers: 2 });
    expect(await simConference('get max_members')).toBe('2');
    expect((await dial(GUEST)).joined).toBe(false);
    await put({ maxMembers: 0 });
    expect((await dial(GUEST)).joined).toBe(true);
  });
});

describe('owner required', () => {
  it('guests wait until a moderator (the owner) joins', async () => {
    await put({ ownerRequired: true, accessCode: '' });
    await dial(GUEST);
    expect(await simConference('get wait_mod')).toBe('true');
    await dial('200');
    expect(await simConference('get wait_mod')).toBe('');
  });

  it('without quick start the conference waits as well', async () => {
    await put({ quickstart: false, accessCode: '' });
    await dial(GUEST);
    expect(await simConference('get wait_mod')).toBe('true');
  });
});

describe('end on owner exit', () => {
  it('the conference ends when the owner leaves, and only the owner', async () => {
    await put({ endOnOwnerExit: true, accessCode: '' });
    const owner = await dial('200');
    const delegate = await dial('201');
    const guest = await dial(GUEST);
    h.sim.fs.hangup(delegate.uuid);
    await h.eventually(async () => (await members()).length === 2);
    h.sim.fs.hangup(owner.uuid);
    await h.eventually(async () => (await members()).length === 0);
    await h.eventually(() => !h.sim.fs.snapshot().channels.includes(guest.uuid));
  });

  it('off: the others stay when the owner leaves', async () => {
    await put({ accessCode: '' });
    const owner = await dial('200');
    const guest = await dial(GUEST);
    h.sim.fs.hangup(owner.uuid);
    // FreeSWITCH ends a conference in the same step as the owner's exit: the guest is still in
    expect(h.sim.fs.snapshot().channels).toContain(guest.uuid);
    await h.eventually(async () => (await members()).length === 1);
    // events arrive in order: once a later caller is seen, an end would have been seen before it
    const later = await dial('201');
    expect((await members()).map((m) => m.uuid).sort()).toEqual([guest.uuid, later.uuid].sort());
  });
});

describe('enabled', () => {
  it('disabling locks the running room and refuses its number, even to hosts', async () => {
    await put({ accessCode: '' });
    await dial('200');
    await put({ enabled: false });
    expect(h.sim.server.received.map((r) => r.line)).toContain(`api conference ${CONF.name} lock`);
    await h.eventually(async () => {
      const res = await h.request('GET', `/my/conferencedetails/${CONF.name}`, { as: 'owner' });
      return ((await res.json()) as { conference: { locked: boolean } }).conference.locked;
    });
    // the number is refused outright while disabled
    expect((await dial(GUEST)).joined).toBe(false);
    expect((await dial('201')).joined).toBe(false);
    await put({ enabled: true });
    expect(h.sim.server.received.map((r) => r.line)).toContain(`api conference ${CONF.name} unlock`);
    expect((await dial(GUEST)).joined).toBe(true);
  });
});

describe('what FreeSWITCH fetches', () => {
  /** A conference.conf lookup exactly as mod_conference's join makes it. */
  async function profile(): Promise<string> {
    const body = [
      `hostname=fs1&section=configuration&tag_name=configuration&key_name=name&key_value=conference.conf`,
      `Event-Name=COMMAND&conference_name=${CONF.name}&profile_name=default`,
    ].join('&');
    const res = await fetch(h.daemon.fsconfigUrl!, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`freeswitch:${FSCONFIG_SECRET}`).toString('base64')}`,
      },
      body,
    });
    expect(res.status).toBe(200);
    return res.text();
  }

  it('music on hold, recording and entry/exit tones are in the profile a new conference starts with', async () => {
    expect(await profile()).toContain('<param name="moh-sound" value="$${hold_music}"/>');
    expect(await profile()).toContain('<param name="enter-sound"');
    await put({ moh: 'NONE', autorecorded: true, attendeeNotification: 'none' });
    const xml = await profile();
    expect(xml).toContain('<param name="moh-sound" value="silence"/>');
    expect(xml).toContain(
      `<param name="auto-record" value="${h.config.recordingsDir}/\${conference_name}_\${strftime(%Y-%m-%d-%H-%M-%S)}.wav"/>`,
    );
    expect(xml).not.toContain('enter-sound');
    expect(xml).not.toContain('exit-sound');
  });

  it('the simulator fetched the dialplan, the profile and the keypad for a join, and nothing else was ours', async () => {
    await put({ accessCode: '' });
    await dial(GUEST);
    const ours = h.xmlCurl.fetches.filter((f) => f.used).map((f) => `${f.section} ${f.keyValue}`.trim());
    // the dialplan, the profile (conference_function), the keypad (conference_member_bind_controls)
    expect(ours).toEqual(['dialplan', 'configuration conference.conf', 'configuration conference.conf']);
    expect(h.xmlCurl.fetches.every((f) => f.status === 200)).toBe(true);
  });
});
