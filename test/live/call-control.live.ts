// Control of live calls on a real FreeSWITCH, with FreeSWITCH's own view as the judge: a call between
// two sipp phones (the caller's phone first, then the target's, as click-to-call places it) is put on
// hold (FreeSWITCH's `show calls` says HELD) and resumed, blind transferred to the stock echo extension
// 9196 (the target's leg runs `echo`, the caller's is gone), and hung up (nothing left); each step also
// shows in the users' /my/activecdrs. A call whose target still rings cannot be held or transferred (409).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type LiveHarness } from './live-harness.js';
import { phone } from './sipp.js';
import {
  activeCdrs,
  channelsAgree,
  daemonChannelUuids,
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

interface FsChannel {
  uuid: string;
  dest: string;
  application: string;
  application_data: string;
  callstate: string;
}

async function fsChannels(): Promise<FsChannel[]> {
  const reply = JSON.parse(await h.api('show channels as json')) as { rows?: FsChannel[] };
  return reply.rows ?? [];
}

/** A phone for the call (phone() resolves once it listens); stopped at the end of the test. */
const answering = (port: number, mode: 'answer' | 'ring' = 'answer') => phone(port, mode);

async function act(path: string, as: LiveUser = caller) {
  const res = await h.request('PUT', path, as);
  const text = await res.text();
  const body = res.status === 200 ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: res.status, text, body };
}

/**
 * The caller's phone rings and answers, then is bridged to the target's (FreeSWITCH's `user/`
 * endpoint, as in the recorded transcript): the call click-to-call makes, without depending on the
 * dialplan routing users' extensions (click-to-call.live.ts covers that). Resolves with the call's
 * uuid (the caller's leg) once it is bridged, or, with `bridged` false, once the caller answered.
 */
async function callTarget(bridged = true): Promise<string> {
  const uuid = (await h.api('create_uuid')).trim();
  const line = `originate {origination_uuid=${uuid},origination_caller_id_number=${caller.user}}user/${caller.user} &bridge(user/${target.user})`;
  void h.fs.bgapi(line, { timeoutMs: 60_000 }).catch(() => undefined);
  if (bridged) await h.eventually(async () => (await fsCalls(h)).length === 1, 'FreeSWITCH bridged the call');
  // unbridged: the target's phone rings, and the call reads `ringing` until it answers
  const want = bridged ? 'bridged' : 'ringing';
  await h
    .eventually(
      async () => (await activeCdrs(h, caller)).find((c) => c.uuid === uuid)?.state === want,
      `${want} in the daemon`,
    )
    .catch(async (err: Error) => {
      const calls = await (await h.request('GET', '/api/activecalls', ADMIN)).text();
      throw new Error(`${err.message}; the daemon's calls: ${calls}`);
    });
  return uuid;
}

async function idle(): Promise<void> {
  await h
    .eventually(async () => (await fsChannelUuids(h)).length === 0, 'FreeSWITCH idle', 45_000)
    .catch(async (err: Error) => {
      throw new Error(`${err.message}; left: ${JSON.stringify(await fsChannels())}`);
    });
  await h.eventually(async () => (await activeCdrs(h, caller)).length === 0, 'no call left in activecdrs');
}

/** FreeSWITCH's call state of the caller's leg in `show calls`. */
async function fsCallerState(uuid: string): Promise<string | undefined> {
  const [call] = await fsCalls(h);
  if (call === undefined) return undefined;
  return call.uuid === uuid ? call.callstate : call.b_callstate;
}

describe('call control', () => {
  it('hold and resume: FreeSWITCH says HELD, then not; both users see it; hang-up leaves nothing', async () => {
    const mine = await answering(callerPort);
    const theirs = await answering(targetPort);
    const uuid = await callTarget();

    const held = await act(`/my/activecdrs/${uuid}/hold`);
    expect(held.status, held.text).toBe(200);
    expect(held.body['call-control']).toMatchObject({ uuid, action: 'hold', state: 'held' });
    await h.eventually(async () => (await fsCallerState(uuid)) === 'HELD', 'FreeSWITCH holds the caller');
    expect((await activeCdrs(h, caller)).find((c) => c.uuid === uuid)?.state).toBe('held');
    expect((await activeCdrs(h, target)).find((c) => c.uuid === uuid)?.state).toBe('held');
    expect((await act(`/my/activecdrs/${uuid}/hold`)).status).toBe(409);

    const resumed = await act(`/my/activecdrs/${uuid}/resume`);
    expect(resumed.status, resumed.text).toBe(200);
    await h.eventually(async () => {
      const state = await fsCallerState(uuid);
      return state !== undefined && state !== 'HELD';
    }, 'FreeSWITCH resumed the caller');
    expect((await activeCdrs(h, caller)).find((c) => c.uuid === uuid)?.state).toBe('bridged');
    await channelsAgree(h);

    // the target is a party too: they may hang up
    const hungUp = await act(`/my/activecdrs/${uuid}/hangup`, target);
    expect(hungUp.status, hungUp.text).toBe(200);
    await idle();
    expect(await activeCdrs(h, target)).toEqual([]);
    await mine.stop();
    await theirs.stop();
  });

  it('a blind transfer sends the target to 9196 (echo) and the caller drops out', async () => {
    const mine = await answering(callerPort);
    const theirs = await answering(targetPort);
    const uuid = await callTarget();
    const res = await act(`/my/activecdrs/${uuid}/transfer/9196`);
    expect(res.status, res.text).toBe(200);
    expect(res.body['call-control']).toMatchObject({ uuid, action: 'transfer', dialed: '9196' });

    const echo = await h.eventually(async () => {
      const channels = await fsChannels();
      return channels.length === 1 && channels[0]!.application === 'echo' ? channels[0] : undefined;
    }, "FreeSWITCH: the target's leg alone, running echo");
    expect(echo.uuid).not.toBe(uuid);
    expect(echo.dest).toBe('9196');
    await h.eventually(async () => (await activeCdrs(h, caller)).length === 0, "the caller's call ended");
    expect(await daemonChannelUuids(h)).toEqual([echo.uuid]);
    await mine.stop();

    await h.api(`uuid_kill ${echo.uuid}`);
    await idle();
    await theirs.stop();
  });

  it('409 while the target still rings; hang-up then ends it', async () => {
    const mine = await answering(callerPort);
    const theirs = await answering(targetPort, 'ring');
    const uuid = await callTarget(false);
    await h.eventually(async () => (await fsChannelUuids(h)).length === 2, "the target's phone rings");
    expect((await act(`/my/activecdrs/${uuid}/hold`)).status).toBe(409);
    expect((await act(`/my/activecdrs/${uuid}/transfer/9196`)).status).toBe(409);
    const hungUp = await act(`/my/activecdrs/${uuid}/hangup`);
    expect(hungUp.status, hungUp.text).toBe(200);
    await idle();
    await theirs.stop();
    await mine.stop();
  });
});
