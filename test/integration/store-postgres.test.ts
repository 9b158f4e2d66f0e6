// The PostgreSQL store against a real PostgreSQL (test/helpers/postgres.ts): the Store contract, the
// schema's migrations, two stores on one database seeing each other's changes, no lost update under
// concurrent writers on both, the shared rate windows, and what happens when PostgreSQL goes away.
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newConference } from '../../src/domain/conferences.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres-store.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/pg-migrations.js';
import { StoreOpenError, StoreUnavailableError, type StoreChange } from '../../src/store/store.js';
import { eventually } from '../helpers/eventually.js';
import { postgresTestsRun, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { contractUser, storeContract } from '../helpers/store-contract.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const RUN = postgresTestsRun('PostgreSQL store tests');
let server: TestPostgres;
const stores: PostgresStore[] = [];
const proxies: TcpProxy[] = [];

beforeAll(async () => {
  if (RUN) server = await startTestPostgres();
}, 120_000);
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
});
afterAll(async () => {
  await server?.close();
});

async function open(url: string, options: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
  const store = await PostgresStore.open({ url, backoff: { initialMs: 20, maxMs: 100 }, ...options });
  stores.push(store);
  return store;
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

storeContract('PostgresStore', async () => open(await server.freshDatabase()), RUN);

describe.skipIf(!RUN)('PostgresStore: schema', () => {
  it('creates the schema at first start, records its version, and keeps the data across a restart', async () => {
    const url = await server.freshDatabase();
    const first = await open(url);
    await first.createUser(await contractUser({ userName: '200', imId: 'alice' }));
    await first.close();
    const versions = await query<{ version: number }>(
      url,
      'SELECT version FROM schema_version ORDER BY version',
    );
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const again = await open(url);
    expect((await again.findUserByLogin('alice'))?.userName).toBe('200');
    // the record is kept as JSON beside its keys
    const rows = await query<{ user_name: string; im_id: string; record: { userName: string } }>(
      url,
      'SELECT user_name, im_id, record FROM users',
    );
    expect(rows).toEqual([expect.objectContaining({ user_name: '200', im_id: 'alice' })]);
    expect(rows[0]!.record.userName).toBe('200');
  });

  it('refuses to start on a schema newer than it knows, with one clear line, and changes nothing', async () => {
    const url = await server.freshDatabase();
    await (await open(url)).close();
    await query(url, "INSERT INTO schema_version (version, description) VALUES ($1, 'from the future')", [
      SCHEMA_VERSION + 1,
    ]);
    const err = await PostgresStore.open({ url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toMatch(
      new RegExp(
        `schema is version ${SCHEMA_VERSION + 1}, newer than this fs-confd knows \\(${SCHEMA_VERSION}\\)`,
      ),
    );
    expect((err as Error).message).not.toContain('\n');
  });

  it('two stores starting together on an empty database migrate it once', async () => {
    const url = await server.freshDatabase();
    await Promise.all([open(url), open(url), open(url)]);
    const versions = await query<{ n: string }>(url, 'SELECT count(*)::text AS n FROM schema_version');
    expect(versions[0]!.n).toBe(String(MIGRATIONS.length));
  });

  it('an unreachable server stops start-up with a line that names it without the password', async () => {
    const err = await PostgresStore.open({
      url: 'postgresql://fs:s3cret@127.0.0.1:1/x',
      timeoutMs: 2000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreOpenError);
    expect((err as Error).message).toContain('postgresql://fs@127.0.0.1:1/x');
    expect((err as Error).message).not.toContain('s3cret');
  });
});

describe.skipIf(!RUN)('PostgresStore: two daemons on one database', () => {
  it("each sees the other's creates, updates and deletes, as remote changes to its subscribers", async () => {
    const url = await server.freshDatabase();
    const a = await open(url);
    const b = await open(url);
    const seenOnB: StoreChange[] = [];
    b.subscribe((c) => seenOnB.push(c));

    await a.createUser(await contractUser({ userName: '200', imId: 'alice' }));
    await a.createUser(await contractUser({ userName: '201' }));
    await a.createConference(
      newConference({ name: 'c1', owner: '200', extension: '3000', delegates: ['201'] }),
    );
    await eventually(async () => (await b.getConference('c1')) !== undefined, 5000);
    expect((await b.findUserByLogin('alice'))?.userName).toBe('200');
    expect((await b.conferencesDelegatedTo('201')).map((c) => c.name)).toEqual(['c1']);

    await b.deleteUser('201');
    await eventually(async () => (await a.getUser('201')) === undefined, 5000);
    expect((await a.getConference('c1'))?.delegates).toEqual([]);

    await a.updateUser('200', (u) => ({ ...u, role: 'admin' }));
    await eventually(async () => (await b.getUser('200'))?.role === 'admin', 5000);
    expect(seenOnB.map((c) => `${c.kind}:${c.action}:${c.remote === true}`)).toEqual([
      'user:created:true',
      'user:created:true',
      'conference:created:true',
      'conference:updated:false', // b's own delete: 201 leaves c1's delegates, then goes
      'user:deleted:false',
      'user:updated:true',
    ]);
    expect(seenOnB.at(-1)).toMatchObject({ before: { role: 'user' }, after: { role: 'admin' } });
  });

  it('a write on one store checks its rules against what the other just committed', async () => {
    const url = await server.freshDatabase();
    const a = await open(url);
    const b = await open(url);
    await a.createUser(await contractUser({ userName: '200', imId: 'alice' }));
    // b may not have heard of 200 yet; its write still sees it (caught up inside the transaction)
    await expect(b.createUser(await contractUser({ userName: '300', imId: 'alice' }))).rejects.toMatchObject({
      field: 'imId',
    });
    await b.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
    await expect(a.deleteUser('200')).rejects.toMatchObject({ field: 'userName' });
  });

  it('200 concurrent read-modify-write updates spread over both lose nothing', async () => {
    const url = await server.freshDatabase();
    const a = await open(url);
    const b = await open(url);
    await a.createUser(await contractUser({ userName: '200' }));
    await a.createConference(newConference({ name: 'c1', owner: '200', extension: '3000' }));
    await eventually(async () => (await b.getConference('c1')) !== undefined, 5000);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? a : b).updateConference('c1', (c) => ({
          ...c,
          description: `${c.description}${i % 2 === 0 ? 'a' : 'b'}`,
        })),
      ),
    );
    for (const store of [a, b]) {
      await eventually(async () => (await store.getConference('c1'))?.description.length === 200, 5000);
      const description = (await store.getConference('c1'))!.description;
      expect(description.replace(/b/g, '')).toHaveLength(100);
    }
  });
});

describe.skipIf(!RUN)('PostgresStore: shared rate windows', () => {
  it('counts one limit across stores, says when a slot frees, and takes refunds', async () => {
    const url = await server.freshDatabase();
    const a = (await open(url)).rateWindows.window('test', 3, 60_000);
    const b = (await open(url)).rateWindows.window('test', 3, 60_000);
    expect(await a.take('200')).toEqual({ ok: true });
    expect(await b.take('200')).toEqual({ ok: true });
    expect(await a.take('200')).toEqual({ ok: true });
    const refused = await b.take('200');
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(await a.take('201')).toEqual({ ok: true }); // other keys are counted apart
    await b.refund('200');
    expect(await a.take('200')).toEqual({ ok: true });
    expect((await b.take('200')).ok).toBe(false);
  });

  it('a short window lets actions through again once they left it', async () => {
    const url = await server.freshDatabase();
    const w = (await open(url)).rateWindows.window('short', 1, 200);
    expect((await w.take('k')).ok).toBe(true);
    expect((await w.take('k')).ok).toBe(false);
    await eventually(async () => (await w.take('k')).ok, 5000);
  });
});

describe.skipIf(!RUN)('PostgresStore: PostgreSQL goes away', () => {
  it('refuses writes at once, serves reads from memory for the allowed time, then refuses them; recovers and reloads', async () => {
    const url = await server.freshDatabase();
    const proxy = await startTcpProxy(server.host, server.port);
    proxies.push(proxy);
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    let now = Date.now();
    const a = await open(viaProxy.toString(), { staleReadsMs: 60_000, heartbeatMs: 50, now: () => now });
    const b = await open(url); // another daemon that still reaches PostgreSQL
    await a.createUser(await contractUser({ userName: '200', imId: 'alice' }));
    await a.createUser(await contractUser({ userName: '201' }));
    const seenOnA: StoreChange[] = [];
    a.subscribe((c) => seenOnA.push(c));

    proxy.cut();
    await eventually(() => a.health().status === 'degraded', 5000);
    expect(a.health()).toMatchObject({ engine: 'postgresql', status: 'degraded', since: expect.any(String) });
    await expect(a.updateUser('200', (u) => ({ ...u, lastName: 'lost' }))).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect((await a.findUserByLogin('alice'))?.lastName).toBe('');
    // meanwhile the other daemon deletes a user and changes another
    await b.deleteUser('201');
    await b.updateUser('200', (u) => ({ ...u, lastName: 'changed on b' }));
    expect(await a.getUser('201')).toBeDefined(); // a cannot know yet

    now += 61_000;
    expect(a.health().status).toBe('unavailable');
    await expect(a.getUser('200')).rejects.toBeInstanceOf(StoreUnavailableError);

    proxy.restore();
    await eventually(() => a.health().status === 'ok', 10_000);
    expect(await a.getUser('201')).toBeUndefined();
    expect((await a.getUser('200'))?.lastName).toBe('changed on b');
    expect(seenOnA.map((c) => `${c.kind}:${c.action}:${c.remote === true}`).sort()).toEqual([
      'user:deleted:true',
      'user:updated:true',
    ]);
    // and writes go through again; nothing of the refused one was saved
    await a.updateUser('200', (u) => ({ ...u, firstName: 'back' }));
    const rows = await query<{ record: { firstName: string; lastName: string } }>(
      url,
      "SELECT record FROM users WHERE user_name = '200'",
    );
    expect(rows[0]!.record).toMatchObject({ firstName: 'back', lastName: 'changed on b' });
  });

  it('a shared rate window refuses to count while PostgreSQL is gone', async () => {
    const url = await server.freshDatabase();
    const proxy = await startTcpProxy(server.host, server.port);
    proxies.push(proxy);
    const viaProxy = new URL(url);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    const store = await open(viaProxy.toString(), { heartbeatMs: 50 });
    const w = store.rateWindows.window('calls', 2, 60_000);
    expect((await w.take('200')).ok).toBe(true);
    proxy.cut();
    await eventually(() => store.health().status !== 'ok', 5000);
    await expect(w.take('200')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
