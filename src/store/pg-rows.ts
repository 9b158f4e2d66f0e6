// The SQL of the PostgreSQL store, and nothing else: reading records and the change log, writing a
// planned change (dataset.ts's ops) with its change-log rows and the NOTIFY that wakes the other
// daemons. Callers own the transactions.
import type { ClientBase } from 'pg';
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import type { Op } from './dataset.js';

/** The channel every daemon LISTENs on; the payload is the newest change-log seq of the commit. */
export const CHANGE_CHANNEL = 'fs_confd_store';

/** Serialises the store's writers across daemons (the rules they check span rows and tables). */
export const WRITE_LOCK = 0x66_73_63_77; // "fscw"

/** Change-log rows kept; older ones are pruned (a daemon that far behind reloads everything). */
export const CHANGES_KEPT = 10_000;

export type RecordKind = 'user' | 'conference';

export interface ChangeRow {
  seq: number;
  kind: RecordKind;
  key: string;
}

export interface Snapshot {
  users: unknown[];
  conferences: unknown[];
  /** The newest change the snapshot includes. */
  seq: number;
}

/** Every record and the seq they are current as of; run inside one REPEATABLE READ transaction. */
export async function readSnapshot(client: ClientBase): Promise<Snapshot> {
  const users = await client.query<{ record: unknown }>('SELECT record FROM users ORDER BY user_name');
  const conferences = await client.query<{ record: unknown }>('SELECT record FROM conferences ORDER BY name');
  return {
    users: users.rows.map((r) => r.record),
    conferences: conferences.rows.map((r) => r.record),
    seq: await newestSeq(client),
  };
}

export async function newestSeq(client: ClientBase): Promise<number> {
  const r = await client.query<{ seq: string }>(
    `SELECT greatest((SELECT coalesce(max(seq), 0) FROM store_changes),
                     (SELECT pruned_through FROM store_meta))::text AS seq`,
  );
  return Number(r.rows[0]?.seq ?? 0);
}

/**
 * The changes after `seq`, oldest first; `complete` is false when some were pruned already (the
 * caller must reload everything instead).
 */
export async function changesSince(
  client: ClientBase,
  seq: number,
): Promise<{ changes: ChangeRow[]; complete: boolean }> {
  const meta = await client.query<{ pruned: string }>(
    'SELECT pruned_through::text AS pruned FROM store_meta',
  );
  if (Number(meta.rows[0]?.pruned ?? 0) > seq) return { changes: [], complete: false };
  const r = await client.query<{ seq: string; kind: RecordKind; key: string }>(
    'SELECT seq::text AS seq, kind, key FROM store_changes WHERE seq > $1 ORDER BY seq',
    [seq],
  );
  return { changes: r.rows.map((row) => ({ ...row, seq: Number(row.seq) })), complete: true };
}

/** The current records of the given keys (absent keys were deleted). */
export async function readRecords(
  client: ClientBase,
  userNames: readonly string[],
  conferenceNames: readonly string[],
): Promise<{ users: Map<string, unknown>; conferences: Map<string, unknown> }> {
  const users = new Map<string, unknown>();
  const conferences = new Map<string, unknown>();
  if (userNames.length > 0) {
    const r = await client.query<{ key: string; record: unknown }>(
      'SELECT user_name AS key, record FROM users WHERE user_name = ANY($1::text[])',
      [userNames],
    );
    for (const row of r.rows) users.set(row.key, row.record);
  }
  if (conferenceNames.length > 0) {
    const r = await client.query<{ key: string; record: unknown }>(
      'SELECT name AS key, record FROM conferences WHERE name = ANY($1::text[])',
      [conferenceNames],
    );
    for (const row of r.rows) conferences.set(row.key, row.record);
  }
  return { users, conferences };
}

/** Locks the row a change callback is about to rewrite; returns its record (undefined: no such row). */
export async function lockRecord(client: ClientBase, kind: RecordKind, key: string): Promise<unknown> {
  const sql =
    kind === 'user'
      ? 'SELECT record FROM users WHERE user_name = $1 FOR UPDATE'
      : 'SELECT record FROM conferences WHERE name = $1 FOR UPDATE';
  const r = await client.query<{ record: unknown }>(sql, [key]);
  return r.rows[0]?.record;
}

/** Writes planned ops, logs them, and NOTIFYs (delivered at COMMIT). Returns the commit's newest seq. */
export async function writeOps(client: ClientBase, ops: readonly Op[]): Promise<number> {
  const kinds: RecordKind[] = [];
  const keys: string[] = [];
  for (const op of ops) {
    switch (op.kind) {
      case 'putUser':
        await putUser(client, op.user);
        kinds.push('user');
        keys.push(op.user.userName);
        break;
      case 'dropUser':
        await client.query('DELETE FROM users WHERE user_name = $1', [op.userName]);
        kinds.push('user');
        keys.push(op.userName);
        break;
      case 'putConference':
        await putConference(client, op.conference);
        kinds.push('conference');
        keys.push(op.conference.name);
        break;
      case 'dropConference':
        await client.query('DELETE FROM conferences WHERE name = $1', [op.name]);
        kinds.push('conference');
        keys.push(op.name);
        break;
    }
  }
  const r = await client.query<{ seq: string }>(
    `WITH logged AS (
       INSERT INTO store_changes (kind, key) SELECT * FROM unnest($1::text[], $2::text[]) RETURNING seq
     )
     SELECT max(seq)::text AS seq, pg_notify($3, max(seq)::text) FROM logged`,
    [kinds, keys, CHANGE_CHANNEL],
  );
  const seq = Number(r.rows[0]?.seq);
  if (seq % 100 === 0 && seq > CHANGES_KEPT) await pruneChanges(client, seq - CHANGES_KEPT);
  return seq;
}

async function pruneChanges(client: ClientBase, through: number): Promise<void> {
  await client.query('DELETE FROM store_changes WHERE seq <= $1', [through]);
  await client.query('UPDATE store_meta SET pruned_through = greatest(pruned_through, $1)', [through]);
}

async function putUser(client: ClientBase, user: User): Promise<void> {
  await client.query(
    `INSERT INTO users (user_name, im_id, record) VALUES ($1, $2, $3)
     ON CONFLICT (user_name) DO UPDATE SET im_id = EXCLUDED.im_id, record = EXCLUDED.record`,
    [user.userName, user.imId ?? null, JSON.stringify(user)],
  );
}

async function putConference(client: ClientBase, conf: Conference): Promise<void> {
  await client.query(
    `INSERT INTO conferences (name, extension, owner, record) VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET extension = EXCLUDED.extension, owner = EXCLUDED.owner,
       record = EXCLUDED.record`,
    [conf.name, conf.extension, conf.owner, JSON.stringify(conf)],
  );
}
