// The pure parts of the shared store: bringing an in-memory data set to what PostgreSQL holds (and
// saying what changed, as remote StoreChanges), how long reads may be served while PostgreSQL is
// away, and which failures mean "unreachable" (503) rather than a bug.
import { describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import { newUser, type User } from '../../src/domain/users.js';
import { healthReport } from '../../src/health.js';
import { StoreAvailability } from '../../src/store/availability.js';
import type { Dataset } from '../../src/store/dataset.js';
import { datasetFrom, refreshKeys, replaceAll, sameRecord } from '../../src/store/dataset-sync.js';
import { isConnectionError, storeErrorFrom } from '../../src/store/pg-errors.js';
import { ConflictError, StoreUnavailableError } from '../../src/store/store.js';
import type { EslPool } from '../../src/esl/pool.js';

const FAST = { N: 1024, r: 8, p: 1 };
const user = (userName: string, imId?: string) =>
  newUser(
    { userName, password: 'secret-password', ...(imId ? { imId } : {}) },
    { sipDomain: 'x', scrypt: FAST },
  );

async function twoUsers(): Promise<{ data: Dataset; alice: User; bob: User }> {
  const alice = await user('200', 'alice');
  const bob = await user('201', 'bob');
  const data = datasetFrom([alice, bob], [newConference({ name: 'c1', owner: '200', extension: '3000' })]);
  return { data, alice, bob };
}

describe('refreshKeys: another daemon committed these records', () => {
  it('applies creates, updates and deletes, reporting each as a remote change (users first, owners last)', async () => {
    const { data, alice, bob } = await twoUsers();
    const carol = await user('202');
    const { changes, invalid } = refreshKeys(data, {
      users: new Map<string, unknown>([
        ['201', undefined],
        ['202', carol],
        ['200', { ...alice, firstName: 'Alice' }],
      ]),
      conferences: new Map([['c1', undefined]]),
    });
    expect(invalid).toEqual([]);
    expect(changes.map((c) => `${c.kind}:${c.action}:${'userName' in c ? c.userName : c.name}`)).toEqual([
      'user:created:202',
      'user:updated:200',
      'conference:deleted:c1',
      'user:deleted:201',
    ]);
    expect(changes.every((c) => c.remote)).toBe(true);
    expect(changes[1]).toMatchObject({ before: { firstName: '' }, after: { firstName: 'Alice' } });
    expect(changes[3]).toMatchObject({ before: bob });
    expect(data.users.get('200')?.firstName).toBe('Alice');
    expect(Object.isFrozen(data.users.get('200'))).toBe(true);
    expect(data.conferencesByOwner.get('200')).toBeUndefined();
  });

  it('an IM id moving from one user to another in one batch leaves the index right', async () => {
    const { data, alice, bob } = await twoUsers();
    // in one commit: alice drops "alice", bob takes it
    const aliceWithout: Record<string, unknown> = { ...alice };
    delete aliceWithout['imId'];
    refreshKeys(data, {
      users: new Map<string, unknown>([
        ['200', aliceWithout],
        ['201', { ...bob, imId: 'alice' }],
      ]),
      conferences: new Map(),
    });
    expect(data.usersByImId.get('alice')?.userName).toBe('201');
    expect(data.usersByImId.get('bob')).toBeUndefined();
    // and the other order of the same batch
    refreshKeys(data, {
      users: new Map<string, unknown>([
        ['200', { ...alice }],
        ['201', bob],
      ]),
      conferences: new Map(),
    });
    expect(data.usersByImId.get('alice')?.userName).toBe('200');
    expect(data.usersByImId.get('bob')?.userName).toBe('201');
  });

  it('reports nothing for records that did not change (jsonb reorders keys) and keeps invalid ones out', async () => {
    const { data, alice } = await twoUsers();
    const reordered = Object.fromEntries(Object.entries(alice).reverse());
    expect(sameRecord(reordered, alice)).toBe(true);
    const result = refreshKeys(data, {
      users: new Map<string, unknown>([
        ['200', reordered],
        ['201', { userName: '201', passwordHash: 'nope' }],
      ]),
      conferences: new Map(),
    });
    expect(result.changes).toEqual([]);
    expect(result.invalid).toEqual(['user 201']);
    expect(data.users.get('201')?.imId).toBe('bob');
  });
});

describe('replaceAll: the whole data set after a reconnect', () => {
  it('becomes the snapshot and lists what differed', async () => {
    const { data, alice } = await twoUsers();
    const next = datasetFrom([{ ...alice, lastName: 'L' }, await user('203')], []);
    const changes = replaceAll(data, next);
    expect(changes.map((c) => `${c.kind}:${c.action}`)).toEqual([
      'user:updated',
      'user:created',
      'conference:deleted',
      'user:deleted',
    ]);
    expect([...data.users.keys()].sort()).toEqual(['200', '203']);
    expect(data.conferences.size).toBe(0);
    expect(replaceAll(data, next)).toEqual([]);
  });
});

describe('StoreAvailability', () => {
  it('serves reads for staleReadsMs after PostgreSQL went away, then refuses them; up again resets', () => {
    let now = 1_000_000;
    const a = new StoreAvailability(60_000, () => now);
    expect(a.health()).toEqual({ engine: 'postgresql', status: 'ok', since: null });
    a.down();
    now += 30_000;
    a.down(); // a second failure does not restart the clock
    expect(a.readable).toBe(true);
    expect(a.isUp).toBe(false);
    expect(a.health()).toEqual({
      engine: 'postgresql',
      status: 'degraded',
      since: new Date(1_000_000).toISOString(),
      readsUntil: new Date(1_060_000).toISOString(),
    });
    now += 30_000;
    expect(a.readable).toBe(false);
    expect(a.health().status).toBe('unavailable');
    a.up();
    expect(a.readable && a.isUp).toBe(true);
  });
});

describe('PostgreSQL errors', () => {
  it('connection failures, shutdowns and timeouts are "unavailable"; constraint violations keep their meaning', () => {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Query read timeout'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
    ]) {
      expect(isConnectionError(err), err.message).toBe(true);
      expect(storeErrorFrom(err)).toBeInstanceOf(StoreUnavailableError);
    }
    const unique = Object.assign(new Error('duplicate key'), {
      code: '23505',
      constraint: 'users_im_id_key',
    });
    expect(storeErrorFrom(unique)).toMatchObject({ field: 'imId' });
    expect(storeErrorFrom(unique)).toBeInstanceOf(ConflictError);
    const bug = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(storeErrorFrom(bug)).toBe(bug);
  });
});

describe('/health with a store', () => {
  const pool = { all: () => [] } as unknown as EslPool;
  it('is ok only while the store is, and shows its section', () => {
    expect(healthReport(pool, new Map(), { engine: 'file', status: 'ok', since: null })).toEqual({
      ok: true,
      body: { status: 'ok', nodes: [], store: { engine: 'file', status: 'ok', since: null } },
    });
    const degraded = {
      engine: 'postgresql',
      status: 'degraded',
      since: 'then',
      readsUntil: 'later',
    } as const;
    expect(healthReport(pool, new Map(), degraded)).toMatchObject({
      ok: false,
      body: { status: 'degraded', store: degraded },
    });
  });
});
