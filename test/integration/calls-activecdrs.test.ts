// The active-call views against the simulator: /my/activecdrs (XML and JSON, sipX element names and
// order), the admin's /activecdrs/{user} and /api/activecalls (node and both legs), who may see what,
// a regular phone-to-phone call, and 503 while a node's state is being rebuilt.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { cdrsOf, type CdrJson } from '../helpers/click-to-call.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SIPX_ORDER = [
  'from',
  'from-aor',
  'to',
  'to-aor',
  'direction',
  'recipient',
  'internal',
  'type',
  'start-time',
  'duration',
];

interface AdminCalls {
  cdrs: Array<
    Omit<CdrJson, 'direction'> & {
      direction: string;
      node: string;
      legs: Array<{ uuid: string; user: string; name: string; direction: string; state: string }>;
    }
  >;
  unavailableNodes: string[];
}

/** Alice (200) click-to-calls Bob (201); resolves with the call's UUID once it is bridged. */
async function bridgedCall(hh: Harness): Promise<string> {
  const res = await hh.request('PUT', '/my/call/201', { as: 'owner', json: true });
  const { uuid } = ((await res.json()) as { call: { uuid: string } }).call;
  await hh.eventually(async () => (await cdrsOf(hh, 'delegate'))[0]?.state === 'bridged');
  return uuid;
}

describe('active calls', () => {
  it('XML by default with exactly sipX element names in order; JSON on request; extras only when extended; the same under /sipxconfig/rest', async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = await bridgedCall(h);
    const xml = await h.request('GET', '/my/activecdrs', { as: 'owner' });
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(xml.headers.get('cache-control')).toBe('no-store');
    const text = await xml.text();
    const cdrs = [...text.matchAll(/<cdr>(.*?)<\/cdr>/g)].map((m) => m[1]!);
    expect(cdrs).toHaveLength(1);
    expect([...cdrs[0]!.matchAll(/<([a-z-]+)>/g)].map((m) => m[1])).toEqual(SIPX_ORDER);
    expect(cdrs[0]).toContain(`<from>200</from><from-aor>&lt;sip:200@example.org&gt;</from-aor><to>201</to>`);
    expect(cdrs[0]).toContain(
      `<direction>OUTGOING</direction><recipient>201</recipient><internal>true</internal>`,
    );
    expect(cdrs[0]).not.toContain('<uuid>');
    const extended = await (await h.request('GET', '/my/activecdrs?extended=true', { as: 'owner' })).text();
    expect(extended).toContain(`<duration>`);
    expect(extended).toMatch(new RegExp(`</duration><uuid>${uuid}</uuid><state>bridged</state></cdr>`));

    const json = (await (
      await h.request('GET', '/sipxconfig/rest/my/activecdrs?format=json', { as: 'owner' })
    ).json()) as {
      cdrs: CdrJson[];
    };
    expect(Object.keys(json.cdrs[0]!)).toEqual(SIPX_ORDER);
    expect(Object.keys((await cdrsOf(h, 'owner'))[0]!)).toEqual([...SIPX_ORDER, 'uuid', 'state']);
    expect(typeof json.cdrs[0]!['start-time']).toBe('number');
    expect(typeof json.cdrs[0]!.internal).toBe('boolean');

    // Carol is in no call: an empty list, not an error.
    expect(await (await h.request('GET', '/my/activecdrs', { as: 'other' })).text()).toMatch(
      /<cdrs><\/cdrs>$/,
    );
    expect(await cdrsOf(h, 'other')).toEqual([]);
  });

  it("/activecdrs/{user} shows any user's calls to an admin only", async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = await bridgedCall(h);
    const adminView = (await (
      await h.request('GET', '/activecdrs/201?extended=true', { as: 'admin', json: true })
    ).json()) as {
      cdrs: CdrJson[];
    };
    const own = await cdrsOf(h, 'delegate');
    const withoutDuration = (c: CdrJson) => ({ ...c, duration: 0 });
    expect(adminView.cdrs.map(withoutDuration)).toEqual(own.map(withoutDuration));
    expect(adminView.cdrs[0]).toMatchObject({ uuid, direction: 'INCOMING', from: '200' });

    expect((await h.request('GET', '/activecdrs/201', { as: 'owner' })).status).toBe(403);
    expect((await h.request('GET', '/activecdrs/201', { as: 'delegate' })).status).toBe(403);
    expect((await h.request('GET', '/activecdrs/201')).status).toBe(401);
    expect((await h.request('GET', '/activecdrs/a%20b', { as: 'admin' })).status).toBe(400);
    expect((await h.request('GET', '/activecdrs/a%0D%0Ab', { as: 'admin' })).status).toBe(400);
    expect((await h.request('GET', `/activecdrs/${'a'.repeat(65)}`, { as: 'admin' })).status).toBe(400);
    expect(await (await h.request('GET', '/activecdrs/nobody', { as: 'admin' })).text()).toMatch(
      /<cdrs><\/cdrs>$/,
    );
    expect((await h.request('PUT', '/my/activecdrs', { as: 'owner' })).status).toBe(405);
  });

  it('/api/activecalls lists every live call with its node and both legs, for admins only', async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = await bridgedCall(h);
    const res = await h.request('GET', '/api/activecalls', { as: 'admin' });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as AdminCalls;
    expect(body.unavailableNodes).toEqual([]);
    expect(body.cdrs).toHaveLength(1);
    const call = body.cdrs[0]!;
    expect(call).toMatchObject({
      uuid,
      node: h.daemon.pool.all()[0]!.nodeId,
      state: 'bridged',
      direction: 'OUTGOING',
      from: '200',
      to: '201',
      recipient: '201',
    });
    expect(call.legs.map((l) => [l.user, l.name, l.direction, l.state])).toEqual([
      ['200', 'sofia/internal/200@127.0.0.1:5200', 'outbound', 'answered'],
      ['201', 'sofia/internal/201@127.0.0.1:5201', 'outbound', 'answered'],
    ]);
    expect(call.legs[0]!.uuid).toBe(uuid);
    expect(new Set(call.legs.map((l) => l.uuid))).toEqual(new Set(h.sim.fs.snapshot().channels));

    expect((await h.request('GET', '/api/activecalls', { as: 'owner' })).status).toBe(403);
  });

  it('a phone-to-phone call shows as OUTGOING for the caller and INCOMING for the callee', async () => {
    h = await startHarness();
    await h.waitSynced();
    const uuid = h.sim.fs.inboundCall({ from: '202', to: '201', port: 5202 });
    await h.eventually(async () => (await cdrsOf(h!, 'delegate'))[0]?.recipient === '201');
    expect((await cdrsOf(h, 'delegate'))[0]).toMatchObject({
      uuid,
      from: '202',
      to: '201',
      direction: 'INCOMING',
    });
    expect((await cdrsOf(h, 'other'))[0]).toMatchObject({
      uuid,
      from: '202',
      to: '201',
      direction: 'OUTGOING',
    });
    const admin = (await (await h.request('GET', '/api/activecalls', { as: 'admin' })).json()) as AdminCalls;
    expect(admin.cdrs[0]).toMatchObject({ uuid, direction: 'INCOMING', state: 'bridged' });
    h.sim.fs.hangup(uuid);
    await h.eventually(async () => (await cdrsOf(h!, 'delegate')).length === 0);
  });

  it('answers 503 with Retry-After while the node is not in sync, rather than a list missing its calls', async () => {
    h = await startHarness();
    await h.waitSynced();
    await bridgedCall(h);
    h.daemon.live.markUnavailable(h.daemon.pool.all()[0]!.nodeId);
    for (const [path, as] of [
      ['/my/activecdrs', 'owner'],
      ['/activecdrs/201', 'admin'],
      ['/api/activecalls', 'admin'],
    ] as const) {
      const res = await h.request('GET', path, { as, json: true });
      expect(res.status, path).toBe(503);
      expect(res.headers.get('retry-after'), path).toMatch(/^\d+$/);
    }
  });
});
