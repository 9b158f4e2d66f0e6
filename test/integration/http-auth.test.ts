// Basic auth end to end: lockout after 20 wrong passwords (429 + Retry-After) without locking out
// other clients, the success cache (one scrypt per header per TTL, invalidated by a password change),
// per-account protection against distributed guessing, and bounded/malformed headers.
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Passwords from '../../src/domain/passwords.js';
import { basic, createHttpFixture, PASSWORDS, USERS, type HttpFixture } from '../helpers/http.js';

const verifyCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/domain/passwords.js', async (importOriginal) => {
  const original = await importOriginal<typeof Passwords>();
  return {
    ...original,
    verifyPassword: async (password: string, stored: string) => {
      verifyCalls.count++;
      return original.verifyPassword(password, stored);
    },
  };
});

const OWNER = basic(USERS.owner.userName, PASSWORDS.owner);
/** Digest SHA-256, Digest MD5 and Basic, joined by fetch's Headers.get. */
const CHALLENGES =
  /^Digest realm="fs-confd", qop="auth", algorithm=SHA-256, nonce="[\w-]{40}", Digest realm="fs-confd", qop="auth", algorithm=MD5, nonce="[\w-]{40}", Basic realm="fs-confd", charset="UTF-8"$/;
const WRONG = basic(USERS.owner.userName, 'guess-123');

let fixture: HttpFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

function withClock() {
  const clock = { now: 5_000_000 };
  return { clock, auth: { now: () => clock.now } };
}

describe('lockout', () => {
  it('20 wrong passwords in a row from one client → 429 with Retry-After; other clients still get in', async () => {
    const { clock, auth } = withClock();
    const f = (fixture = await createHttpFixture({ auth }));
    for (let i = 0; i < 20; i++) {
      const res = await f.request('GET', '/my/time', { auth: WRONG, client: '198.51.100.7' });
      expect(res.status).toBe(401);
    }
    const blocked = await f.request('GET', '/my/time', { auth: WRONG, client: '198.51.100.7' });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('60');
    expect(await blocked.text()).toContain('<error>');

    // The blocked client is refused even with the right password (no scrypt is spent on it) ...
    const before = verifyCalls.count;
    expect((await f.request('GET', '/my/time', { auth: OWNER, client: '198.51.100.7' })).status).toBe(429);
    expect(verifyCalls.count).toBe(before);
    // ... while the same user from another client, and other users, still get in.
    expect((await f.request('GET', '/my/time', { auth: OWNER, client: '203.0.113.9' })).status).toBe(200);
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    expect((await f.request('GET', '/api/users', { auth: admin, client: '203.0.113.10' })).status).toBe(200);

    // After the lockout the client may try again (and a success clears its record).
    clock.now += 60_000;
    expect((await f.request('GET', '/my/time', { auth: OWNER, client: '198.51.100.7' })).status).toBe(200);
    expect(f.logs.join('')).toContain('login attempts blocked');
  });

  it('distributed guessing on one account: new clients get 429, the user’s usual client does not', async () => {
    const f = (fixture = await createHttpFixture({ auth: { userFailureLimit: 10 } }));
    expect((await f.request('GET', '/my/time', { auth: OWNER, client: '10.1.1.1' })).status).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await f.request('GET', '/my/time', { auth: WRONG, client: `10.9.9.${i}` })).status).toBe(401);
    }
    const fresh = OWNER.replace('Basic', 'basic'); // the same login in a different header: no cache hit
    expect((await f.request('GET', '/my/time', { auth: fresh, client: '10.9.9.200' })).status).toBe(429);
    expect((await f.request('GET', '/my/time', { auth: fresh, client: '10.1.1.1' })).status).toBe(200);
    // Other accounts are unaffected.
    const other = basic(USERS.other.userName, PASSWORDS.other);
    expect((await f.request('GET', '/my/time', { auth: other, client: '10.9.9.201' })).status).toBe(200);
  });
});

describe('success cache', () => {
  it('a client polling every second costs one scrypt per max age, not one per request or per TTL', async () => {
    const { clock, auth } = withClock();
    const f = (fixture = await createHttpFixture({
      auth: { ...auth, cacheTtlMs: 10_000, cacheMaxAgeMs: 60_000 },
    }));
    const before = verifyCalls.count;
    for (let i = 0; i < 150; i++) {
      expect((await f.request('GET', '/my/keepalive', { auth: OWNER })).status).toBe(200);
      clock.now += 1_000;
    }
    // The TTL slides with each use; the password is checked again once per minute of polling.
    expect(verifyCalls.count - before).toBe(3);
  });

  it('a cached login not used for longer than the TTL is checked again', async () => {
    const { clock, auth } = withClock();
    const f = (fixture = await createHttpFixture({ auth: { ...auth, cacheTtlMs: 10_000 } }));
    const before = verifyCalls.count;
    for (let i = 0; i < 3; i++) {
      expect((await f.request('GET', '/my/keepalive', { auth: OWNER })).status).toBe(200);
      clock.now += 11_000;
    }
    expect(verifyCalls.count - before).toBe(3);
  });

  it('identical headers arriving together share one scrypt', async () => {
    const f = (fixture = await createHttpFixture());
    const before = verifyCalls.count;
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => f.request('GET', '/my/time', { auth: OWNER }).then((r) => r.status)),
    );
    expect(statuses).toEqual(Array(10).fill(200));
    expect(verifyCalls.count - before).toBe(1);
  });

  it('a password change or a deleted user invalidates the cached login at once', async () => {
    const f = (fixture = await createHttpFixture());
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    const other = basic(USERS.other.userName, PASSWORDS.other);
    expect((await f.request('GET', '/my/time', { auth: OWNER })).status).toBe(200);
    expect((await f.request('GET', '/my/time', { auth: other })).status).toBe(200);
    const put = await f.request('PUT', '/api/users/200', {
      auth: admin,
      body: { password: 'brand-new-pass' },
    });
    expect(put.status).toBe(200);
    expect((await f.request('GET', '/my/time', { auth: OWNER })).status).toBe(401);
    expect((await f.request('GET', '/my/time', { auth: basic('200', 'brand-new-pass') })).status).toBe(200);
    // 202 owns a conference: refused (409) until it is gone.
    expect((await f.request('DELETE', '/api/users/202', { auth: admin })).status).toBe(409);
    expect((await f.request('DELETE', '/api/conferences/carol-conf', { auth: admin })).status).toBe(204);
    expect((await f.request('DELETE', '/api/users/202', { auth: admin })).status).toBe(204);
    expect((await f.request('GET', '/my/time', { auth: other })).status).toBe(401);
  });

  it('a role change applies at once to a cached login', async () => {
    const f = (fixture = await createHttpFixture());
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    expect((await f.request('GET', '/api/users', { auth: OWNER })).status).toBe(403);
    expect((await f.request('PUT', '/api/users/200', { auth: admin, body: { role: 'admin' } })).status).toBe(
      200,
    );
    expect((await f.request('GET', '/api/users', { auth: OWNER })).status).toBe(200);
  });
});

describe('credentials parsing', () => {
  it('logs in by userName or IM id; refuses malformed and oversized headers with 401 and a challenge', async () => {
    const f = (fixture = await createHttpFixture());
    expect((await f.request('GET', '/my/time', { auth: basic('alice', PASSWORDS.owner) })).status).toBe(200);
    for (const auth of [
      'Basic',
      'Basic ###',
      'Bearer abc',
      `Basic ${Buffer.from('200').toString('base64')}`,
      `Basic ${Buffer.from(`200:${'x'.repeat(2000)}`).toString('base64')}`,
      basic('200', `${PASSWORDS.owner}\r\nX: y`),
    ]) {
      const res = await f.request('GET', '/my/time', { auth });
      expect(res.status, auth.slice(0, 30)).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(CHALLENGES);
    }
  });
});

describe('over a real socket', () => {
  let server: ServerType | undefined;
  afterEach(() => {
    server?.close();
    server = undefined;
  });

  it('reads the client address from the socket: 20 failures → 429, via fetch on 127.0.0.1', async () => {
    const f = (fixture = await createHttpFixture());
    server = serve({ fetch: f.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server?.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const get = (auth: string) =>
      fetch(`http://127.0.0.1:${port}/sipxconfig/rest/my/time`, { headers: { Authorization: auth } });
    for (let i = 0; i < 20; i++) expect((await get(WRONG)).status).toBe(401);
    const res = await get(WRONG);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    // A different header from the same (blocked) address is refused; the app.request client is not.
    expect((await get(basic('alice', PASSWORDS.owner))).status).toBe(429);
    expect((await f.request('GET', '/my/time', { auth: OWNER })).status).toBe(200);
  });
});

describe('bounded password checks', () => {
  it('200 concurrent wrong passwords from one address: 20 checked (401), the rest 429 at once', async () => {
    const f = (fixture = await createHttpFixture());
    const before = verifyCalls.count;
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        f
          .request('GET', '/my/time', { auth: basic('200', `guess-${i}`), client: '198.51.100.50' })
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401).length).toBe(20);
    expect(statuses.filter((s) => s === 429).length).toBe(180);
    expect(verifyCalls.count - before).toBe(20);
    // Names no user has go through the same count and the same decoy check.
    const ghosts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        f
          .request('GET', '/my/time', { auth: basic(`ghost-${i}`, 'pw-pw-pw-pw'), client: '198.51.100.51' })
          .then((r) => r.status),
      ),
    );
    expect(ghosts.filter((s) => s === 401).length).toBe(20);
    expect(ghosts.filter((s) => s === 429).length).toBe(30);
  });

  it('checks beyond the process-wide cap are answered 503 at once; a known user still gets in', async () => {
    const f = (fixture = await createHttpFixture({ auth: { scryptGate: { concurrency: 1, queue: 2 } } }));
    expect((await f.request('GET', '/my/time', { auth: OWNER, client: '10.7.0.1' })).status).toBe(200);
    const known = OWNER.replace('Basic', 'basic'); // not cached: needs a check of its own
    const flood = Array.from({ length: 47 + 3 }, (_, i) =>
      f.request('GET', '/my/time', { auth: basic('201', `guess-${i}`), client: `10.8.0.${i}` }),
    );
    const mine = f.request('GET', '/my/time', { auth: known, client: '10.7.0.1' });
    const responses = await Promise.all(flood);
    expect((await mine).status).toBe(200);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBe(3); // one running, two waiting
    expect(statuses.filter((s) => s === 503).length).toBe(47);
    const busy = responses.find((r) => r.status === 503);
    expect(busy?.headers.get('retry-after')).toBe('1');
    // Refused for capacity is not a failure: those addresses are not counted.
    expect(
      (await f.request('GET', '/my/time', { auth: basic('202', PASSWORDS.other), client: '10.8.0.9' }))
        .status,
    ).toBe(200);
  });
});

describe('TRUSTED_PROXIES', () => {
  it('X-Forwarded-For names the client only when the request comes from a trusted proxy', async () => {
    const f = (fixture = await createHttpFixture({ auth: { trustedProxies: ['192.0.2.0/24'] } }));
    const via = (forwarded: string, auth: string, client = '192.0.2.1') =>
      f.request('GET', '/my/time', { auth, client, headers: { 'X-Forwarded-For': forwarded } });
    for (let i = 0; i < 20; i++) expect((await via('198.51.100.1', basic('200', `g-${i}`))).status).toBe(401);
    expect((await via('198.51.100.1', OWNER)).status).toBe(429);
    // A client cannot escape by sending its own X-Forwarded-For: the proxy appends the real address.
    expect((await via('203.0.113.77, 198.51.100.1', OWNER)).status).toBe(429);
    // Others behind the same proxy are not affected.
    expect((await via('198.51.100.2', OWNER)).status).toBe(200);
    // From an address that is not a trusted proxy the header is ignored: the peer is the client.
    for (let i = 0; i < 20; i++)
      expect((await via(`198.51.100.${100 + i}`, basic('200', `h-${i}`), '203.0.113.9')).status).toBe(401);
    const uncached = OWNER.replace('Basic', 'basic'); // OWNER is cached now: a known-good header
    expect((await via('198.51.100.3', uncached, '203.0.113.9')).status).toBe(429);
  });
});
