// The embedded store against the Store contract every store keeps (PostgreSQL runs the same one in
// test/integration/store-postgres.test.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { JsonFileStore } from '../../src/store/json-file-store.js';
import { storeContract } from '../helpers/store-contract.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

storeContract('JsonFileStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
  dirs.push(dir);
  return JsonFileStore.open(dir);
});
