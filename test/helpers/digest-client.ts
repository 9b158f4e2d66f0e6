// A small HTTP Digest client for tests, written independently of src/http/digest.ts (RFC 7616 §3.4):
// reads the server's challenges and computes the Authorization header a client would send.
import { createHash, randomBytes } from 'node:crypto';

export type Algorithm = 'MD5' | 'SHA-256';

export interface Challenge {
  realm: string;
  algorithm: Algorithm;
  nonce: string;
  stale: boolean;
}

/** The Digest challenges of a 401 (all WWW-Authenticate values, as fetch joins them). */
export function digestChallenges(wwwAuthenticate: string | null): Challenge[] {
  const out: Challenge[] = [];
  const re = /Digest realm="([^"]*)", qop="auth", algorithm=(MD5|SHA-256), nonce="([^"]*)"(, stale=true)?/g;
  for (const m of (wwwAuthenticate ?? '').matchAll(re))
    out.push({
      realm: m[1] ?? '',
      algorithm: m[2] as Algorithm,
      nonce: m[3] ?? '',
      stale: m[4] !== undefined,
    });
  return out;
}

const h = (algorithm: Algorithm, data: string) =>
  createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
    .update(data, 'utf8')
    .digest('hex');

export interface DigestInput {
  username: string;
  password: string;
  method: string;
  uri: string;
  challenge: Challenge;
  nc?: number;
  cnonce?: string;
}

export function digestAuthorization(input: DigestInput): string {
  const { username, password, method, uri, challenge } = input;
  const nc = (input.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = h(challenge.algorithm, `${username}:${challenge.realm}:${password}`);
  const ha2 = h(challenge.algorithm, `${method}:${uri}`);
  const response = h(challenge.algorithm, `${ha1}:${challenge.nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return (
    `Digest username="${username}", realm="${challenge.realm}", nonce="${challenge.nonce}", uri="${uri}", ` +
    `algorithm=${challenge.algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}"`
  );
}
