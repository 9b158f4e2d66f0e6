// Issue 5 acceptance: the ownership matrix over /my/conferencedetails and /my/conference (GET and PUT),
// including `transfer` into someone else's conference. alice-conf: owner 200, delegate 201; carol-conf:
// owner 202; alice-second: owner 200, no delegates. Whatever is refused sends nothing to FreeSWITCH.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS } from '../helpers/daemon-harness.js';
import {
  startConferenceHarness,
  type ConferenceHarness,
  type Principal,
} from '../helpers/conference-harness.js';

let h: ConferenceHarness;
beforeAll(async () => {
  h = await startConferenceHarness();
  await h.addConference({ name: 'alice-second', owner: '200', extension: '3002' });
  await h.join('200', 'alice-conf');
  await h.join('202', 'carol-conf');
});
afterAll(async () => {
  await h.close();
});

type Who = Principal | 'anonymous';
const PRINCIPALS: Who[] = ['owner', 'delegate', 'other', 'admin', 'anonymous'];

/** Expected status per conference and principal for reads and commands alike. */
const EXPECTED: Record<string, Record<Who, number>> = {
  'alice-conf': { owner: 200, delegate: 200, other: 403, admin: 200, anonymous: 401 },
  'carol-conf': { owner: 403, delegate: 403, other: 200, admin: 200, anonymous: 401 },
  'no-such-conf': { owner: 404, delegate: 404, other: 404, admin: 404, anonymous: 401 },
};

async function call(method: string, path: string, who: Who): Promise<{ status: number; sent: string[] }> {
  const mark = h.mark();
  const res = await h.request(method, path, who === 'anonymous' ? {} : { as: who });
  await res.arrayBuffer();
  return { status: res.status, sent: h.linesSince(mark).filter((l) => l.includes('conference')) };
}

describe.each(Object.keys(EXPECTED))('%s', (conf) => {
  describe.each(PRINCIPALS)('as %s', (who) => {
    const expected = EXPECTED[conf]![who];
    it(`GET details → ${expected}`, async () => {
      const r = await call('GET', `/my/conferencedetails/${conf}`, who);
      expect(r.status).toBe(expected);
    });
    it.each(['GET', 'PUT'])(`%s lock → ${expected}, sent only when allowed`, async (method) => {
      const r = await call(method, `/sipxconfig/rest/my/conference/${conf}/lock`, who);
      expect(r.status).toBe(expected);
      expect(r.sent).toEqual(expected === 200 ? [`api conference ${conf} lock`] : []);
    });
    it('a bad command is never validated for someone who may not run it', async () => {
      const r = await call('PUT', `/my/conference/${conf}/mute&%0D%0A`, who);
      expect(r.status).toBe(expected === 200 ? 400 : expected);
      expect(r.sent).toEqual([]);
    });
  });
});

describe('transfer needs control of both conferences', () => {
  beforeAll(async () => {
    // The matrix above locked them; a locked conference lets nobody in, transfers included.
    expect((await h.command('alice-conf', 'unlock')).status).toBe(200);
    expect((await h.command('carol-conf', 'unlock', { as: 'admin' })).status).toBe(200);
  });
  const CASES: Array<[Who, string, number]> = [
    ['owner', 'carol-conf', 403], // someone else's conference
    ['delegate', 'carol-conf', 403],
    ['other', 'carol-conf', 403], // owns the target, not the source
    ['admin', 'carol-conf', 200],
    ['owner', 'alice-second', 200],
    ['delegate', 'alice-second', 403], // delegate of the source only
    ['owner', 'no-such-conf', 404],
    ['anonymous', 'alice-second', 401],
  ];
  it.each(CASES)('as %s into %s → %i', async (who, target, expected) => {
    const id = await h.join('201', 'alice-conf');
    const r = await call('PUT', `/my/conference/alice-conf/transfer&${target}&${id}`, who);
    expect(r.status).toBe(expected);
    if (expected !== 200) {
      expect(r.sent).toEqual([]);
      expect(h.daemon.live.conference('alice-conf')?.conference.members.has(id)).toBe(true);
      return;
    }
    expect(r.sent).toEqual([`api conference alice-conf transfer ${target}@default ${id}`]);
    await h.eventually(() => h.daemon.live.conference(target)?.conference.members.has(id) === true);
    // The receiving conference's own owner now sees the member there.
    const viewer: Principal = target === 'carol-conf' ? 'other' : 'owner';
    const seen = await h.details(target, viewer);
    expect(seen.body?.members.some((m) => m.id === id && m.name === USERS.delegate.userName)).toBe(true);
  });
});
