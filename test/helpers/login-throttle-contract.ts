// The login throttle's rules as a contract every implementation must keep: the in-memory one (one
// daemon) and the one shared through PostgreSQL (SharedLoginThrottle) answer these the same, on a
// clock the test moves.
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_GUARD_OPTIONS,
  type AttemptOutcome,
  type GuardOptions,
  type LoginAttempt,
  type LoginThrottle,
} from '../../src/http/auth-guard.js';

export interface ThrottleUnderTest {
  throttle: LoginThrottle;
  /** Moves the clock the throttle counts on. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/** `make` builds a throttle with DEFAULT_GUARD_OPTIONS and `overrides`, its clock at 1,000,000 ms. */
export type MakeThrottle = (overrides: Partial<GuardOptions>) => Promise<ThrottleUnderTest>;

export const at = (client: string, login: string | undefined, userName = login): LoginAttempt => ({
  client,
  login,
  userName,
});

export function loginThrottleContract(name: string, make: MakeThrottle, run = true): void {
  const open: ThrottleUnderTest[] = [];
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });

  async function subject(overrides: Partial<GuardOptions> = {}) {
    const t = await make(overrides);
    open.push(t);
    const { throttle } = t;
    /** One attempt, admitted and settled; the Retry-After in ms when refused, else 0. */
    const attempt = async (a: LoginAttempt, outcome: AttemptOutcome = 'failure'): Promise<number> => {
      const admission = await throttle.admit(a);
      if (!admission.ok) return admission.retryAfterMs;
      await throttle.settle(admission.ticket, outcome);
      return 0;
    };
    /** How long `a` would wait (asked by an attempt that is then given back unchecked). */
    const blockedFor = (a: LoginAttempt) => attempt(a, 'unchecked');
    const failures = async (n: number, a: (i: number) => LoginAttempt) => {
      const answers: number[] = [];
      for (let i = 0; i < n; i++) answers.push(await attempt(a(i)));
      return answers;
    };
    return { throttle, attempt, blockedFor, failures, advance: (ms: number) => t.advance(ms) };
  }

  describe.skipIf(!run)(`login throttle contract: ${name}`, () => {
    it('200 attempts in flight at once from one address: 20 admitted, the rest refused at once', async () => {
      const { throttle, blockedFor } = await subject();
      const admissions = await Promise.all(
        Array.from({ length: 200 }, () => throttle.admit(at('198.51.100.7', '200'))),
      );
      const tickets = admissions.flatMap((a) => (a.ok ? [a.ticket] : []));
      expect(tickets).toHaveLength(20);
      for (const a of admissions) if (!a.ok) expect(a.retryAfterMs).toBe(1_000);
      const lockouts = [];
      for (const t of tickets) lockouts.push(await throttle.settle(t, 'failure'));
      expect(lockouts.filter(Boolean)).toHaveLength(1);
      expect(await blockedFor(at('198.51.100.7', '200'))).toBe(60_000);
    });

    it('attempts not decided are given back, not counted as failures', async () => {
      const { attempt } = await subject();
      for (let i = 0; i < 40; i++) expect(await attempt(at('c', '200'), 'unchecked')).toBe(0);
    });

    it('malformed credentials count on the address only', async () => {
      const { failures, blockedFor } = await subject();
      expect(await failures(20, () => at('c', undefined))).toEqual(Array(20).fill(0));
      expect(await blockedFor(at('c', undefined))).toBe(60_000);
      expect(await blockedFor(at('other', '200'))).toBe(0);
    });

    it('20 failures block the address for the lockout time, then it may try again', async () => {
      const { failures, attempt, blockedFor, advance } = await subject();
      expect(await failures(20, (i) => at('10.0.0.1', `name-${i}`))).toEqual(Array(20).fill(0));
      expect(await attempt(at('10.0.0.1', 'fresh'))).toBe(60_000);
      expect(await blockedFor(at('10.0.0.2', 'fresh'))).toBe(0);
      advance(59_999);
      expect(await blockedFor(at('10.0.0.1', 'fresh'))).toBe(1);
      advance(1);
      expect(await blockedFor(at('10.0.0.1', 'fresh'))).toBe(0);
    });

    it('doubles the lockout on each repeated one, up to the maximum; a quiet window starts over', async () => {
      const { failures, blockedFor, advance } = await subject();
      const lockOut = async () => {
        await failures(20, (i) => at('c', `n${i}`));
        return blockedFor(at('c', 'x'));
      };
      expect(await lockOut()).toBe(60_000);
      advance(60_000);
      expect(await lockOut()).toBe(120_000);
      advance(120_000);
      expect(await lockOut()).toBe(240_000);
      for (let i = 0; i < 4; i++) {
        advance(15 * 60_000);
        await lockOut();
      }
      expect(await blockedFor(at('c', 'x'))).toBe(15 * 60_000);
      advance(15 * 60_000 + DEFAULT_GUARD_OPTIONS.failureWindowMs + 1);
      expect(await lockOut()).toBe(60_000);
    });

    it('a success does not reset the address: an attacker’s own account buys no extra guesses', async () => {
      const { failures, attempt, blockedFor } = await subject();
      await failures(19, () => at('c', 'victim'));
      expect(await attempt(at('c', 'mallory'), 'success')).toBe(0);
      expect(await attempt(at('c', 'victim'))).toBe(0); // the 20th failure
      expect(await blockedFor(at('c', 'victim'))).toBe(60_000);
      // ... but mallory now logs in from here as a known user.
      expect(await attempt(at('c', 'mallory'), 'success')).toBe(0);
    });

    it('failures spread beyond the window do not add up', async () => {
      const { failures, blockedFor, advance } = await subject();
      await failures(19, (i) => at('c', `n${i}`));
      advance(DEFAULT_GUARD_OPTIONS.failureWindowMs + 1);
      await failures(1, () => at('c', 'n'));
      expect(await blockedFor(at('c', 'x'))).toBe(0);
    });

    it('a shared address (NAT) with an attacker behind it keeps the users who logged in from it', async () => {
      const { failures, attempt, blockedFor } = await subject();
      expect(await attempt(at('nat', 'alice'), 'success')).toBe(0);
      await failures(20, (i) => at('nat', `guess-${i}`));
      expect(await blockedFor(at('nat', 'bob'))).toBe(60_000); // never logged in from here
      expect(await attempt(at('nat', 'alice'), 'success')).toBe(0);
      expect(await attempt(at('nat', 'alice'), 'failure')).toBe(0);
      expect(await attempt(at('nat', 'alice'), 'success')).toBe(0);
    });

    it('a known address still has a limit on its own user: 20 failures block that name there', async () => {
      const { failures, attempt, blockedFor } = await subject();
      await attempt(at('home', 'alice'), 'success');
      expect(await failures(20, () => at('home', 'alice'))).toEqual(Array(20).fill(0));
      expect(await attempt(at('home', 'alice'))).toBe(60_000);
      expect(await attempt(at('home', 'alice'), 'success')).toBe(60_000);
      // Other users at that address are not affected by alice's failures.
      expect(await blockedFor(at('home', 'bob'))).toBe(0);
    });

    it('a distributed attack blocks new addresses for that name, never the user’s known address', async () => {
      const { failures, attempt, blockedFor } = await subject({ userFailureLimit: 10 });
      await attempt(at('home', 'alice'), 'success');
      expect(await failures(10, (i) => at(`attacker-${i}`, 'alice'))).toEqual(Array(10).fill(0));
      expect(await blockedFor(at('attacker-99', 'alice'))).toBe(60_000);
      expect(await blockedFor(at('home', 'alice'))).toBe(0);
      expect(await blockedFor(at('attacker-99', 'bob'))).toBe(0);
      // No single attacker address reached its own limit.
      expect(await blockedFor(at('attacker-1', 'bob'))).toBe(0);
      // The user's successes (a poller) do not reset the count for strangers.
      for (let i = 0; i < 5; i++) await attempt(at('home', 'alice'), 'success');
      expect(await blockedFor(at('attacker-99', 'alice'))).toBe(60_000);
    });

    it('a name no user has answers exactly like an existing user’s name', async () => {
      const answersFor = async (userName: string | undefined) => {
        const { attempt, advance } = await subject({ userFailureLimit: 10 });
        const answers: number[] = [];
        for (let round = 0; round < 3; round++) {
          for (let i = 0; i < 15; i++)
            answers.push(await attempt(at(`x-${round}-${i}`, 'someone', userName)));
          advance(30_000);
        }
        return answers;
      };
      expect(await answersFor(undefined)).toEqual(await answersFor('someone'));
    });
  });
}
