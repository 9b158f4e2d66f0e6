import { describe, expect, it } from 'vitest';
import {
  DEFAULT_GUARD_OPTIONS,
  MemoryLoginThrottle,
  type AttemptOutcome,
  type GuardOptions,
  type LoginAttempt,
} from '../../src/http/auth-guard.js';
import { parseBasicAuth } from '../../src/http/auth.js';
import { canControlConference, canManageDelegates } from '../../src/domain/ownership.js';

function throttleWithClock(overrides: Partial<GuardOptions> = {}) {
  let now = 1_000_000;
  const throttle = new MemoryLoginThrottle({ ...DEFAULT_GUARD_OPTIONS, now: () => now, ...overrides });
  /** One attempt, admitted and settled at once; the Retry-After in ms when refused, else 0. */
  const attempt = (a: LoginAttempt, outcome: AttemptOutcome = 'failure'): number => {
    const admission = throttle.admitNow(a);
    if (!admission.ok) return admission.retryAfterMs;
    throttle.settleNow(admission.ticket, outcome);
    return 0;
  };
  return { throttle, attempt, advance: (ms: number) => (now += ms) };
}

const at = (
  client: string,
  login: string | undefined,
  userName: string | undefined = login,
): LoginAttempt => ({
  client,
  login,
  userName,
});

describe('login throttle: counted before the check', () => {
  it('200 attempts in flight at once from one address: 20 admitted, the rest refused at once', () => {
    const { throttle } = throttleWithClock();
    const tickets = [];
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const admission = throttle.admitNow(at('198.51.100.7', '200'));
      if (admission.ok) tickets.push(admission.ticket);
      else {
        refused++;
        expect(admission.retryAfterMs).toBe(1_000); // may clear if the checks in flight succeed
      }
    }
    expect(tickets.length).toBe(20);
    expect(refused).toBe(180);
    const lockouts = tickets.map((t) => throttle.settleNow(t, 'failure'));
    expect(lockouts.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(throttle.blockedFor(at('198.51.100.7', '200'))).toBe(60_000);
  });

  it('attempts not decided (no capacity, stale nonce) are given back, not counted as failures', () => {
    const { attempt, throttle } = throttleWithClock();
    for (let i = 0; i < 100; i++) expect(attempt(at('c', '200'), 'unchecked')).toBe(0);
    expect(throttle.blockedFor(at('c', '200'))).toBe(0);
  });

  it('malformed credentials count on the address only', () => {
    const { attempt, throttle } = throttleWithClock();
    for (let i = 0; i < 20; i++) expect(attempt(at('c', undefined))).toBe(0);
    expect(throttle.blockedFor(at('c', undefined))).toBe(60_000);
    expect(throttle.blockedFor(at('other', '200'))).toBe(0);
  });
});

describe('login throttle per address', () => {
  it('20 failures block the address for the lockout time, then it may try again', () => {
    const { attempt, advance, throttle } = throttleWithClock();
    for (let i = 0; i < 20; i++) expect(attempt(at('10.0.0.1', `name-${i}`))).toBe(0);
    expect(attempt(at('10.0.0.1', 'fresh'))).toBe(60_000);
    expect(throttle.blockedFor(at('10.0.0.2', 'fresh'))).toBe(0);
    advance(59_999);
    expect(throttle.blockedFor(at('10.0.0.1', 'fresh'))).toBe(1);
    advance(1);
    expect(throttle.blockedFor(at('10.0.0.1', 'fresh'))).toBe(0);
  });

  it('doubles the lockout on each repeated one, up to the maximum; a quiet window starts over', () => {
    const { attempt, advance, throttle } = throttleWithClock();
    const lockOut = () => {
      for (let i = 0; i < 20; i++) attempt(at('c', `n${i}`));
      return throttle.blockedFor(at('c', 'x'));
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
    expect(throttle.blockedFor(at('c', 'x'))).toBe(15 * 60_000);
    advance(15 * 60_000 + DEFAULT_GUARD_OPTIONS.failureWindowMs + 1);
    expect(lockOut()).toBe(60_000);
  });

  it('a success does not reset the address: an attacker’s own account buys no extra guesses', () => {
    const { attempt, throttle } = throttleWithClock();
    for (let i = 0; i < 19; i++) attempt(at('c', 'victim'));
    expect(attempt(at('c', 'mallory'), 'success')).toBe(0);
    expect(attempt(at('c', 'victim'))).toBe(0); // the 20th failure
    expect(throttle.blockedFor(at('c', 'victim'))).toBe(60_000);
    // ... but mallory now logs in from here as a known user.
    expect(throttle.blockedFor(at('c', 'mallory'))).toBe(0);
  });

  it('failures spread beyond the window do not add up', () => {
    const { attempt, advance, throttle } = throttleWithClock();
    for (let i = 0; i < 19; i++) attempt(at('c', `n${i}`));
    advance(DEFAULT_GUARD_OPTIONS.failureWindowMs + 1);
    attempt(at('c', 'n'));
    expect(throttle.blockedFor(at('c', 'x'))).toBe(0);
  });

  it('a shared address (NAT) with an attacker behind it keeps the users who logged in from it', () => {
    const { attempt, throttle } = throttleWithClock();
    expect(attempt(at('nat', 'alice'), 'success')).toBe(0);
    for (let i = 0; i < 20; i++) attempt(at('nat', `guess-${i}`));
    expect(throttle.blockedFor(at('nat', 'bob'))).toBe(60_000); // never logged in from here
    expect(attempt(at('nat', 'alice'), 'success')).toBe(0);
  });

  it('a known address still has a limit on its own user: 20 failures block that name there', () => {
    const { attempt, throttle } = throttleWithClock();
    attempt(at('home', 'alice'), 'success');
    for (let i = 0; i < 20; i++) expect(attempt(at('home', 'alice'))).toBe(0);
    expect(attempt(at('home', 'alice'))).toBe(60_000);
    // Other users at that address are not affected by alice's failures.
    expect(throttle.blockedFor(at('home', 'bob'))).toBe(0);
  });

  it('keeps at most maxEntries per table', () => {
    const { attempt, throttle } = throttleWithClock({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) attempt(at(`10.0.${i >> 8}.${i & 255}`, undefined));
    expect(throttle.trackedClients).toBe(100);
  });
});

describe('login throttle per account', () => {
  it('a distributed attack blocks new addresses for that name, never the user’s known address', () => {
    const { attempt, throttle } = throttleWithClock({ userFailureLimit: 10 });
    attempt(at('home', 'alice'), 'success');
    for (let i = 0; i < 10; i++) expect(attempt(at(`attacker-${i}`, 'alice'))).toBe(0);
    expect(throttle.blockedFor(at('attacker-99', 'alice'))).toBe(60_000);
    expect(throttle.blockedFor(at('home', 'alice'))).toBe(0);
    expect(throttle.blockedFor(at('attacker-99', 'bob'))).toBe(0);
    // No single attacker address reached its own limit.
    expect(throttle.blockedFor(at('attacker-1', 'bob'))).toBe(0);
    // The user's successes (a poller) do not reset the count for strangers.
    for (let i = 0; i < 5; i++) attempt(at('home', 'alice'), 'success');
    expect(throttle.blockedFor(at('attacker-99', 'alice'))).toBe(60_000);
  });

  it('a name no user has answers exactly like an existing user’s name', () => {
    const run = (userName: string | undefined) => {
      const { attempt, advance } = throttleWithClock({ userFailureLimit: 10 });
      const answers: number[] = [];
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 15; i++) answers.push(attempt(at(`x-${round}-${i}`, 'someone', userName)));
        advance(30_000);
      }
      return answers;
    };
    expect(run(undefined)).toEqual(run('someone'));
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
