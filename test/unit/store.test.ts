import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import { newUser, prepareUserChange, sipA1Hash, type UserInput } from '../../src/domain/users.js';
import { ensureAdmin, AdminSetupError } from '../../src/store/ensure-admin.js';
import { JsonFileStore, STORE_FILE_NAME } from '../../src/store/json-file-store.js';
import { StoreOpenError, StoreWriteError } from '../../src/store/store.js';
import { DIGEST_REALM, digestHash, verifyPassword } from '../../src/domain/passwords.js';

const FAST = { N: 1024, r: 8, p: 1 };
const user = (input: Partial<UserInput> & { userName: string }) =>
  newUser({ password: 'secret-password', ...input }, { sipDomain: 'example.org', scrypt: FAST });

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function storeWithAliceAndBob() {
  const store = await JsonFileStore.open(dir);
  await store.createUser(await user({ userName: '200', imId: 'alice' }));
  await store.createUser(await user({ userName: '201', imId: 'bob' }));
  return store;
}

// What every store must do is test/helpers/store-contract.ts (store-contract.test.ts runs it against
// this store); here is what only the file store does: its file, its durability, its start-up checks.
describe('JsonFileStore: its file', () => {
  it('persists users across a reopen, with their secrets, in a file only its owner reads', async () => {
    const store = await storeWithAliceAndBob();
    await store.close();

    const again = await JsonFileStore.open(dir);
    expect((await again.listUsers()).map((u) => u.userName)).toEqual(['200', '201']);
    const alice = await again.getUser('200');
    expect(alice && (await verifyPassword('secret-password', alice.passwordHash))).toBe(true);
    expect(alice?.a1Hash).toBe(sipA1Hash('200', 'example.org', alice?.sipPassword ?? ''));
    expect(((await stat(join(dir, STORE_FILE_NAME))).mode & 0o777).toString(8)).toBe('600');
  });

  it('50 concurrent changes under the write lock all reach the file', async () => {
    const store = await storeWithAliceAndBob();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.updateUser('200', (u) => ({ ...u, lastName: `${u.lastName}x` })),
      ),
    );
    const reopened = await JsonFileStore.open(dir);
    expect((await reopened.getUser('200'))?.lastName).toBe('x'.repeat(50));
  });
});

describe('JsonFileStore: durability', () => {
  it('a failed write changes neither the file nor memory', async () => {
    const store = await storeWithAliceAndBob();
    const before = await readFile(join(dir, STORE_FILE_NAME));
    // Replace the data directory's file by a directory: rename(2) over it must fail.
    await rm(join(dir, STORE_FILE_NAME));
    await mkdir(join(dir, STORE_FILE_NAME));
    await writeFile(join(dir, STORE_FILE_NAME, 'keep'), 'x');
    await expect(store.createUser(await user({ userName: '202' }))).rejects.toBeInstanceOf(StoreWriteError);
    expect(await store.getUser('202')).toBeUndefined();
    expect(before.length).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('removes temp files a crashed writer left behind, and only those', async () => {
    const store = await storeWithAliceAndBob();
    await store.close();
    await writeFile(join(dir, `.${STORE_FILE_NAME}.123.abcdef012345.tmp`), '{"torn":');
    await writeFile(join(dir, 'notes.tmp'), 'operator file');
    await JsonFileStore.open(dir);
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp', STORE_FILE_NAME]);
  });

  const corruptions: Array<[string, string]> = [
    ['truncated JSON', '{"format":"fs-confd/store","version":1,"users":['],
    ['empty file', ''],
    ['wrong format tag', '{"format":"other","version":1,"users":[],"conferences":[]}'],
    ['future version', '{"format":"fs-confd/store","version":2,"users":[],"conferences":[]}'],
    ['bad field', '{"format":"fs-confd/store","version":1,"users":[{"userName":"a b"}],"conferences":[]}'],
  ];
  for (const [what, content] of corruptions) {
    it(`refuses to open a ${what} and leaves it byte-identical`, async () => {
      const path = join(dir, STORE_FILE_NAME);
      await writeFile(path, content);
      const before = await stat(path);
      await expect(JsonFileStore.open(dir)).rejects.toBeInstanceOf(StoreOpenError);
      expect(await readFile(path, 'utf8')).toBe(content);
      expect((await stat(path)).mtimeMs).toBe(before.mtimeMs);
    });
  }

  it('refuses inconsistent content (a conference whose owner does not exist), naming the record', async () => {
    const store = await storeWithAliceAndBob();
    await store.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
    await store.close();
    const path = join(dir, STORE_FILE_NAME);
    const file = JSON.parse(await readFile(path, 'utf8'));
    file.conferences[0].owner = 'ghost';
    const text = JSON.stringify(file);
    await writeFile(path, text);
    await expect(JsonFileStore.open(dir)).rejects.toThrow(/conferences\[0\].*owner/);
    expect(await readFile(path, 'utf8')).toBe(text);
  });

  it('refuses an unreadable file with a clear error', async () => {
    await mkdir(join(dir, STORE_FILE_NAME));
    await expect(JsonFileStore.open(dir)).rejects.toThrow(/cannot read the file: EISDIR/);
  });
});

describe('ensureAdmin', () => {
  const config = { adminUser: 'admin', adminPassword: 'admin-password', fsDomain: 'example.org' };

  it('creates the first admin once, and not again when one exists', async () => {
    const store = await JsonFileStore.open(dir);
    expect(await ensureAdmin(store, config, { scrypt: FAST })).toBe('created');
    const admin = await store.getUser('admin');
    expect(admin?.role).toBe('admin');
    expect(admin && (await verifyPassword('admin-password', admin.passwordHash))).toBe(true);
    // HTTP Digest works for the first admin from the start.
    expect(admin?.digestSecret?.md5).toBe(digestHash('MD5', `admin:${DIGEST_REALM}:admin-password`));
    expect(await ensureAdmin(store, { ...config, adminUser: 'root2' }, { scrypt: FAST })).toBe(
      'admin-exists',
    );
    expect(await store.getUser('root2')).toBeUndefined();
  });

  it('does nothing when not configured, and refuses to take over an existing non-admin user', async () => {
    const store = await storeWithAliceAndBob();
    expect(
      await ensureAdmin(store, { adminUser: undefined, adminPassword: undefined, fsDomain: undefined }),
    ).toBe('not-configured');
    await expect(
      ensureAdmin(store, { ...config, adminUser: '200' }, { scrypt: FAST }),
    ).rejects.toBeInstanceOf(AdminSetupError);
    expect((await store.getUser('200'))?.role).toBe('user');
  });
});

describe('the Digest secret in user records', () => {
  it('a file from before Digest (no secret) loads; one with a malformed secret is refused', async () => {
    const { digestSecret, ...older } = await user({ userName: '200', imId: 'alice' });
    const file = (users: unknown[]) =>
      JSON.stringify({ format: 'fs-confd/store', version: 1, users, conferences: [] });
    await writeFile(join(dir, STORE_FILE_NAME), file([older]));
    expect((await (await JsonFileStore.open(dir)).getUser('200'))?.digestSecret).toBeUndefined();
    for (const bad of [
      { ...digestSecret, md5: 'not-hex' },
      { ...digestSecret, sha256: digestSecret?.md5 },
      { ...digestSecret, alias: { imId: 'alice', md5: digestSecret?.md5 } },
      { ...digestSecret, extra: 1 },
    ]) {
      await writeFile(join(dir, STORE_FILE_NAME), file([{ ...older, digestSecret: bad }]));
      await expect(JsonFileStore.open(dir)).rejects.toThrow(/users\[0\]\.digestSecret/);
    }
  });

  it('a new password derives a new secret; an IM id change keeps only what still holds', async () => {
    const alice = await user({ userName: '200', imId: 'alice', password: 'first-password' });
    expect(alice.digestSecret?.alias?.imId).toBe('alice');
    const renamed = (await prepareUserChange({ imId: 'al' }, { sipDomain: 'example.org' }))(alice);
    expect(renamed.digestSecret?.md5).toBe(alice.digestSecret?.md5);
    expect(renamed.digestSecret?.alias).toBeUndefined();
    const same = (await prepareUserChange({ firstName: 'A' }, { sipDomain: 'example.org' }))(alice);
    expect(same.digestSecret).toEqual(alice.digestSecret);
    const repassed = (
      await prepareUserChange({ password: 'second-password' }, { sipDomain: 'example.org', scrypt: FAST })
    )(renamed);
    expect(repassed.digestSecret?.md5).toBe(digestHash('MD5', `200:${DIGEST_REALM}:second-password`));
    expect(repassed.digestSecret?.alias?.sha256).toBe(
      digestHash('SHA-256', `al:${DIGEST_REALM}:second-password`),
    );
  });
});
