// The event stream against the whole daemon and the simulated FreeSWITCH: upgrade auth like REST, a
// snapshot then deltas, the one-conference subscription, streams ended when credentials change.
import { afterEach, describe, expect, it } from 'vitest';
import type { MemberView, StreamMessage } from '../../src/ws/protocol.js';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import type { USERS } from '../helpers/http.js';
import { connectStream, type StreamConnection } from '../helpers/ws-client.js';

let h: Harness | undefined;
const open: StreamConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.terminate();
  await h?.close();
  h = undefined;
});

async function synced(): Promise<Harness> {
  h = await startHarness();
  await h.waitSynced();
  return h;
}

async function stream(harness: Harness, as: keyof typeof USERS, query = ''): Promise<StreamConnection> {
  const connection = await connectStream(harness.url, as, { query });
  open.push(connection);
  return connection;
}

/** Dials user `from` into the conference at `extension`; resolves with the new member's id. */
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

const isMember = (type: StreamMessage['type'], id: number) => (m: StreamMessage) =>
  m.type === type && 'member' in m && (m.member as MemberView | null)?.id === id;

describe('event stream', () => {
  it('refuses an upgrade without valid credentials with the REST answers (401, no upgrade)', async () => {
    const harness = await synced();
    await expect(connectStream(harness.url, undefined)).rejects.toThrow(/401/);
    const plain = await harness.request('GET', '/events');
    expect(plain.status).toBe(401);
    expect(plain.headers.get('www-authenticate')).toMatch(/^Digest realm=.*, Basic realm=/);
    const noUpgrade = await harness.request('GET', '/events', { as: 'owner' });
    expect(noUpgrade.status).toBe(426);
  });

  it('sends a snapshot, then member join, talking and leave deltas; also under /sipxconfig/rest', async () => {
    const harness = await synced();
    const owner = await stream(harness, 'owner');
    const first = await owner.waitFor(() => true);
    expect(first).toEqual({
      type: 'snapshot',
      conferences: [],
      calls: [],
      unavailableNodes: [],
      heartbeatMs: 30_000,
    });

    const a = await join(harness, '200', '3000');
    const started = await owner.waitFor((m) => m.type === 'conference.started');
    expect(started).toMatchObject({ conference: { name: 'alice-conf', extension: '3000' } });
    await owner.waitFor(
      (m) =>
        (m.type === 'member.joined' && m.member.id === a) ||
        (m.type === 'conference.started' && m.conference.members.some((x) => x.id === a)),
    );
    // A second client connecting now gets the conference in its snapshot.
    const prefixed = await connectStream(harness.url, 'delegate', { path: '/sipxconfig/rest/events' });
    open.push(prefixed);
    const snap = await prefixed.waitFor((m) => m.type === 'snapshot');
    expect(snap.type === 'snapshot' && snap.conferences.map((c) => c.name)).toEqual(['alice-conf']);

    harness.sim.fs.setTalking(a, true);
    const talking = await owner.waitFor(isMember('member.talking-started', a));
    expect(talking).toMatchObject({ conference: 'alice-conf', member: { id: a, talking: true } });
    await prefixed.waitFor(isMember('member.talking-started', a));
    harness.sim.fs.setTalking(a, false);
    await owner.waitFor(isMember('member.talking-stopped', a));

    const res = await harness.request('PUT', `/my/conference/alice-conf/mute&${a}`, { as: 'owner' });
    expect(res.status).toBe(200);
    await owner.waitFor(isMember('member.muted', a));
    expect((await harness.request('PUT', '/my/conference/alice-conf/lock', { as: 'owner' })).status).toBe(
      200,
    );
    await owner.waitFor((m) => m.type === 'conference.locked' && m.conference === 'alice-conf');

    const model = owner.model.conferences.get('alice-conf');
    expect(model?.locked).toBe(true);
    expect(model?.members.find((m) => m.id === a)).toMatchObject({ canSpeak: false, talking: false });

    expect(
      (await harness.request('PUT', `/my/conference/alice-conf/kick&${a}`, { as: 'owner' })).status,
    ).toBe(200);
    await owner.waitFor(isMember('member.left', a));
    await owner.waitFor((m) => m.type === 'conference.ended' && m.conference === 'alice-conf');
    expect(owner.model.conferences.size).toBe(0);
  });

  it('subscribes to one conference: 404/403 like REST, and nothing about other conferences or calls', async () => {
    const harness = await synced();
    await expect(connectStream(harness.url, 'owner', { query: '?conference=nope' })).rejects.toThrow(/404/);
    await expect(connectStream(harness.url, 'other', { query: '?conference=alice-conf' })).rejects.toThrow(
      /403/,
    );
    const admin = await stream(harness, 'admin', '?conference=carol-conf');
    const everything = await stream(harness, 'admin');
    await join(harness, '200', '3000');
    const carolMember = await join(harness, '202', '3001');
    await everything.waitFor(isMember('member.joined', carolMember));
    await admin.waitFor((m) => m.type === 'conference.started' && m.conference.name === 'carol-conf');
    await everything.waitFor((m) => m.type === 'conference.started' && m.conference.name === 'alice-conf');
    await harness.sim.fs.settle();
    // messages arrive in order: once a later change in carol-conf is seen, all that came before it was too
    const muted = await harness.request('PUT', `/my/conference/carol-conf/mute&${carolMember}`, {
      as: 'admin',
    });
    expect(muted.status).toBe(200);
    await admin.waitFor(isMember('member.muted', carolMember));
    for (const m of admin.messages) {
      expect(m.type.startsWith('call.')).toBe(false);
      if ('conference' in m) {
        const name = typeof m.conference === 'string' ? m.conference : m.conference.name;
        expect(name).toBe('carol-conf');
      }
    }
    expect(everything.messages.some((m) => m.type.startsWith('call.'))).toBe(true);
  });

  it("refuses browsers on other sites' pages (cross-site WebSocket hijacking), accepts its own", async () => {
    const harness = await synced();
    const host = new URL(harness.url).host;
    await expect(
      connectStream(harness.url, 'owner', { wsOptions: { origin: 'http://evil.example' } }),
    ).rejects.toThrow(/403/);
    await expect(connectStream(harness.url, 'owner', { wsOptions: { origin: 'null' } })).rejects.toThrow(
      /403/,
    );
    await expect(
      connectStream(harness.url, 'owner', { wsOptions: { origin: `http://${host}.evil.example` } }),
    ).rejects.toThrow(/403/);
    const own = await connectStream(harness.url, 'owner', { wsOptions: { origin: `http://${host}` } });
    open.push(own);
    await own.waitFor((m) => m.type === 'snapshot');
  });

  it('ends the streams of a user whose password changes, with close code 4001', async () => {
    const harness = await synced();
    const owner = await stream(harness, 'owner');
    await owner.waitFor((m) => m.type === 'snapshot');
    const res = await harness.request('PUT', '/api/users/200', {
      as: 'admin',
      body: { password: 'a-new-password-9' },
    });
    expect(res.status).toBe(200);
    expect(await owner.closed).toBe(4001);
  });
});
