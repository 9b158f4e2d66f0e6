// Running conferences at a glance against the simulator: the admin's /api/activeconferences lists
// every running conference with its node, member and talking counts, lock, recording and start time;
// /my/activeconferences the user's own and delegated ones (XML by default, JSON on request); both
// follow the live state, and answer 503 while the node is being resynced.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Active {
  name: string;
  node: string;
  'member-count': number;
  'talking-count': number;
  locked: boolean;
  recording: boolean;
  'start-time': number;
}

async function dialIn(hh: Harness, user: string, extension: string): Promise<void> {
  const reply = await hh.sim.fs.execute(
    'originate',
    `{origination_caller_id_number=${user}}user/${user} ${extension} XML default`,
  );
  expect(reply).toMatch(/^\+OK /);
}

async function adminList(hh: Harness): Promise<{ conferences: Active[]; unavailableNodes: string[] }> {
  const res = await hh.request('GET', '/api/activeconferences', { as: 'admin' });
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return (await res.json()) as { conferences: Active[]; unavailableNodes: string[] };
}

async function myList(hh: Harness, as: 'owner' | 'delegate' | 'other'): Promise<Active[]> {
  const res = await hh.request('GET', '/my/activeconferences', { as, json: true });
  expect(res.status).toBe(200);
  return ((await res.json()) as { 'active-conferences': Active[] })['active-conferences'];
}

function memberIds(hh: Harness, conference: string): number[] {
  return hh.sim.fs.snapshot().conferences.find((c) => c.name === conference)?.members ?? [];
}

describe('running conferences', () => {
  it('lists every running conference for the admin, and each user their own and delegated ones', async () => {
    h = await startHarness();
    await h.waitSynced();
    const before = Date.now();
    expect(await adminList(h)).toEqual({ conferences: [], unavailableNodes: [] });
    await dialIn(h, '200', '3000');
    await dialIn(h, '201', '3000');
    await dialIn(h, '202', '3001');
    await h.eventually(async () => (await adminList(h!)).conferences.length === 2);
    await h.eventually(async () => (await adminList(h!)).conferences[0]?.['member-count'] === 2);

    const node = h.daemon.pool.all()[0]!.nodeId;
    const { conferences } = await adminList(h);
    expect(conferences).toEqual([
      {
        name: 'alice-conf',
        node,
        'member-count': 2,
        'talking-count': 0,
        locked: false,
        recording: false,
        'start-time': expect.any(Number) as number,
      },
      expect.objectContaining({ name: 'carol-conf', node, 'member-count': 1 }),
    ]);
    expect(conferences[0]!['start-time']).toBeGreaterThanOrEqual(before - 1000);
    expect(conferences[0]!['start-time']).toBeLessThanOrEqual(Date.now());

    expect((await myList(h, 'owner')).map((c) => c.name)).toEqual(['alice-conf']);
    expect((await myList(h, 'delegate')).map((c) => c.name)).toEqual(['alice-conf']);
    expect((await myList(h, 'other')).map((c) => c.name)).toEqual(['carol-conf']);
    expect((await h.request('GET', '/api/activeconferences', { as: 'owner' })).status).toBe(403);
    expect((await h.request('GET', '/my/activeconferences')).status).toBe(401);
  });

  it('follows talking, lock and recording, and drops a conference when it ends', async () => {
    h = await startHarness();
    await h.waitSynced();
    await dialIn(h, '200', '3000');
    await dialIn(h, '201', '3000');
    await h.eventually(() => memberIds(h!, 'alice-conf').length === 2);
    const [first, second] = memberIds(h, 'alice-conf');
    h.sim.fs.setTalking(first!, true);
    h.sim.fs.setTalking(second!, true);
    await h.eventually(async () => (await myList(h!, 'owner'))[0]?.['talking-count'] === 2);
    h.sim.fs.setTalking(second!, false);
    await h.eventually(async () => (await myList(h!, 'owner'))[0]?.['talking-count'] === 1);

    expect((await h.request('PUT', '/my/conference/alice-conf/lock', { as: 'owner' })).status).toBe(200);
    expect((await h.request('PUT', '/my/conference/alice-conf/record', { as: 'owner' })).status).toBe(200);
    const [now] = await myList(h, 'owner');
    expect(now).toMatchObject({ locked: true, recording: true, 'member-count': 2 });

    for (const uuid of h.sim.fs.snapshot().channels) h.sim.fs.hangup(uuid);
    await h.eventually(async () => (await myList(h!, 'owner')).length === 0);
    expect((await adminList(h)).conferences).toEqual([]);
  });

  it('XML by default: active-conferences/conference, with sipX base URL too', async () => {
    h = await startHarness();
    await h.waitSynced();
    await dialIn(h, '200', '3000');
    await h.eventually(async () => (await myList(h!, 'owner')).length === 1);
    const res = await h.request('GET', '/sipxconfig/rest/my/activeconferences', { as: 'owner' });
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    const xml = await res.text();
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<active-conferences><conference><name>alice-conf<\/name><node>[^<]+<\/node><member-count>1<\/member-count><talking-count>0<\/talking-count><locked>false<\/locked><recording>false<\/recording><start-time>\d+<\/start-time><\/conference><\/active-conferences>$/,
    );
  });

  it('503 with Retry-After while the node is not in sync', async () => {
    h = await startHarness();
    await h.waitSynced();
    h.daemon.live.markUnavailable(h.daemon.pool.all()[0]!.nodeId);
    for (const [path, as] of [
      ['/my/activeconferences', 'owner'],
      ['/api/activeconferences', 'admin'],
    ] as const) {
      const res = await h.request('GET', path, { as, json: true });
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    }
  });
});
