// DELETE /api/conferences/{name} of a running conference ends it in FreeSWITCH first, and the name
// created again by another owner never shows the old members (issue 11 item 7), end to end through
// the simulator: members join by dialling the extension the daemon's dialplan routes.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemberDetails } from '../../src/state/conference-details.js';
import { startFsconfigHarness, type FsconfigHarness } from '../helpers/fsconfig-harness.js';
import { TEST_DOMAIN } from '../helpers/http.js';

let h: FsconfigHarness;
beforeEach(async () => {
  h = await startFsconfigHarness();
});
afterEach(async () => {
  await h.close();
});

const ROOM = { name: 'standup', owner: '200', extension: '3100' };

async function details(
  as: 'owner' | 'other' | 'admin',
): Promise<{ status: number; members: MemberDetails[] }> {
  const res = await h.request('GET', `/my/conferencedetails/${ROOM.name}`, { as });
  if (res.status !== 200) return { status: res.status, members: [] };
  return {
    status: 200,
    members: ((await res.json()) as { conference: { members: MemberDetails[] } }).conference.members,
  };
}

describe('deleting a running conference', () => {
  it('hangs its members up in FreeSWITCH, then deletes; the name re-created shows nobody', async () => {
    expect((await h.request('POST', '/api/conferences', { as: 'admin', body: ROOM })).status).toBe(201);
    const calls = ['200', '201', '202'].map((from) => h.sim.fs.inboundCall({ from, to: ROOM.extension }));
    await h.eventually(async () => (await details('owner')).members.length === 3, 4000);

    const res = await h.request('DELETE', `/api/conferences/${ROOM.name}`, { as: 'admin' });
    expect(res.status).toBe(204);
    expect(h.sim.server.received.map((r) => r.line)).toContain(`api conference ${ROOM.name} hup all`);
    // gone in FreeSWITCH, every call ended, and in the daemon's live state before the answer
    expect(h.sim.fs.snapshot().conferences).toEqual([]);
    for (const uuid of calls) expect(h.sim.fs.snapshot().channels).not.toContain(uuid);
    expect(h.daemon.live.conference(ROOM.name)).toBeUndefined();
    expect((await h.request('GET', `/api/conferences/${ROOM.name}`, { as: 'admin' })).status).toBe(404);

    const again = { ...ROOM, owner: '202' };
    expect((await h.request('POST', '/api/conferences', { as: 'admin', body: again })).status).toBe(201);
    expect(await details('other')).toEqual({ status: 406, members: [] });
  });

  it('a conference that is not running is simply deleted', async () => {
    expect((await h.request('POST', '/api/conferences', { as: 'admin', body: ROOM })).status).toBe(201);
    expect((await h.request('DELETE', `/api/conferences/${ROOM.name}`, { as: 'admin' })).status).toBe(204);
    expect(h.sim.server.received.map((r) => r.line).filter((l) => l.includes('hup all'))).toEqual([]);
  });

  it('a name FreeSWITCH still runs a conference under cannot be created', async () => {
    // a conference FreeSWITCH runs that no record controls (started by its own dialplan, say)
    await h.sim.fs.execute('originate', `user/200@${TEST_DOMAIN} &conference(${ROOM.name}@default)`);
    await h.eventually(() => h.daemon.live.conference(ROOM.name) !== undefined, 4000);
    const res = await h.request('POST', '/api/conferences', { as: 'admin', body: ROOM });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ field: 'name' });
  });
});
