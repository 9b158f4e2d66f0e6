// What a failed PostgreSQL call means for the caller: the server could not be reached or went away
// (StoreUnavailableError, HTTP 503: try again), or a constraint refused the write (ConflictError,
// InvalidRecordError: the same answers the embedded store gives). The store's own planning catches
// those before any SQL runs; the constraints are the backstop. Anything else is a bug and is rethrown.
import { ConflictError, InvalidRecordError, StoreError, StoreUnavailableError } from './store.js';

interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
}

/** Node socket errors and pg's own connection messages: the server is not (or no longer) there. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
const CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed|connection is closed|Cannot use a pool after calling end/i;

/**
 * True when the error says nothing about the data: the connection failed, the server is shutting
 * down or starting, out of connections, or the query ran out of time.
 */
export function isConnectionError(err: unknown): boolean {
  const e = err as PgLikeError | undefined;
  const code = e?.code ?? '';
  if (CONNECTION_CODES.has(code)) return true;
  // 08: connection exception; 57P01-57P03: shutting down / cannot connect now; 53300: too many
  // connections; 57014: statement timeout; 40P01/40001: deadlock / serialization (retry is right).
  if (/^08/.test(code) || /^57P0[123]$/.test(code) || code === '53300' || code === '57014') return true;
  if (code === '40P01' || code === '40001') return true;
  return CONNECTION_MESSAGES.test(e?.message ?? '');
}

/** Maps an error thrown while talking to PostgreSQL to the store's own errors. */
export function storeErrorFrom(err: unknown): Error {
  if (err instanceof StoreError) return err;
  const e = err as PgLikeError | undefined;
  if (isConnectionError(err)) return new StoreUnavailableError(reason(err));
  if (e?.code === '23505') {
    const field = UNIQUE_FIELDS[e.constraint ?? ''] ?? 'key';
    return new ConflictError(field, `${field} already in use`);
  }
  if (e?.code === '23503') return new InvalidRecordError('owner', 'owner: unknown user');
  return err instanceof Error ? err : new Error(String(err));
}

const UNIQUE_FIELDS: Record<string, string> = {
  users_pkey: 'userName',
  users_im_id_key: 'imId',
  conferences_pkey: 'name',
  conferences_extension_key: 'extension',
};

/** A short reason for logs and errors: the code or message, never the connection string. */
export function reason(err: unknown): string {
  const e = err as PgLikeError | undefined;
  const message = e?.message?.slice(0, 160);
  if (message && e?.code && !message.includes(e.code)) return `${e.code}: ${message}`;
  return message ?? e?.code ?? String(err);
}
