// Password-guessing defence, behind a small interface (LoginThrottle) so a store shared by several
// daemons (PostgreSQL) can replace the in-memory one; kept apart from HTTP and tested with a fake clock.
//
// Every attempt is counted *before* its password is checked (admit: one more pending attempt) and
// settled after it, so N concurrent guesses never get more than the limit checked: the others are
// refused at once. Three counters:
// - per (address, login name): `clientFailureLimit` failures block that name from that address. It
//   applies even where the user logged in before (an attacker behind the user's own address).
// - per address: `clientFailureLimit` failures, whatever the names, block the address, except for
//   users who logged in from it before (a NAT or proxy with an attacker behind it keeps its users).
// - per login name: `userFailureLimit` failures from addresses the user never logged in from block
//   such addresses; the user's known addresses are exempt, so a distributed attack cannot lock the
//   user out of the address they use.
// Unknown names are counted exactly like existing ones, so no answer tells which names exist.
// A success clears only its (address, name) counter: an attacker's own account must not reset the
// count of the address it guesses from, nor a user's poller reset the count on their name. It also
// remembers the address as known for the user (the 8 most recent).
// A lockout lasts `lockoutMs`, doubling on each repeated one up to `maxLockoutMs`; a counter without
// a failure for `failureWindowMs` starts over. Each table keeps at most `maxEntries` (least recently
// touched dropped first); known addresses are a separate table that only successes fill.
// Daemons sharing PostgreSQL count in one place instead (shared-login-throttle.ts, same rules).
import { BoundedMap } from '../domain/bounded-map.js';
import { RecentClients, type KnownClients } from '../domain/known-clients.js';

export interface GuardOptions {
  clientFailureLimit: number;
  userFailureLimit: number;
  lockoutMs: number;
  maxLockoutMs: number;
  /** Failures older than this no longer count as "in a row". */
  failureWindowMs: number;
  maxEntries: number;
  now: () => number;
}

export const DEFAULT_GUARD_OPTIONS: Omit<GuardOptions, 'now'> = {
  clientFailureLimit: 20,
  userFailureLimit: 50,
  lockoutMs: 60_000,
  maxLockoutMs: 15 * 60_000,
  failureWindowMs: 15 * 60_000,
  maxEntries: 10_000,
};

export interface LoginAttempt {
  client: string;
  /** The name as sent (userName, IM id, or a name no user has); undefined for malformed credentials. */
  login: string | undefined;
  /** The account `login` names, when one exists. */
  userName: string | undefined;
}

/** An admitted attempt; give it back to settle() exactly once. */
export interface AttemptTicket {
  readonly attempt: LoginAttempt;
  /** The counters this attempt was counted on. */
  readonly keys: readonly CounterKey[];
  /** The user logged in from this client before: their check goes ahead of strangers'. */
  readonly known: boolean;
}

/** `busy`: refused for want of capacity to count it (HTTP 503), not because of failures (429). */
export type Admission =
  { ok: true; ticket: AttemptTicket } | { ok: false; retryAfterMs: number; busy?: true };

/** `unchecked`: admitted but never decided (no capacity to check it, a stale nonce): not a failure. */
export type AttemptOutcome = 'success' | 'failure' | 'unchecked';

export interface LoginThrottle {
  /** Counts the attempt before any password check, or says how long the client must wait. */
  admit(attempt: LoginAttempt): Promise<Admission>;
  /** Settles an admitted attempt; resolves true when this failure started a lockout. */
  settle(ticket: AttemptTicket, outcome: AttemptOutcome): Promise<boolean>;
}

export type CounterKind = 'pair' | 'client' | 'account';
export type CounterKey = readonly [CounterKind, string];

interface Counter {
  failures: number;
  pending: number;
  lastFailure: number;
  blockedUntil: number;
  lockouts: number;
}

/** Retry-After when the limit is only reached by attempts still being checked. */
export const PENDING_RETRY_MS = 1_000;

/**
 * The counters an attempt is counted on: the address alone for malformed credentials; the
 * (address, name) pair for a user at an address they logged in from before; else the pair, the
 * address and the name.
 */
export function counterKeys({ client, login }: LoginAttempt, known: boolean): CounterKey[] {
  if (login === undefined) return [['client', client]];
  const pair: CounterKey = ['pair', pairId(client, login)];
  if (known) return [pair];
  return [pair, ['client', client], ['account', login]];
}

export function pairId(client: string, login: string): string {
  return `${client}\n${login}`;
}

export function limitOf(
  kind: CounterKind,
  options: Pick<GuardOptions, 'clientFailureLimit' | 'userFailureLimit'>,
): number {
  return kind === 'account' ? options.userFailureLimit : options.clientFailureLimit;
}

/** The in-memory LoginThrottle: one process's view; lost on restart. */
export class MemoryLoginThrottle implements LoginThrottle {
  private readonly counters: Record<CounterKind, BoundedMap<Counter>>;

  /** `known`: where users logged in from (by default its own table, filled by its successes). */
  constructor(
    private readonly options: GuardOptions,
    private readonly known: KnownClients = new RecentClients(options.maxEntries),
  ) {
    this.counters = {
      pair: new BoundedMap(options.maxEntries),
      client: new BoundedMap(options.maxEntries),
      account: new BoundedMap(options.maxEntries),
    };
  }

  async admit(attempt: LoginAttempt): Promise<Admission> {
    return this.admitNow(attempt);
  }

  async settle(ticket: AttemptTicket, outcome: AttemptOutcome): Promise<boolean> {
    return this.settleNow(ticket, outcome);
  }

  /** The synchronous core of admit(): nothing can run between the checks and the counting. */
  admitNow(attempt: LoginAttempt): Admission {
    const now = this.options.now();
    const known = attempt.userName !== undefined && this.isKnownClient(attempt.userName, attempt.client);
    const keys = counterKeys(attempt, known);
    let wait = 0;
    for (const key of keys) wait = Math.max(wait, this.waitFor(key, now));
    if (wait > 0) return { ok: false, retryAfterMs: wait };
    for (const [kind, id] of keys) {
      const counter = this.current(kind, id, now);
      counter.pending++;
      this.counters[kind].touch(id, counter);
    }
    return { ok: true, ticket: { attempt, keys, known } };
  }

  settleNow(ticket: AttemptTicket, outcome: AttemptOutcome): boolean {
    const now = this.options.now();
    let lockedNow = false;
    for (const [kind, id] of ticket.keys) {
      const counter = this.counters[kind].get(id);
      if (counter === undefined) continue; // dropped from a full table meanwhile
      counter.pending = Math.max(0, counter.pending - 1);
      if (outcome === 'success' && kind === 'pair' && counter.pending === 0) this.counters.pair.delete(id);
      else if (outcome === 'success' && kind === 'pair') counter.failures = 0;
      else if (outcome === 'failure') lockedNow = this.fail(counter, this.limitOf(kind), now) || lockedNow;
    }
    const { client, userName } = ticket.attempt;
    if (outcome === 'success' && userName !== undefined) this.known.remember(userName, client);
    return lockedNow;
  }

  /** True when `client` logged in successfully as `userName` before (and is still remembered). */
  isKnownClient(userName: string, client: string): boolean {
    return this.known.isKnown(userName, client);
  }

  /** Milliseconds `attempt` would have to wait; 0 when it would be admitted. For tests. */
  blockedFor(attempt: LoginAttempt): number {
    const now = this.options.now();
    const known = attempt.userName !== undefined && this.isKnownClient(attempt.userName, attempt.client);
    return Math.max(0, ...counterKeys(attempt, known).map((key) => this.waitFor(key, now)));
  }

  /** For tests and metrics. */
  get trackedClients(): number {
    return this.counters.client.size;
  }

  private limitOf(kind: CounterKind): number {
    return limitOf(kind, this.options);
  }

  private waitFor([kind, id]: CounterKey, now: number): number {
    const counter = this.counters[kind].get(id);
    if (counter === undefined) return 0;
    if (counter.blockedUntil > now) return counter.blockedUntil - now;
    const failures = this.inWindow(counter, now) ? counter.failures : 0;
    return failures + counter.pending >= this.limitOf(kind) ? PENDING_RETRY_MS : 0;
  }

  /** The counter for `id`, started over when its last failure left the window. */
  private current(kind: CounterKind, id: string, now: number): Counter {
    const counter = this.counters[kind].get(id);
    if (counter === undefined)
      return { failures: 0, pending: 0, lastFailure: 0, blockedUntil: 0, lockouts: 0 };
    if (!this.inWindow(counter, now) && counter.blockedUntil <= now) {
      counter.failures = 0;
      counter.lockouts = 0;
    }
    return counter;
  }

  private inWindow(counter: Counter, now: number): boolean {
    return now - counter.lastFailure <= this.options.failureWindowMs;
  }

  private fail(counter: Counter, limit: number, now: number): boolean {
    counter.failures = (this.inWindow(counter, now) ? counter.failures : 0) + 1;
    counter.lastFailure = now;
    if (counter.failures < limit) return false;
    const duration = Math.min(this.options.lockoutMs * 2 ** counter.lockouts, this.options.maxLockoutMs);
    counter.blockedUntil = now + duration;
    counter.lockouts++;
    counter.failures = 0;
    return true;
  }
}
