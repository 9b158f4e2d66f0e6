// Every route × {anonymous, wrong password, other user, owner, delegate, admin} → the specified status,
// at the root and under /sipxconfig/rest; and no body ever carries another user's conference settings,
// anyone else's SIP password, or any hash. Each row gets a fresh store, so rows are independent.
import { afterAll, describe, expect, it } from 'vitest';
import { sipA1Hash } from '../../src/domain/users.js';
import {
  basic,
  CONFERENCES,
  createHttpFixture,
  PASSWORDS,
  TEST_DOMAIN,
  USERS,
  type HttpFixture,
  type RequestOptions,
} from '../helpers/http.js';

type Who = 'anonymous' | 'wrong' | 'other' | 'owner' | 'delegate' | 'admin';
const WHO: readonly Who[] = ['anonymous', 'wrong', 'other', 'owner', 'delegate', 'admin'];

const AUTH: Record<Who, string | undefined> = {
  anonymous: undefined,
  wrong: basic(USERS.owner.userName, 'not-the-password'),
  other: basic(USERS.other.imId, PASSWORDS.other), // logs in by IM id, as sipX allowed
  owner: basic(USERS.owner.userName, PASSWORDS.owner),
  delegate: basic(USERS.delegate.userName, PASSWORDS.delegate),
  admin: basic(USERS.admin.userName, PASSWORDS.admin),
};

interface Row {
  method: string;
  path: string;
  body?: unknown;
  /** Statuses in WHO order. */
  expect: [number, number, number, number, number, number];
}

const owned = CONFERENCES.owned.name;
const others = CONFERENCES.others.name;
const settingBody = { setting: { maxMembers: 9, description: 'changed' } };
const newUserBody = { userName: '300', password: 'new-user-password', imId: 'dave' };
const newConfBody = { name: 'new-conf', owner: '202', extension: '3999' };

const ROWS: Row[] = [
  { method: 'GET', path: '/my/conferences', expect: [401, 401, 200, 200, 200, 200] },
  { method: 'GET', path: '/my/conferences/', expect: [401, 401, 200, 200, 200, 200] },
  { method: 'DELETE', path: '/my/conferences', expect: [401, 401, 405, 405, 405, 405] },
  { method: 'GET', path: `/my/conferences/${owned}`, expect: [401, 401, 403, 200, 200, 200] },
  {
    method: 'PUT',
    path: `/my/conferences/${owned}`,
    body: settingBody,
    expect: [401, 401, 403, 200, 200, 200],
  },
  { method: 'GET', path: `/my/conferences/${others}`, expect: [401, 401, 200, 403, 403, 200] },
  { method: 'GET', path: '/my/conferences/no-such-conf', expect: [401, 401, 404, 404, 404, 404] },
  {
    method: 'PUT',
    path: '/my/conferences/no-such-conf',
    body: settingBody,
    expect: [401, 401, 404, 404, 404, 404],
  },
  { method: 'POST', path: `/my/conferences/${owned}`, expect: [401, 401, 405, 405, 405, 405] },
  { method: 'DELETE', path: `/my/conferences/${owned}`, expect: [401, 401, 405, 405, 405, 405] },
  { method: 'GET', path: '/my/logindetails', expect: [401, 401, 200, 200, 200, 200] },
  { method: 'PUT', path: '/my/logindetails', expect: [401, 401, 405, 405, 405, 405] },
  { method: 'GET', path: '/my/time', expect: [401, 401, 200, 200, 200, 200] },
  { method: 'GET', path: '/my/keepalive', expect: [401, 401, 200, 200, 200, 200] },
  { method: 'POST', path: '/my/keepalive', expect: [401, 401, 405, 405, 405, 405] },
  { method: 'GET', path: '/api/users', expect: [401, 401, 403, 403, 403, 200] },
  { method: 'POST', path: '/api/users', body: newUserBody, expect: [401, 401, 403, 403, 403, 201] },
  { method: 'GET', path: '/api/users/202', expect: [401, 401, 403, 403, 403, 200] },
  { method: 'PUT', path: '/api/users/202', body: { lastName: 'X' }, expect: [401, 401, 403, 403, 403, 200] },
  { method: 'DELETE', path: '/api/users/201', expect: [401, 401, 403, 403, 403, 204] },
  { method: 'GET', path: '/api/users/nobody', expect: [401, 401, 403, 403, 403, 404] },
  { method: 'PATCH', path: '/api/users/202', expect: [401, 401, 405, 405, 405, 405] },
  { method: 'GET', path: '/api/conferences', expect: [401, 401, 403, 403, 403, 200] },
  { method: 'POST', path: '/api/conferences', body: newConfBody, expect: [401, 401, 403, 403, 403, 201] },
  { method: 'GET', path: `/api/conferences/${owned}`, expect: [401, 401, 403, 403, 403, 200] },
  {
    method: 'PUT',
    path: `/api/conferences/${owned}`,
    body: { maxMembers: 3 },
    expect: [401, 401, 403, 403, 403, 200],
  },
  { method: 'DELETE', path: `/api/conferences/${owned}`, expect: [401, 401, 403, 403, 403, 204] },
  { method: 'GET', path: '/api/conferences/nope', expect: [401, 401, 403, 403, 403, 404] },
  { method: 'GET', path: '/health', expect: [200, 200, 200, 200, 200, 200] },
  { method: 'GET', path: '/no/such/path', expect: [401, 401, 404, 404, 404, 404] },
];

const fixtures: HttpFixture[] = [];
afterAll(async () => {
  await Promise.all(fixtures.map((f) => f.close()));
});

/** Everything that must never appear in a body `who` receives. */
async function forbiddenStrings(f: HttpFixture, who: Who): Promise<string[]> {
  const users = await f.store.listUsers();
  const secrets = users.flatMap((u) => [
    u.passwordHash,
    u.passwordHash.split('$')[5] ?? '',
    sipA1Hash(u.userName, TEST_DOMAIN, u.sipPassword),
  ]);
  secrets.push('scrypt$');
  const self = who === 'anonymous' || who === 'wrong' ? undefined : USERS[who].userName;
  for (const u of Object.values(USERS)) if (u.userName !== self) secrets.push(u.sipPassword);
  for (const p of Object.values(PASSWORDS)) secrets.push(p);
  if (who !== 'admin') {
    const readable = (c: { owner: string; delegates?: readonly string[] }) =>
      self !== undefined && (c.owner === self || (c.delegates ?? []).includes(self));
    for (const c of Object.values(CONFERENCES)) if (!readable(c)) secrets.push(c.accessCode, c.moderatorPin);
  }
  return secrets.filter((s) => s !== '');
}

describe('route × principal matrix', () => {
  for (const prefix of ['', '/sipxconfig/rest']) {
    for (const row of ROWS) {
      it(`${row.method} ${prefix}${row.path}`, async () => {
        const f = await createHttpFixture();
        fixtures.push(f);
        const got: number[] = [];
        for (const who of WHO) {
          const options: RequestOptions = {};
          const auth = AUTH[who];
          if (auth !== undefined) options.auth = auth;
          if (row.body !== undefined) options.body = row.body;
          const res = await f.request(row.method, `${prefix}${row.path}`, options);
          got.push(res.status);
          const text = await res.text();
          for (const secret of await forbiddenStrings(f, who)) {
            expect(text, `${who} got a body containing a secret`).not.toContain(secret);
          }
          if (res.status === 401)
            expect(res.headers.get('www-authenticate')).toMatch(
              /^Digest realm="[^"]+".*, Basic realm="[^"]+"/,
            );
          if (res.status === 405) expect(res.headers.get('allow')).toMatch(/^[A-Z]+(, [A-Z]+)*$/);
          if (res.status >= 400) expect(text).toMatch(/<error>[^<]+<\/error>|"error":/);
        }
        expect(got).toEqual(row.expect);
        // No secret ever reaches the log either.
        const log = f.logs.join('');
        for (const secret of await forbiddenStrings(f, 'anonymous')) expect(log).not.toContain(secret);
      });
    }
  }
});

describe('lists show only what the caller may read', () => {
  it('/my/conferences: owner sees owned, delegate sees delegated, other sees only their own', async () => {
    const f = await createHttpFixture();
    fixtures.push(f);
    const names = async (who: Who) => {
      const res = await f.request('GET', '/my/conferences?format=json', { auth: AUTH[who] as string });
      return ((await res.json()) as { conferences: Array<{ name: string }> }).conferences.map((c) => c.name);
    };
    expect(await names('owner')).toEqual([owned]);
    expect(await names('delegate')).toEqual([owned]);
    expect(await names('other')).toEqual([others]);
    expect(await names('admin')).toEqual([]); // admins use /api/conferences for everything
  });
});
