// Issue 11 items 4-6 end to end: the daemon over TCP against the simulated FreeSWITCH. A click-to-call
// reads as the user's call to its target while the target rings (and after a resync, which reads the
// daemon's variables back with uuid_dump); a leg a conference dials out reads as an incoming call from
// the conference; a loopback channel's two halves are one call.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/daemon-harness.js';
import { cdrsOf, type CdrJson } from '../helpers/click-to-call.js';

const BOB_PHONE = '127.0.0.1:5201';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  await h.waitSynced();
  return h;
}

async function until(hh: Harness, as: 'owner' | 'delegate' | 'other', check: (c: CdrJson[]) => boolean) {
  let seen: CdrJson[] = [];
  await hh.eventually(async () => check((seen = await cdrsOf(hh, as))));
  return seen;
}

/** Drops the daemon's ESL connection and waits until it has rebuilt the node from FreeSWITCH. */
async function resync(hh: Harness): Promise<void> {
  const sync = [...hh.daemon.syncs.values()][0]!;
  const before = sync.stats.resyncs;
  hh.sim.server.dropAllConnections();
  await hh.eventually(() => sync.stats.resyncs > before && sync.status === 'synced');
}

interface AdminCall {
  uuid: string;
  state: string;
  from: string;
  to: string;
  legs: Array<{ name: string }>;
}

async function activeCalls(hh: Harness): Promise<AdminCall[]> {
  const res = await hh.request('GET', '/api/activecalls', { as: 'admin' });
  return ((await res.json()) as { cdrs: AdminCall[] }).cdrs;
}

describe('what a live call reads as', () => {
  it('click-to-call: to the target while it rings, before and after a resync', async () => {
    const hh = await harness({ reachability: { [BOB_PHONE]: { kind: 'no-answer' } } });
    const res = await hh.request('PUT', '/my/call/201', { as: 'owner', json: true });
    const { uuid } = ((await res.json()) as { call: { uuid: string } }).call;
    // Alice (200) answered after 50 ms; 201's phone rings and never answers.
    const ringing = (c: CdrJson[]) => c.length === 1 && c[0]!.state === 'ringing';
    await until(hh, 'delegate', ringing);
    const expected = { uuid, state: 'ringing', from: '200', to: '201', recipient: '' };
    expect(await until(hh, 'owner', ringing)).toEqual([
      expect.objectContaining({ ...expected, direction: 'OUTGOING' }),
    ]);
    expect(await cdrsOf(hh, 'delegate')).toEqual([
      expect.objectContaining({ ...expected, direction: 'INCOMING' }),
    ]);

    await resync(hh);
    expect(await cdrsOf(hh, 'owner')).toEqual([
      expect.objectContaining({ ...expected, direction: 'OUTGOING' }),
    ]);
    expect(await cdrsOf(hh, 'delegate')).toEqual([
      expect.objectContaining({ ...expected, direction: 'INCOMING' }),
    ]);
    const [call] = await activeCalls(hh);
    expect(call).toMatchObject({ uuid, state: 'ringing', from: '200', to: '201' });
    expect(call!.legs).toHaveLength(2);
  });

  it('click-to-call to an extension the answered leg runs itself: to the extension, also after a resync', async () => {
    const hh = await harness();
    hh.sim.fs.setDialplan('9991', { kind: 'silence' });
    const res = await hh.request('PUT', '/my/call/9991', { as: 'owner', json: true });
    const { uuid } = ((await res.json()) as { call: { uuid: string } }).call;
    const expected = { uuid, from: '200', to: '9991', direction: 'OUTGOING' };
    expect(await until(hh, 'owner', (c) => c[0]?.state === 'answered')).toEqual([
      expect.objectContaining({ ...expected, recipient: '9991', 'to-aor': '<sip:9991@example.org>' }),
    ]);
    await resync(hh);
    expect(await cdrsOf(hh, 'owner')).toEqual([
      expect.objectContaining({ ...expected, state: 'answered', recipient: '9991' }),
    ]);
  });

  it('a phone calling a phone that rings and never answers reads ringing for both, never answered', async () => {
    const hh = await harness({ reachability: { [BOB_PHONE]: { kind: 'no-answer' } } });
    const uuid = hh.sim.fs.inboundCall({ from: '200', to: '201', port: 5200 });
    const ringing = { uuid, state: 'ringing', from: '200', to: '201', recipient: '' };
    expect(await until(hh, 'delegate', (c) => c.length === 1)).toEqual([
      expect.objectContaining({ ...ringing, direction: 'INCOMING' }),
    ]);
    expect(await cdrsOf(hh, 'owner')).toEqual([
      expect.objectContaining({ ...ringing, direction: 'OUTGOING' }),
    ]);
    const [call] = await activeCalls(hh);
    expect(call).toMatchObject({ uuid, state: 'ringing' });
    expect(call!.legs).toHaveLength(2);
    hh.sim.fs.hangup(uuid);
    await until(hh, 'delegate', (c) => c.length === 0);
  });

  it("a conference's invite rings the user as an incoming call from the conference", async () => {
    const hh = await harness({ reachability: { [BOB_PHONE]: { kind: 'answer', afterMs: 300 } } });
    const res = await hh.request('PUT', '/my/conference/alice-conf/invite&201', { as: 'owner' });
    expect(res.status).toBe(200);
    // alice-conf's caller ID: its extension 3000 and description "Alice weekly".
    const incoming = { from: '3000', 'from-aor': '"Alice_weekly" <sip:3000@example.org>', to: '201' };
    expect(await until(hh, 'delegate', (c) => c[0]?.state === 'ringing')).toEqual([
      expect.objectContaining({ ...incoming, direction: 'INCOMING', recipient: '' }),
    ]);
    expect(await until(hh, 'delegate', (c) => c[0]?.state === 'answered')).toEqual([
      expect.objectContaining({ ...incoming, direction: 'INCOMING', recipient: '201' }),
    ]);
    await resync(hh);
    expect(await cdrsOf(hh, 'delegate')).toEqual([
      expect.objectContaining({ ...incoming, direction: 'INCOMING', recipient: '201', state: 'answered' }),
    ]);
    // Alice invited, but the call is 201's with the conference: it is not in her list.
    expect(await cdrsOf(hh, 'owner')).toEqual([]);
  });

  it('a loopback leg a conference dials is one call with both halves as legs, also after a resync', async () => {
    const hh = await harness();
    hh.sim.fs.setDialplan('9991', { kind: 'silence' });
    // What conference-json.txt's `dial loopback/9991/default 1005 Eve` does: the -a half joins the
    // conference, the -b half runs extension 9991 with Eve's caller ID.
    expect(await hh.sim.fs.execute('conference', 'alice-conf dial loopback/9991/default 1005 Eve')).toMatch(
      /^\+OK Call Requested: result: \[SUCCESS\]/,
    );
    const one = (calls: AdminCall[]) =>
      calls.length === 1 &&
      calls[0]!.legs.map((l) => l.name).join() === 'loopback/9991-a,loopback/9991-b' &&
      calls[0]!.state === 'answered';
    let calls: AdminCall[] = [];
    await hh.eventually(async () => one((calls = await activeCalls(hh))));
    expect(calls[0]).toMatchObject({ from: '1005', to: '9991' });
    await resync(hh);
    calls = await activeCalls(hh);
    expect(one(calls), JSON.stringify(calls)).toBe(true);
    expect(calls[0]).toMatchObject({ from: '1005', to: '9991' });
  });
});
