// HTTP Basic: the password is checked with scrypt in constant time, at most `scryptGate` checks at once
// in the whole process. A successful check is cached briefly under an HMAC of the whole Authorization
// header, so a wallboard polling every second costs one scrypt per `cacheTtlMs` (sliding, at most
// `cacheMaxAgeMs`), not one per request. Identical headers from one client arriving together share one
// scrypt. Unknown names are checked against a decoy hash of the same cost, so their answer and its
// timing are those of a wrong password.
// A successful Basic login also derives the user's Digest secrets when the record lacks them (users
// created before Digest existed), so Digest works for them from then on.
import { createHmac, randomBytes } from 'node:crypto';
import {
  deriveDigestSecret,
  digestHa1For,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  verifyPassword,
  type ScryptParams,
} from '../domain/passwords.js';
import type { User } from '../domain/users.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { LoginThrottle } from './auth-guard.js';
import { GateFullError, type ScryptGate } from './scrypt-gate.js';
import { type AuthResult, checkThrottled } from './auth-result.js';

export interface BasicOptions {
  cacheTtlMs: number;
  cacheMaxAgeMs: number;
  cacheMaxEntries: number;
  /** Cost of the decoy hash checked for unknown users (keep equal to real users' cost). */
  scrypt: ScryptParams | undefined;
  now: () => number;
}

interface CachedLogin {
  userName: string;
  /** A changed password (or a deleted user) invalidates the entry at once. */
  passwordHash: string;
  expires: number;
  /** The sliding expiry never passes this. */
  until: number;
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

/** True when the record has no Digest HA1 for its userName or for its current IM id. */
export function lacksDigestSecret(user: User): boolean {
  const { digestSecret, userName, imId } = user;
  if (digestHa1For(digestSecret, userName, imId, userName) === undefined) return true;
  return imId !== undefined && digestHa1For(digestSecret, userName, imId, imId) === undefined;
}

export class BasicAuth {
  private readonly cache = new Map<string, CachedLogin>();
  private readonly inflight = new Map<string, Promise<AuthResult>>();
  private readonly cacheKeySecret = randomBytes(32);
  private readonly deriving = new Set<string>();
  private decoy: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly throttle: LoginThrottle,
    private readonly gate: ScryptGate,
    private readonly logger: Logger,
    private readonly options: BasicOptions,
  ) {}

  async authenticate(header: string, client: string): Promise<AuthResult> {
    const key = createHmac('sha256', this.cacheKeySecret).update(header).digest('base64');
    // A cached header is a known-good credential: it cannot be a guess, so no limit applies to it.
    const cached = await this.fromCache(key);
    if (cached) return { ok: true, user: cached };

    const credentials = parseBasicAuth(header);
    const login = credentials?.login;
    const user = login === undefined ? undefined : await this.store.findUserByLogin(login);
    // The same header from the same client while one check of it runs: share its answer, count nothing.
    const checkKey = `${client}\n${key}`;
    const running = this.inflight.get(checkKey);
    if (running !== undefined) return running;
    const attempt = { client, login, userName: user?.userName };
    const work = checkThrottled(this.throttle, this.logger, attempt, async (known) => {
      if (!credentials) return { outcome: 'failure', result: malformed };
      let verified: boolean;
      try {
        verified = await this.gate.run(() => this.verify(credentials.password, user), client, known);
      } catch (err) {
        if (!(err instanceof GateFullError)) throw err;
        return { outcome: 'unchecked', result: busy };
      }
      if (!verified || user === undefined) return { outcome: 'failure', result: wrongPassword };
      this.remember(key, user);
      if (lacksDigestSecret(user)) this.deriveDigestSecret(user, credentials.password);
      return { outcome: 'success', result: { ok: true, user } };
    }).finally(() => this.inflight.delete(checkKey));
    this.inflight.set(checkKey, work);
    return work;
  }

  clearCache(): void {
    this.cache.clear();
  }

  private remember(key: string, user: User): void {
    this.cache.delete(key);
    const now = this.options.now();
    this.cache.set(key, {
      userName: user.userName,
      passwordHash: user.passwordHash,
      expires: now + this.options.cacheTtlMs,
      until: now + this.options.cacheMaxAgeMs,
    });
    if (this.cache.size > this.options.cacheMaxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private async fromCache(key: string): Promise<User | undefined> {
    const hit = this.cache.get(key);
    if (!hit) return undefined;
    const now = this.options.now();
    const user = hit.expires > now ? await this.store.getUser(hit.userName) : undefined;
    if (user && user.passwordHash === hit.passwordHash) {
      // Sliding: a client polling every second never pays for scrypt again until `until`.
      hit.expires = Math.min(now + this.options.cacheTtlMs, hit.until);
      return user;
    }
    this.cache.delete(key);
    return undefined;
  }

  /** scrypt against the user's hash; unknown users cost the same, against a decoy. */
  private async verify(password: string, user: User | undefined): Promise<boolean> {
    if (user) return verifyPassword(password, user.passwordHash);
    this.decoy ??= hashPassword(randomBytes(16).toString('hex'), this.options.scrypt);
    await verifyPassword(password, await this.decoy);
    return false;
  }

  /** Stores the Digest HA1s of a password just verified, unless the password changed meanwhile. */
  private deriveDigestSecret(user: User, password: string): void {
    if (this.deriving.has(user.userName)) return;
    this.deriving.add(user.userName);
    this.store
      .updateUser(user.userName, (current) =>
        current.passwordHash !== user.passwordHash
          ? current
          : { ...current, digestSecret: deriveDigestSecret(current.userName, current.imId, password) },
      )
      .then(() => this.logger.info({ userName: user.userName }, 'derived the Digest secret at Basic login'))
      .catch((err: unknown) =>
        this.logger.warn(
          { userName: user.userName, err: err instanceof Error ? err.message : String(err) },
          'could not store the Digest secret',
        ),
      )
      .finally(() => this.deriving.delete(user.userName));
  }
}

const malformed: AuthResult = { ok: false, status: 401, message: 'malformed credentials' };
const wrongPassword: AuthResult = { ok: false, status: 401, message: 'wrong user name or password' };
const busy: AuthResult = {
  ok: false,
  status: 503,
  message: 'too many logins in progress; try again',
  retryAfterMs: 1000,
};
