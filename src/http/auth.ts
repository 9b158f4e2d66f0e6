// Authentication for every route but the public ones (/health and the like): HTTP Digest (RFC 7616,
// auth-digest.ts) and HTTP Basic (auth-basic.ts). The login is the userName or, as in sipX, the IM id.
// Guessing is limited by a LoginThrottle (auth-guard.ts: 429 + Retry-After), counted before any
// password is checked; password hashing is capped in total (scrypt-gate.ts: 503 + Retry-After).
// A 401 carries three challenges, strongest first: Digest SHA-256, Digest MD5, Basic (one header each).
import type { Context, MiddlewareHandler } from 'hono';
import { DIGEST_REALM, type ScryptParams } from '../domain/passwords.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { BasicAuth } from './auth-basic.js';
import { DigestAuth } from './auth-digest.js';
import {
  DEFAULT_GUARD_OPTIONS,
  MemoryLoginThrottle,
  type GuardOptions,
  type LoginThrottle,
} from './auth-guard.js';
import { clientAddressResolver } from './client-address.js';
import { checkThrottled, type AuthResult } from './auth-result.js';
import type { AppEnv } from './context.js';
import { HttpError } from './errors.js';
import { respondError } from './represent.js';
import { DEFAULT_SCRYPT_GATE, ScryptGate, type ScryptGateOptions } from './scrypt-gate.js';

export { parseBasicAuth } from './auth-basic.js';

export interface AuthOptions extends GuardOptions {
  /** A cached Basic login lives this long after its last use (pollers keep it warm)... */
  cacheTtlMs: number;
  /** ...but never longer than this after the password was last checked. */
  cacheMaxAgeMs: number;
  cacheMaxEntries: number;
  /** Longer Authorization headers are refused without decoding. */
  maxHeaderLength: number;
  /** Cost of the decoy hash checked for unknown users (keep equal to real users' cost). */
  scrypt: ScryptParams | undefined;
  /** A Digest nonce is accepted this long after it was issued (then: 401 with stale=true). */
  nonceTtlMs: number;
  /** Digest nonces whose counts are tracked (replay detection). */
  maxTrackedNonces: number;
  /** Password checks (scrypt) running at once and waiting, in the whole process. */
  scryptGate: ScryptGateOptions;
  /** TRUSTED_PROXIES: only from these is X-Forwarded-For believed (client-address.ts). */
  trustedProxies: readonly string[];
  /** Replaces the in-memory throttle (e.g. one shared by several daemons through a database). */
  throttle: LoginThrottle | undefined;
}

export const DEFAULT_AUTH_OPTIONS: Omit<AuthOptions, 'now' | 'scrypt' | 'throttle'> = {
  ...DEFAULT_GUARD_OPTIONS,
  cacheTtlMs: 10_000,
  cacheMaxAgeMs: 15 * 60_000,
  cacheMaxEntries: 10_000,
  maxHeaderLength: 4096,
  nonceTtlMs: 5 * 60_000,
  maxTrackedNonces: 10_000,
  scryptGate: DEFAULT_SCRYPT_GATE,
  trustedProxies: [],
};

export interface Authenticator {
  middleware: MiddlewareHandler<AppEnv>;
  throttle: LoginThrottle;
  gate: ScryptGate;
  /** Drops cached Basic logins (e.g. after an admin changes users in bulk). */
  clearCache(): void;
}

const BASIC_CHALLENGE = `Basic realm="${DIGEST_REALM}", charset="UTF-8"`;

export function createAuthenticator(
  store: Store,
  logger: Logger,
  overrides: Partial<AuthOptions> = {},
): Authenticator {
  const options: AuthOptions = {
    ...DEFAULT_AUTH_OPTIONS,
    now: Date.now,
    scrypt: undefined,
    throttle: undefined,
    ...overrides,
  };
  const throttle = options.throttle ?? new MemoryLoginThrottle(options);
  const gate = new ScryptGate(options.scryptGate);
  const basic = new BasicAuth(store, throttle, gate, logger, options);
  const digest = new DigestAuth(store, throttle, logger, options);
  const clientOf = clientAddressResolver(options.trustedProxies);

  /** 401 with every challenge, or 429/503 with Retry-After. */
  function refuse(c: Context<AppEnv>, result: Exclude<AuthResult, { ok: true }>): Response {
    if (result.status !== 401)
      throw new HttpError(result.status, result.message, {
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(result.retryAfterMs / 1000))) },
      });
    const res = respondError(c, 401, result.message);
    const challenges = [...digest.challenges(result.stale === true), BASIC_CHALLENGE];
    // A Fetch Response joins repeated headers into one comma-separated line, which clients such as
    // curl misread (they take the first Digest and let later parameters override it). The Node
    // response keeps one WWW-Authenticate line per challenge; writeHead() merges it in.
    const outgoing = c.env?.outgoing;
    if (outgoing && 'setHeader' in outgoing && !outgoing.headersSent)
      outgoing.setHeader('WWW-Authenticate', challenges);
    else for (const challenge of challenges) res.headers.append('WWW-Authenticate', challenge);
    return res;
  }

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header === '')
      return refuse(c, { ok: false, status: 401, message: 'authentication required' });
    const client = clientOf(c);
    let result: AuthResult;
    if (header.length > options.maxHeaderLength)
      result = await checkThrottled(
        throttle,
        logger,
        { client, login: undefined, userName: undefined },
        async () => ({
          outcome: 'failure',
          result: { ok: false, status: 401, message: 'malformed credentials' },
        }),
      );
    else if (/^Digest /i.test(header)) result = await digest.authenticate(c, header, client);
    else result = await basic.authenticate(header, client);
    if (!result.ok) return refuse(c, result);
    c.set('user', result.user);
    return next();
  };

  return { middleware, throttle, gate, clearCache: () => basic.clearCache() };
}

/** Behind the auth middleware: 403 unless the user is an admin. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user')?.role !== 'admin') throw new HttpError(403, 'admin role required');
  return next();
};
