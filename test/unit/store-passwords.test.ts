import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, isPasswordHash, verifyPassword } from '../../src/domain/passwords.js';
import { generateSipPassword, newUser, publicUser, sipA1Hash } from '../../src/domain/users.js';

const FAST = { N: 1024, r: 8, p: 1 };

describe('password hashing', () => {
  it('defaults to scrypt with N >= 2^14 and a fresh salt each time', async () => {
    expect(DEFAULT_SCRYPT.N).toBeGreaterThanOrEqual(2 ** 14);
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
  });

  it('rejects wrong passwords, malformed hashes and hostile parameters', async () => {
    const h = await hashPassword('pw-one-two', FAST);
    expect(await verifyPassword('pw-one-twO', h)).toBe(false);
    expect(await verifyPassword('pw-one-two', 'plain-text')).toBe(false);
    expect(await verifyPassword('pw-one-two', h.replace('$1024$', '$1000$'))).toBe(false);
    // A tampered file must not make one check cost minutes: N above 2^20 is refused, not computed.
    expect(isPasswordHash(h.replace('$1024$', `$${2 ** 24}$`))).toBe(false);
    expect(await verifyPassword('x'.repeat(2000), h)).toBe(false);
  });
});

describe('users', () => {
  it('computes the a1-hash FreeSWITCH expects (RFC 2617 HA1)', () => {
    // md5("200:example.org:secret"), computed with md5sum(1)
    expect(sipA1Hash('200', 'example.org', 'secret')).toBe('c7446ed8881215c51a5cbca3a680c54a');
  });

  it('generates distinct 16-character SIP passwords', () => {
    const seen = new Set(Array.from({ length: 200 }, generateSipPassword));
    expect(seen.size).toBe(200);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9]{16}$/);
  });

  it('never shows a hash or a SIP password in the public view', async () => {
    const u = await newUser(
      { userName: '200', password: 'secret-pass', sipPassword: 'SipSecret123' },
      { sipDomain: 'example.org', scrypt: FAST },
    );
    const shown = JSON.stringify(publicUser(u));
    expect(shown).not.toContain('scrypt');
    expect(shown).not.toContain('SipSecret123');
    expect(shown).not.toContain(u.a1Hash);
    expect(u.callerIdNumber).toBe('200');
  });
});
