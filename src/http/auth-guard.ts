// Password-guessing defence, kept apart from HTTP so it can be tested with a fake clock.
//
// - Per client address: `clientFailureLimit` wrong passwords in a row block that client (429) for
//   `lockoutMs`, doubling on each repeated lockout up to `maxLockoutMs`. A success resets it.
// - Per user: `userFailureLimit` wrong passwords in a row for one account, from any clients, block
//   further tries for that account — except from clients that recently logged in as that user, so a
//   distributed attack cannot lock the real user out of their usual device.
// Memory is bounded: each table keeps at most `maxEntries`, dropping the least recently touched.

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

const KNOWN_CLIENTS_PER_USER = 8;

interface Counter {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
  lockouts: number;
}

interface UserCounter extends Counter {
  knownClients: string[];
}

/** A Map that forgets its least recently touched entries beyond `max`. */
class BoundedMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  touch(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }
  delete(key: string): void {
    this.map.delete(key);
  }
  get size(): number {
    return this.map.size;
  }
}

const fresh = (): Counter => ({ failures: 0, lastFailure: 0, blockedUntil: 0, lockouts: 0 });

export class FailureGuard {
  private readonly clients: BoundedMap<Counter>;
  private readonly users: BoundedMap<UserCounter>;

  constructor(private readonly options: GuardOptions) {
    this.clients = new BoundedMap(options.maxEntries);
    this.users = new BoundedMap(options.maxEntries);
  }

  /** Milliseconds this client must wait; 0 when it may try. */
  clientBlockedFor(client: string): number {
    const counter = this.clients.get(client);
    return counter ? Math.max(0, counter.blockedUntil - this.options.now()) : 0;
  }

  /** Milliseconds before `client` may try a password for `userName`; 0 when it may. */
  userBlockedFor(userName: string, client: string): number {
    const counter = this.users.get(userName);
    if (!counter || counter.knownClients.includes(client)) return 0;
    return Math.max(0, counter.blockedUntil - this.options.now());
  }

  /** Records a wrong password; returns true when this failure started a lockout. */
  recordFailure(client: string, userName: string | undefined): boolean {
    const now = this.options.now();
    const counter = this.bump(this.clients.get(client) ?? fresh(), this.options.clientFailureLimit, now);
    this.clients.touch(client, counter.value);
    if (userName === undefined) return counter.lockedNow;
    const userCounter = this.users.get(userName) ?? { ...fresh(), knownClients: [] };
    const bumped = this.bump(userCounter, this.options.userFailureLimit, now);
    this.users.touch(userName, { ...bumped.value, knownClients: userCounter.knownClients });
    return counter.lockedNow || bumped.lockedNow;
  }

  recordSuccess(client: string, userName: string): void {
    this.clients.delete(client);
    const counter = this.users.get(userName);
    const known = (counter?.knownClients ?? []).filter((c) => c !== client);
    known.unshift(client);
    // The account's failure streak ends with a real login; its known devices are remembered.
    this.users.touch(userName, { ...fresh(), knownClients: known.slice(0, KNOWN_CLIENTS_PER_USER) });
  }

  private bump(counter: Counter, limit: number, now: number): { value: Counter; lockedNow: boolean } {
    const inRow = now - counter.lastFailure <= this.options.failureWindowMs ? counter.failures : 0;
    const failures = inRow + 1;
    if (failures < limit) return { value: { ...counter, failures, lastFailure: now }, lockedNow: false };
    const duration = Math.min(this.options.lockoutMs * 2 ** counter.lockouts, this.options.maxLockoutMs);
    return {
      value: { failures: 0, lastFailure: now, blockedUntil: now + duration, lockouts: counter.lockouts + 1 },
      lockedNow: true,
    };
  }

  /** For tests and metrics. */
  get trackedClients(): number {
    return this.clients.size;
  }
}
