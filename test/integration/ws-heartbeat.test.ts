// Heartbeats over real sockets: a peer that stops answering pings is cut off within two intervals;
// a live one stays connected and gets `heartbeat` messages (what lets a browser notice a dead link).
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/daemon-harness.js';
import { connectStream, type StreamConnection } from '../helpers/ws-client.js';

const INTERVAL = 100;

let h: Harness | undefined;
const open: StreamConnection[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) c.socket.terminate();
  await h?.close();
  h = undefined;
});

describe('event stream heartbeats', () => {
  it('drops a peer that does not answer pings; keeps one that does', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    harness.daemon.events.retune({ heartbeatMs: INTERVAL });
    // A peer that is gone without a FIN looks like this from the server: pings go unanswered.
    const dead = await connectStream(harness.url, 'owner', { wsOptions: { autoPong: false } });
    const live = await connectStream(harness.url, 'owner');
    open.push(dead, live);
    const opened = performance.now();

    expect(await dead.closed).toBe(1006); // terminated, no close handshake
    const after = performance.now() - opened;
    expect(after).toBeGreaterThanOrEqual(INTERVAL);
    expect(after).toBeLessThan(INTERVAL * 2 + 5000); // generous: a loaded machine delays timers
    expect(harness.daemon.events.stats.drops.dead).toBe(1);

    // Each heartbeat first drops a peer that did not answer the last ping: four of them make three checks.
    const beats = () => live.messages.filter((m) => m.type === 'heartbeat').length;
    await live.waitFor(() => beats() >= 4);
    expect(live.socket.readyState).toBe(live.socket.OPEN);
    expect(harness.daemon.events.clientCount).toBe(1);
  });

  it('closes every stream with 1001 when the daemon stops', async () => {
    h = await startHarness();
    const harness = h;
    await harness.waitSynced();
    const a = await connectStream(harness.url, 'owner');
    const b = await connectStream(harness.url, 'admin');
    open.push(a, b);
    await harness.daemon.stop();
    expect(await a.closed).toBe(1001);
    expect(await b.closed).toBe(1001);
  });
});
