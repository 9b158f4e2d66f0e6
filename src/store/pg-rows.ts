// The SQL of the PostgreSQL store, and nothing else: reading records and the change log, writing a
// planned change (dataset.ts's ops) with its change-log rows and the NOTIFY that wakes the other
// daemons. Callers own the transactions.
import pg from 'pg';
import type { ClientBase } from 'pg';
import type { Conference } from '../domain/conferences.js';
import type { User } from '../domain/users.js';
import type { Op } from './dataset.js';

const { escapeLiteral } = pg;

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

export interface ChangeLog {
  /** Changes after the asked-for seq, oldest first. */
  changes: ChangeRow[];
  /** False when some of them were pruned already: the caller must reload everything instead. */
  complete: boolean;
}

/** The two statements that read the change log after `seq` (a number: safe to inline). */
function changeLogSql(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`bad seq ${seq}`);
  return `SELECT pruned_through::text AS pruned FROM store_meta;
    SELECT seq::text AS seq, kind, key FROM store_changes WHERE seq > ${seq} ORDER BY seq`;
}

function changeLogFrom(meta: pg.QueryResult, rows: pg.QueryResult, seq: number): ChangeLog {
  const pruned = Number((meta.rows[0] as { pruned?: string } | undefined)?.pruned ?? 0);
  if (pruned > seq) return { changes: [], complete: false };
  const changes = (rows.rows as Array<{ seq: string; kind: RecordKind; key: string }>).map((r) => ({
    seq: Number(r.seq),
    kind: r.kind,
    key: r.key,
  }));
  return { changes, complete: true };
}

/** Opens a REPEATABLE READ, read-only transaction and reads the change log after `seq` (one round trip). */
export async function beginCatchUp(client: ClientBase, seq: number): Promise<ChangeLog> {
  const results = (await client.query(
    `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; ${changeLogSql(seq)}`,
  )) as unknown as pg.QueryResult[];
  return changeLogFrom(results[1]!, results[2]!, seq);
}

/**
 * Opens a write transaction in one round trip: BEGIN, the store-wide write lock, the change log after
 * `seq` (read after the lock, so it holds every earlier commit), and the row about to be rewritten,
 * locked FOR UPDATE. Its record is returned (undefined: no such row).
 */
export async function beginWrite(
  client: ClientBase,
  seq: number,
  row: { kind: RecordKind; key: string } | undefined,
): Promise<{ log: ChangeLog; record: unknown }> {
  // A key with NUL cannot be stored, so it has no row to lock; escapeLiteral quotes anything else.
  const lockRow =
    row && !row.key.includes('\0')
      ? row.kind === 'user'
        ? `; SELECT record FROM users WHERE user_name = ${escapeLiteral(row.key)} FOR UPDATE`
        : `; SELECT record FROM conferences WHERE name = ${escapeLiteral(row.key)} FOR UPDATE`
      : '';
  const results = (await client.query(
    `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK}); ${changeLogSql(seq)}${lockRow}`,
  )) as unknown as pg.QueryResult[];
  const locked = results[4]?.rows[0] as { record?: unknown } | undefined;
  return { log: changeLogFrom(results[2]!, results[3]!, seq), record: locked?.record };
}

/** The current records of the given keys (absent keys were deleted). */
export async function readRecords(
  client: ClientBase,
  userNames: readonly string[],
  conferenceNames: readonly string[],
): Promise<{ users: Map<string, unknown>; conferences: Map<string, unknown> }> {
  const r = await client.query<{ kind: RecordKind; key: string; record: unknown }>(
    `SELECT 'user' AS kind, user_name AS key, record FROM users WHERE user_name = ANY($1::text[])
     UNION ALL
     SELECT 'conference', name, record FROM conferences WHERE name = ANY($2::text[])`,
    [userNames, conferenceNames],
  );
  const users = new Map<string, unknown>();
  const conferences = new Map<string, unknown>();
  for (const row of r.rows) (row.kind === 'user' ? users : conferences).set(row.key, row.record);
  return { users, conferences };
}

/**
 * Writes planned ops, logs them, and NOTIFYs (delivered at COMMIT), in one statement. Returns the
 * commit's newest seq. Constraints are checked as usual (foreign keys at the end of the statement).
 */
export async function writeOps(client: ClientBase, ops: readonly Op[]): Promise<number> {
  const putUsers: User[] = [];
  const dropUsers: string[] = [];
  const putConferences: Conference[] = [];
  const dropConferences: string[] = [];
  const kinds: RecordKind[] = [];
  const keys: string[] = [];
  for (const op of ops) {
    if (op.kind === 'putUser') putUsers.push(op.user);
    else if (op.kind === 'dropUser') dropUsers.push(op.userName);
    else if (op.kind === 'putConference') putConferences.push(op.conference);
    else dropConferences.push(op.name);
    const user = op.kind === 'putUser' || op.kind === 'dropUser';
    kinds.push(user ? 'user' : 'conference');
    keys.push(
      op.kind === 'putUser'
        ? op.user.userName
        : op.kind === 'dropUser'
          ? op.userName
          : op.kind === 'putConference'
            ? op.conference.name
            : op.name,
    );
  }
  const r = await client.query<{ seq: string }>(
    `WITH
       put_users AS (
         INSERT INTO users (user_name, im_id, record)
         SELECT r->>'userName', r->>'imId', r FROM jsonb_array_elements($1::jsonb) AS r
         ON CONFLICT (user_name) DO UPDATE SET im_id = EXCLUDED.im_id, record = EXCLUDED.record
         RETURNING 1),
       drop_users AS (DELETE FROM users WHERE user_name = ANY($2::text[]) RETURNING 1),
       put_conferences AS (
         INSERT INTO conferences (name, extension, owner, record)
         SELECT r->>'name', r->>'extension', r->>'owner', r FROM jsonb_array_elements($3::jsonb) AS r
         ON CONFLICT (name) DO UPDATE SET extension = EXCLUDED.extension, owner = EXCLUDED.owner,
           record = EXCLUDED.record
         RETURNING 1),
       drop_conferences AS (DELETE FROM conferences WHERE name = ANY($4::text[]) RETURNING 1),
       logged AS (
         INSERT INTO store_changes (kind, key) SELECT * FROM unnest($5::text[], $6::text[]) RETURNING seq)
     SELECT max(seq)::text AS seq, pg_notify($7, max(seq)::text) FROM logged`,
    [
      JSON.stringify(putUsers),
      dropUsers,
      JSON.stringify(putConferences),
      dropConferences,
      kinds,
      keys,
      CHANGE_CHANNEL,
    ],
  );
  const seq = Number(r.rows[0]?.seq);
  if (seq % 100 === 0 && seq > CHANGES_KEPT) await pruneChanges(client, seq - CHANGES_KEPT);
  return seq;
}

async function pruneChanges(client: ClientBase, through: number): Promise<void> {
  await client.query('DELETE FROM store_changes WHERE seq <= $1', [through]);
  await client.query('UPDATE store_meta SET pruned_through = greatest(pruned_through, $1)', [through]);
}
