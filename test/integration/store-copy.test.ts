// Moving an embedded store into PostgreSQL: everything arrives intact (logins still work), the copy
// command prints one line, and it refuses a database that already holds data or a directory without
// a store, changing nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/domain/passwords.js';
import { copyEmbeddedStore } from '../../src/store/copy-store.js';
import { JsonFileStore } from '../../src/store/json-file-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { seededDataDir } from '../helpers/daemon-harness.js';
import { CONFERENCES, USERS } from '../helpers/http.js';
import { postgresTestsRun, startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

const run = promisify(execFile);
const RUN = postgresTestsRun('store copy tests');
let server: TestPostgres;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  if (RUN) server = await startTestPostgres();
}, 120_000);
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});
afterAll(async () => {
  await server?.close();
});

async function dataDir(): Promise<string> {
  const dir = await seededDataDir('copy-test-');
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function target(url: string): Promise<PostgresStore> {
  const store = await PostgresStore.open({ url });
  cleanup.push(() => store.close());
  return store;
}

describe.skipIf(!RUN)('copying the embedded store into PostgreSQL', () => {
  it('copies every user and conference, secrets and all', async () => {
    const dir = await dataDir();
    const store = await target(await server.freshDatabase());
    const copied = await copyEmbeddedStore(dir, store);
    expect(copied).toMatchObject({
      users: Object.keys(USERS).length,
      conferences: Object.keys(CONFERENCES).length,
    });
    const source = await JsonFileStore.open(dir);
    expect(await store.listUsers()).toEqual(await source.listUsers());
    expect(await store.listConferences()).toEqual(await source.listConferences());
    const alice = await store.findUserByLogin('alice');
    expect(alice && (await verifyPassword(USERS.owner.password, alice.passwordHash))).toBe(true);
  });

  it('refuses a database that already holds data, and a directory without a store', async () => {
    const dir = await dataDir();
    const store = await target(await server.freshDatabase());
    await copyEmbeddedStore(dir, store);
    await expect(copyEmbeddedStore(dir, store)).rejects.toThrow(/already holds users or conferences/);
    const empty = await mkdtemp(join(tmpdir(), 'copy-empty-'));
    cleanup.push(() => rm(empty, { recursive: true, force: true }));
    await expect(copyEmbeddedStore(empty, store)).rejects.toThrow(/no store file there/);
    expect(await store.listUsers()).toHaveLength(Object.keys(USERS).length);
  });

  it('the command prints one line and exits 0; a second run exits 1 and says why', async () => {
    const dir = await dataDir();
    const url = await server.freshDatabase();
    const command = ['--import', 'tsx', 'src/cli/copy-store.ts', dir];
    const env = { ...process.env, DATABASE_URL: url };
    const first = await run(process.execPath, command, { env });
    expect(first.stdout.trim()).toMatch(
      /^copied 4 users and 2 conferences from .*store\.json to postgresql:\/\//,
    );
    const second = await run(process.execPath, command, { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(second).toMatchObject({ code: 1 });
    expect((second as { stderr: string }).stderr.trim()).toMatch(
      /^copy-store: .*already holds users or conferences/,
    );
    const usage = await run(process.execPath, ['--import', 'tsx', 'src/cli/copy-store.ts'], { env }).catch(
      (e: { code: number }) => e,
    );
    expect(usage).toMatchObject({ code: 2 });
  });
});
