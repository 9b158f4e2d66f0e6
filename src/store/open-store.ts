// Which store the daemon uses: PostgreSQL when DATABASE_URL is set (several daemons share it), the
// embedded file store in DATA_DIR otherwise (one daemon).
import type { Logger } from '../log.js';
import { JsonFileStore } from './json-file-store.js';
import { PostgresStore } from './postgres-store.js';
import type { Store } from './store.js';

/** DATABASE_URL, DATABASE_POOL_SIZE, DATABASE_TIMEOUT_MS, DATABASE_STALE_READS_S (src/store/postgres-store.ts). */
export interface DatabaseConfig {
  /** postgres://user:password@host:port/database; never logged (it holds the password). */
  url: string;
  poolSize: number;
  timeoutMs: number;
  /** How long reads are served from memory while PostgreSQL is unreachable. */
  staleReadsMs: number;
}

/** DATA_DIR and the optional shared database (config.ts builds it from the environment). */
export interface StoreConfig {
  dataDir: string;
  /** The shared PostgreSQL store (several daemons); undefined: the embedded store in DATA_DIR. */
  database: DatabaseConfig | undefined;
}

export async function openStore(config: StoreConfig, logger: Logger): Promise<Store> {
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
