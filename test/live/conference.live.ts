// End to end against a real FreeSWITCH (npm run test:live; FS_ESL names it, set up from freeswitch/).
// Users and a conference are created through the admin API; members come in with
// `originate loopback/9196/default &conference(...)` (the stock echo extension keeps each call up);
// every conference command runs through the REST API, and after each step the daemon's view
// (/my/conferencedetails) must equal FreeSWITCH's own `conference <name> json_list`. The shapes
// compared are the ones recorded in /work/shared/fs-transcripts (api-responses: json_list).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExtendedMemberDetails } from '../../src/state/conference-details.js';
import { ADMIN, startLiveHarness, type LiveHarness } from './live-harness.js';
import { callers, type FsMember } from './world.js';

/** FreeSWITCH's view with the caller members only (json_list also lists recordings). */
interface FsView {
  conference_name: string;
  locked: boolean;
  members: FsMember[];
}

const RUN = randomBytes(3).toString('hex');
const OWNER = { user: `live-owner-${RUN}`, password: 'live-owner-password-1' };
const CONF = `fsconfd-live-${RUN}`;
const OTHER = `fsconfd-live2-${RUN}`;

let h: LiveHarness;

beforeAll(async () => {
  h = await startLiveHarness();
  const user = await h.request('POST', '/api/users', ADMIN, {
    userName: OWNER.user,
    password: OWNER.password,
    sipPassword: 'LiveSip00001',
  });
  expect(user.status, await user.clone().text()).toBe(201);
  for (const [name, extension] of [
    [CONF, '39871'],
    [OTHER, '39872'],
  ] as const) {
    const conf = await h.request('POST', '/api/conferences', ADMIN, { name, owner: OWNER.user, extension });
    expect(conf.status, await conf.clone().text()).toBe(201);
  }
});

afterAll(async () => {
  if (h === undefined) return;
  await h.api(`conference ${CONF} hup all`).catch(() => undefined);
  await h.api(`conference ${OTHER} hup all`).catch(() => undefined);
  await h.close();
});

/** FreeSWITCH's own view; undefined when the conference does not run. */
async function fsView(name = CONF): Promise<FsView | undefined> {
  const reply = await h.api(`conference ${name} json_list`);
  if (reply.startsWith('-ERR')) return undefined;
  const conf = (JSON.parse(reply) as { conference_name: string; locked: boolean; members: [] }[])[0];
  return (
    conf && { conference_name: conf.conference_name, locked: conf.locked, members: callers(conf as never) }
  );
}

async function daemonView(
  name = CONF,
): Promise<{ locked: boolean; members: ExtendedMemberDetails[] } | undefined> {
  const res = await h.request('GET', `/my/conferencedetails/${name}?extended=true`, OWNER);
  if (res.status === 406) return undefined;
  expect(res.status).toBe(200);
  return ((await res.json()) as { conference: { locked: boolean; members: ExtendedMemberDetails[] } })
    .conference;
}

/** The two views agree (the daemon follows events, so it gets a moment). Returns FreeSWITCH's. */
async function agree(name = CONF): Promise<FsView | undefined> {
  let last = '';
  return h
    .eventually(async () => {
      const [fs, ours] = [await fsView(name), await daemonView(name)];
      const a = fs && {
        locked: fs.locked,
        members: fs.members
          .map((m) => [
            m.id,
            m.uuid,
            m.flags.can_speak,
            m.flags.can_hear,
            m.flags.is_moderator,
            m.energy,
            m.volume_in,
            m.volume_out,
          ])
          .sort(),
      };
      const b = ours && {
        locked: ours.locked,
        members: ours.members
          .map((m) => [
            m.id,
            m.uuid,
            m.canSpeak,
            m.canHear,
            m.moderator,
            m.energyLevel,
            m.volumeIn,
            m.volumeOut,
          ])
          .sort(),
      };
      last = `FreeSWITCH ${JSON.stringify(a)} daemon ${JSON.stringify(b)}`;
      if (JSON.stringify(a) !== JSON.stringify(b)) return false;
      return fs ?? ({ conference_name: name, locked: false, members: [] } as FsView);
    }, `daemon and FreeSWITCH agree on ${name}`)
    .catch((err: Error) => {
      throw new Error(`${err.message}: ${last}`);
    });
}

/** A member comes in as the transcripts' Alice did: a loopback call running the conference application. */
async function join(cidNumber: string, cidName: string, name = CONF): Promise<number> {
  const before = new Set((await fsView(name))?.members.map((m) => m.id) ?? []);
  const reply = await h.api(
    `originate {origination_caller_id_number=${cidNumber},origination_caller_id_name=${cidName}}loopback/9196/default &conference(${name}@${h.config.conferenceProfile})`,
  );
  expect(reply, reply).toMatch(/^\+OK /);
  const view = await h.eventually(async () => {
    const v = await fsView(name);
    return v && v.members.some((m) => !before.has(m.id)) ? v : undefined;
  }, `${cidName} in ${name}`);
  return view.members.find((m) => !before.has(m.id))!.id;
}

/** PUT /my/conference/{name}/{tail}; the reply text; then both views must agree. */
async function command(tail: string, expectStatus = 200, name = CONF): Promise<string> {
  const res = await h.request('PUT', `/my/conference/${name}/${tail}`, OWNER);
  const text = await res.text();
  expect(res.status, `${tail}: ${text}`).toBe(expectStatus);
  await agree(name);
  return text;
}

describe(`live conference ${CONF}`, () => {
  let a = 0;
  let b = 0;

  it('members joining show up the same in both views', async () => {
    a = await join('1001', 'Alice');
    b = await join('1002', 'Bob');
    const view = await agree();
    expect(view!.members.map((m) => m.id).sort()).toEqual([a, b].sort());
  });

  it('mute, unmute, tmute', async () => {
    await command(`mute&${a}`);
    expect((await fsView())!.members.find((m) => m.id === a)!.flags.can_speak).toBe(false);
    await command(`unmute&${a}`);
    await command(`tmute&${b}`);
    expect((await fsView())!.members.find((m) => m.id === b)!.flags.can_speak).toBe(false);
    await command(`tmute&${b}`);
  });

  it('deaf, undeaf', async () => {
    await command(`deaf&${a}`);
    expect((await fsView())!.members.find((m) => m.id === a)!.flags.can_hear).toBe(false);
    await command(`undeaf&${a}`);
  });

  it('energy, volume_in, volume_out (set and query)', async () => {
    await command(`energy&${b}&300`);
    expect((await fsView())!.members.find((m) => m.id === b)!.energy).toBe(300);
    await command(`energy&${b}`);
    await command(`volume_in&${a}&2`);
    await command(`volume_out&${a}&-1`);
    const alice = (await fsView())!.members.find((m) => m.id === a)!;
    expect([alice.volume_in, alice.volume_out]).toEqual([2, -1]);
  });

  it('lock, unlock; pin, nopin', async () => {
    await command('lock');
    expect((await fsView())!.locked).toBe(true);
    await command('unlock');
    expect((await fsView())!.locked).toBe(false);
    await command('pin&4321');
    await command('nopin');
  });

  it('play, stop; dtmf; relate', async () => {
    await command('play&tone_stream://%25(1500,0,800)');
    await command('stop&all');
    await command(`dtmf&${a}&123`);
    await command(`relate&${a}&${b}&nospeak`);
    await command(`relate&${a}&${b}&clear`);
  });

  it('record, record&status, record&stop', async () => {
    try {
      await command('record');
      expect(await command('record&status')).toContain('IN_PROGRESS');
      // FreeSWITCH lists the recording beside the members (`{"type":"recording_node"}`)
      const raw = JSON.parse(await h.api(`conference ${CONF} json_list`)) as {
        members: { type?: string }[];
      }[];
      expect(raw[0]!.members.some((m) => m.type === 'recording_node')).toBe(true);
      await command('record&stop');
      await h.eventually(
        async () => (await command('record&status')).includes('NO_RECORDING'),
        'recording stopped',
      );
    } finally {
      // a failure above must not leave a recording running into the next tests
      await h.api(`conference ${CONF} norecord all`).catch(() => undefined);
    }
  });

  it('list and xml_list answer what FreeSWITCH answers', async () => {
    expect(await command('list')).toContain(String(a));
    expect(await command('xml_list')).toContain(`name="${CONF}"`);
  });

  it('dial and bgdial bring loopback members in', async () => {
    await command('dial&loopback/9196/default&1005&Eve');
    await h.eventually(async () => ((await fsView())!.members.length === 3 ? true : undefined), 'Eve in');
    await command('bgdial&loopback/9196/default&1006&Frank');
    await h.eventually(async () => ((await fsView())!.members.length === 4 ? true : undefined), 'Frank in');
    await agree();
  });

  it("transfer moves a member to the owner's other conference", async () => {
    const eve = (await fsView())!.members.find((m) => !(m.id === a || m.id === b))!.id;
    await command(`transfer&${OTHER}&${eve}`);
    await h.eventually(async () => (await fsView(OTHER))?.members.some((m) => m.id === eve), 'Eve moved');
    await agree(OTHER);
    await agree();
  });

  it('kick and hup take members out; the last one ends the conference in both views', async () => {
    await command(`kick&${b}`);
    await h.eventually(async () => !(await fsView())!.members.some((m) => m.id === b), 'Bob out');
    await agree();
    for (const m of (await fsView())!.members) {
      const res = await h.request('PUT', `/my/conference/${CONF}/hup&${m.id}`, OWNER);
      expect(res.status).toBe(200);
    }
    await h.eventually(async () => (await fsView()) === undefined, 'conference gone');
    expect(await agree()).toMatchObject({ members: [] });
    await h.api(`conference ${OTHER} hup all`);
    await h.eventually(async () => (await fsView(OTHER)) === undefined, 'the other conference gone');
    expect(await daemonView(OTHER)).toBeUndefined();
  });
});

describe('click-to-call', () => {
  it("rings the user's own phone first; without a registered phone it ends cleanly in both views", async () => {
    const res = await h.request('PUT', '/my/call/9196', OWNER);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/.exec(text)?.[0];
    expect(uuid).toBeDefined();
    const domain = h.config.fsDomain ?? (await h.api('global_getvar domain')).trim();
    const registered = (await h.api(`sofia_contact */${OWNER.user}@${domain}`)).trim();
    // a registered phone has a contact like sofia/internal/sip:...; otherwise error/user_not_registered
    if (!registered.startsWith('sofia/')) {
      // user/<name> has no contact: FreeSWITCH refuses the originate, nothing is left anywhere
      await h.eventually(async () => !(await h.api('show channels')).includes(uuid!), 'no channel left');
      const cdrs = await h.request('GET', '/my/activecdrs?extended=true', OWNER);
      expect(await cdrs.text()).not.toContain(uuid!);
    } else {
      // a phone is registered as the user: the call is up in FreeSWITCH and in the daemon's view
      await h.eventually(
        async () => (await h.api('show channels')).includes(uuid!),
        'the call in FreeSWITCH',
      );
      await h.eventually(
        async () =>
          (await (await h.request('GET', '/my/activecdrs?extended=true', OWNER)).text()).includes(uuid!),
        'the call in /my/activecdrs',
      );
      await h.api(`uuid_kill ${uuid!}`);
    }
  });
});
