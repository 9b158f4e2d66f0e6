// Joining a daemon conference on a real FreeSWITCH, every way a user does: guests by extension with the
// participant PIN (wrong, right, followed by `#`) or the moderator PIN, the owner and a delegate from
// their registered phones, an invited delegate, click-to-call into the room; and the settings of
// freeswitch/README.md's table at join time and live. FreeSWITCH's `json_list` is the judge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startLiveHarness, type LiveHarness } from './live-harness.js';
import { dial, phone, stopAll } from './sipp.js';
import {
  callers,
  createConference,
  createUser,
  fsChannelUuids,
  fsConference,
  loopbackCaller,
  registerPhone,
  sipPort,
  sleep,
  type FsMember,
  type LiveUser,
} from './world.js';

let h: LiveHarness;
let owner: LiveUser;
let delegate: LiveUser;
let outsider: LiveUser;
let conf: { name: string; extension: string };
let delegatePort = 0;
let outsiderPort = 0;
let ownerPort = 0;

const PIN = '4321';
const MOD_PIN = '9999';

beforeAll(async () => {
  h = await startLiveHarness();
  owner = await createUser(h);
  delegate = await createUser(h);
  outsider = await createUser(h);
  conf = await createConference(h, owner, {
    accessCode: PIN,
    moderatorPin: MOD_PIN,
    muteOnEntry: true,
    endOnOwnerExit: true,
    delegates: [delegate.user],
  });
  ownerPort = await registerPhone(owner);
  delegatePort = await registerPhone(delegate);
  outsiderPort = await registerPhone(outsider);
});

afterAll(async () => {
  await h?.api(`conference ${conf?.name} hup all`).catch(() => undefined);
  await h?.api('hupall NORMAL_CLEARING').catch(() => undefined);
  await stopAll();
  await h?.close();
});

async function members(): Promise<FsMember[]> {
  return callers(await fsConference(h, conf.name));
}

/** The member whose channel is `uuid`'s loopback partner, or whose caller id number is `number`. */
async function memberByNumber(number: string): Promise<FsMember | undefined> {
  return (await members()).find((m) => m.caller_id_number === number);
}

async function keys(uuid: string, digits: string): Promise<void> {
  expect(await h.api(`uuid_send_dtmf ${uuid} ${digits}`)).toMatch(/^\+OK/);
}

async function alive(uuid: string): Promise<boolean> {
  return (await h.api(`uuid_exists ${uuid}`)).trim() === 'true';
}

describe('joining by extension', () => {
  it('a guest who keys a wrong PIN is asked again and joins with the right one, muted (mute on entry)', async () => {
    const guest = await loopbackCaller(h, conf.extension, { number: '5101', name: 'Guest' });
    await sleep(1500);
    await keys(guest, '1111');
    await sleep(2000);
    expect(await memberByNumber('5101')).toBeUndefined();
    expect(await alive(guest)).toBe(true);
    await keys(guest, PIN);
    const m = await h.eventually(() => memberByNumber('5101'), 'the guest in the conference');
    expect(m.flags).toMatchObject({ can_speak: false, is_moderator: false });
  });

  it('a PIN followed by # joins and stays (the # does not hang the caller up)', async () => {
    const guest = await loopbackCaller(h, conf.extension, { number: '5103', name: 'Hash' });
    await sleep(1500);
    await keys(guest, `${PIN}#`);
    await h.eventually(() => memberByNumber('5103'), 'the # guest in the conference');
    await sleep(2000);
    expect(await memberByNumber('5103')).toBeDefined();
    expect(await alive(guest)).toBe(true);
  });

  it('a guest who keys the moderator PIN joins as a moderator, not muted', async () => {
    const guest = await loopbackCaller(h, conf.extension, { number: '5102', name: 'ModPin' });
    await sleep(1500);
    await keys(guest, MOD_PIN);
    const m = await h.eventually(() => memberByNumber('5102'), 'the moderator-PIN guest');
    expect(m.flags).toMatchObject({ is_moderator: true, can_speak: true });
  });

  it('the delegate calls in from their phone: moderator, no PIN, not muted', async () => {
    const call = dial(delegate.sip, conf.extension, sipPort(), 4000);
    const m = await h.eventually(() => memberByNumber(delegate.user), 'the delegate in the conference');
    expect(m.flags).toMatchObject({ is_moderator: true, can_speak: true });
    expect(await call.exit, call.output()).toBe(0);
  });

  it('click-to-call into the room by someone who is neither owner nor delegate still meets the PIN', async () => {
    const phoneRun = await phone(outsiderPort, 'answer');
    const before = (await members()).length;
    const res = await h.request('PUT', `/my/call/${conf.extension}`, outsider);
    expect(res.status, await res.clone().text()).toBe(200);
    // the outsider's phone answers; the leg is asked for the PIN and never keys it
    await sleep(6000);
    expect((await members()).length).toBe(before);
    expect((await members()).some((m) => m.caller_id_number === outsider.user)).toBe(false);
    await h.api(`hupall NORMAL_CLEARING sip_from_user ${outsider.user}`).catch(() => undefined);
    await phoneRun.stop();
  });

  it('a locked conference refuses a guest with the right PIN', async () => {
    const lock = await h.request('PUT', `/my/conference/${conf.name}/lock`, owner);
    expect(lock.status).toBe(200);
    const guest = await loopbackCaller(h, conf.extension, { number: '5104', name: 'Late' });
    await sleep(1500);
    if (await alive(guest)) await keys(guest, PIN).catch(() => undefined);
    await sleep(2500);
    expect(await memberByNumber('5104')).toBeUndefined();
    await h.request('PUT', `/my/conference/${conf.name}/unlock`, owner);
  });

  it('a PIN changed in the settings applies to the next caller of the running conference', async () => {
    const put = await h.request('PUT', `/api/conferences/${conf.name}`, ADMIN, { accessCode: '2468' });
    expect(put.status, await put.clone().text()).toBe(200);
    const old = await loopbackCaller(h, conf.extension, { number: '5105', name: 'OldPin' });
    await sleep(1500);
    await keys(old, PIN);
    await sleep(2500);
    expect(await memberByNumber('5105')).toBeUndefined();
    const fresh = await loopbackCaller(h, conf.extension, { number: '5106', name: 'NewPin' });
    await sleep(1500);
    await keys(fresh, '2468');
    await h.eventually(() => memberByNumber('5106'), 'the caller with the new PIN');
    await h.api(`uuid_kill ${old}`).catch(() => undefined);
  });

  it('max members set live: the next caller is refused', async () => {
    const count = (await members()).length;
    const put = await h.request('PUT', `/api/conferences/${conf.name}`, ADMIN, { maxMembers: count });
    expect(put.status, await put.clone().text()).toBe(200);
    const guest = await loopbackCaller(h, conf.extension, { number: '5107', name: 'Full' });
    await sleep(1500);
    if (await alive(guest)) await keys(guest, '2468').catch(() => undefined);
    await sleep(2500);
    expect(await memberByNumber('5107')).toBeUndefined();
    await h.request('PUT', `/api/conferences/${conf.name}`, ADMIN, { maxMembers: 0 });
  });

  it('the owner calls in from their phone as moderator with end-conference; hanging up ends the room', async () => {
    const call = dial(owner.sip, conf.extension, sipPort(), 4000);
    const m = await h.eventually(() => memberByNumber(owner.user), 'the owner in the conference');
    expect(m.flags).toMatchObject({ is_moderator: true, can_speak: true });
    expect(m.flags.end_conference).toBe(true);
    expect(await call.exit, call.output()).toBe(0);
    await h.eventually(async () => (await fsConference(h, conf.name)) === undefined, 'the conference ended');
    await h.eventually(async () => (await fsChannelUuids(h)).length === 0, 'every member hung up');
    const details = await h.request('GET', `/my/conferencedetails/${conf.name}`, owner);
    expect(details.status).toBe(406);
  });
});

describe('invited and click-to-call hosts', () => {
  it('an invited delegate joins as a moderator, not muted', async () => {
    const room = await createConference(h, owner, {
      accessCode: '1357',
      muteOnEntry: true,
      delegates: [delegate.user],
    });
    const guest = await loopbackCaller(h, room.extension, { number: '5201', name: 'First' });
    await sleep(1500);
    await keys(guest, '1357');
    await h.eventually(
      async () => callers(await fsConference(h, room.name)).length === 1,
      'the first guest in',
    );
    const delegatePhone = await phone(delegatePort, 'answer');
    const invite = await h.request('PUT', `/my/conference/${room.name}/invite&${delegate.user}`, owner);
    expect(invite.status, await invite.clone().text()).toBe(200);
    const m = await h.eventually(
      async () => callers(await fsConference(h, room.name)).find((x) => x.caller_id_number !== '5201'),
      'the invited delegate in',
    );
    expect(m.flags).toMatchObject({ is_moderator: true, can_speak: true });
    await h.api(`conference ${room.name} hup all`);
    await delegatePhone.stop();
  });

  it("the owner's click-to-call into their own room joins as moderator without the PIN", async () => {
    const room = await createConference(h, owner, { accessCode: '8642', muteOnEntry: true });
    const ownerPhone = await phone(ownerPort, 'answer');
    const res = await h.request('PUT', `/my/call/${room.extension}`, owner);
    expect(res.status, await res.clone().text()).toBe(200);
    const m = await h.eventually(async () => callers(await fsConference(h, room.name))[0], 'the owner in');
    expect(m.flags).toMatchObject({ is_moderator: true, can_speak: true });
    await h.api(`conference ${room.name} hup all`);
    await ownerPhone.stop();
  });
});
