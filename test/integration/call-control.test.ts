// Control of live calls through the whole daemon against the simulator (which answers uuid_hold,
// uuid_transfer and uuid_kill as the recorded FreeSWITCH does): hold and resume show in
// /my/activecdrs and on the event stream (call.held, call.resumed), a blind transfer sends the other
// party to the target and the caller drops out, hang-up ends the call; who may act on which call
// (404, 403, admin), what the call's state allows (409), hostile uuids and targets (400), the dial
// policy (403), and 503 while the node is being resynced.
import { afterEach, describe, expect, it } from 'vitest';
import { cdrsOf, type Principal } from '../helpers/click-to-call.js';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { connectStream, type StreamConnection } from '../helpers/ws-client.js';

let h: Harness | undefined;
let stream: StreamConnection | undefined;
afterEach(async () => {
  stream?.close();
  stream = undefined;
  await h?.close();
  h = undefined;
});

/** Alice (200) click-to-calls Bob (201); resolves with the call's uuid once it is bridged. */
async function bridgedCall(hh: Harness): Promise<string> {
  const res = await hh.request('PUT', '/my/call/201', { as: 'owner', json: true });
  expect(res.status).toBe(200);
  const { uuid } = ((await res.json()) as { call: { uuid: string } }).call;
  await hh.eventually(async () => (await cdrsOf(hh, 'delegate'))[0]?.state === 'bridged');
  return uuid;
}

async function act(hh: Harness, as: Principal, path: string) {
  const res = await hh.request('PUT', path, { as, json: true });
  const body = (await res.json()) as {
    'call-control'?: { uuid: string; action: string; state: string; dialed?: string };
    error?: string;
    field?: string;
  };
  return { status: res.status, body };
}

const stateOf = async (hh: Harness, as: Principal, uuid: string) =>
  (await cdrsOf(hh, as)).find((c) => c.uuid === uuid)?.state;

/** What the simulator received on its ESL connections, without the auth and subscription lines. */
const sentLines = (hh: Harness, verb: string) =>
  hh.sim.server.received.map((r) => r.line).filter((line) => line.startsWith(`api ${verb}`));

describe('call control', () => {
  it('hold and resume: activecdrs says held for both parties, the stream says call.held and call.resumed', async () => {
    h = await startHarness();
    await h.waitSynced();
    stream = await connectStream(h.url, 'delegate');
    const uuid = await bridgedCall(h);

    const held = await act(h, 'owner', `/my/activecdrs/${uuid}/hold`);
    expect(held).toEqual({ status: 200, body: { 'call-control': { uuid, action: 'hold', state: 'held' } } });
    // the answer waited for the state: a read right after it agrees, for both parties
    expect(await stateOf(h, 'owner', uuid)).toBe('held');
    expect(await stateOf(h, 'delegate', uuid)).toBe('held');
    await stream.waitFor((m) => m.type === 'call.held' && m.call.uuid === uuid);
    // Alice's own leg went on hold: the leg she answered
    const [line] = sentLines(h, 'uuid_hold');
    expect(line).toMatch(/^api uuid_hold [0-9a-f-]{36}$/);
    expect(line).toBe(`api uuid_hold ${uuid}`);

    expect((await act(h, 'owner', `/my/activecdrs/${uuid}/hold`)).status).toBe(409);
    // Bob did not put it on hold: he cannot take Alice's side off hold
    const notHis = await act(h, 'delegate', `/my/activecdrs/${uuid}/resume`);
    expect(notHis.status).toBe(409);
    expect(notHis.body.error).toMatch(/other party/);

    const resumed = await act(h, 'owner', `/my/activecdrs/${uuid}/resume`);
    expect(resumed.body['call-control']).toEqual({ uuid, action: 'resume', state: 'bridged' });
    expect(await stateOf(h, 'owner', uuid)).toBe('bridged');
    await stream.waitFor(
      (m) => m.type === 'call.resumed' && m.call.uuid === uuid && m.call.state === 'bridged',
    );
    expect((await act(h, 'owner', `/my/activecdrs/${uuid}/resume`)).status).toBe(409);
    expect(sentLines(h, 'uuid_hold')).toEqual([`api uuid_hold ${uuid}`, `api uuid_hold off ${uuid}`]);
  });

  it('a blind transfer sends the other party to the target through the dialplan; the caller drops out', async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = await bridgedCall(h);
    const bob = (await cdrsOf(h, 'delegate'))[0]!;
    expect(bob.uuid).toBe(uuid);

    // 3000 is alice-conf's extension: Bob ends up a member of it
    const res = await act(h, 'owner', `/my/activecdrs/${uuid}/transfer/3000`);
    expect(res.status).toBe(200);
    expect(res.body['call-control']).toMatchObject({ uuid, action: 'transfer', dialed: '3000' });
    const [line] = sentLines(h, 'uuid_transfer');
    expect(line).toMatch(/^api uuid_transfer [0-9a-f-]{36} 3000 XML default$/);
    expect(line).not.toContain(uuid); // the far leg, not Alice's
    await h.eventually(async () => (await cdrsOf(h!, 'owner')).length === 0);
    await h.eventually(() => h!.sim.fs.snapshot().conferences.some((c) => c.name === 'alice-conf'));
    const details = await h.request('GET', '/my/conferencedetails/alice-conf', { as: 'owner', json: true });
    expect(details.status).toBe(200);
    expect(JSON.stringify(await details.json())).toContain('"name":"201"');
  });

  it('hang-up ends the call for both parties; a second hang-up is 404', async () => {
    h = await startHarness();
    await h.waitSynced();
    stream = await connectStream(h.url, 'owner');
    const uuid = await bridgedCall(h);
    // the callee may hang up too: he is a party
    const res = await act(h, 'delegate', `/my/activecdrs/${uuid}/hangup`);
    expect(res.status).toBe(200);
    expect(res.body['call-control']).toEqual({ uuid, action: 'hangup', state: 'ended' });
    expect(await cdrsOf(h, 'owner')).toEqual([]);
    expect(await cdrsOf(h, 'delegate')).toEqual([]);
    await stream.waitFor((m) => m.type === 'call.ended' && m.call.uuid === uuid);
    // the call's first leg first; the other went with it (FreeSWITCH answers No such channel, fine)
    const kills = sentLines(h, 'uuid_kill');
    expect(kills[0]).toBe(`api uuid_kill ${uuid}`);
    expect(kills).toHaveLength(2);
    expect((await act(h, 'owner', `/my/activecdrs/${uuid}/hangup`)).status).toBe(404);
  });

  it('who may act: 404 unknown, 403 not a party, an admin on any call; the uuid and target are checked', async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = await bridgedCall(h);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const action of ['hangup', 'hold', 'resume', 'transfer/3000'])
      expect((await act(h, 'owner', `/my/activecdrs/${unknown}/${action}`)).status, action).toBe(404);
    for (const action of ['hangup', 'hold', 'resume', 'transfer/3000']) {
      const res = await act(h, 'other', `/my/activecdrs/${uuid}/${action}`);
      expect(res.status, action).toBe(403);
    }
    for (const bad of ['not-a-uuid', uuid.toUpperCase(), `${uuid}%0D%0Aapi%20hupall`, `${uuid}x`])
      expect((await act(h, 'owner', `/my/activecdrs/${bad}/hold`)).status, bad).toBe(400);
    for (const target of ['3000%0D%0Aapi%20hupall', '3000%20XML%20public', 'a%3Bb', '%2Fetc%2Fpasswd']) {
      const res = await act(h, 'owner', `/my/activecdrs/${uuid}/transfer/${target}`);
      expect(res.status, target).toBe(400);
      expect(res.body.field).toBe('to');
    }
    // a SIP URI outside our domain that DIAL_ALLOW does not permit
    const foreign = await act(h, 'owner', `/my/activecdrs/${uuid}/transfer/sip%3Abob%40evil.example`);
    expect(foreign.status).toBe(403);
    expect(sentLines(h, 'uuid_transfer')).toEqual([]);
    expect(sentLines(h, 'uuid_kill')).toEqual([]);
    expect(sentLines(h, 'uuid_hold')).toEqual([]);

    const admin = await act(h, 'admin', `/my/activecdrs/${uuid}/hold`);
    expect(admin.body['call-control']).toMatchObject({ state: 'held' });
    expect((await act(h, 'admin', `/my/activecdrs/${uuid}/resume`)).status).toBe(200);
    expect((await act(h, 'admin', `/my/activecdrs/${uuid}/hangup`)).status).toBe(200);
    expect(await cdrsOf(h, 'owner')).toEqual([]);
  });

  it("409 when the call's state does not allow it: hold or transfer while the other phone rings", async () => {
    // Bob's phone rings for a long while
    h = await startHarness({ reachability: { '127.0.0.1:5201': { kind: 'answer', afterMs: 60_000 } } });
    await h.waitSynced();
    const res = await h.request('PUT', '/my/call/201', { as: 'owner', json: true });
    const { uuid } = ((await res.json()) as { call: { uuid: string } }).call;
    await h.eventually(async () => (await stateOf(h!, 'owner', uuid)) === 'answered');
    const hold = await act(h, 'owner', `/my/activecdrs/${uuid}/hold`);
    expect(hold.status).toBe(409);
    expect(hold.body.error).toMatch(/not connected/);
    expect((await act(h, 'owner', `/my/activecdrs/${uuid}/transfer/3000`)).status).toBe(409);
    expect((await act(h, 'owner', `/my/activecdrs/${uuid}/resume`)).status).toBe(409);
    expect(sentLines(h, 'uuid_hold')).toEqual([]);
    // hanging up a call that is still being set up is fine
    expect((await act(h, 'owner', `/my/activecdrs/${uuid}/hangup`)).status).toBe(200);
    await h.eventually(async () => (await cdrsOf(h!, 'owner')).length === 0);
  });

  it('503 with Retry-After while the node is not in sync; XML by default; only PUT', async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = await bridgedCall(h);
    const xml = await h.request('PUT', `/sipxconfig/rest/my/activecdrs/${uuid}/hold`, { as: 'owner' });
    expect(xml.status).toBe(200);
    expect(await xml.text()).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<call-control><uuid>${uuid}</uuid><action>hold</action><state>held</state></call-control>`,
    );
    expect((await h.request('GET', `/my/activecdrs/${uuid}/hold`, { as: 'owner' })).status).toBe(405);
    expect((await h.request('PUT', `/my/activecdrs/${uuid}/hold`)).status).toBe(401);
    h.daemon.live.markUnavailable(h.daemon.pool.all()[0]!.nodeId);
    const res = await h.request('PUT', `/my/activecdrs/${uuid}/resume`, { as: 'owner', json: true });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});
