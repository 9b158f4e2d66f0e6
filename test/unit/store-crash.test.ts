// Kill a writer process (SIGKILL, no chance to clean up) while it commits changes in a loop, then open
// the store: it must hold exactly the last acknowledged state or the one being written, never a torn file.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/domain/passwords.js';
import { JsonFileStore, STORE_FILE_NAME } from '../../src/store/json-file-store.js';

const PROJECT = resolve(import.meta.dirname, '../..');
const STORE_MODULE = pathToFileURL(join(PROJECT, 'src/store/json-file-store.ts')).href;
const KILLS = 4;
const SEED_USERS = 3000; // ~1 MB file, so each write takes long enough to be interrupted

const CHILD = `
import { JsonFileStore } from ${JSON.stringify(STORE_MODULE)};
const [dir, passwordHash] = process.argv.slice(2);
const store = await JsonFileStore.open(dir);
const base = { firstName: 'Crash', lastName: 'Test', role: 'user', passwordHash, sipPassword: 'SipPassword1',
  callerIdName: 'Crash', callerIdNumber: '' };
process.stdout.write('ready\\n');
for (let i = 0; ; i++) {
  await store.createUser({ ...base, userName: 'crash-' + i });
  process.stdout.write('ack ' + i + '\\n');
}
`;

let work: string;
let passwordHash: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'store-crash-'));
  await writeFile(join(work, 'child.mts'), CHILD);
  passwordHash = await hashPassword('irrelevant', { N: 1024, r: 8, p: 1 });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function seed(dataDir: string): Promise<void> {
  const users = Array.from({ length: SEED_USERS }, (_, i) => ({
    userName: `seed-${i}`,
    firstName: 'Seed user with a long enough first name to make the file big',
    lastName: 'x'.repeat(60),
    role: 'user',
    passwordHash,
    sipPassword: 'SipPassword1',
    callerIdName: 'Seed',
    callerIdNumber: '',
  }));
  await writeFile(
    join(dataDir, STORE_FILE_NAME),
    JSON.stringify({ format: 'fs-confd/store', version: 1, users, conferences: [] }),
  );
}

/** Runs the writer, kills it `delayMs` after its first acknowledged write; returns the last ack. */
function runAndKill(dataDir: string, delayMs: number): Promise<number> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(work, 'child.mts'), dataDir, passwordHash],
      {
        cwd: PROJECT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (timer === undefined && out.includes('ack 0\n'))
        timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (_code, signal) => {
      if (signal !== 'SIGKILL') return fail(new Error(`writer exited on its own: ${err}`));
      const acks = [...out.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1]));
      done(acks.length === 0 ? -1 : Math.max(...acks));
    });
  });
}

describe('store survives SIGKILL in the middle of writes', () => {
  it(`${KILLS} kills at varying moments: always the last acknowledged state or the next one`, async () => {
    const outcomes: string[] = [];
    for (let k = 0; k < KILLS; k++) {
      const dataDir = join(work, `data-${k}`);
      await rm(dataDir, { recursive: true, force: true });
      await mkdir(dataDir);
      await seed(dataDir);
      const lastAck = await runAndKill(dataDir, 5 + k * 20);
      expect(lastAck).toBeGreaterThanOrEqual(0);

      const store = await JsonFileStore.open(dataDir); // throws if the file were torn
      const names = new Set((await store.listUsers()).map((u) => u.userName));
      const crashUsers = [...names].filter((n) => n.startsWith('crash-')).length;
      expect(names.size - crashUsers).toBe(SEED_USERS);
      expect([lastAck + 1, lastAck + 2]).toContain(crashUsers);
      for (let i = 0; i < crashUsers; i++) expect(names.has(`crash-${i}`)).toBe(true);
      outcomes.push(`${lastAck + 1}→${crashUsers}`);
      await store.close();
    }
    // Sanity: the writer really was making progress when killed (not killed before any write).
    expect(outcomes).toHaveLength(KILLS);
  }, 60_000);
});
