// What one daemon knows of the login counters it shares with others through PostgreSQL, so that most
// attempts need no round trip and a flood costs the database nothing:
// - lockouts the database reported, until they end: a lockout ends only by time (no success can
//   happen on a blocked counter), so refusing it here is what the database would answer;
// - this daemon's own attempts being counted or checked, per counter: at the limit, the database
//   would refuse too (they are pending there), so the next is refused here;
// - pairs (address, name) with nothing against them when last seen: a user at a known address whose
//   pair is clean is admitted here, at most FAST_PER_PAIR at a time; its first failure makes the pair
//   unclean until the database says otherwise (after a success, or once its failures are old);
// - when this daemon last recorded a user's success at an address in the database (the recency that
//   decides which addresses a user keeps), so a poller records at most once per RECORD_EVERY_MS.
// Pure: the clock is passed in. Every table is bounded.
import { BoundedMap } from '../domain/bounded-map.js';
import type { CounterKey, CounterKind } from './auth-guard.js';

/** Attempts of one known pair admitted here at once, without asking the database. */
export const FAST_PER_PAIR = 2;
/** A success at a known address is written to the database at most this often (per daemon). */
export const RECORD_EVERY_MS = 5 * 60_000;

export interface BlockedKey {
  key: CounterKey;
  /** How much longer it is blocked. */
  ms: number;
}

const name = ([kind, id]: CounterKey): string => `${kind} ${id}`;

export class SharedCounterView {
  private readonly blocks: BoundedMap<number>;
  private readonly cleanPairs: BoundedMap<true>;
  private readonly recorded: BoundedMap<number>;
  /** Attempts of this daemon being counted or checked, per counter (deleted at 0). */
  private readonly held = new Map<string, number>();
  /** Of those, the ones admitted here without asking, per pair id. */
  private readonly fast = new Map<string, number>();

  constructor(maxEntries: number) {
    this.blocks = new BoundedMap(maxEntries);
    this.cleanPairs = new BoundedMap(maxEntries);
    this.recorded = new BoundedMap(maxEntries);
  }

  /**
   * How long an attempt on `keys` must wait, from what this daemon knows: a lockout's remaining time,
   * `pendingRetryMs` when its own attempts in progress reach a counter's limit, else 0.
   */
  refusal(
    keys: readonly CounterKey[],
    now: number,
    limit: (kind: CounterKind) => number,
    pendingRetryMs: number,
  ): number {
    let wait = 0;
    for (const key of keys) {
      const until = this.blocks.get(name(key));
      if (until !== undefined && until > now) wait = Math.max(wait, until - now);
      else if (until !== undefined) this.blocks.delete(name(key));
      if (wait === 0 && (this.held.get(name(key)) ?? 0) >= limit(key[0])) wait = pendingRetryMs;
    }
    return wait;
  }

  /** What the database answered about these counters. */
  learn(
    blocked: readonly BlockedKey[],
    pair: string | undefined,
    pairClean: boolean | undefined,
    now: number,
  ): void {
    for (const { key, ms } of blocked) {
      this.blocks.touch(name(key), now + ms);
      if (key[0] === 'pair') this.cleanPairs.delete(key[1]);
    }
    if (pair === undefined || pairClean === undefined) return;
    if (pairClean) this.cleanPairs.touch(pair, true);
    else this.cleanPairs.delete(pair);
  }

  /** A user at a known address may be admitted without asking: their pair is clean, little in flight. */
  mayAdmitLocally(pair: string): boolean {
    return this.cleanPairs.get(pair) === true && (this.fast.get(pair) ?? 0) < FAST_PER_PAIR;
  }

  /** A failure on the pair: ask the database again until it says the pair is clean. */
  markUnclean(pair: string): void {
    this.cleanPairs.delete(pair);
  }

  /** Counts an attempt of this daemon on `keys` until release(); `fastPair`: admitted here. */
  hold(keys: readonly CounterKey[], fastPair?: string): void {
    for (const key of keys) bump(this.held, name(key), 1);
    if (fastPair !== undefined) bump(this.fast, fastPair, 1);
  }

  release(keys: readonly CounterKey[], fastPair?: string): void {
    for (const key of keys) bump(this.held, name(key), -1);
    if (fastPair !== undefined) bump(this.fast, fastPair, -1);
  }

  /** Whether a success of `userName` at `client` should be written to the database now. */
  dueForRecord(userName: string, client: string, now: number): boolean {
    const last = this.recorded.get(`${userName}\n${client}`);
    return last === undefined || now - last >= RECORD_EVERY_MS;
  }

  markRecorded(userName: string, client: string, now: number): void {
    this.recorded.touch(`${userName}\n${client}`, now);
  }

  /** Counters with attempts of this daemon in progress (for tests). */
  get holding(): number {
    return this.held.size;
  }
}

function bump(map: Map<string, number>, key: string, by: number): void {
  const next = (map.get(key) ?? 0) + by;
  if (next > 0) map.set(key, next);
  else map.delete(key);
}
