// Moving from one daemon to several: copies the embedded store (DATA_DIR/store.json) into an empty
// PostgreSQL database in one transaction, checked by the same rules as every write. A database that
// already holds users or conferences is left alone.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { JsonFileStore, STORE_FILE_NAME } from './json-file-store.js';
import type { PostgresStore } from './postgres-store.js';
import { StoreOpenError } from './store.js';

export async function copyEmbeddedStore(
  dataDir: string,
  target: PostgresStore,
): Promise<{ from: string; users: number; conferences: number }> {
  const from = resolve(join(dataDir, STORE_FILE_NAME));
  // JsonFileStore.open starts empty without a file; copying nothing would hide a wrong path.
  await access(from).catch(() => {
    throw new StoreOpenError(from, 'no store file there');
  });
  const source = await JsonFileStore.open(dataDir);
  try {
    const users = await source.listUsers();
    const conferences = await source.listConferences();
    await target.importAll(users, conferences);
    return { from, users: users.length, conferences: conferences.length };
  } finally {
    await source.close();
  }
}
