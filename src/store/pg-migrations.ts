// The PostgreSQL schema, as numbered migrations applied in order at start-up. Records are kept as
// validated JSON (jsonb) beside the columns that carry a unique key or a reference, so a field added to
// a record later needs no migration; only a new key, index or table does. A database whose schema is
// newer than the newest migration here belongs to a newer fs-confd: start-up stops with one line
// rather than write records that version might not read.
import type { ClientBase } from 'pg';
import { LOGIN_THROTTLE_SQL } from './pg-login-schema.js';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Serialises schema changes across daemons starting together (any constant no other app uses). */
const MIGRATION_LOCK = 0x66_73_63_6d; // "fscm"

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'users, conferences, their change log, shared rate windows',
    sql: `
      CREATE TABLE users (
        user_name text PRIMARY KEY,
        im_id text UNIQUE,
        record jsonb NOT NULL
      );
      CREATE TABLE conferences (
        name text PRIMARY KEY,
        extension text NOT NULL UNIQUE,
        owner text NOT NULL REFERENCES users (user_name),
        record jsonb NOT NULL
      );
      CREATE INDEX conferences_owner ON conferences (owner);

      -- One row per record a commit touched; every daemon reads the rows past the last one it has
      -- seen (on NOTIFY, and inside each write) to bring its in-memory copy up to date.
      CREATE TABLE store_changes (
        seq bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('user', 'conference')),
        key text NOT NULL
      );
      -- Changes up to pruned_through are gone: a daemon behind that reloads everything instead.
      CREATE TABLE store_meta (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        pruned_through bigint NOT NULL DEFAULT 0
      );
      INSERT INTO store_meta DEFAULT VALUES;

      -- Sliding windows of recent actions per (scope, key), counted once for every daemon, on
      -- PostgreSQL's clock so daemons whose clocks differ still agree.
      CREATE TABLE rate_windows (
        scope text NOT NULL,
        key text NOT NULL,
        times bigint[] NOT NULL,
        PRIMARY KEY (scope, key)
      );
      -- Counts one action if fewer than p_limit happened within p_window_ms: returns 0; otherwise
      -- counts nothing and returns the milliseconds until the oldest one leaves the window.
      CREATE FUNCTION rate_take(p_scope text, p_key text, p_limit int, p_window_ms bigint)
      RETURNS bigint LANGUAGE plpgsql AS $$
      DECLARE
        now_ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
        current_times bigint[];
        kept bigint[];
      BEGIN
        INSERT INTO rate_windows (scope, key, times) VALUES (p_scope, p_key, '{}')
          ON CONFLICT DO NOTHING;
        SELECT times INTO current_times FROM rate_windows
          WHERE scope = p_scope AND key = p_key FOR UPDATE;
        kept := ARRAY(SELECT t FROM unnest(current_times) AS t WHERE t > now_ms - p_window_ms ORDER BY t);
        IF cardinality(kept) >= p_limit THEN
          UPDATE rate_windows SET times = kept WHERE scope = p_scope AND key = p_key;
          RETURN greatest(1, kept[cardinality(kept) - p_limit + 1] + p_window_ms - now_ms);
        END IF;
        UPDATE rate_windows SET times = kept || now_ms WHERE scope = p_scope AND key = p_key;
        -- Now and then, forget keys whose actions all left the window.
        IF random() < 0.01 THEN
          DELETE FROM rate_windows
            WHERE scope = p_scope AND key <> p_key AND coalesce(times[cardinality(times)], 0) <= now_ms - p_window_ms;
        END IF;
        RETURN 0;
      END $$;
    `,
  },
  {
    version: 2,
    description: 'login throttle: failed-login counters and known addresses, shared',
    sql: LOGIN_THROTTLE_SQL,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

export class SchemaTooNewError extends Error {
  constructor(found: number, known: number) {
    super(
      `the database's schema is version ${found}, newer than this fs-confd knows (${known}); upgrade fs-confd`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Brings the schema to SCHEMA_VERSION in one transaction (all or nothing), holding a lock so two
 * daemons starting together do not both migrate. Returns the versions applied.
 */
export async function migrate(client: ClientBase, migrations = MIGRATIONS): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_version (
      version integer PRIMARY KEY,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const found = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_version',
    );
    const current = found.rows[0]?.version ?? 0;
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) throw new SchemaTooNewError(current, newest);
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_version (version, description) VALUES ($1, $2)', [
        m.version,
        m.description,
      ]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
