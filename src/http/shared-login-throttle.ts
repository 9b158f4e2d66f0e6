// The login throttle of daemons sharing PostgreSQL: MemoryLoginThrottle's rules (auth-guard.ts),
// counted once for all of them in the database (store/pg-logins.ts), so a guesser spreading attempts
// over the daemons behind a load balancer gets the limits once, not once per daemon.
//
// Cost per login, on the answer's path:
// - a user at an address they logged in from before (every daemon holds the whole table of known
//   addresses, kept current by notifications) whose (address, name) pair was clean when last seen:
//   none. The success is written afterwards, and only every RECORD_EVERY_MS;
// - anyone else: one round trip to count the attempt before the password is checked; the outcome is
//   written after the answer has gone (the attempt counts as pending meanwhile);
// - a counter the database reported locked out, or at its limit with this daemon's own attempts:
//   none, refused here (shared-counter-view.ts). So a flood from one address costs the database
//   at most `limit` calls, and at most MAX_ASKING calls for strangers wait at once (beyond: 503,
//   Retry-After 1; users at a known address still ask).
// Attempts admitted without asking are not seen by the other daemons until they fail: an attacker
// behind a user's own address gets at most FAST_PER_PAIR more guesses per daemon than the limit.
//
// When PostgreSQL cannot be reached, attempts are counted in this daemon's memory instead (logged
// once when it starts and once when it ends), known addresses as last seen still exempt; each
// daemon then allows the limits once, as a lone daemon does.
import type { KnownClients } from '../domain/known-clients.js';
import type { Logger } from '../log.js';
import type { LoginLimits, SettleRequest, SharedAdmission, SharedSettlement } from '../store/pg-logins.js';
import { StoreUnavailableError } from '../store/store.js';
import {
  counterKeys,
  limitOf,
  MemoryLoginThrottle,
  PENDING_RETRY_MS,
  type Admission,
  type AttemptOutcome,
  type AttemptTicket,
  type GuardOptions,
  type LoginAttempt,
  type LoginThrottle,
} from './auth-guard.js';
import { SharedCounterView } from './shared-counter-view.js';

/** Counting calls to the database waiting at once; more answer 503 at once. */
export const MAX_ASKING = 64;
/** An admitted attempt never settled (its daemon died) stops counting after this long. */
export const PENDING_MS = 60_000;

/** The shared counters (PgLogins) as the throttle uses them. */
export interface SharedLoginCounters extends KnownClients {
  /** False while the store knows the database is unreachable (calls would throw at once). */
  readonly reachable: boolean;
  admit(keys: AttemptTicket['keys'], limits: LoginLimits): Promise<SharedAdmission>;
  settle(request: SettleRequest, limits: LoginLimits): Promise<SharedSettlement>;
}

type Route = { via: 'local' } | { via: 'fast'; pair: string } | { via: 'shared'; admittedAt: number };

export class SharedLoginThrottle implements LoginThrottle {
  /** Counts while the database is away. */
  private readonly local: MemoryLoginThrottle;
  private readonly view: SharedCounterView;
  private readonly routes = new WeakMap<AttemptTicket, Route>();
  private readonly limits: LoginLimits;
  private asking = 0;
  private shared = true;
  private lastUnsettledLog = -Infinity;

  constructor(
    private readonly counters: SharedLoginCounters,
    private readonly options: GuardOptions,
    private readonly logger?: Logger,
  ) {
    this.local = new MemoryLoginThrottle(options, counters);
    this.view = new SharedCounterView(options.maxEntries);
    this.limits = { ...options, pendingMs: PENDING_MS, pendingRetryMs: PENDING_RETRY_MS };
  }

  async admit(attempt: LoginAttempt): Promise<Admission> {
    if (!this.counters.reachable) return this.admitLocally(attempt, 'PostgreSQL is not reachable');
    const { userName, client } = attempt;
    const known = userName !== undefined && this.counters.isKnown(userName, client);
    const keys = counterKeys(attempt, known);
    const limit = (kind: Parameters<typeof limitOf>[0]) => limitOf(kind, this.options);
    const wait = this.view.refusal(keys, this.options.now(), limit, PENDING_RETRY_MS);
    if (wait > 0) return { ok: false, retryAfterMs: wait };

    const pair = keys[0]?.[0] === 'pair' ? keys[0][1] : undefined;
    if (known && pair !== undefined && this.view.mayAdmitLocally(pair)) {
      this.view.hold(keys, pair);
      return this.ticket(attempt, keys, known, { via: 'fast', pair });
    }
    // A known user is never turned away for want of capacity (their pair's limit bounds them).
    if (this.asking >= MAX_ASKING && !known) return { ok: false, retryAfterMs: PENDING_RETRY_MS, busy: true };
    this.view.hold(keys);
    this.asking++;
    let answer: SharedAdmission;
    try {
      answer = await this.counters.admit(keys, this.limits);
    } catch (err) {
      this.view.release(keys);
      return this.admitLocally(attempt, err);
    } finally {
      this.asking--;
    }
    this.sharedAgain();
    this.view.learn(answer.blocked, pair, answer.pairClean, this.options.now());
    if (answer.waitMs > 0 || answer.admittedAt === undefined) {
      this.view.release(keys);
      return { ok: false, retryAfterMs: Math.max(1, answer.waitMs) };
    }
    return this.ticket(attempt, keys, known, { via: 'shared', admittedAt: answer.admittedAt });
  }

  async settle(ticket: AttemptTicket, outcome: AttemptOutcome): Promise<boolean> {
    const route = this.routes.get(ticket);
    this.routes.delete(ticket);
    if (route === undefined) return false; // settled already
    if (route.via === 'local') return this.local.settle(ticket, outcome);
    const fastPair = route.via === 'fast' ? route.pair : undefined;
    this.view.release(ticket.keys, fastPair);
    const { userName, client } = ticket.attempt;
    const now = this.options.now();
    if (fastPair !== undefined) {
      // Admitted here: the database has nothing to give back; a failure must reach it at once.
      if (outcome === 'unchecked') return false;
      if (outcome === 'failure') this.view.markUnclean(fastPair);
      else if (userName === undefined || !this.view.dueForRecord(userName, client, now)) return false;
    }
    const request: SettleRequest = {
      keys: ticket.keys,
      admittedAt: route.via === 'shared' ? route.admittedAt : undefined,
      outcome,
      userName,
      client,
    };
    try {
      const settled = await this.counters.settle(request, this.limits);
      const pair = ticket.keys[0]?.[0] === 'pair' ? ticket.keys[0][1] : undefined;
      this.view.learn(settled.blocked, pair, settled.pairClean, this.options.now());
      if (outcome === 'success' && userName !== undefined) this.view.markRecorded(userName, client, now);
      return settled.locked;
    } catch (err) {
      this.unsettled(err, now);
      // Not lost: counted here at least.
      if (outcome === 'failure') {
        const admission = this.local.admitNow(ticket.attempt);
        if (admission.ok) return this.local.settleNow(admission.ticket, 'failure');
      } else if (outcome === 'success' && userName !== undefined) this.counters.remember(userName, client);
      return false;
    }
  }

  /** Whether attempts are counted in the database now (false: in this daemon, PostgreSQL away). */
  get isShared(): boolean {
    return this.shared;
  }

  private ticket(
    attempt: LoginAttempt,
    keys: AttemptTicket['keys'],
    known: boolean,
    route: Route,
  ): Admission {
    const ticket: AttemptTicket = { attempt, keys, known };
    this.routes.set(ticket, route);
    return { ok: true, ticket };
  }

  private async admitLocally(attempt: LoginAttempt, why: unknown): Promise<Admission> {
    this.lostShared(why);
    const admission = this.local.admitNow(attempt);
    if (admission.ok) this.routes.set(admission.ticket, { via: 'local' });
    return admission;
  }

  private lostShared(why: unknown): void {
    if (!this.shared) return;
    this.shared = false;
    const reason = why instanceof Error ? why.message : String(why);
    if (typeof why === 'string' || why instanceof StoreUnavailableError)
      this.logger?.warn(
        { reason },
        'login throttle: PostgreSQL unreachable; counting failed logins in this daemon only',
      );
    else
      this.logger?.error({ reason }, 'login throttle: shared counting failed; counting in this daemon only');
  }

  /** An outcome that did not reach the database: said at most once a minute. */
  private unsettled(why: unknown, now: number): void {
    if (now - this.lastUnsettledLog < 60_000) return;
    this.lastUnsettledLog = now;
    this.logger?.warn(
      { reason: why instanceof Error ? why.message : String(why) },
      'login throttle: could not record a login outcome in PostgreSQL; counted in this daemon',
    );
  }

  private sharedAgain(): void {
    if (this.shared) return;
    this.shared = true;
    this.logger?.info('login throttle: counting in PostgreSQL again, shared by every daemon');
  }
}
