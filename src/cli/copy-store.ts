// `npm run store:copy -- DATA_DIR` (or `node dist/cli/copy-store.js DATA_DIR`): copies the embedded
// store in DATA_DIR into the PostgreSQL database named by DATABASE_URL, creating its schema if needed.
// The database must not hold users or conferences yet. Prints one line; exit code 0 on success.
import { ConfigError, loadConfig } from '../config.js';
import { copyEmbeddedStore } from '../store/copy-store.js';
import { describeDatabaseUrl, PostgresStore } from '../store/postgres-store.js';

async function main(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) {
    process.stderr.write('usage: DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/DB copy-store DATA_DIR\n');
    return 2;
  }
  let database;
  try {
    database = loadConfig().database;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`copy-store: configuration error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (database === undefined) {
    process.stderr.write('copy-store: DATABASE_URL is not set\n');
    return 2;
  }
  try {
    const target = await PostgresStore.open({ url: database.url, timeoutMs: database.timeoutMs });
    try {
      const copied = await copyEmbeddedStore(args[0]!, target);
      process.stdout.write(
        `copied ${copied.users} users and ${copied.conferences} conferences from ${copied.from} to ${describeDatabaseUrl(database.url)}\n`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } catch (err) {
    process.stderr.write(`copy-store: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
