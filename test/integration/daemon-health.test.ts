// The daemon against the simulator over TCP: /health follows the ESL connection through a FreeSWITCH
// crash and restart, and the live state is rebuilt from the new FreeSWITCH with no ghosts.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function health(harness: Harness) {
  const res = await harness.request('GET', '/health');
  return {
    status: res.status,
    body: (await res.json()) as { status: string; nodes: Array<Record<string, unknown>> },
  };
}

describe('health and resync against the simulator', () => {
  it('is 200 once connected and synced, 503 while FreeSWITCH is gone, 200 again after it returns', async () => {
    h = await startHarness();
    await h.waitSynced();
    let r = await health(h);
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.nodes[0]).toMatchObject({ state: 'connected', sync: 'synced' });

    h.sim.server.dropAllConnections();
    const harness = h;
    await harness.eventually(async () => (await health(harness)).status === 503);
    r = await health(h);
    expect(r.body.status).toBe('degraded');

    await harness.waitSynced();
    r = await health(h);
    expect(r.status).toBe(200);
    expect(Number(r.body.nodes[0]!['reconnects'])).toBeGreaterThanOrEqual(1);
  });

  it('/health needs no credentials and /my routes do', async () => {
    h = await startHarness();
    expect((await h.request('GET', '/health')).status).not.toBe(401);
    expect((await h.request('GET', '/my/conferences')).status).toBe(401);
    expect((await h.request('GET', '/sipxconfig/rest/health')).status).not.toBe(401);
  });

  it('rebuilds the state after a restart: calls that ended while disconnected are gone, new ones are there', async () => {
    h = await startHarness();
    await h.waitSynced();
    const node = h.daemon.live.node(h.daemon.pool.all()[0]!.nodeId)!;
    // A member joins alice-conf through its extension, while the daemon watches.
    const first = await h.sim.fs.execute(
      'originate',
      '{origination_caller_id_number=200}user/200 3000 XML default',
    );
    expect(first).toMatch(/^\+OK /);
    const harness = h;
    await harness.eventually(() => harness.daemon.live.conference('alice-conf') !== undefined);
    expect(node.calls.channels.size).toBeGreaterThan(0);

    // FreeSWITCH "crashes": the daemon loses the socket; meanwhile that call ends and another starts.
    h.sim.server.dropAllConnections();
    await harness.eventually(() => harness.daemon.live.node(node.nodeId)?.synced === false);
    await h.sim.fs.execute('hupall', 'NORMAL_CLEARING');
    const second = await h.sim.fs.execute(
      'originate',
      '{origination_caller_id_number=201}user/201 3001 XML default',
    );
    expect(second).toMatch(/^\+OK /);

    await harness.waitSynced();
    const fresh = harness.daemon.live.node(node.nodeId)!;
    await harness.eventually(() => harness.daemon.live.conference('carol-conf') !== undefined);
    expect(harness.daemon.live.conference('alice-conf')).toBeUndefined();
    const simChannels = new Set(harness.sim.fs.snapshot().channels);
    expect(new Set(fresh.calls.channels.keys())).toEqual(simChannels);
  });
});
