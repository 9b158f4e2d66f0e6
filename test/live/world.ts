// What the live tests build on: users and conferences made through the admin API, phones registered
// with the SIP password the daemon hands out, and FreeSWITCH's own views to compare the daemon with.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { ADMIN, startLiveHarness, type LiveHarness } from './live-harness.js';
import { register, stopAll, type SipUser } from './sipp.js';

/** A short random tag per run: names and numbers never meet a previous run's leftovers. */
export const RUN = randomBytes(2).toString('hex');
let serial = Math.floor(Math.random() * 500);

/** A fresh numeric extension-like name in a range the stock dialplan does not use (27000-27999). */
export function freshNumber(): string {
  serial = (serial + 1) % 1000;
  return `27${String(serial).padStart(3, '0')}`;
}

export interface LiveUser extends SipUser {
  /** The SIP password from /my/logindetails (what a phone registers with). */
  sip: SipUser;
}

export async function createUser(h: LiveHarness, fields: Record<string, unknown> = {}): Promise<LiveUser> {
  const user = freshNumber();
  const password = `live-pass-${RUN}-${user}`;
  const res = await h.request('POST', '/api/users', ADMIN, {
    userName: user,
    password,
    sipPassword: `Sip${RUN}x${user}`,
    firstName: `Live${user}`,
    ...fields,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const details = await h.request('GET', '/my/logindetails', { user, password });
  expect(details.status).toBe(200);
  const body = (await details.json()) as { 'login-details': { sipPassword: string } };
  return { user, password, sip: { user, password: body['login-details'].sipPassword } };
}

export async function createConference(
  h: LiveHarness,
  owner: LiveUser,
  fields: Record<string, unknown> = {},
): Promise<{ name: string; extension: string }> {
  const extension = freshNumber().replace(/^27/, '38');
  const name = `live-${RUN}-${extension}`;
  const res = await h.request('POST', '/api/conferences', ADMIN, {
    name,
    owner: owner.user,
    extension,
    ...fields,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { name, extension };
}

// a random base per test file (each runs in its own process), see sipp.ts
let nextPort = 5200 + 20 * Math.floor(Math.random() * 200);
/** A SIP port for one phone or caller (each sipp binds its own). */
export function sipPort(): number {
  nextPort += 1;
  return nextPort;
}

/** Registers `user`'s phone from a fresh port and returns that port (the phone's contact). */
export async function registerPhone(user: LiveUser): Promise<number> {
  const port = sipPort();
  const r = await register(user.sip, port);
  expect(r.code, r.output).toBe(0);
  return port;
}

export interface FsMember {
  id: number;
  uuid: string;
  caller_id_number: string;
  energy: number;
  volume_in: number;
  volume_out: number;
  flags: {
    can_hear: boolean;
    can_speak: boolean;
    is_moderator: boolean;
    end_conference?: boolean;
  };
}
export interface FsConference {
  conference_name: string;
  locked: boolean;
  member_count: number;
  members: (FsMember | { type: string })[];
}

/** FreeSWITCH's own view of a conference; undefined when it does not run. */
export async function fsConference(h: LiveHarness, name: string): Promise<FsConference | undefined> {
  const reply = await h.api(`conference ${name} json_list`);
  if (reply.startsWith('-ERR')) return undefined;
  return (JSON.parse(reply) as FsConference[])[0];
}

/** The caller members only: json_list also lists recordings (`{"type":"recording_node"}`). */
export function callers(conf: FsConference | undefined): FsMember[] {
  return (conf?.members ?? []).filter(
    (m): m is FsMember => 'id' in m && (m as { type?: string }).type !== 'recording_node',
  );
}

/** FreeSWITCH's channel uuids (show channels as json). */
export async function fsChannelUuids(h: LiveHarness): Promise<string[]> {
  const reply = JSON.parse(await h.api('show channels as json')) as { rows?: { uuid: string }[] };
  return (reply.rows ?? []).map((r) => r.uuid).sort();
}

export interface FsCall {
  uuid: string;
  b_uuid: string;
  dest: string;
  b_dest: string;
  callstate: string;
  b_callstate: string;
}
/** FreeSWITCH's bridged calls (show calls as json). */
export async function fsCalls(h: LiveHarness): Promise<FsCall[]> {
  const reply = JSON.parse(await h.api('show calls as json')) as { rows?: FsCall[] };
  return reply.rows ?? [];
}

export interface Cdr {
  from: string;
  to: string;
  direction: string;
  recipient: string;
  uuid: string;
  state: string;
}
/** The user's /my/activecdrs with the daemon's extras (uuid, state). */
export async function activeCdrs(h: LiveHarness, user: SipUser): Promise<Cdr[]> {
  const res = await h.request('GET', '/my/activecdrs?extended=true', user);
  expect(res.status).toBe(200);
  return ((await res.json()) as { cdrs: Cdr[] }).cdrs;
}

/** Every channel uuid the daemon tracks (the legs of /api/activecalls). */
export async function daemonChannelUuids(h: LiveHarness): Promise<string[]> {
  const res = await h.request('GET', '/api/activecalls', ADMIN);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { cdrs: { legs: { uuid: string }[] }[] };
  return body.cdrs.flatMap((c) => c.legs.map((l) => l.uuid)).sort();
}

/** The daemon tracks exactly FreeSWITCH's channels (it follows events, so it gets a moment). */
export async function channelsAgree(h: LiveHarness): Promise<void> {
  let last = '';
  await h
    .eventually(async () => {
      const [ours, theirs] = [await daemonChannelUuids(h), await fsChannelUuids(h)];
      last = `daemon ${ours.join(',')} FreeSWITCH ${theirs.join(',')}`;
      return JSON.stringify(ours) === JSON.stringify(theirs);
    }, 'the daemon and FreeSWITCH agree on the channels')
    .catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
}

/** A loopback caller into `extension` that stays parked until hung up; its a-leg uuid (DTMF goes there). */
export async function loopbackCaller(
  h: LiveHarness,
  extension: string,
  cid: { number: string; name: string },
): Promise<string> {
  const uuid = (await h.api('create_uuid')).trim();
  const reply = await h.api(
    `originate {origination_uuid=${uuid},origination_caller_id_number=${cid.number},origination_caller_id_name=${cid.name}}loopback/${extension}/default &park()`,
  );
  expect(reply, reply).toMatch(/^\+OK /);
  return uuid;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two daemon users, each with a registered sipp phone: who calls and who is called. */
export interface TwoPhones {
  h: LiveHarness;
  caller: LiveUser;
  target: LiveUser;
  callerPort: number;
  targetPort: number;
}

export async function startTwoPhones(): Promise<TwoPhones> {
  const h = await startLiveHarness();
  const caller = await createUser(h);
  const target = await createUser(h);
  return {
    h,
    caller,
    target,
    callerPort: await registerPhone(caller),
    targetPort: await registerPhone(target),
  };
}

/** Hangs up whatever a file left, stops its phones and the harness. */
export async function stopLiveWorld(h: LiveHarness | undefined): Promise<void> {
  await h?.api('hupall NORMAL_CLEARING').catch(() => undefined);
  await stopAll();
  await h?.close();
}
