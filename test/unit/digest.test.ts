// HTTP Digest, the pure parts: RFC 7616's (and RFC 2617's) example vectors, header parsing, server
// nonces, nonce-count replay tracking, and the per-user secrets derived from a password.
import { describe, expect, it } from 'vitest';
import { deriveDigestSecret, digestHa1For, digestHash } from '../../src/domain/passwords.js';
import { NonceCounts } from '../../src/http/digest-nonces.js';
import {
  digestChallenges,
  digestResponse,
  mintNonce,
  nonceIssuedAt,
  parseAuthParams,
  parseDigestAuth,
  sameDigest,
} from '../../src/http/digest.js';

// RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", GET /dir/index.html.
const RFC7616 = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
};

describe('digest response (RFC 7616 §3.9.1 and RFC 2617 §3.5 examples)', () => {
  const request = { method: 'GET', uri: '/dir/index.html', nc: '00000001', qop: 'auth' as const };

  it('MD5', () => {
    const ha1 = digestHash('MD5', `Mufasa:${RFC7616.realm}:Circle of Life`);
    const response = digestResponse('MD5', ha1, { ...request, nonce: RFC7616.nonce, cnonce: RFC7616.cnonce });
    expect(response).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('SHA-256', () => {
    const ha1 = digestHash('SHA-256', `Mufasa:${RFC7616.realm}:Circle of Life`);
    const response = digestResponse('SHA-256', ha1, {
      ...request,
      nonce: RFC7616.nonce,
      cnonce: RFC7616.cnonce,
    });
    expect(response).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('RFC 2617 (MD5, the sipX era)', () => {
    const ha1 = digestHash('MD5', 'Mufasa:testrealm@host.com:Circle Of Life');
    const response = digestResponse('MD5', ha1, {
      ...request,
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      cnonce: '0a4f113b',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('the stored secret is the HA1 of the login, per algorithm, for the userName and the IM id', () => {
    const secret = deriveDigestSecret('Mufasa', 'lion', 'Circle of Life', RFC7616.realm);
    expect(secret.md5).toBe(digestHash('MD5', `Mufasa:${RFC7616.realm}:Circle of Life`));
    expect(secret.sha256).toBe(digestHash('SHA-256', `Mufasa:${RFC7616.realm}:Circle of Life`));
    expect(secret.alias?.md5).toBe(digestHash('MD5', `lion:${RFC7616.realm}:Circle of Life`));
    expect(digestHa1For(secret, 'Mufasa', 'lion', 'lion', RFC7616.realm)).toBe(secret.alias);
    expect(digestHa1For(secret, 'Mufasa', 'lion', 'Mufasa', RFC7616.realm)).toBe(secret);
    // An alias the secret was not derived for, or another realm: none.
    expect(digestHa1For(secret, 'Mufasa', 'simba', 'simba', RFC7616.realm)).toBeUndefined();
    expect(digestHa1For(secret, 'Mufasa', 'lion', 'Mufasa', 'other')).toBeUndefined();
  });

  it('compares digests in constant time, refusing different lengths and empty ones', () => {
    expect(sameDigest('8ca523f5e9506fed4657c9700eebdbec', '8ca523f5e9506fed4657c9700eebdbec')).toBe(true);
    expect(sameDigest('8ca523f5e9506fed4657c9700eebdbec', '8ca523f5e9506fed4657c9700eebdbed')).toBe(false);
    expect(sameDigest('8ca523f5', '8ca523f5e9506fed4657c9700eebdbec')).toBe(false);
    expect(sameDigest('', '')).toBe(false);
  });
});

describe('parsing Authorization: Digest', () => {
  // The RFC's own example header (SHA-256), as a client sends it.
  const rfcHeader =
    `Digest username="Mufasa", realm="${RFC7616.realm}", uri="/dir/index.html", algorithm=SHA-256,
    nonce="${RFC7616.nonce}", nc=00000001, cnonce="${RFC7616.cnonce}", qop=auth,
    response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="${RFC7616.opaque}"`.replace(
      /\n\s*/g,
      ' ',
    );

  it('reads every parameter, quoted or not', () => {
    expect(parseDigestAuth(rfcHeader)).toEqual({
      username: 'Mufasa',
      realm: RFC7616.realm,
      nonce: RFC7616.nonce,
      uri: '/dir/index.html',
      response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
      algorithm: 'SHA-256',
      qop: 'auth',
      nc: '00000001',
      ncValue: 1,
      cnonce: RFC7616.cnonce,
    });
  });

  it('as curl sends it: MD5 by default when algorithm is absent; quoted qop; escapes', () => {
    const header =
      'Digest username="a\\"b", realm="fs-confd", nonce="n", uri="/my/time?x=1", cnonce="c", nc=0000000a, ' +
      'qop="auth", response="8CA523F5E9506FED4657C9700EEBDBEC"';
    const parsed = parseDigestAuth(header);
    expect(parsed?.username).toBe('a"b');
    expect(parsed?.algorithm).toBe('MD5');
    expect(parsed?.ncValue).toBe(10);
    expect(parsed?.response).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(parsed?.uri).toBe('/my/time?x=1');
  });

  it('refuses malformed, duplicated, unsupported and out-of-bounds parameters', () => {
    const good =
      'username="u", realm="r", nonce="n", uri="/", cnonce="c", nc=00000001, qop=auth, ' +
      'response="8ca523f5e9506fed4657c9700eebdbec"';
    expect(parseDigestAuth(`Digest ${good}`)).toBeDefined();
    for (const bad of [
      `Basic ${good}`,
      `Digest ${good}, username="v"`, // duplicate
      `Digest ${good.replace('qop=auth', 'qop=auth-int')}`,
      `Digest ${good.replace(', qop=auth', '')}`, // RFC 2069 form
      `Digest ${good}, algorithm=MD5-sess`,
      `Digest ${good}, algorithm=SHA-512-256`,
      `Digest ${good}, userhash=true`,
      `Digest ${good.replace('nc=00000001', 'nc=1')}`,
      `Digest ${good.replace('nc=00000001', 'nc=00000000')}`,
      `Digest ${good.replace('8ca523f5e9506fed4657c9700eebdbec', '8ca523f5')}`,
      `Digest ${good}, algorithm=SHA-256`, // an MD5-length response for SHA-256
      `Digest ${good.replace('username="u"', `username="${'u'.repeat(65)}"`)}`,
      `Digest ${good.replace('username="u"', 'username="a\u0000b"')}`,
      `Digest ${good.replace('username="u"', 'username="unterminated')}`,
      `Digest ${good.replace('username="u"', 'username')}`,
      `Digest ${good} garbage`,
      `Digest ${good.replace('username="u"', "username*=UTF-8''%c3%a4")}`,
    ]) {
      expect(parseDigestAuth(bad), bad).toBeUndefined();
    }
  });

  it('bounds the number and size of parameters', () => {
    const many = Array.from({ length: 17 }, (_, i) => `p${i}=x`).join(', ');
    expect(parseAuthParams(`Digest ${many}`)).toBeUndefined();
    expect(parseAuthParams(`Digest a="${'x'.repeat(2049)}"`)).toBeUndefined();
    expect(parseAuthParams('Digest a=b,,  c="d"')?.get('c')).toBe('d');
  });
});

describe('challenges and nonces', () => {
  const key = Buffer.alloc(32, 7);

  it('two Digest challenges, SHA-256 first, stale=true only when asked', () => {
    const [sha, md5] = digestChallenges('fs-confd', 'NONCE', false);
    expect(sha).toBe('Digest realm="fs-confd", qop="auth", algorithm=SHA-256, nonce="NONCE"');
    expect(md5).toBe('Digest realm="fs-confd", qop="auth", algorithm=MD5, nonce="NONCE"');
    expect(digestChallenges('fs-confd', 'N', true).every((c) => c.endsWith(', stale=true'))).toBe(true);
  });

  it('a nonce tells when it was issued, only to the key that made it', () => {
    const nonce = mintNonce(key, 1_700_000_000_123);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(nonceIssuedAt(key, nonce)).toBe(1_700_000_000_123);
    expect(nonceIssuedAt(Buffer.alloc(32, 8), nonce)).toBeUndefined();
    expect(mintNonce(key, 1)).not.toBe(mintNonce(key, 1)); // random part
  });

  it('a nonce with any byte changed, or of another shape, is not ours', () => {
    const nonce = mintNonce(key, 1_700_000_000_000);
    const bytes = Buffer.from(nonce, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const changed = Buffer.from(bytes);
      changed[i] = (changed[i] ?? 0) ^ 1;
      expect(nonceIssuedAt(key, changed.toString('base64url'))).toBeUndefined();
    }
    for (const other of ['', 'x', `${nonce}A`, nonce.slice(1), '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4Gi'])
      expect(nonceIssuedAt(key, other)).toBeUndefined();
  });
});

describe('nonce counts', () => {
  it('each count is accepted once; a little out of order is fine; below the window is a replay', () => {
    const counts = new NonceCounts(100, 300_000);
    expect(counts.use('n', 0, 1, 0)).toBe('fresh');
    expect(counts.use('n', 0, 1, 0)).toBe('replay');
    expect(counts.use('n', 0, 3, 0)).toBe('fresh');
    expect(counts.use('n', 0, 2, 0)).toBe('fresh'); // arrived late
    expect(counts.use('n', 0, 2, 0)).toBe('replay');
    expect(counts.use('n', 0, 40, 0)).toBe('fresh');
    expect(counts.use('n', 0, 8, 0)).toBe('replay'); // 32 or more below the highest
    expect(counts.use('n', 0, 9, 0)).toBe('fresh');
    expect(counts.use('n', 0, 0xffffffff, 0)).toBe('fresh');
    expect(counts.use('n', 0, 0xffffffff, 0)).toBe('replay');
    // Another nonce has its own counts.
    expect(counts.use('m', 0, 1, 0)).toBe('fresh');
  });

  it('bounded: a dropped nonce, and any issued no later, is "forgotten" (a new nonce is needed)', () => {
    const counts = new NonceCounts(2, 300_000);
    expect(counts.use('a', 10, 1, 100)).toBe('fresh');
    expect(counts.use('b', 20, 1, 100)).toBe('fresh');
    expect(counts.use('c', 30, 1, 100)).toBe('fresh'); // drops a
    expect(counts.size).toBe(2);
    expect(counts.use('a', 10, 2, 100)).toBe('forgotten');
    expect(counts.use('z', 5, 1, 100)).toBe('forgotten'); // issued before a; never seen
    expect(counts.use('d', 40, 1, 100)).toBe('fresh'); // issued after: cannot have been dropped
  });

  it('dropping an expired nonce does not make younger ones forgotten', () => {
    const counts = new NonceCounts(1, 1_000);
    expect(counts.use('old', 0, 1, 500)).toBe('fresh');
    expect(counts.use('new', 5_000, 1, 5_500)).toBe('fresh'); // drops "old", long expired
    expect(counts.use('other', 4_000, 1, 5_500)).toBe('fresh'); // issued before "new": still checkable
  });
});
