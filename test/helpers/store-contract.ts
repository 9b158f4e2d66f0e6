// What every Store must do, whatever keeps the records: the same answers, the same errors (with the
// same fields) and the same change notifications. Run against the embedded store and PostgreSQL.
import { describe, expect, it } from 'vitest';
import { applyConferenceChange, newConference } from '../../src/domain/conferences.js';
import { verifyPassword } from '../../src/domain/passwords.js';
import { newUser, prepareUserChange, sipA1Hash, type UserInput } from '../../src/domain/users.js';
import {
  ConflictError,
  InvalidRecordError,
  NotFoundError,
  type Store,
  type StoreChange,
} from '../../src/store/store.js';

const FAST = { N: 1024, r: 8, p: 1 };
export const contractUser = (input: Partial<UserInput> & { userName: string }) =>
  newUser({ password: 'secret-password', ...input }, { sipDomain: 'example.org', scrypt: FAST });

export function storeContract(name: string, open: () => Promise<Store>, enabled = true): void {
  const withAliceAndBob = async () => {
    const store = await open();
    await store.createUser(await contractUser({ userName: '200', imId: 'alice' }));
    await store.createUser(await contractUser({ userName: '201', imId: 'bob' }));
    return store;
  };
  const conflict = (p: Promise<unknown>, field: string) =>
    expect(p).rejects.toSatisfy((e) => e instanceof ConflictError && e.field === field);
  const invalid = (p: Promise<unknown>, field: string) =>
    expect(p).rejects.toSatisfy((e) => e instanceof InvalidRecordError && e.field === field);

  describe.skipIf(!enabled)(`${name}: the Store contract`, () => {
    it('finds users by name or IM id and keeps their secrets intact', async () => {
      const store = await withAliceAndBob();
      expect((await store.findUserByLogin('alice'))?.userName).toBe('200');
      expect((await store.findUserByLogin('201'))?.imId).toBe('bob');
      expect(await store.findUserByLogin('nobody')).toBeUndefined();
      expect((await store.findUserByImId('bob'))?.userName).toBe('201');
      expect(await store.hasAdmin()).toBe(false);
      const alice = await store.getUser('200');
      expect(alice && (await verifyPassword('secret-password', alice.passwordHash))).toBe(true);
      expect(Object.isFrozen(alice)).toBe(true);
    });

    it('refuses duplicates in the one login namespace of user names, IM ids and extensions', async () => {
      const store = await withAliceAndBob();
      await conflict(store.createUser(await contractUser({ userName: '200' })), 'userName');
      await conflict(store.createUser(await contractUser({ userName: '202', imId: 'alice' })), 'imId');
      await conflict(store.createUser(await contractUser({ userName: '203', imId: '200' })), 'imId');
      await conflict(store.createUser(await contractUser({ userName: 'bob' })), 'userName');
      await store.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
      await conflict(store.createUser(await contractUser({ userName: '3000' })), 'userName');
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
      expect((await store.listUsers()).map((u) => u.userName).sort()).toEqual(['200', '201']);
    });

    it('hands out frozen conference records, so a reader cannot change the store by accident', async () => {
      const store = await withAliceAndBob();
      const conf = await store.createConference(
        newConference({ name: 'c1', owner: '200', extension: '3000', delegates: ['201'] }),
      );
      expect(Object.isFrozen(conf)).toBe(true);
      expect(Object.isFrozen(conf.delegates)).toBe(true);
      expect(() => (conf.delegates as string[]).push('x')).toThrow();
    });

    it('refuses malformed records and unknown references, naming the field', async () => {
      const store = await withAliceAndBob();
      await invalid(
        store.createUser({ ...(await contractUser({ userName: '202' })), userName: 'a<b' }),
        'userName',
      );
      expect((await store.listUsers()).map((u) => u.userName).sort()).toEqual(['200', '201']);
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
      // the owner cannot also be a delegate
      await invalid(
        store.createConference(
          newConference({ name: 'c2', owner: '200', extension: '3001', delegates: ['200'] }),
        ),
        'delegates',
      );
      await store.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
      await invalid(
        store.updateConference('c1', (c) => ({ ...c, name: 'renamed' })),
        'name',
      );
      await invalid(
        store.updateUser('200', (u) => ({ ...u, userName: '299' })),
        'userName',
      );
      await expect(store.updateConference('nope', (c) => c)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.updateUser('nope', (u) => u)).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.deleteConference('nope')).rejects.toBeInstanceOf(NotFoundError);
      expect((await store.listConferences()).map((c) => c.name)).toEqual(['c1']);
    });

    it('keeps the indexes right through changes, and drops a deleted delegate everywhere', async () => {
      const store = await withAliceAndBob();
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
      expect((await store.conferencesOwnedBy('200')).map((c) => c.name).sort()).toEqual(['c1', 'c2']);
      expect(await store.conferencesOwnedBy('201')).toEqual([]);
      expect(await store.conferencesDelegatedTo('200')).toEqual([]);

      await store.updateConference('c1', (c) => ({ ...c, delegates: ['201'] }));
      expect((await store.conferencesDelegatedTo('201')).map((c) => c.name)).toEqual(['c1']);
      await conflict(store.deleteUser('200'), 'userName');
      await store.deleteUser('201');
      expect((await store.getConference('c1'))?.delegates).toEqual([]);
      expect(await store.conferencesDelegatedTo('201')).toEqual([]);
      await expect(store.deleteUser('201')).rejects.toBeInstanceOf(NotFoundError);
      await store.deleteConference('c1');
      expect(await store.getConference('c1')).toBeUndefined();
      expect(await store.findConferenceByExtension('3000')).toBeUndefined();
    });

    it('changes passwords (the SIP one with its a1-hash) and IM ids; the old IM id is free again', async () => {
      const store = await withAliceAndBob();
      const change = await prepareUserChange(
        { password: 'another-password', sipPassword: 'NewSipPass99', imId: null },
        { sipDomain: 'example.org', scrypt: FAST },
      );
      const updated = await store.updateUser('200', change);
      expect(await verifyPassword('another-password', updated.passwordHash)).toBe(true);
      expect(updated.a1Hash).toBe(sipA1Hash('200', 'example.org', 'NewSipPass99'));
      expect((await store.getUser('200'))?.a1Hash).toBe(updated.a1Hash);
      expect(updated.imId).toBeUndefined();
      expect(await store.findUserByLogin('alice')).toBeUndefined();
      await store.updateUser('201', (u) => ({ ...u, imId: 'alice' }));
      expect((await store.findUserByImId('alice'))?.userName).toBe('201');
    });

    it('50 concurrent read-modify-write updates all land', async () => {
      const store = await withAliceAndBob();
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.updateUser('200', (u) => ({ ...u, lastName: `${u.lastName}x` })),
        ),
      );
      expect((await store.getUser('200'))?.lastName).toBe('x'.repeat(50));
    });

    it('tells subscribers about each committed change, in order, and nothing about refused ones', async () => {
      const store = await withAliceAndBob();
      const seen: StoreChange[] = [];
      store.subscribe((c) => seen.push(c));
      await store.createConference(
        newConference({ name: 'c1', owner: '200', extension: '3000', delegates: ['201'] }),
      );
      await store
        .createConference(newConference({ name: 'c1', owner: '200', extension: '3001' }))
        .catch(() => undefined);
      await store.updateConference('c1', (c) => ({ ...c, maxMembers: 5 }));
      await store.deleteUser('201');
      expect(seen.map((c) => `${c.kind}:${c.action}`)).toEqual([
        'conference:created',
        'conference:updated',
        'conference:updated',
        'user:deleted',
      ]);
      expect(seen[1]).toMatchObject({ before: { maxMembers: 0 }, after: { maxMembers: 5 } });
      expect(seen.some((c) => c.remote)).toBe(false);
      expect(store.health().status).toBe('ok');
    });
  });
}
