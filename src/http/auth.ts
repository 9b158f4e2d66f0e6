// HTTP Basic authentication for every route but the public ones (/health and the like).
// Login is the userName or, as in sipX, the IM id. Passwords are checked with scrypt in constant time;
// a successful check is cached briefly under an HMAC of the whole Authorization header, so a
// wallboard polling every second costs one scrypt per `cacheTtlMs`, not one per request. Identical
// headers arriving together share one scrypt. Guessing is limited by FailureGuard (429 + Retry-After).
import { getConnInfo } from '@hono/node-server/conninfo';
import { createHmac, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { hashPassword, MAX_PASSWORD_LENGTH, verifyPassword, type ScryptParams } from '../domain/passwords.js';
import type { User } from '../domain/users.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { DEFAULT_GUARD_OPTIONS, FailureGuard, type GuardOptions } from './auth-guard.js';
import type { AppEnv } from './context.js';
import { HttpError } from './errors.js';

export interface AuthOptions extends GuardOptions {
  realm: string;
  /** A cached login lives this long after its last use (pollers keep it warm)... */
  cacheTtlMs: number;
  /** ...but never longer than this after the password was last checked. */
  cacheMaxAgeMs: number;
  cacheMaxEntries: number;
  /** Longer Authorization headers are refused without decoding. */
  maxHeaderLength: number;
  /** Cost of the decoy hash checked for unknown users (keep equal to real users' cost). */
  scrypt: ScryptParams | undefined;
}

export const DEFAULT_AUTH_OPTIONS: Omit<AuthOptions, 'now' | 'scrypt'> = {
  ...DEFAULT_GUARD_OPTIONS,
  realm: 'fs-confd',
  cacheTtlMs: 10_000,
  cacheMaxAgeMs: 15 * 60_000,
  cacheMaxEntries: 10_000,
  maxHeaderLength: 1024,
};

interface CachedLogin {
  userName: string;
  /** A changed password (or a deleted user) invalidates the entry at once. */
  passwordHash: string;
  expires: number;
  /** The sliding expiry never passes this. */
  until: number;
}

/** The client's address from the Node socket; `app.request()` in tests has none. */
export function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** "Basic base64(login:password)" → parts, or undefined when malformed. */
export function parseBasicAuth(header: string): { login: string; password: string } | undefined {
  const m = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header);
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const login = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Control characters or invalid UTF-8 (decoded as U+FFFD) are never part of a real login.
  const malformed = /[\p{Cc}\ufffd]/u.test(decoded);
  if (malformed || login.length > 64 || password.length > MAX_PASSWORD_LENGTH) return undefined;
  return { login, password };
}

export interface Authenticator {
  middleware: MiddlewareHandler<AppEnv>;
  guard: FailureGuard;
  /** Drops cached logins (e.g. after an admin changes users in bulk). */
  clearCache(): void;
}

export function createAuthenticator(
  store: Store,
  logger: Logger,
  overrides: Partial<AuthOptions> = {},
): Authenticator {
  const options: AuthOptions = { ...DEFAULT_AUTH_OPTIONS, now: Date.now, scrypt: undefined, ...overrides };
  const guard = new FailureGuard(options);
  const cache = new Map<string, CachedLogin>();
  const inflight = new Map<string, Promise<boolean>>();
  const cacheKeySecret = randomBytes(32);
  let decoy: Promise<string> | undefined;
  const challenge = `Basic realm="${options.realm}", charset="UTF-8"`;

  const unauthorized = (message: string) =>
    new HttpError(401, message, { headers: { 'WWW-Authenticate': challenge } });
  const tooMany = (ms: number) =>
    new HttpError(429, 'too many failed logins; try again later', {
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(ms / 1000))) },
    });

  function remember(key: string, user: User): void {
    cache.delete(key);
    const now = options.now();
    cache.set(key, {
      userName: user.userName,
      passwordHash: user.passwordHash,
      expires: now + options.cacheTtlMs,
      until: now + options.cacheMaxAgeMs,
    });
    if (cache.size > options.cacheMaxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  }

  async function fromCache(key: string): Promise<User | undefined> {
    const hit = cache.get(key);
    if (!hit) return undefined;
    const now = options.now();
    const user = hit.expires > now ? await store.getUser(hit.userName) : undefined;
    if (user && user.passwordHash === hit.passwordHash) {
      // Sliding: a client polling every second never pays for scrypt again until `until`.
      hit.expires = Math.min(now + options.cacheTtlMs, hit.until);
      return user;
    }
    cache.delete(key);
    return undefined;
  }

  /** One scrypt per distinct header at a time; unknown users cost the same as known ones. */
  function check(key: string, password: string, user: User | undefined): Promise<boolean> {
    const running = inflight.get(key);
    if (running) return running;
    const work = (async () => {
      if (user) return verifyPassword(password, user.passwordHash);
      decoy ??= hashPassword(randomBytes(16).toString('hex'), options.scrypt);
      await verifyPassword(password, await decoy);
      return false;
    })().finally(() => inflight.delete(key));
    inflight.set(key, work);
    return work;
  }

  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header('authorization');
    if (header === undefined || header === '') throw unauthorized('authentication required');
    const client = clientAddress(c);
    const key = createHmac('sha256', cacheKeySecret).update(header).digest('base64');

    // A cached header is a known-good credential: it cannot be a guess, so no limit applies to it.
    const cached = header.length <= options.maxHeaderLength ? await fromCache(key) : undefined;
    if (cached) {
      c.set('user', cached);
      return next();
    }

    const blocked = guard.clientBlockedFor(client);
    if (blocked > 0) throw tooMany(blocked);

    const credentials = header.length <= options.maxHeaderLength ? parseBasicAuth(header) : undefined;
    if (!credentials) {
      guard.recordFailure(client, undefined);
      throw unauthorized('malformed credentials');
    }
    const user = await store.findUserByLogin(credentials.login);
    if (user) {
      const userBlocked = guard.userBlockedFor(user.userName, client);
      if (userBlocked > 0) throw tooMany(userBlocked);
    }
    if (!(await check(key, credentials.password, user))) {
      if (guard.recordFailure(client, user?.userName))
        logger.warn({ client, userName: user?.userName }, 'login attempts blocked after repeated failures');
      throw unauthorized('wrong user name or password');
    }
    // Non-null: check() only succeeds for a known user.
    const known = user as User;
    guard.recordSuccess(client, known.userName);
    remember(key, known);
    c.set('user', known);
    return next();
  };

  return { middleware, guard, clearCache: () => cache.clear() };
}

/** Behind the auth middleware: 403 unless the user is an admin. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user')?.role !== 'admin') throw new HttpError(403, 'admin role required');
  return next();
};
