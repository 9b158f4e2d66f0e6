// The login throttle shared through PostgreSQL (SharedLoginThrottle over PgLogins) against a real
// PostgreSQL: the same rules as the in-memory throttle (the contract, on a clock the test moves),
// counted once by two daemons' throttles on one database, known addresses spread by notification,
// no round trip for a user at a known address, attempts of a daemon that died expire, old counters
// are cleaned up, and a database of the previous schema is migrated.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_GUARD_OPTIONS, type GuardOptions } from '../../src/http/auth-guard.js';
import { PENDING_MS, SharedLoginThrottle } from '../../src/http/shared-login-throttle.js';
import { migrate, MIGRATIONS } from '../../src/store/pg-migrations.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { eventually } from '../helpers/eventually.js';
import { at, loginThrottleContract } from '../helpers/login-throttle-contract.js';
import { postgresTestsRun, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { contractUser } from '../helpers/store-contract.js';

const RUN = postgresTestsRun('shared login throttle tests');
/** The users the contract's successes are for (known addresses belong to existing users). */
const USER_NAMES = ['alice', 'bob', 'mallory', 'victim', 'someone', '200'];

let server: TestPostgres;
const stores: PostgresStore[] = [];

beforeAll(async () => {
  if (RUN) server = await startTestPostgres();
}, 120_000);
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(async () => {
  await server?.close();
});

/** A database with USER_NAMES; `clock` drives the counters (and the throttles made on it). */
async function database(clock: {
  now: number;
}): Promise<{ url: string; open: () => Promise<PostgresStore> }> {
  const url = await server.freshDatabase();
  const open = async () => {
    const store = await PostgresStore.open({
      url,
      backoff: { initialMs: 20, maxMs: 100 },
      loginClock: () => clock.now,
    });
    stores.push(store);
    return store;
  };
  const seed = await open();
  for (const userName of USER_NAMES) await seed.createUser(await contractUser({ userName }));
  return { url, open };
}

function throttleOn(store: PostgresStore, clock: { now: number }, overrides: Partial<GuardOptions> = {}) {
  return new SharedLoginThrottle(store.logins, {
    ...DEFAULT_GUARD_OPTIONS,
    now: () => clock.now,
    ...overrides,
  });
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

loginThrottleContract(
  'SharedLoginThrottle (PostgreSQL)',
  async (overrides) => {
    const clock = { now: 1_000_000 };
    const { open } = await database(clock);
    const store = await open();
    return {
      throttle: throttleOn(store, clock, overrides),
      advance: (ms) => (clock.now += ms),
      close: async () => undefined, // the stores close after each test
    };
  },
  RUN,
);

describe.skipIf(!RUN)('shared login throttle: two daemons, one database', () => {
  it('200 concurrent wrong passwords from one address, spread over two daemons: 20 checked in all', async () => {
    const clock = { now: 1_000_000 };
    const db = await database(clock);
    const [a, b] = [throttleOn(await db.open(), clock), throttleOn(await db.open(), clock)];
    const admissions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b).admit(at('198.51.100.7', 'alice'))),
    );
    const admitted = admissions.flatMap((x, i) =>
      x.ok ? [{ ticket: x.ticket, on: i % 2 === 0 ? a : b }] : [],
    );
    expect(admitted).toHaveLength(20);
    await Promise.all(admitted.map(({ ticket, on }) => on.settle(ticket, 'failure')));
    for (const t of [a, b]) {
      const next = await t.admit(at('198.51.100.7', 'bob'));
      expect(next).toEqual({ ok: false, retryAfterMs: 60_000 });
    }
  });

  it('a success on A makes the address known on B (notified), the ninth pushes out the oldest everywhere', async () => {
    const clock = { now: 1_000_000 };
    const db = await database(clock);
    const [storeA, storeB] = [await db.open(), await db.open()];
    const a = throttleOn(storeA, clock);
    const succeed = async (client: string) => {
      const admission = await a.admit(at(client, 'alice'));
      if (!admission.ok) throw new Error('refused');
      await a.settle(admission.ticket, 'success');
      clock.now += 1000;
    };
    await succeed('10.0.0.1');
    await eventually(() => storeB.logins.isKnown('alice', '10.0.0.1'), 1000);
    for (let i = 2; i <= 9; i++) await succeed(`10.0.0.${i}`);
    await eventually(() => !storeB.logins.isKnown('alice', '10.0.0.1'), 1000);
    expect(storeA.logins.isKnown('alice', '10.0.0.1')).toBe(false);
    expect(storeB.logins.isKnown('alice', '10.0.0.9')).toBe(true);
    const rows = await query<{ client: string }>(
      db.url,
      "SELECT client FROM login_known WHERE user_name = 'alice'",
    );
    expect(rows.map((r) => r.client).sort()).toEqual([
      '10.0.0.2',
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.5',
      '10.0.0.6',
      '10.0.0.7',
      '10.0.0.8',
      '10.0.0.9',
    ]);

    // deleting the user drops their addresses, in the database and on every daemon
    await storeA.deleteUser('alice');
    await eventually(() => !storeB.logins.isKnown('alice', '10.0.0.9'), 1000);
    expect(await query(db.url, 'SELECT * FROM login_known')).toEqual([]);
    // a daemon started later loads the table
    const succeedBob = await a.admit(at('10.0.0.1', 'bob'));
    if (succeedBob.ok) await a.settle(succeedBob.ticket, 'success');
    expect((await db.open()).logins.isKnown('bob', '10.0.0.1')).toBe(true);
  });

  it('a user at a known address with a clean record is admitted without a round trip; a failure asks again', async () => {
    const clock = { now: 1_000_000 };
    const db = await database(clock);
    const store = await db.open();
    const throttle = throttleOn(store, clock);
    const admit = vi.spyOn(store.logins, 'admit');
    const settle = vi.spyOn(store.logins, 'settle');
    const once = async (outcome: 'success' | 'failure') => {
      const admission = await throttle.admit(at('home', 'alice'));
      if (!admission.ok) throw new Error('refused');
      await throttle.settle(admission.ticket, outcome);
    };
    await once('success'); // a stranger: counted, then known
    expect([admit.mock.calls.length, settle.mock.calls.length]).toEqual([1, 1]);
    for (let i = 0; i < 50; i++) await once('success');
    expect([admit.mock.calls.length, settle.mock.calls.length]).toEqual([1, 1]);
    // the success is written again only after a while (it keeps the address among the recent ones)
    clock.now += 5 * 60_000;
    await once('success');
    expect([admit.mock.calls.length, settle.mock.calls.length]).toEqual([1, 2]);
    // a failure reaches the database at once, and the next attempt asks
    await once('failure');
    expect(settle.mock.calls.length).toBe(3);
    await once('success');
    expect([admit.mock.calls.length, settle.mock.calls.length]).toEqual([2, 4]);
    await once('success'); // clean again
    expect(admit.mock.calls.length).toBe(2);
  });

  it('a locked-out address is refused without asking the database', async () => {
    const clock = { now: 1_000_000 };
    const db = await database(clock);
    const store = await db.open();
    const throttle = throttleOn(store, clock);
    for (let i = 0; i < 20; i++) {
      const admission = await throttle.admit(at('203.0.113.5', `n${i}`));
      if (admission.ok) await throttle.settle(admission.ticket, 'failure');
    }
    const admit = vi.spyOn(store.logins, 'admit');
    for (let i = 0; i < 100; i++)
      expect(await throttle.admit(at('203.0.113.5', `m${i}`))).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect(admit).not.toHaveBeenCalled();
  });

  it('attempts admitted by a daemon that never settled them stop counting after a while', async () => {
    const clock = { now: 1_000_000 };
    const db = await database(clock);
    const gone = throttleOn(await db.open(), clock);
    const alive = throttleOn(await db.open(), clock);
    for (let i = 0; i < 20; i++) expect((await gone.admit(at('c', 'alice'))).ok).toBe(true);
    expect(await alive.admit(at('c', 'alice'))).toEqual({ ok: false, retryAfterMs: 1000 });
    clock.now += PENDING_MS + 1;
    expect((await alive.admit(at('c', 'alice'))).ok).toBe(true);
  });

  it('counters nobody touched for longer than anything in them counts are deleted', async () => {
    const clock = { now: 1_000_000 };
    const db = await database(clock);
    const throttle = throttleOn(await db.open(), clock);
    for (let i = 0; i < 30; i++) {
      const admission = await throttle.admit(at(`10.1.0.${i}`, 'alice'));
      if (admission.ok) await throttle.settle(admission.ticket, 'failure');
    }
    const count = async () =>
      Number((await query<{ n: string }>(db.url, 'SELECT count(*)::text AS n FROM login_counters'))[0]!.n);
    expect(await count()).toBe(61); // 30 pairs, 30 addresses, one name
    const old = clock.now + 1;
    const pruned = await query<{ n: number }>(db.url, 'SELECT login_prune($1, 1000) AS n', [old]);
    expect(pruned[0]!.n).toBe(61);
    expect(await count()).toBe(0);
  });

  it('counting commits without waiting for the disk, for its own transaction only', async () => {
    const db = await database({ now: 1_000_000 });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT * FROM login_admit('{client}', '{c}', 20, 50, 900000, 60000, 1000, NULL)");
      expect((await client.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'off' });
      await client.query('COMMIT');
      expect((await client.query('SHOW synchronous_commit')).rows[0]).toEqual({ synchronous_commit: 'on' });
    } finally {
      await client.end();
    }
  });

  it('a database of the first schema is migrated, its data kept', async () => {
    const url = await server.freshDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      expect(await migrate(client, MIGRATIONS.slice(0, 1))).toEqual([1]);
      const user = await contractUser({ userName: '300' });
      await client.query('INSERT INTO users (user_name, record) VALUES ($1, $2)', [
        '300',
        JSON.stringify(user),
      ]);
    } finally {
      await client.end();
    }
    const store = await PostgresStore.open({ url });
    stores.push(store);
    const versions = await query<{ version: number }>(url, 'SELECT version FROM schema_version ORDER BY 1');
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await query(url, 'SELECT * FROM login_counters')).toEqual([]);
    expect((await store.getUser('300'))?.userName).toBe('300');
  });
});
