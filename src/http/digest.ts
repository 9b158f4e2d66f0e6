// HTTP Digest (RFC 7616), the pure parts: reading an `Authorization: Digest …` header, the response a
// client must send, the challenges, and server nonces.
//
// Supported: MD5 and SHA-256 (not the -sess variants, not userhash), qop=auth only (no auth-int, not
// RFC 2069's qop-less form). A nonce is `base64url(issued-at ms (6 bytes) | 8 random bytes | HMAC)`,
// the HMAC (SHA-256, first 16 bytes) keyed with a per-process secret: the server can tell its own
// nonces and their age without storing them, and a nonce from another process or a restart is not
// one of them.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { digestHash, type DigestAlgorithm } from '../domain/passwords.js';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  /** Lower-case hex. */
  response: string;
  algorithm: DigestAlgorithm;
  qop: 'auth';
  /** The nonce count as sent (8 hex digits) and its value. */
  nc: string;
  ncValue: number;
  cnonce: string;
}

const MAX_PARAMS = 16;
const MAX_VALUE_LENGTH = 2048;
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
/** An unquoted value: token68 characters too, since some clients leave base64 nonces unquoted. */
const BARE_VALUE_RE = /^[!#$%&'*+./:=?@^_`|~0-9A-Za-z-]+/;
const PRINTABLE_RE = /^[^\p{Cc}]*$/u;

/** `Digest a=b, c="d"` → a map of lower-case names to values; undefined when malformed or duplicated. */
export function parseAuthParams(header: string): Map<string, string> | undefined {
  const scheme = /^Digest +/i.exec(header);
  if (!scheme) return undefined;
  const params = new Map<string, string>();
  let rest = header.slice(scheme[0].length);
  while (rest !== '') {
    rest = rest.replace(/^[ \t,]+/, '');
    if (rest === '') break;
    const name = TOKEN_RE.exec(rest)?.[0];
    if (name === undefined) return undefined;
    rest = rest.slice(name.length);
    const equals = /^[ \t]*=[ \t]*/.exec(rest);
    if (!equals) return undefined;
    rest = rest.slice(equals[0].length);
    let value: string;
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\.)*)"/s.exec(rest);
      if (!quoted) return undefined;
      value = (quoted[1] ?? '').replace(/\\(.)/gs, '$1');
      rest = rest.slice(quoted[0].length);
    } else {
      const bare = BARE_VALUE_RE.exec(rest)?.[0];
      if (bare === undefined) return undefined;
      value = bare;
      rest = rest.slice(bare.length);
    }
    if (!/^[ \t]*(,|$)/.test(rest)) return undefined;
    const key = name.toLowerCase();
    if (params.has(key) || params.size >= MAX_PARAMS) return undefined;
    if (value.length > MAX_VALUE_LENGTH || !PRINTABLE_RE.test(value)) return undefined;
    params.set(key, value);
  }
  return params;
}

/** The Digest credentials of an Authorization header, or undefined when malformed or unsupported. */
export function parseDigestAuth(header: string): DigestCredentials | undefined {
  const p = parseAuthParams(header);
  if (p === undefined) return undefined;
  const [username, realm, nonce, uri, response, nc, cnonce] = [
    'username',
    'realm',
    'nonce',
    'uri',
    'response',
    'nc',
    'cnonce',
  ].map((name) => p.get(name));
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined)
    return undefined;
  if (response === undefined || nc === undefined || cnonce === undefined) return undefined;
  if (p.get('qop')?.toLowerCase() !== 'auth') return undefined;
  if (p.has('userhash') && p.get('userhash')?.toLowerCase() !== 'false') return undefined;
  const algorithmName = (p.get('algorithm') ?? 'MD5').toUpperCase();
  if (algorithmName !== 'MD5' && algorithmName !== 'SHA-256') return undefined;
  const algorithm: DigestAlgorithm = algorithmName;
  const hexLength = algorithm === 'MD5' ? 32 : 64;
  if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(response)) return undefined;
  if (!/^[0-9a-fA-F]{8}$/.test(nc)) return undefined;
  const ncValue = Number.parseInt(nc, 16);
  if (ncValue === 0) return undefined;
  if (username.length < 1 || username.length > 64) return undefined;
  if (cnonce.length < 1 || cnonce.length > 256 || nonce.length > 256 || uri.length < 1) return undefined;
  return {
    username,
    realm,
    nonce,
    uri,
    response: response.toLowerCase(),
    algorithm,
    qop: 'auth',
    nc,
    ncValue,
    cnonce,
  };
}

export interface DigestRequest {
  method: string;
  uri: string;
  nonce: string;
  nc: string;
  cnonce: string;
  qop: 'auth';
}

/** The response a client that knows HA1 sends (RFC 7616 §3.4.1, qop=auth, non-session algorithm). */
export function digestResponse(algorithm: DigestAlgorithm, ha1: string, r: DigestRequest): string {
  const ha2 = digestHash(algorithm, `${r.method}:${r.uri}`);
  return digestHash(algorithm, `${ha1}:${r.nonce}:${r.nc}:${r.cnonce}:${r.qop}:${ha2}`);
}

/** Constant-time comparison of two lower-case hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** The WWW-Authenticate values for Digest, strongest first (clients take the first they support). */
export function digestChallenges(realm: string, nonce: string, stale: boolean): string[] {
  return (['SHA-256', 'MD5'] as const).map(
    (algorithm) =>
      `Digest realm="${realm}", qop="auth", algorithm=${algorithm}, nonce="${nonce}"${stale ? ', stale=true' : ''}`,
  );
}

const NONCE_TIME_BYTES = 6;
const NONCE_RANDOM_BYTES = 8;
const NONCE_MAC_BYTES = 16;
const NONCE_BYTES = NONCE_TIME_BYTES + NONCE_RANDOM_BYTES + NONCE_MAC_BYTES;

function nonceMac(key: Buffer, body: Buffer): Buffer {
  return createHmac('sha256', key).update(body).digest().subarray(0, NONCE_MAC_BYTES);
}

/** A fresh nonce issued at `now` (ms since the epoch). */
export function mintNonce(
  key: Buffer,
  now: number,
  random: Buffer = randomBytes(NONCE_RANDOM_BYTES),
): string {
  const body = Buffer.alloc(NONCE_TIME_BYTES + NONCE_RANDOM_BYTES);
  body.writeUIntBE(Math.max(0, Math.floor(now)), 0, NONCE_TIME_BYTES);
  random.copy(body, NONCE_TIME_BYTES, 0, NONCE_RANDOM_BYTES);
  return Buffer.concat([body, nonceMac(key, body)]).toString('base64url');
}

/** When `nonce` was issued, if this key issued it; undefined for anything else. */
export function nonceIssuedAt(key: Buffer, nonce: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{40}$/.test(nonce)) return undefined;
  const bytes = Buffer.from(nonce, 'base64url');
  if (bytes.length !== NONCE_BYTES) return undefined;
  const body = bytes.subarray(0, NONCE_TIME_BYTES + NONCE_RANDOM_BYTES);
  if (!timingSafeEqual(nonceMac(key, body), bytes.subarray(body.length))) return undefined;
  return body.readUIntBE(0, NONCE_TIME_BYTES);
}
