// Password hashing for the daemon's own users: salted scrypt, self-describing, compared in constant time;
// and the HTTP Digest secrets derived from the same password (bottom of the file).
//
// Stored form: `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>`. The parameters travel with the hash so
// the cost can be raised later without invalidating existing users, and tests can use a cheap N.
import {
  createHash,
  randomBytes,
  scrypt as scryptCb,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. Production default 2^14 (~16 MiB, tens of ms). */
  N: number;
  r: number;
  p: number;
}

export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 14, r: 8, p: 1 });

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
/** Longest password we hash; longer input is refused rather than fed to scrypt. */
export const MAX_PASSWORD_LENGTH = 1024;
// Bounds on parameters read back from storage, so a tampered file cannot make one login cost minutes.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

function scrypt(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: params.N,
    r: params.r,
    p: params.p,
    // Node refuses above 32 MiB by default; allow exactly what these parameters need, plus slack.
    maxmem: 128 * params.N * params.r * params.p + 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
}

export function validScryptParams(params: ScryptParams): boolean {
  return (
    isPowerOfTwo(params.N) &&
    params.N <= MAX_N &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= MAX_R &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= MAX_P
  );
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (password.length > MAX_PASSWORD_LENGTH) throw new RangeError('password too long');
  if (!validScryptParams(params)) throw new RangeError('invalid scrypt parameters');
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const HASH_RE = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

function parseHash(stored: string): ParsedHash | undefined {
  const m = HASH_RE.exec(stored);
  if (!m) return undefined;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (!validScryptParams(params)) return undefined;
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const key = Buffer.from(m[5] ?? '', 'base64');
  if (salt.length < 8 || key.length !== KEY_LENGTH) return undefined;
  return { params, salt, key };
}

/** True when `stored` is a hash this module can verify (used to validate the data file on load). */
export function isPasswordHash(stored: string): boolean {
  return parseHash(stored) !== undefined;
}

/** Constant-time check of a password against a stored hash. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || password.length > MAX_PASSWORD_LENGTH) return false;
  const key = await scrypt(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

// ---- HTTP Digest secrets (RFC 7616) ----
//
// Digest never sends the password, so the server must hold H(login:realm:password) ("HA1") for every
// name a user logs in with. HA1 is password-equivalent for this realm (whoever has it can answer any
// challenge), so it is kept like the password hash: never logged, never returned, only in the store.

/** The one realm of the daemon's HTTP Digest (and Basic) challenges; HA1s are derived for it. */
export const DIGEST_REALM = 'fs-confd';

export const DIGEST_ALGORITHMS = ['MD5', 'SHA-256'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** HA1 per algorithm for one login name. */
export interface DigestHa1 {
  readonly md5: string;
  readonly sha256: string;
}

/** What a user record keeps for Digest: HA1s for the userName and, if any, for the IM id alias. */
export interface DigestSecret extends DigestHa1 {
  readonly realm: string;
  readonly alias?: DigestHa1 & { readonly imId: string };
}

/** Lower-case hex of H(data) for a Digest algorithm. */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(data, 'utf8')
    .digest('hex');
}

function ha1For(login: string, realm: string, password: string): DigestHa1 {
  const a1 = `${login}:${realm}:${password}`;
  return { md5: digestHash('MD5', a1), sha256: digestHash('SHA-256', a1) };
}

/** Derives the Digest secret when a password is set (or verified by a Basic login). */
export function deriveDigestSecret(
  userName: string,
  imId: string | undefined,
  password: string,
  realm: string = DIGEST_REALM,
): DigestSecret {
  return {
    realm,
    ...ha1For(userName, realm, password),
    ...(imId !== undefined ? { alias: { imId, ...ha1For(imId, realm, password) } } : {}),
  };
}

/** The stored HA1s for logging in as `login`, or undefined when none were derived for that name. */
export function digestHa1For(
  secret: DigestSecret | undefined,
  userName: string,
  imId: string | undefined,
  login: string,
  realm: string = DIGEST_REALM,
): DigestHa1 | undefined {
  if (secret === undefined || secret.realm !== realm) return undefined;
  if (login === userName) return secret;
  if (login === imId && secret.alias?.imId === imId) return secret.alias;
  return undefined;
}
