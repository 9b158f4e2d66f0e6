// HTTP Digest through the whole app (app.request, no sockets): MD5 and SHA-256 by userName and IM id,
// no scrypt per request, replay and stale nonces, the same throttle as Basic, and the per-user secret:
// derived when a password is set and at the next Basic login of an older user, never shown or logged.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Passwords from '../../src/domain/passwords.js';
import { STORE_FILE_NAME } from '../../src/store/json-file-store.js';
import { digestAuthorization, digestChallenges, type Algorithm } from '../helpers/digest-client.js';
import { capturedLogger } from '../helpers/daemon-harness.js';
import { eventually } from '../helpers/eventually.js';
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

let fixture: HttpFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

const clock = { now: 7_000_000_000 };
const withClock = () => ({ auth: { now: () => clock.now } });

/** A 401's challenge for `algorithm`, from an unauthenticated request to `path`. */
async function challenge(f: HttpFixture, path: string, algorithm: Algorithm = 'SHA-256', client?: string) {
  const res = await f.request('GET', path, client === undefined ? {} : { client });
  expect(res.status).toBe(401);
  const found = digestChallenges(res.headers.get('www-authenticate')).find((c) => c.algorithm === algorithm);
  if (!found) throw new Error(`no ${algorithm} challenge`);
  return found;
}

async function digestGet(
  f: HttpFixture,
  path: string,
  login: { username: string; password: string },
  opts: { algorithm?: Algorithm; client?: string } = {},
) {
  const c = await challenge(f, path, opts.algorithm, opts.client);
  const auth = digestAuthorization({ ...login, method: 'GET', uri: path, challenge: c });
  return f.request('GET', path, { auth, ...(opts.client === undefined ? {} : { client: opts.client }) });
}

const OWNER = { username: USERS.owner.userName, password: PASSWORDS.owner };

describe('Digest login', () => {
  it('MD5 and SHA-256, by userName and by IM id, with no scrypt per request', async () => {
    const f = (fixture = await createHttpFixture());
    const before = verifyCalls.count;
    for (const algorithm of ['MD5', 'SHA-256'] as const) {
      for (const username of [USERS.owner.userName, USERS.owner.imId]) {
        const res = await digestGet(
          f,
          '/my/logindetails',
          { username, password: PASSWORDS.owner },
          { algorithm },
        );
        expect(res.status, `${algorithm} ${username}`).toBe(200);
        expect(await res.text()).toContain('<userName>200</userName>');
      }
    }
    // The admin API, as an admin, through the sipX prefix.
    const admin = { username: USERS.admin.userName, password: PASSWORDS.admin };
    expect((await digestGet(f, '/sipxconfig/rest/api/users', admin)).status).toBe(200);
    expect(verifyCalls.count).toBe(before);
  });

  it('one nonce serves many requests with increasing counts; each count works once', async () => {
    const f = (fixture = await createHttpFixture());
    const c = await challenge(f, '/my/time');
    for (let nc = 1; nc <= 5; nc++) {
      const auth = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/keepalive', challenge: c, nc });
      expect((await f.request('GET', '/my/keepalive', { auth })).status).toBe(200);
    }
    const again = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/keepalive', challenge: c, nc: 3 });
    const replay = await f.request('GET', '/my/keepalive', { auth: again });
    expect(replay.status).toBe(401);
    expect(digestChallenges(replay.headers.get('www-authenticate')).every((x) => !x.stale)).toBe(true);
  });

  it('a captured header is refused when replayed, on the same or on another request', async () => {
    const f = (fixture = await createHttpFixture());
    const c = await challenge(f, '/my/conferences');
    const auth = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/conferences', challenge: c });
    expect((await f.request('GET', '/my/conferences', { auth })).status).toBe(200);
    expect((await f.request('GET', '/my/conferences', { auth })).status).toBe(401);
    expect((await f.request('GET', '/my/logindetails', { auth })).status).toBe(401);
    // Another method on the same URI: the response no longer matches.
    const fresh = digestAuthorization({
      ...OWNER,
      method: 'GET',
      uri: '/my/conferences',
      challenge: c,
      nc: 2,
    });
    expect((await f.request('PUT', '/my/conferences', { auth: fresh })).status).toBe(401);
  });

  it('wrong password, unknown user, wrong realm: 401 with fresh challenges, nothing stale', async () => {
    const f = (fixture = await createHttpFixture());
    const answers = [];
    for (const login of [
      { username: '200', password: 'wrong-password' },
      { username: 'nobody', password: PASSWORDS.owner },
    ]) {
      const res = await digestGet(f, '/my/time', login);
      answers.push([res.status, await res.text()]);
      const challenges = digestChallenges(res.headers.get('www-authenticate'));
      expect(challenges.map((x) => [x.algorithm, x.stale])).toEqual([
        ['SHA-256', false],
        ['MD5', false],
      ]);
    }
    // A name no user has answers exactly like a wrong password.
    expect(answers[0]).toEqual(answers[1]);
    const c = { ...(await challenge(f, '/my/time')), realm: 'elsewhere' };
    const auth = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/time', challenge: c });
    expect((await f.request('GET', '/my/time', { auth })).status).toBe(401);
  });

  it('an expired nonce: 401 with stale=true when the response was right, then a new nonce works', async () => {
    const f = (fixture = await createHttpFixture(withClock()));
    const c = await challenge(f, '/my/time');
    clock.now += 5 * 60_000 + 1;
    const auth = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/time', challenge: c });
    const res = await f.request('GET', '/my/time', { auth });
    expect(res.status).toBe(401);
    const fresh = digestChallenges(res.headers.get('www-authenticate'));
    expect(fresh.map((x) => x.stale)).toEqual([true, true]);
    expect(fresh[0]?.nonce).not.toBe(c.nonce);
    // A wrong password with the same expired nonce is just wrong, not stale.
    const wrong = digestAuthorization({
      username: '200',
      password: 'nope-nope',
      method: 'GET',
      uri: '/my/time',
      challenge: c,
    });
    const wrongRes = await f.request('GET', '/my/time', { auth: wrong });
    expect(digestChallenges(wrongRes.headers.get('www-authenticate')).some((x) => x.stale)).toBe(false);
    const retry = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/time', challenge: fresh[0]! });
    expect((await f.request('GET', '/my/time', { auth: retry })).status).toBe(200);
  });

  it('a nonce this process did not issue (another daemon, before a restart) is stale, never accepted', async () => {
    const other = await createHttpFixture();
    const c = await challenge(other, '/my/time');
    await other.close();
    const f = (fixture = await createHttpFixture());
    const auth = digestAuthorization({ ...OWNER, method: 'GET', uri: '/my/time', challenge: c });
    const res = await f.request('GET', '/my/time', { auth });
    expect(res.status).toBe(401);
    expect(digestChallenges(res.headers.get('www-authenticate')).map((x) => x.stale)).toEqual([true, true]);
  });

  it('wrong Digest passwords are throttled like Basic: 20 from one client, then 429 (even for Basic)', async () => {
    const f = (fixture = await createHttpFixture());
    const client = '198.51.100.40';
    for (let i = 0; i < 20; i++) {
      const res = await digestGet(f, '/my/time', { username: '200', password: `guess-${i}` }, { client });
      expect(res.status).toBe(401);
    }
    const blocked = await digestGet(f, '/my/time', OWNER, { client });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(60);
    const viaBasic = basic(USERS.owner.userName, PASSWORDS.owner);
    expect((await f.request('GET', '/my/time', { auth: viaBasic, client })).status).toBe(429);
    expect((await digestGet(f, '/my/time', OWNER, { client: '198.51.100.41' })).status).toBe(200);
  });
});

describe('the Digest secret', () => {
  it('a user stored before Digest: refused until one Basic login derives the secret, then accepted', async () => {
    const f = (fixture = await createHttpFixture());
    await f.store.updateUser('201', ({ digestSecret: _drop, ...rest }) => rest);
    const bob = { username: USERS.delegate.imId, password: PASSWORDS.delegate };
    expect((await digestGet(f, '/my/time', bob)).status).toBe(401);
    const viaBasic = basic(USERS.delegate.userName, PASSWORDS.delegate);
    expect((await f.request('GET', '/my/time', { auth: viaBasic })).status).toBe(200);
    await eventually(async () => (await f.store.getUser('201'))?.digestSecret !== undefined);
    // Derived for the userName and for the IM id alias, though the Basic login used the userName.
    expect((await digestGet(f, '/my/time', bob)).status).toBe(200);
    const byName = { username: USERS.delegate.userName, password: PASSWORDS.delegate };
    expect((await digestGet(f, '/my/time', byName, { algorithm: 'MD5' })).status).toBe(200);
  });

  it('follows password and IM id changes made through the admin API', async () => {
    const f = (fixture = await createHttpFixture());
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    const put = (body: unknown) => f.request('PUT', '/api/users/200', { auth: admin, body });
    expect((await put({ password: 'a-new-password-1' })).status).toBe(200);
    expect((await digestGet(f, '/my/time', OWNER)).status).toBe(401);
    expect((await digestGet(f, '/my/time', { username: 'alice', password: 'a-new-password-1' })).status).toBe(
      200,
    );
    // A new IM id: the old alias no longer logs in, the new one needs a Basic login first.
    expect((await put({ imId: 'alice2' })).status).toBe(200);
    expect((await digestGet(f, '/my/time', { username: 'alice', password: 'a-new-password-1' })).status).toBe(
      401,
    );
    expect((await digestGet(f, '/my/time', { username: '200', password: 'a-new-password-1' })).status).toBe(
      200,
    );
    expect(
      (await digestGet(f, '/my/time', { username: 'alice2', password: 'a-new-password-1' })).status,
    ).toBe(401);
    expect((await f.request('GET', '/my/time', { auth: basic('alice2', 'a-new-password-1') })).status).toBe(
      200,
    );
    await eventually(async () => (await f.store.getUser('200'))?.digestSecret?.alias?.imId === 'alice2');
    expect(
      (await digestGet(f, '/my/time', { username: 'alice2', password: 'a-new-password-1' })).status,
    ).toBe(200);
  });

  it('a user created through the admin API logs in with Digest at once', async () => {
    const f = (fixture = await createHttpFixture());
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    const body = { userName: '230', password: 'fresh-password-1', imId: 'dora' };
    expect((await f.request('POST', '/api/users', { auth: admin, body })).status).toBe(201);
    for (const username of ['230', 'dora'])
      expect((await digestGet(f, '/my/time', { username, password: 'fresh-password-1' })).status).toBe(200);
  });

  it('is kept in the store file, but never in a response or a log line', async () => {
    const f = (fixture = await createHttpFixture());
    const admin = basic(USERS.admin.userName, PASSWORDS.admin);
    const user = await f.store.getUser('200');
    const secret = user?.digestSecret;
    expect(secret?.md5).toMatch(/^[0-9a-f]{32}$/);
    const stored = await readFile(join(f.dir, STORE_FILE_NAME), 'utf8');
    expect(stored).toContain(secret?.sha256);
    f.logs.length = 0;
    const bodies = [
      await (await f.request('GET', '/api/users/200', { auth: admin })).text(),
      await (await f.request('GET', '/api/users', { auth: admin })).text(),
      await (await digestGet(f, '/my/logindetails', OWNER)).text(),
      await (await f.request('PUT', '/api/users/200', { auth: admin, body: { firstName: 'Al' } })).text(),
    ];
    // A log call that carries a user record (or a change holding two) prints the secret redacted.
    const { logger, logs: lines } = capturedLogger();
    const record = await f.store.getUser('200');
    logger.info({ user: record, change: { before: record, after: record }, digestSecret: secret }, 'x');
    expect(lines.join('')).toContain('"digestSecret":"[redacted]"');
    const logged = f.logs.join('') + lines.join('');
    for (const value of [secret!.md5, secret!.sha256, secret!.alias!.md5, secret!.alias!.sha256]) {
      for (const body of bodies) expect(body).not.toContain(value);
      expect(logged).not.toContain(value);
    }
  });
});
