// Click-to-call on a real FreeSWITCH: the user's own phone rings first, then the target through the
// user's dialplan context. The caller's /my/activecdrs is compared with FreeSWITCH's channels and calls
// while the target rings, once it answers (bridged), and after the hang-up; an extension that answers
// itself, a busy target and an unanswered one end the way the user expects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveHarness } from './live-harness.js';
import { phone } from './sipp.js';
import {
  activeCdrs,
  channelsAgree,
  fsCalls,
  fsChannelUuids,
  startTwoPhones,
  stopLiveWorld,
  type LiveUser,
} from './world.js';

let h: LiveHarness;
let caller: LiveUser;
let target: LiveUser;
let callerPort = 0;
let targetPort = 0;

beforeAll(async () => {
  ({ h, caller, target, callerPort, targetPort } = await startTwoPhones());
});

afterAll(() => stopLiveWorld(h));

async function place(to: string): Promise<string> {
  const res = await h.request('PUT', `/my/call/${to}`, caller);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return (JSON.parse(text) as { call: { uuid: string } }).call.uuid;
}

async function idle(): Promise<void> {
  await h.eventually(async () => (await fsChannelUuids(h)).length === 0, 'FreeSWITCH idle', 45_000);
  await h.eventually(async () => (await activeCdrs(h, caller)).length === 0, 'no call left in activecdrs');
}

describe('click-to-call', () => {
  it('to a registered user: ringing, bridged, ended, as FreeSWITCH sees it', async () => {
    const mine = await phone(callerPort, 'answer');
    const theirs = await phone(targetPort, 'answer', { ringMs: 3000 });
    const uuid = await place(target.user);

    const ringing = await h.eventually(async () => {
      const cdr = (await activeCdrs(h, caller)).find((c) => c.uuid === uuid);
      return cdr?.state === 'ringing' && (await fsChannelUuids(h)).length === 2 ? cdr : undefined;
    }, "the target's phone ringing");
    expect(ringing).toMatchObject({
      from: caller.user,
      to: target.user,
      direction: 'OUTGOING',
      recipient: '',
    });
    await channelsAgree(h);
    const theirView = (await activeCdrs(h, target))[0];
    expect(theirView).toMatchObject({ from: caller.user, to: target.user, direction: 'INCOMING' });

    const fsCall = await h.eventually(async () => (await fsCalls(h))[0], 'FreeSWITCH bridged');
    expect([fsCall.uuid, fsCall.b_uuid]).toContain(uuid);
    const bridged = await h.eventually(async () => {
      const cdr = (await activeCdrs(h, caller)).find((c) => c.uuid === uuid);
      return cdr?.state === 'bridged' ? cdr : undefined;
    }, 'bridged in the daemon');
    expect(bridged).toMatchObject({ to: target.user, recipient: target.user });
    await channelsAgree(h);

    await h.api(`uuid_kill ${uuid}`);
    await idle();
    await mine.exit;
    await theirs.exit;
  });

  it('to an extension that answers itself: `to` is the extension, not the caller', async () => {
    const mine = await phone(callerPort, 'answer');
    const uuid = await place('9196');
    const cdr = await h.eventually(async () => {
      const c = (await activeCdrs(h, caller)).find((x) => x.uuid === uuid);
      return c?.state === 'answered' ? c : undefined;
    }, 'the echo extension answered');
    expect(cdr).toMatchObject({ from: caller.user, to: '9196', direction: 'OUTGOING' });
    await channelsAgree(h);
    await h.api(`uuid_kill ${uuid}`);
    await idle();
    await mine.exit;
  });

  it('to a busy user: the call ends, nothing is left', async () => {
    const mine = await phone(callerPort, 'answer');
    const theirs = await phone(targetPort, 'busy');
    await place(target.user);
    // the whole call lasts a few ms: the busy phone having answered 486 is the evidence
    expect(await theirs.exit, theirs.output()).toBe(0);
    await idle();
    await mine.stop();
  });

  it('to a user who does not answer: ringing until the timeout, then nothing is left', async () => {
    const mine = await phone(callerPort, 'answer');
    const theirs = await phone(targetPort, 'ring');
    const uuid = await place(target.user);
    const ringing = await h.eventually(async () => {
      const cdr = (await activeCdrs(h, caller)).find((c) => c.uuid === uuid);
      return cdr?.state === 'ringing' ? cdr : undefined;
    }, 'ringing');
    expect(ringing.to).toBe(target.user);
    await idle();
    await theirs.stop();
    await mine.stop();
  }, 120_000);
});
