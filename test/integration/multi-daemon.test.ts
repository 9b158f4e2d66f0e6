// Two daemons behind an imaginary load balancer, one PostgreSQL, one simulated FreeSWITCH: what one
// daemon commits, the other serves within a second; a user deleted or demoted on one loses access on
// the other (open event streams end with 4001); 200 concurrent admin writes over both lose nothing;
// the click-to-call limit and the login throttle are counted once (a login flood split over both is
// throttled as one, a user still logs in from a known address on the other daemon, X-Forwarded-For
// from TRUSTED_PROXIES is the client on both); a saved PIN reaches FreeSWITCH once; /health shows the
// store.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.js';
import { startDaemonPair, type DaemonPair } from '../helpers/daemon-pair.js';
import { basic, PASSWORDS } from '../helpers/http.js';
import { postgresTestsRun, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { connectStream, type StreamConnection } from '../helpers/ws-client.js';
import type { Daemon } from '../../src/daemon.js';
import type { PostgresStore } from '../../src/store/postgres-store.js';

const RUN = postgresTestsRun('multi-daemon tests');
/** The bound: a change is visible on the other daemon in under a second. */
const WITHIN_A_SECOND = 1000;

let server: TestPostgres;
let pair: DaemonPair | undefined;
const streams: StreamConnection[] = [];

beforeAll(async () => {
  if (RUN) server = await startTestPostgres();
}, 120_000);
afterEach(async () => {
  for (const s of streams.splice(0)) s.socket.terminate();
  await pair?.close();
  pair = undefined;
});
afterAll(async () => {
  await server?.close();
});

async function started(env: Record<string, string> = {}): Promise<DaemonPair> {
  pair = await startDaemonPair(await server.freshDatabase(), env);
  return pair;
}

/** GET /my/conferences with Basic credentials, from `forwardedFor` when given (a trusted proxy's header). */
async function login(
  daemon: Daemon,
  name: string,
  password: string,
  forwardedFor?: string,
): Promise<Response> {
  const headers: Record<string, string> = {
    Authorization: basic(name, password),
    Accept: 'application/json',
  };
  if (forwardedFor !== undefined) headers['X-Forwarded-For'] = forwardedFor;
  return fetch(`${daemon.url}/my/conferences`, { headers });
}

const isKnown = (daemon: Daemon, userName: string, client: string) =>
  (daemon.store as PostgresStore).logins.isKnown(userName, client);

describe.skipIf(!RUN)('two daemons, one PostgreSQL', () => {
  it('a user created on A can be read on B, and log in there, within a second', async () => {
    const p = await started();
    const created = await p.request(p.a, 'POST', '/api/users', {
      as: 'admin',
      body: { userName: '300', password: 'a-long-password', firstName: 'Dora', imId: 'dora' },
    });
    expect(created.status).toBe(201);
    await eventually(
      async () => (await p.request(p.b, 'GET', '/api/users/300', { as: 'admin' })).status === 200,
      WITHIN_A_SECOND,
    );
    const login = await fetch(`${p.b.url}/my/logindetails?format=json`, {
      headers: { Authorization: basic('dora', 'a-long-password') },
    });
    expect(login.status).toBe(200);
    expect(p.a.store.health().status).toBe('ok');
  });

  it('a user deleted on B is refused on A within a second, and their streams on A end with 4001', async () => {
    const p = await started();
    // A has checked and cached the delegate's login, and streams to them
    expect((await p.request(p.a, 'GET', '/my/conferences', { as: 'delegate' })).status).toBe(200);
    const stream = await connectStream(p.a.url, 'delegate');
    streams.push(stream);
    await stream.waitFor((m) => m.type === 'snapshot');

    expect((await p.request(p.b, 'DELETE', '/api/users/201', { as: 'admin' })).status).toBe(204);
    await eventually(
      async () => (await p.request(p.a, 'GET', '/my/conferences', { as: 'delegate' })).status === 401,
      WITHIN_A_SECOND,
    );
    expect(await stream.closed).toBe(4001);
    // the conference they were a delegate of no longer names them, on A either
    const conf = await p.request(p.a, 'GET', '/api/conferences/alice-conf', { as: 'admin' });
    expect(((await conf.json()) as { delegates: string[] }).delegates).toEqual([]);
  });

  it('an admin demoted on A loses the admin API on B within a second', async () => {
    const p = await started();
    await p.request(p.a, 'POST', '/api/users', {
      as: 'admin',
      body: { userName: '301', password: 'second-admin-pw', role: 'admin' },
    });
    const second = { Authorization: basic('301', 'second-admin-pw') };
    await eventually(
      async () => (await fetch(`${p.b.url}/api/users`, { headers: second })).status === 200,
      WITHIN_A_SECOND,
    );
    expect(
      (await p.request(p.a, 'PUT', '/api/users/301', { as: 'admin', body: { role: 'user' } })).status,
    ).toBe(200);
    await eventually(
      async () => (await fetch(`${p.b.url}/api/users`, { headers: second })).status === 403,
      WITHIN_A_SECOND,
    );
  });

  it('200 concurrent admin writes spread over both lose nothing', async () => {
    const p = await started();
    const writes = Array.from({ length: 200 }, (_, i) => {
      const daemon = i % 2 === 0 ? p.a : p.b;
      if (i < 150)
        return p.request(daemon, 'POST', '/api/users', {
          as: 'admin',
          body: { userName: String(5000 + i), password: 'a-long-password', firstName: `n${i}` },
        });
      // the rest add delegates to one conference, each reading the current list: none may be lost
      return p.request(daemon, 'PUT', '/api/conferences/carol-conf', {
        as: 'admin',
        body: { description: `edit ${i}` },
      });
    });
    const statuses = (await Promise.all(writes)).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(150);
    expect(statuses.filter((s) => s === 200)).toHaveLength(50);
    for (const daemon of [p.a, p.b]) {
      await eventually(async () => {
        const res = await p.request(daemon, 'GET', '/api/users', { as: 'admin' });
        const users = ((await res.json()) as { users: Array<{ userName: string }> }).users;
        return users.filter((u) => /^5\d{3}$/.test(u.userName)).length === 150;
      }, 5000);
    }
    // both daemons agree on the conference's last description
    const descriptions = await Promise.all(
      [p.a, p.b].map(async (d) => {
        const res = await p.request(d, 'GET', '/api/conferences/carol-conf', { as: 'admin' });
        return ((await res.json()) as { description: string }).description;
      }),
    );
    expect(descriptions[0]).toMatch(/^edit \d+$/);
    expect(descriptions[1]).toBe(descriptions[0]);
  });

  it('the click-to-call limit is counted once across both daemons', async () => {
    const p = await started({ CALLS_PER_MINUTE: '3' });
    await p.waitSynced();
    expect((await p.request(p.a, 'PUT', '/my/call/9001', { as: 'owner' })).status).toBe(200);
    expect((await p.request(p.b, 'PUT', '/my/call/9002', { as: 'owner' })).status).toBe(200);
    expect((await p.request(p.a, 'PUT', '/my/call/9003', { as: 'owner' })).status).toBe(200);
    for (const daemon of [p.b, p.a]) {
      const refused = await p.request(daemon, 'PUT', '/my/call/9004', { as: 'owner' });
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // another user's budget is their own
    expect((await p.request(p.b, 'PUT', '/my/call/9005', { as: 'delegate' })).status).toBe(200);
    const originates = p.sim.server.received.filter((r) => r.line.startsWith('bgapi originate '));
    expect(originates.filter((r) => r.line.includes('user/200@'))).toHaveLength(3);
  });

  it('a login flood split over A and B is throttled as one; a user who logged in from the address before still gets in on B', async () => {
    const p = await started();
    // the admin logs in on A from this address (127.0.0.1): known there from now on, on every daemon
    expect((await login(p.a, 'admin', PASSWORDS.admin)).status).toBe(200);
    await eventually(() => isKnown(p.b, 'admin', '127.0.0.1'), WITHIN_A_SECOND);
    // 20 wrong passwords for alice from the same address, alternating: 10 on each daemon
    for (let i = 0; i < 20; i++)
      expect((await login(i % 2 === 0 ? p.a : p.b, 'alice', `wrong-${i}`)).status).toBe(401);
    for (const daemon of [p.a, p.b, p.b, p.a]) {
      const refused = await login(daemon, 'alice', 'wrong-again');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // the right password is refused too: alice never logged in from here (no answer tells a guess)
    expect((await login(p.b, 'alice', PASSWORDS.owner)).status).toBe(429);
    // the admin, who did, still gets in on B, where this login was never checked before
    expect((await login(p.b, 'admin', PASSWORDS.admin)).status).toBe(200);
  });

  it('a distributed attack over both daemons locks the name for strangers, not for the user at a known address', async () => {
    const p = await started({ TRUSTED_PROXIES: '127.0.0.1' });
    const home = '198.51.100.10';
    expect((await login(p.a, '200', PASSWORDS.owner, home)).status).toBe(200);
    await eventually(() => isKnown(p.b, '200', home), WITHIN_A_SECOND);
    // 50 wrong passwords for alice (the same user by IM id) from 50 addresses: 25 per daemon, each
    // under the per-name limit (50) on its own
    for (let i = 0; i < 50; i++)
      expect((await login(i % 2 === 0 ? p.a : p.b, 'alice', `guess-${i}`, `203.0.113.${i + 1}`)).status).toBe(
        401,
      );
    for (const daemon of [p.a, p.b])
      expect((await login(daemon, 'alice', PASSWORDS.owner, '203.0.113.200')).status).toBe(429);
    // at home, on B (never checked this login there before): in
    expect((await login(p.b, 'alice', PASSWORDS.owner, home)).status).toBe(200);
  });

  it('behind TRUSTED_PROXIES the forwarded address is counted, on both daemons', async () => {
    const p = await started({ TRUSTED_PROXIES: '127.0.0.1' });
    for (let i = 0; i < 20; i++)
      expect((await login(i % 2 === 0 ? p.b : p.a, `nobody-${i}`, 'wrong', '203.0.113.7')).status).toBe(401);
    for (const daemon of [p.a, p.b]) {
      expect((await login(daemon, 'nobody', 'wrong', '203.0.113.7')).status).toBe(429);
      // another client behind the same proxy has its own count
      expect((await login(daemon, 'nobody', 'wrong', '203.0.113.8')).status).toBe(401);
      // the header's left part is the client's to write: only the proxy's own entry counts
      expect((await login(daemon, 'nobody', 'wrong', '198.51.100.1, 203.0.113.7')).status).toBe(429);
    }
  });

  it('a PIN saved on A reaches the running conference once, and B serves the new PIN', async () => {
    const p = await started();
    await p.waitSynced();
    await p.sim.fs.execute('originate', '{origination_caller_id_number=201}user/201 3000 XML default');
    await eventually(() => [p.a, p.b].every((d) => d.live.conference('alice-conf') !== undefined));
    const saved = await p.request(p.a, 'PUT', '/api/conferences/alice-conf', {
      as: 'admin',
      body: { accessCode: '246810' },
    });
    expect(saved.status).toBe(200);
    await eventually(
      async () => (await p.b.store.getConference('alice-conf'))?.accessCode === '246810',
      WITHIN_A_SECOND,
    );
    await Promise.all([p.a.liveSettings.settled(), p.b.liveSettings.settled()]);
    const pins = p.sim.server.received.filter((r) => /^api conference alice-conf pin /.test(r.line));
    expect(pins.map((r) => r.line)).toEqual(['api conference alice-conf pin 246810']);
  });

  it('/health reports the store; a daemon that loses PostgreSQL keeps reads, refuses writes with 503, and catches up', async () => {
    const url = await server.freshDatabase();
    const proxy = await startTcpProxy(server.host, server.port);
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    try {
      const p = (pair = await startDaemonPair(url, {}, viaProxy.toString()));
      await p.waitSynced();
      const health = async () => {
        const res = await fetch(`${p.a.url}/health`);
        return { status: res.status, body: (await res.json()) as { store: Record<string, unknown> } };
      };
      expect(await health()).toMatchObject({
        status: 200,
        body: { store: { engine: 'postgresql', status: 'ok' } },
      });

      proxy.cut();
      await eventually(async () => (await health()).status === 503, 10_000);
      expect((await health()).body.store).toMatchObject({ status: 'degraded', since: expect.any(String) });
      // reads (and logins) from the last known state; failed logins counted on A alone, as it says
      expect((await p.request(p.a, 'GET', '/my/conferences', { as: 'owner' })).status).toBe(200);
      expect(p.logs.a.filter((l) => l.includes('counting failed logins in this daemon only'))).toHaveLength(
        1,
      );
      // writes: 503 with Retry-After, nothing saved
      const refused = await p.request(p.a, 'POST', '/api/users', {
        as: 'admin',
        body: { userName: '310', password: 'a-long-password' },
      });
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      // B still writes
      expect((await p.request(p.b, 'DELETE', '/api/users/202', { as: 'admin' })).status).toBe(409); // owns carol-conf
      expect((await p.request(p.b, 'DELETE', '/api/conferences/carol-conf', { as: 'admin' })).status).toBe(
        204,
      );
      expect((await p.request(p.b, 'DELETE', '/api/users/202', { as: 'admin' })).status).toBe(204);

      proxy.restore();
      await eventually(async () => (await health()).status === 200, 10_000);
      // what B did meanwhile is there on A, and the refused write is nowhere
      expect((await p.request(p.a, 'GET', '/my/conferences', { as: 'other' })).status).toBe(401);
      await eventually(() => p.logs.a.some((l) => l.includes('counting in PostgreSQL again')), 5000);
      expect((await p.request(p.a, 'GET', '/api/conferences/carol-conf', { as: 'admin' })).status).toBe(404);
      expect((await p.request(p.b, 'GET', '/api/users/310', { as: 'admin' })).status).toBe(404);
    } finally {
      await pair?.close();
      pair = undefined;
      await proxy.close();
    }
  });
});
