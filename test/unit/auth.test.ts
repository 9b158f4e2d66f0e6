import { describe, expect, it } from 'vitest';
import { DEFAULT_GUARD_OPTIONS, FailureGuard, type GuardOptions } from '../../src/http/auth-guard.js';
import { parseBasicAuth } from '../../src/http/auth.js';
import { canControlConference, canManageDelegates } from '../../src/domain/ownership.js';

function guardWithClock(overrides: Partial<GuardOptions> = {}) {
  let now = 1_000_000;
  const guard = new FailureGuard({ ...DEFAULT_GUARD_OPTIONS, now: () => now, ...overrides });
  return { guard, advance: (ms: number) => (now += ms) };
}

describe('FailureGuard per client', () => {
  it('blocks a client after 20 failures in a row, for the lockout time, then lets it try again', () => {
    const { guard, advance } = guardWithClock();
    for (let i = 0; i < 19; i++) expect(guard.recordFailure('10.0.0.1', undefined)).toBe(false);
    expect(guard.clientBlockedFor('10.0.0.1')).toBe(0);
    expect(guard.recordFailure('10.0.0.1', undefined)).toBe(true);
    expect(guard.clientBlockedFor('10.0.0.1')).toBe(60_000);
    expect(guard.clientBlockedFor('10.0.0.2')).toBe(0);
    advance(59_999);
    expect(guard.clientBlockedFor('10.0.0.1')).toBe(1);
    advance(1);
    expect(guard.clientBlockedFor('10.0.0.1')).toBe(0);
  });

  it('doubles the lockout on each repeated lockout, up to the maximum; a success resets it', () => {
    const { guard, advance } = guardWithClock();
    const lockOut = () => {
      for (let i = 0; i < 20; i++) guard.recordFailure('c', undefined);
      return guard.clientBlockedFor('c');
    };
    expect(lockOut()).toBe(60_000);
    advance(60_000);
    expect(lockOut()).toBe(120_000);
    advance(120_000);
    expect(lockOut()).toBe(240_000);
    for (let i = 0; i < 5; i++) {
      advance(15 * 60_000);
      lockOut();
    }
    expect(guard.clientBlockedFor('c')).toBe(15 * 60_000);
    advance(15 * 60_000);
    guard.recordSuccess('c', 'u');
    expect(lockOut()).toBe(60_000);
  });

  it('a success ends the streak; failures spread beyond the window do not add up', () => {
    const { guard, advance } = guardWithClock();
    for (let i = 0; i < 19; i++) guard.recordFailure('c', undefined);
    guard.recordSuccess('c', 'u');
    for (let i = 0; i < 19; i++) guard.recordFailure('c', undefined);
    expect(guard.clientBlockedFor('c')).toBe(0);
    advance(DEFAULT_GUARD_OPTIONS.failureWindowMs + 1);
    guard.recordFailure('c', undefined);
    expect(guard.clientBlockedFor('c')).toBe(0);
  });

  it('keeps at most maxEntries clients', () => {
    const { guard } = guardWithClock({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) guard.recordFailure(`10.0.${i >> 8}.${i & 255}`, undefined);
    expect(guard.trackedClients).toBe(100);
  });
});

describe('FailureGuard per user', () => {
  it('a distributed attack on one account blocks new clients but not the user’s known device', () => {
    const { guard } = guardWithClock({ userFailureLimit: 10 });
    guard.recordSuccess('home', 'alice');
    for (let i = 0; i < 10; i++) guard.recordFailure(`attacker-${i}`, 'alice');
    expect(guard.userBlockedFor('alice', 'attacker-99')).toBe(60_000);
    expect(guard.userBlockedFor('alice', 'home')).toBe(0);
    expect(guard.userBlockedFor('bob', 'attacker-99')).toBe(0);
    // No single attacker client reached its own limit.
    expect(guard.clientBlockedFor('attacker-1')).toBe(0);
  });
});

describe('parseBasicAuth', () => {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  it('splits at the first colon; the password may contain colons', () => {
    expect(parseBasicAuth(`Basic ${b64('200:pa:ss')}`)).toEqual({ login: '200', password: 'pa:ss' });
    expect(parseBasicAuth(`basic ${b64('alice:pw')}`)).toEqual({ login: 'alice', password: 'pw' });
    expect(parseBasicAuth(`Basic ${b64('ünï:pw')}`)).toEqual({ login: 'ünï', password: 'pw' });
  });
  it('refuses other schemes, bad base64, no colon, empty login, control characters, long logins', () => {
    for (const header of [
      `Bearer ${b64('a:b')}`,
      'Basic !!!!',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64(':pw')}`,
      `Basic ${b64('a\r\nX-Injected: 1:pw')}`,
      `Basic ${b64('a:p\u0000w')}`,
      `Basic ${b64(`${'a'.repeat(65)}:pw`)}`,
      `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
    ]) {
      expect(parseBasicAuth(header), header).toBeUndefined();
    }
  });
});

describe('ownership rules', () => {
  const conf = { owner: '200', delegates: ['201'] };
  const as = (userName: string, role: 'user' | 'admin' = 'user') => ({ userName, role });
  it('owner, delegate and admin may control; anyone else may not', () => {
    expect(canControlConference(as('200'), conf)).toBe(true);
    expect(canControlConference(as('201'), conf)).toBe(true);
    expect(canControlConference(as('999', 'admin'), conf)).toBe(true);
    expect(canControlConference(as('202'), conf)).toBe(false);
  });
  it('only owner and admin manage delegates', () => {
    expect(canManageDelegates(as('200'), conf)).toBe(true);
    expect(canManageDelegates(as('999', 'admin'), conf)).toBe(true);
    expect(canManageDelegates(as('201'), conf)).toBe(false);
  });
});
