// Which store the daemon uses: PostgreSQL when DATABASE_URL is set (several daemons share it), the
// embedded file store in DATA_DIR otherwise (one daemon).
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { JsonFileStore } from './json-file-store.js';
import { PostgresStore } from './postgres-store.js';
import type { Store } from './store.js';

export async function openStore(
  config: Pick<Config, 'dataDir' | 'database'>,
  logger: Logger,
): Promise<Store> {
  const db = config.database;
  if (db === undefined) return JsonFileStore.open(config.dataDir, { logger });
  return PostgresStore.open({
    url: db.url,
    poolSize: db.poolSize,
    timeoutMs: db.timeoutMs,
    staleReadsMs: db.staleReadsMs,
    logger,
  });
}
