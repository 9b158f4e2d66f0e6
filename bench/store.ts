// The stores (`npm run bench -- store`): admin writes per second in the embedded file store and in
// PostgreSQL (one daemon, and two daemons writing at once), how long a write on daemon A takes to be
// seen by daemon B, and reads, which both serve from memory. Data set: 1,000 users, 100 conferences.
// PostgreSQL: BENCH_DATABASE_URL, else a throwaway cluster from Debian's binaries, with fsync on (as in
// production; the file store fsyncs too).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newConference, type Conference } from '../src/domain/conferences.js';
import { newUser, type User } from '../src/domain/users.js';
import { JsonFileStore, STORE_FILE_NAME } from '../src/store/json-file-store.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { STORE_FORMAT, STORE_VERSION } from '../src/store/records.js';
import type { Store } from '../src/store/store.js';
import { startTestPostgres } from '../test/helpers/postgres.js';
import { fmt, measure, percentile, report } from './lib.js';

const USERS = 1000;
const CONFERENCES = 100;
const CONCURRENT = 200;
const VISIBILITY_SAMPLES = 200;

async function dataSet(): Promise<{ users: User[]; conferences: Conference[] }> {
  const one = await newUser(
    { userName: '1000', password: 'bench-password' },
    { sipDomain: 'bench.example', scrypt: { N: 1024, r: 8, p: 1 } },
  );
  const users = Array.from({ length: USERS }, (_, i) => ({ ...one, userName: String(1000 + i) }));
  const conferences = Array.from({ length: CONFERENCES }, (_, i) =>
    newConference({ name: `conf-${i}`, owner: String(1000 + i), extension: String(30000 + i) }),
  );
  return { users, conferences };
}

let counter = 0;
const rename = (store: Store, userName = '1000') =>
  store.updateUser(userName, (u) => ({ ...u, firstName: `n${counter++}` }));

/** Writes/s: one at a time, then CONCURRENT at once spread over `stores`. */
async function writeRates(stores: Store[]): Promise<{ sequential: number; concurrent: number }> {
  const sequential = await measure('sequential', () => rename(stores[0]!), { budgetMs: 3000, warmupMs: 300 });
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT }, (_, i) => rename(stores[i % stores.length]!, String(1000 + (i % 50)))),
  );
  return {
    sequential: sequential.opsPerSecond,
    concurrent: CONCURRENT / ((performance.now() - start) / 1000),
  };
}

/** Milliseconds from a write on A (its call, and its commit) until B's subscribers have the change. */
async function visibility(a: Store, b: Store): Promise<{ fromCall: number[]; fromCommit: number[] }> {
  const fromCall: number[] = [];
  const fromCommit: number[] = [];
  for (let i = 0; i < VISIBILITY_SAMPLES; i++) {
    const name = `v${i}`;
    const seen = new Promise<number>((resolve) => {
      const stop = b.subscribe((c) => {
        if (c.kind === 'user' && c.after?.firstName === name) {
          stop();
          resolve(performance.now());
        }
      });
    });
    const called = performance.now();
    await a.updateUser('1001', (u) => ({ ...u, firstName: name }));
    const committed = performance.now();
    const at = await seen;
    fromCall.push(at - called);
    fromCommit.push(Math.max(0, at - committed));
  }
  return { fromCall: fromCall.sort((x, y) => x - y), fromCommit: fromCommit.sort((x, y) => x - y) };
}

export async function benchStore(): Promise<string[]> {
  console.log(`\n## Stores (${fmt(USERS)} users, ${CONFERENCES} conferences)`);
  const { users, conferences } = await dataSet();
  const lines: string[] = [];

  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  const file = { format: STORE_FORMAT, version: STORE_VERSION, users, conferences };
  await writeFile(join(dir, STORE_FILE_NAME), JSON.stringify(file), { mode: 0o600 });
  const fileStore = await JsonFileStore.open(dir);
  const fileWrites = await writeRates([fileStore]);
  const fileReads = await measure('file reads', () => fileStore.findUserByLogin('1500'), { batch: 1 });
  await fileStore.close();
  await rm(dir, { recursive: true, force: true });

  const server = await startTestPostgres({ url: process.env['BENCH_DATABASE_URL'], durable: true });
  try {
    const url = await server.freshDatabase();
    const seed = await PostgresStore.open({ url });
    await seed.importAll(users, conferences);
    await seed.close();
    const a = await PostgresStore.open({ url });
    const b = await PostgresStore.open({ url });
    const one = await writeRates([a]);
    const two = await writeRates([a, b]);
    const pgReads = await measure('pg reads', () => a.findUserByLogin('1500'), { batch: 1 });
    const seen = await visibility(a, b);
    await Promise.all([a.close(), b.close()]);

    const p50 = percentile(seen.fromCall, 50);
    const p99 = percentile(seen.fromCall, 99);
    lines.push(
      report(
        'admin writes/s, file store, one at a time (fsync per write)',
        fmt(fileWrites.sequential),
        'informational',
        true,
      ),
      report(
        `admin writes/s, file store, ${CONCURRENT} at once`,
        fmt(fileWrites.concurrent),
        'informational',
        true,
      ),
      report(
        'admin writes/s, PostgreSQL, one daemon, one at a time',
        fmt(one.sequential),
        'informational',
        true,
      ),
      report(
        `admin writes/s, PostgreSQL, one daemon, ${CONCURRENT} at once`,
        fmt(one.concurrent),
        'informational',
        true,
      ),
      report(
        `admin writes/s, PostgreSQL, two daemons, ${CONCURRENT} at once spread over both`,
        fmt(two.concurrent),
        'informational',
        true,
      ),
      report(
        'write on A seen by B (from the write call), p50 / p99',
        `${fmt(p50, 1)} / ${fmt(p99, 1)} ms`,
        'p99 < 1,000 ms',
        p99 < 1000,
      ),
      report(
        'write on A seen by B (after A has its commit), p50 / p99',
        `${fmt(percentile(seen.fromCommit, 50), 1)} / ${fmt(percentile(seen.fromCommit, 99), 1)} ms`,
        'informational',
        true,
      ),
      report(
        'user lookup (login), PostgreSQL store vs file store (both from memory)',
        `${fmt(pgReads.opsPerSecond)} vs ${fmt(fileReads.opsPerSecond)} /s`,
        '>= 0.8x',
        pgReads.opsPerSecond >= 0.8 * fileReads.opsPerSecond,
      ),
    );
  } finally {
    await server.close();
  }
  return lines;
}
