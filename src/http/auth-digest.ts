// HTTP Digest (RFC 7616) for the daemon's users: challenges with server nonces, and checking a response
// against the user's stored HA1 (no scrypt: cheap enough for pollers). A response counts only for the
// request it was made for (method and URI) and only once (nonce count, digest-nonces.ts); a nonce is
// accepted for `nonceTtlMs` after it was issued, then a correct response is answered 401 with
// stale=true and a new nonce. Names without an HA1 (unknown users, or users who have not logged in
// with Basic since Digest was added) are checked against a decoy HA1, so they answer like a wrong
// password. Failures go through the same throttle as Basic.
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { DIGEST_REALM, digestHa1For, digestHash } from '../domain/passwords.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { LoginThrottle } from './auth-guard.js';
import { checkThrottled, type AuthResult } from './auth-result.js';
import type { AppEnv } from './context.js';
import {
  digestChallenges,
  digestResponse,
  mintNonce,
  nonceIssuedAt,
  parseDigestAuth,
  sameDigest,
} from './digest.js';
import { NonceCounts } from './digest-nonces.js';

export interface DigestOptions {
  /** A nonce is accepted this long after it was issued. */
  nonceTtlMs: number;
  /** Nonces whose counts are tracked at once (replay detection). */
  maxTrackedNonces: number;
  now: () => number;
}

/** Clocks never run backwards by more than this between issuing and checking a nonce. */
const FUTURE_SLACK_MS = 5_000;

const wrongPassword: AuthResult = { ok: false, status: 401, message: 'wrong user name or password' };
const stale: AuthResult = { ok: false, status: 401, message: 'the nonce expired; retry', stale: true };

/** The request-target as the client sent it: what a Digest `uri` must repeat. */
function requestTargets(c: Context<AppEnv>): string[] {
  const url = new URL(c.req.url);
  const targets = [`${url.pathname}${url.search}`, c.req.url];
  const raw = c.env?.incoming?.url;
  if (typeof raw === 'string') targets.push(raw);
  return targets;
}

export class DigestAuth {
  private readonly key = randomBytes(32);
  private readonly counts: NonceCounts;
  /** Checked for names without an HA1, so they cost what a real check costs. */
  private readonly decoy = digestHash('SHA-256', randomBytes(16).toString('hex'));

  constructor(
    private readonly store: Store,
    private readonly throttle: LoginThrottle,
    private readonly logger: Logger,
    private readonly options: DigestOptions,
  ) {
    this.counts = new NonceCounts(options.maxTrackedNonces, options.nonceTtlMs);
  }

  /** The Digest WWW-Authenticate values for a 401, with a fresh nonce. */
  challenges(isStale: boolean): string[] {
    return digestChallenges(DIGEST_REALM, mintNonce(this.key, this.options.now()), isStale);
  }

  async authenticate(c: Context<AppEnv>, header: string, client: string): Promise<AuthResult> {
    const credentials = parseDigestAuth(header);
    const login = credentials?.username;
    const user = login === undefined ? undefined : await this.store.findUserByLogin(login);
    return checkThrottled(
      this.throttle,
      this.logger,
      { client, login, userName: user?.userName },
      async () => {
        // A header for another realm or another request (a captured one, replayed) is no credential here.
        if (
          !credentials ||
          credentials.realm !== DIGEST_REALM ||
          !requestTargets(c).includes(credentials.uri)
        )
          return { outcome: 'failure', result: { ok: false, status: 401, message: 'malformed credentials' } };
        const ha1s = user && digestHa1For(user.digestSecret, user.userName, user.imId, credentials.username);
        const ha1 =
          ha1s === undefined ? this.decoy : credentials.algorithm === 'MD5' ? ha1s.md5 : ha1s.sha256;
        const expected = digestResponse(credentials.algorithm, ha1, { ...credentials, method: c.req.method });
        if (!sameDigest(expected, credentials.response) || ha1s === undefined || user === undefined)
          return { outcome: 'failure', result: wrongPassword };

        const now = this.options.now();
        const issuedAt = nonceIssuedAt(this.key, credentials.nonce);
        if (
          issuedAt === undefined ||
          now - issuedAt > this.options.nonceTtlMs ||
          issuedAt > now + FUTURE_SLACK_MS
        )
          return { outcome: 'unchecked', result: stale };
        const use = this.counts.use(credentials.nonce, issuedAt, credentials.ncValue, now);
        if (use === 'forgotten') return { outcome: 'unchecked', result: stale };
        if (use === 'replay')
          return { outcome: 'failure', result: { ...wrongPassword, message: 'nonce count reused' } };
        return { outcome: 'success', result: { ok: true, user } };
      },
    );
  }
}
