// Phones against a real FreeSWITCH wired to the daemon: they register with the SIP password the daemon
// hands out (FreeSWITCH checks it with the directory the daemon serves), and daemon users call each
// other by number through the daemon's dialplan. Both users' /my/activecdrs are compared with
// FreeSWITCH's own channels at ringing, answered and after the hang-up; busy and unanswered phones end
// the way a caller expects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveHarness, type LiveHarness } from './live-harness.js';
import { dial, phone, register, stopAll } from './sipp.js';
import {
  activeCdrs,
  createUser,
  channelsAgree,
  fsCalls,
  fsChannelUuids,
  registerPhone,
  sipPort,
  type LiveUser,
} from './world.js';

let h: LiveHarness;
let alice: LiveUser;
let bob: LiveUser;
let bobPort = 0;

beforeAll(async () => {
  h = await startLiveHarness();
  alice = await createUser(h);
  bob = await createUser(h);
});

afterAll(async () => {
  await stopAll();
  await h?.close();
});

describe('phones', () => {
  it('register with the SIP password from /my/logindetails, and not with another', async () => {
    const wrong = await register({ user: alice.user, password: 'NotTheSipPassword1' }, sipPort());
    expect(wrong.code, 'a wrong SIP password must be refused').not.toBe(0);
    await registerPhone(alice);
    bobPort = await registerPhone(bob);
    const contact = (await h.api(`sofia_contact ${bob.user}@127.0.0.1`)).trim();
    expect(contact).toContain(`:${bobPort}`);
  });

  it('a user calls another by number: ringing, then answered, in both activecdrs as in FreeSWITCH', async () => {
    const bobPhone = await phone(bobPort, 'answer', { ringMs: 3000 });
    const call = dial(alice.sip, bob.user, sipPort(), 5000);

    const ringing = await h.eventually(async () => {
      const [a, b] = [await activeCdrs(h, alice), await activeCdrs(h, bob)];
      return a.length === 1 && b.length === 1 && a[0]!.state === 'ringing'
        ? { a: a[0]!, b: b[0]! }
        : undefined;
    }, 'the call ringing in both views');
    expect(ringing.a).toMatchObject({ from: alice.user, to: bob.user, direction: 'OUTGOING' });
    expect(ringing.b).toMatchObject({ from: alice.user, to: bob.user, direction: 'INCOMING' });
    await channelsAgree(h);

    await h.eventually(async () => (await fsCalls(h)).length === 1, 'FreeSWITCH bridged the call');
    const up = await h.eventually(async () => {
      const a = await activeCdrs(h, alice);
      return a[0]?.state === 'bridged' ? a[0] : undefined;
    }, 'the call bridged in the daemon');
    expect(up.recipient).toBe(bob.user);
    await channelsAgree(h);

    expect(await call.exit, call.output()).toBe(0);
    expect(await bobPhone.exit, bobPhone.output()).toBe(0);
    await h.eventually(async () => (await fsChannelUuids(h)).length === 0, 'FreeSWITCH idle');
    await h.eventually(
      async () => (await activeCdrs(h, alice)).length === 0 && (await activeCdrs(h, bob)).length === 0,
      'both activecdrs empty',
    );
  });

  it('a busy phone: the caller hears busy (486) and nothing is left', async () => {
    const bobPhone = await phone(bobPort, 'busy');
    const call = dial(alice.sip, bob.user, sipPort(), 1000);
    expect(await call.exit).not.toBe(0);
    expect(call.output()).toMatch(/486/);
    await bobPhone.exit;
    await h.eventually(async () => (await fsChannelUuids(h)).length === 0, 'FreeSWITCH idle');
    // the daemon follows FreeSWITCH's events, so it gets a moment after FreeSWITCH is idle
    await h.eventually(async () => (await activeCdrs(h, alice)).length === 0, 'no call left for alice');
  });

  it('an unanswered phone: the caller is told so after the ring timeout and nothing is left', async () => {
    const bobPhone = await phone(bobPort, 'ring');
    const call = dial(alice.sip, bob.user, sipPort(), 1000);
    const ringing = await h.eventually(async () => {
      const b = await activeCdrs(h, bob);
      return b[0]?.state === 'ringing' ? b[0] : undefined;
    }, 'ringing at bob');
    expect(ringing.direction).toBe('INCOMING');
    expect(await call.exit).not.toBe(0);
    expect(call.output()).toMatch(/48[07]/);
    await bobPhone.stop();
    await h.eventually(async () => (await fsChannelUuids(h)).length === 0, 'FreeSWITCH idle', 60_000);
    await h.eventually(async () => (await activeCdrs(h, bob)).length === 0, 'bob has no call left');
  }, 120_000);
});
