// /my/conferencedetails and the command route when things are not simply up: unknown, not active,
// FreeSWITCH gone (503 + Retry-After, nothing stale), FreeSWITCH too slow (504), verbs that must not
// run a command, the sipX prefix, and the SIP domain taken from FreeSWITCH when FS_DOMAIN is unset.
import { afterEach, describe, expect, it } from 'vitest';
import {
  commandResponseText,
  startConferenceHarness,
  type ConferenceHarness,
} from '../helpers/conference-harness.js';

let h: ConferenceHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const isConferenceLine = (line: string) => /^(?:bg)?api conference alice-conf/.test(line);

describe('conference details', () => {
  it('404 unknown, 406 known but no members, 200 with the members once someone joins', async () => {
    h = await startConferenceHarness();
    expect((await h.details('no-such-conf')).status).toBe(404);
    expect((await h.details('alice-conf')).status).toBe(406);
    const id = await h.join('200');
    const { status, body } = await h.details('alice-conf');
    expect(status).toBe(200);
    expect(body).toMatchObject({ extension: '3000', description: 'Alice weekly', locked: false });
    expect(body?.members).toEqual([
      expect.objectContaining({
        id,
        name: '200',
        imId: 'alice',
        canHear: true,
        canSpeak: true,
        talking: false,
      }),
    ]);
    expect(body?.members[0]?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    h.sim.fs.setTalking(id, true);
    await h.eventually(async () => (await h!.member('alice-conf', id))?.talking === true);
  });

  it('is served under /sipxconfig/rest too, as XML by default', async () => {
    h = await startConferenceHarness();
    await h.join('201');
    const res = await h.request('GET', '/sipxconfig/rest/my/conferencedetails/alice-conf', {
      as: 'delegate',
    });
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toMatch(
      /<conference><extension>3000<\/extension>.*<members><member><id>\d+<\/id><name>201<\/name><imId>bob<\/imId>/,
    );
  });

  it('503 with Retry-After while FreeSWITCH is gone: never stale members, never 404/406', async () => {
    h = await startConferenceHarness();
    await h.join('200');
    await h.sim.server.close(); // stays down: reconnects are refused
    const harness = h;
    await h.eventually(
      () => harness.daemon.live.node(harness.daemon.pool.all()[0]!.nodeId)?.synced === false,
    );
    for (const conf of ['alice-conf', 'carol-conf']) {
      const res = await h.request('GET', `/my/conferencedetails/${conf}`, { as: 'admin' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    }
    for (const tail of ['lock', 'record&status', 'invite&201']) {
      const res = await h.request('PUT', `/my/conference/alice-conf/${tail}`, { as: 'owner' });
      expect(res.status, tail).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    }
    // Still 404/403/400 first: those need no FreeSWITCH.
    expect((await h.command('no-such-conf', 'lock')).status).toBe(404);
    expect((await h.command('alice-conf', 'lock', { as: 'other' })).status).toBe(403);
    expect((await h.command('alice-conf', 'bogus')).status).toBe(400);
  });
});

describe('conference commands', () => {
  it('504 when FreeSWITCH does not answer in time', async () => {
    h = await startConferenceHarness({ env: { ESL_TIMEOUT_MS: '150' } });
    await h.join('200');
    const execute = h.sim.fs.execute.bind(h.sim.fs);
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    h.sim.fs.execute = async (command, args) => {
      if (command === 'conference' && args.includes(' lock')) await answered; // after the 504
      return execute(command, args);
    };
    const res = await h.command('alice-conf', 'lock');
    answer();
    expect(res.status).toBe(504);
    expect(res.text).toContain('it may have been carried out');
    // The stuck request dropped the connection (a late reply could not be told from the next
    // request's); once the node is in sync again the next command gets its own reply.
    await h.waitSynced();
    await h.eventually(async () => (await h!.details('alice-conf')).body?.locked === true);
    const next = await h.command('alice-conf', 'unlock');
    expect(next.status).toBe(200);
    expect(commandResponseText(next.text)).toBe('+OK alice-conf unlocked');
  });

  it('HEAD never runs a command; other verbs are 405 with Allow', async () => {
    h = await startConferenceHarness();
    await h.join('200');
    const mark = h.mark();
    const head = await h.request('HEAD', '/my/conference/alice-conf/lock', { as: 'owner' });
    expect(head.status).toBe(405);
    const post = await h.request('POST', '/my/conference/alice-conf/lock', { as: 'owner' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toContain('PUT');
    const del = await h.request('DELETE', '/my/conferencedetails/alice-conf', { as: 'owner' });
    expect(del.status).toBe(405);
    expect(h.linesSince(mark).filter(isConferenceLine)).toEqual([]);
    expect((await h.details('alice-conf')).body?.locked).toBe(false);
  });

  it('no command is 400; the conference name is decoded once', async () => {
    h = await startConferenceHarness();
    await h.join('200');
    for (const path of ['/my/conference/alice-conf', '/my/conference/alice-conf/']) {
      const res = await h.request('PUT', path, { as: 'owner' });
      expect(res.status, path).toBe(400);
    }
    expect((await h.command('alice%2Dconf', 'lock')).status).toBe(200);
    expect((await h.command('alice%252Dconf', 'lock')).status).toBe(404);
  });

  it("without FS_DOMAIN, dial strings use FreeSWITCH's domain variable, asked once", async () => {
    h = await startConferenceHarness({ env: { FS_DOMAIN: '' } });
    expect(h.config.fsDomain).toBeUndefined();
    await h.join('200');
    const mark = h.mark();
    expect((await h.command('alice-conf', 'invite&201')).status).toBe(200);
    expect((await h.command('alice-conf', 'bgdial&202')).status).toBe(200);
    expect((await h.command('alice-conf', 'lock')).status).toBe(200);
    expect(h.linesSince(mark)).toEqual([
      'api global_getvar domain',
      'api conference alice-conf bgdial {outcall_flags=moderator,fsconfd_user=200}user/201@example.org 3000 Alice_weekly',
      'api conference alice-conf bgdial {fsconfd_user=200}user/202@example.org 3000 Alice_weekly',
      'api conference alice-conf lock',
    ]);
  });
});
