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
    const fresh = basic(USERS.owner.imId, PASSWORDS.owner); // a different header: no cache hit
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
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="fs-confd", charset="UTF-8"');
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
