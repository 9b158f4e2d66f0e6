import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newConference, applyConferenceChange } from '../../src/domain/conferences.js';
import { newUser, prepareUserChange, sipA1Hash, type UserInput } from '../../src/domain/users.js';
import { ensureAdmin, AdminSetupError } from '../../src/store/ensure-admin.js';
import { JsonFileStore, STORE_FILE_NAME } from '../../src/store/json-file-store.js';
import {
  ConflictError,
  InvalidRecordError,
  NotFoundError,
  StoreOpenError,
  StoreWriteError,
  type StoreChange,
} from '../../src/store/store.js';
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

describe('JsonFileStore: users', () => {
  it('creates, finds by userName or IM id, and persists across a reopen', async () => {
    const store = await storeWithAliceAndBob();
    expect((await store.findUserByLogin('alice'))?.userName).toBe('200');
    expect((await store.findUserByLogin('201'))?.imId).toBe('bob');
    expect(await store.findUserByLogin('nobody')).toBeUndefined();
    expect((await store.findUserByImId('bob'))?.userName).toBe('201');
    await store.close();

    const again = await JsonFileStore.open(dir);
    expect((await again.listUsers()).map((u) => u.userName)).toEqual(['200', '201']);
    const alice = await again.getUser('200');
    expect(alice && (await verifyPassword('secret-password', alice.passwordHash))).toBe(true);
    expect(alice?.a1Hash).toBe(sipA1Hash('200', 'example.org', alice?.sipPassword ?? ''));
    expect(((await stat(join(dir, STORE_FILE_NAME))).mode & 0o777).toString(8)).toBe('600');
  });

  it('refuses duplicate userNames and IM ids, and an IM id equal to another userName', async () => {
    const store = await storeWithAliceAndBob();
    await expect(store.createUser(await user({ userName: '200' }))).rejects.toMatchObject({
      field: 'userName',
    });
    await expect(store.createUser(await user({ userName: '202', imId: 'alice' }))).rejects.toMatchObject({
      field: 'imId',
    });
    await expect(store.createUser(await user({ userName: '203', imId: '200' }))).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(store.createUser(await user({ userName: 'bob' }))).rejects.toMatchObject({
      field: 'userName',
    });
  });

  it('refuses a record that breaks the field rules, naming the field', async () => {
    const store = await JsonFileStore.open(dir);
    const bad = { ...(await user({ userName: '200' })), userName: 'a<b' };
    await expect(store.createUser(bad)).rejects.toMatchObject({ field: 'userName' });
    await expect(store.createUser(bad)).rejects.toBeInstanceOf(InvalidRecordError);
    expect(await store.listUsers()).toHaveLength(0);
  });

  it('updates under the write lock: 50 concurrent changes all land', async () => {
    const store = await storeWithAliceAndBob();
    await Promise.all(
      Array.from({ length: 50 }, () =>
        store.updateUser('200', (u) => ({ ...u, lastName: `${u.lastName}x` })),
      ),
    );
    expect((await store.getUser('200'))?.lastName).toBe('x'.repeat(50));
    const reopened = await JsonFileStore.open(dir);
    expect((await reopened.getUser('200'))?.lastName).toBe('x'.repeat(50));
  });

  it('changes a password and the SIP password (recomputing the a1-hash), and drops an IM id', async () => {
    const store = await storeWithAliceAndBob();
    const change = await prepareUserChange(
      { password: 'another-password', sipPassword: 'NewSipPass99', imId: null },
      { sipDomain: 'example.org', scrypt: FAST },
    );
    const updated = await store.updateUser('200', change);
    expect(await verifyPassword('another-password', updated.passwordHash)).toBe(true);
    expect(updated.a1Hash).toBe(sipA1Hash('200', 'example.org', 'NewSipPass99'));
    expect(updated.imId).toBeUndefined();
    expect(await store.findUserByLogin('alice')).toBeUndefined();
  });

  it('deleting a delegate removes them from delegates; deleting an owner is refused', async () => {
    const store = await storeWithAliceAndBob();
    await store.createConference(
      newConference({ name: 'c1', owner: '200', extension: '3000', delegates: ['201'] }),
    );
    expect((await store.conferencesDelegatedTo('201')).map((c) => c.name)).toEqual(['c1']);
    await expect(store.deleteUser('200')).rejects.toBeInstanceOf(ConflictError);
    await store.deleteUser('201');
    expect((await store.getConference('c1'))?.delegates).toEqual([]);
    expect(await store.conferencesDelegatedTo('201')).toEqual([]);
    await expect(store.deleteUser('201')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('JsonFileStore: conferences', () => {
  it('indexes by name, extension, owner and delegate, and keeps indexes right after changes', async () => {
    const store = await storeWithAliceAndBob();
    await store.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
    await store.createConference(
      newConference({ name: 'c2', owner: '201', extension: '3001', delegates: ['200'] }),
    );
    expect((await store.findConferenceByExtension('3001'))?.name).toBe('c2');
    expect((await store.conferencesOwnedBy('200')).map((c) => c.name)).toEqual(['c1']);
    expect((await store.conferencesDelegatedTo('200')).map((c) => c.name)).toEqual(['c2']);

    await store.updateConference('c2', (c) =>
      applyConferenceChange(c, { extension: '3002', delegates: [], owner: '200' }),
    );
    expect(await store.findConferenceByExtension('3001')).toBeUndefined();
    expect((await store.findConferenceByExtension('3002'))?.name).toBe('c2');
    expect((await store.conferencesOwnedBy('200')).map((c) => c.name).sort()).toEqual(['c1', 'c2']);
    expect(await store.conferencesOwnedBy('201')).toEqual([]);
    expect(await store.conferencesDelegatedTo('200')).toEqual([]);

    await store.deleteConference('c1');
    expect(await store.getConference('c1')).toBeUndefined();
    expect(await store.findConferenceByExtension('3000')).toBeUndefined();
  });

  it('refuses duplicate names and extensions (409), unknown owners and delegates (400), owner as delegate', async () => {
    const store = await storeWithAliceAndBob();
    await store.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
    const conflict = (p: Promise<unknown>, field: string) =>
      expect(p).rejects.toSatisfy((e) => e instanceof ConflictError && e.field === field);
    const invalid = (p: Promise<unknown>, field: string) =>
      expect(p).rejects.toSatisfy((e) => e instanceof InvalidRecordError && e.field === field);
    await conflict(
      store.createConference(newConference({ name: 'c1', owner: '200', extension: '3009' })),
      'name',
    );
    await conflict(
      store.createConference(newConference({ name: 'c2', owner: '200', extension: '3000' })),
      'extension',
    );
    await conflict(
      store.createConference(newConference({ name: 'c2', owner: '200', extension: '201' })),
      'extension',
    );
    await invalid(
      store.createConference(newConference({ name: 'c2', owner: '999', extension: '3001' })),
      'owner',
    );
    await invalid(
      store.createConference(
        newConference({ name: 'c2', owner: '200', extension: '3001', delegates: ['999'] }),
      ),
      'delegates',
    );
    await invalid(
      store.createConference(
        newConference({ name: 'c2', owner: '200', extension: '3001', delegates: ['200'] }),
      ),
      'delegates',
    );
    await invalid(
      store.updateConference('c1', (c) => ({ ...c, name: 'renamed' })),
      'name',
    );
    await conflict(store.createUser(await user({ userName: '3000' })), 'userName');
    await expect(store.updateConference('nope', (c) => c)).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.listConferences()).map((c) => c.name)).toEqual(['c1']);
  });

  it('hands out frozen records, so a reader cannot change the store by accident', async () => {
    const store = await storeWithAliceAndBob();
    const conf = await store.createConference(
      newConference({ name: 'c1', owner: '200', extension: '3000', delegates: ['201'] }),
    );
    expect(Object.isFrozen(conf)).toBe(true);
    expect(Object.isFrozen(conf.delegates)).toBe(true);
    expect(() => (conf.delegates as string[]).push('x')).toThrow();
  });

  it('tells subscribers about each committed change, and nothing about refused ones', async () => {
    const store = await storeWithAliceAndBob();
    const seen: StoreChange[] = [];
    store.subscribe((c) => seen.push(c));
    await store.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
    await store
      .createConference(newConference({ name: 'c1', owner: '200', extension: '3001' }))
      .catch(() => undefined);
    await store.updateConference('c1', (c) => ({ ...c, maxMembers: 5 }));
    expect(seen.map((c) => `${c.kind}:${c.action}`)).toEqual(['conference:created', 'conference:updated']);
    expect(seen[1]).toMatchObject({ before: { maxMembers: 0 }, after: { maxMembers: 5 } });
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
