// Acceptance: a user's socket never receives an event about a conference or call they could not read
// over REST. Owner (200), delegate (201), other (202) and admin each hold a stream while calls and
// conferences come and go; then
//   - every conference named in any message to a user is one REST lets them read (not 403/404),
//   - every call in any message to a user is one they are a party to (a leg of theirs, as the admin
//     stream shows the legs),
//   - at each quiet point, what each stream adds up to equals what REST answers that user:
//     /my/conferencedetails for each stored conference, /my/activecdrs (/api/activecalls for admin).
import { afterEach, describe, expect, it } from 'vitest';
import type { AdminCallView, StreamMessage } from '../../src/ws/protocol.js';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { CONFERENCES, USERS } from '../helpers/http.js';
import { connectStream, type StreamConnection } from '../helpers/ws-client.js';

type Who = keyof typeof USERS;
const WHO: Who[] = ['owner', 'delegate', 'other', 'admin'];
const STORED = Object.values(CONFERENCES).map((c) => c.name);

let h: Harness | undefined;
const open: StreamConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.terminate();
  await h?.close();
  h = undefined;
});

function conferenceOf(m: StreamMessage): string | undefined {
  if (!('conference' in m)) return undefined;
  return typeof m.conference === 'string' ? m.conference : m.conference.name;
}

function callsOf(m: StreamMessage): string[] {
  if (m.type === 'snapshot') return m.calls.map((c) => c.uuid);
  return 'call' in m ? [m.call.uuid] : [];
}

interface RestView {
  conferences: Map<string, Array<{ id: number; talking: boolean; canSpeak: boolean; canHear: boolean }>>;
  calls: string[];
}

async function restView(harness: Harness, who: Who): Promise<RestView> {
  const conferences: RestView['conferences'] = new Map();
  for (const name of STORED) {
    const res = await harness.request('GET', `/my/conferencedetails/${name}?extended=true`, {
      as: who,
      json: true,
    });
    if (res.status === 200) {
      const body = (await res.json()) as {
        conference: { members: RestView['conferences'] extends Map<string, infer M> ? M : never };
      };
      conferences.set(
        name,
        body.conference.members.map(({ id, talking, canSpeak, canHear }) => ({
          id,
          talking,
          canSpeak,
          canHear,
        })),
      );
    } else expect([403, 404, 406], `${who} ${name}`).toContain(res.status);
  }
  const path = who === 'admin' ? '/api/activecalls' : '/my/activecdrs?extended=true';
  const res = await harness.request('GET', path, { as: who, json: true });
  expect(res.status).toBe(200);
  const calls = ((await res.json()) as { cdrs: Array<{ uuid: string }> }).cdrs.map((c) => c.uuid).sort();
  return { conferences, calls };
}

function streamView(stream: StreamConnection): RestView {
  const conferences: RestView['conferences'] = new Map();
  for (const [name, conf] of stream.model.conferences) {
    // REST answers 406 for a conference without members.
    if (conf.members.length === 0) continue;
    conferences.set(
      name,
      conf.members.map(({ id, talking, canSpeak, canHear }) => ({ id, talking, canSpeak, canHear })),
    );
  }
  return { conferences, calls: [...stream.model.calls.keys()].sort() };
}

/** Waits until every stream adds up to what REST answers its user. */
async function quiet(harness: Harness, streams: Record<Who, StreamConnection>): Promise<void> {
  await harness.sim.fs.settle();
  for (const who of WHO) {
    let last: unknown;
    await harness
      .eventually(async () => {
        const rest = await restView(harness, who);
        const seen = streamView(streams[who]);
        last = { rest, seen };
        try {
          expect(seen).toEqual(rest);
          return true;
        } catch {
          return false;
        }
      }, 5000)
      .catch(() => {
        throw new Error(
          `${who}: stream and REST disagree: ${JSON.stringify(last, (_k, v: unknown) => (v instanceof Map ? [...v] : v))}`,
        );
      });
  }
}

async function join(harness: Harness, from: string, extension: string): Promise<number> {
  const before = new Set(harness.sim.fs.snapshot().conferences.flatMap((c) => c.members));
  await harness.sim.fs.execute(
    'originate',
    `{origination_caller_id_number=${from}}user/${from} ${extension} XML default`,
  );
  let id: number | undefined;
  await harness.eventually(() => {
    id = harness.sim.fs
      .snapshot()
      .conferences.flatMap((c) => c.members)
      .find((m) => !before.has(m));
    return id !== undefined;
  });
  return id!;
}

describe('event stream visibility matrix', () => {
  it('no socket hears of a conference or call its user cannot read over REST', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    const streams = {} as Record<Who, StreamConnection>;
    for (const who of WHO) {
      streams[who] = await connectStream(harness.url, who);
      open.push(streams[who]);
    }

    const alice = await join(harness, '200', '3000');
    const carol = await join(harness, '202', '3001');
    const bob = await join(harness, '201', '3000');
    harness.sim.fs.setTalking(alice, true);
    harness.sim.fs.setTalking(carol, true);
    expect(
      (await harness.request('PUT', `/my/conference/alice-conf/mute&${bob}`, { as: 'delegate' })).status,
    ).toBe(200);
    expect((await harness.request('PUT', '/my/conference/carol-conf/lock', { as: 'other' })).status).toBe(
      200,
    );
    await quiet(harness, streams);

    // Carol calls Alice (click-to-call): a call of two users, seen by both and the admin only.
    expect((await harness.request('PUT', '/my/call/200', { as: 'other', json: true })).status).toBe(200);
    await harness.eventually(
      () => streams.owner.model.calls.size === 2 && streams.other.model.calls.size === 2,
    );
    // Bob calls a number nobody owns: his call only.
    expect((await harness.request('PUT', '/my/call/201', { as: 'delegate', json: true })).status).toBe(200);
    await quiet(harness, streams);

    // Everything ends.
    for (const uuid of harness.sim.fs.snapshot().channels) harness.sim.fs.hangup(uuid);
    await quiet(harness, streams);
    for (const who of WHO) {
      expect(streams[who].model.calls.size, who).toBe(0);
      expect(streams[who].model.conferences.size, who).toBe(0);
    }

    // Every message to every user was about something REST lets them read.
    const readable = new Map<Who, Set<string>>();
    for (const who of WHO) {
      const names = new Set<string>();
      for (const name of STORED) {
        const res = await harness.request('GET', `/my/conferencedetails/${name}`, { as: who });
        if (res.status !== 403 && res.status !== 404) names.add(name);
      }
      readable.set(who, names);
    }
    expect(readable.get('owner')).toEqual(new Set(['alice-conf']));
    expect(readable.get('other')).toEqual(new Set(['carol-conf']));

    const partiesOf = new Map<string, Set<string>>();
    for (const m of streams.admin.messages) {
      const calls: AdminCallView[] =
        m.type === 'snapshot' ? (m.calls as AdminCallView[]) : 'call' in m ? [m.call as AdminCallView] : [];
      for (const call of calls) {
        let parties = partiesOf.get(call.uuid);
        if (!parties) partiesOf.set(call.uuid, (parties = new Set()));
        for (const leg of call.legs) if (leg.user !== '') parties.add(leg.user);
      }
    }
    const counts: Record<string, number> = {};
    for (const who of WHO) {
      const user = USERS[who].userName;
      counts[who] = streams[who].messages.length;
      for (const m of streams[who].messages) {
        const conference = conferenceOf(m);
        if (conference !== undefined)
          expect(readable.get(who), `${who} got ${m.type} of ${conference}`).toContain(conference);
        for (const uuid of callsOf(m)) {
          if (who === 'admin') continue;
          expect(partiesOf.get(uuid), `${who} got ${m.type} of call ${uuid}`).toContain(user);
        }
      }
    }
    // The streams did carry the scenario (a filter that drops everything would pass the checks above).
    const types = (who: Who) => new Set(streams[who].messages.map((m) => m.type));
    for (const type of [
      'member.joined',
      'member.talking-started',
      'member.muted',
      'call.created',
      'call.ended',
    ])
      expect(types('owner'), type).toContain(type);
    for (const type of ['member.joined', 'conference.locked', 'call.created', 'call.ended'])
      expect(types('other'), type).toContain(type);
    expect(types('delegate')).toContain('member.muted');
    expect(types('delegate')).not.toContain('conference.locked');
    expect(partiesOf.size).toBeGreaterThanOrEqual(4);
  });
});
