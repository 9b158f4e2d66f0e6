// The login throttle's pure parts: the rules (the contract, in memory), what a daemon knows of the
// shared counters (SharedCounterView), SharedLoginThrottle's choices over a scripted database (when it
// asks, when it decides alone, when it counts in memory and says so), the table of known addresses
// and its notifications, and the 503 for an attempt the throttle had no capacity to count.
import { describe, expect, it } from 'vitest';
import { RecentClients } from '../../src/domain/known-clients.js';
import {
  DEFAULT_GUARD_OPTIONS,
  MemoryLoginThrottle,
  type AttemptTicket,
  type CounterKey,
  type LoginThrottle,
} from '../../src/http/auth-guard.js';
import { checkThrottled } from '../../src/http/auth-result.js';
import { FAST_PER_PAIR, RECORD_EVERY_MS, SharedCounterView } from '../../src/http/shared-counter-view.js';
import {
  MAX_ASKING,
  SharedLoginThrottle,
  type SharedLoginCounters,
} from '../../src/http/shared-login-throttle.js';
import { parseKnownChange } from '../../src/store/pg-logins.js';
import type { SettleRequest, SharedAdmission, SharedSettlement } from '../../src/store/pg-logins.js';
import { StoreUnavailableError } from '../../src/store/store.js';
import { capturedLogger } from '../helpers/daemon-harness.js';
import { at, loginThrottleContract } from '../helpers/login-throttle-contract.js';

loginThrottleContract('MemoryLoginThrottle', async (overrides) => {
  let now = 1_000_000;
  return {
    throttle: new MemoryLoginThrottle({ ...DEFAULT_GUARD_OPTIONS, now: () => now, ...overrides }),
    advance: (ms) => (now += ms),
    close: async () => undefined,
  };
});

const limit = () => 20;

describe('SharedCounterView', () => {
  const pairKey: CounterKey = ['pair', 'c\nalice'];
  const keys: CounterKey[] = [pairKey, ['client', 'c'], ['account', 'alice']];

  it('refuses a counter the database reported locked, until the lockout ends', () => {
    const view = new SharedCounterView(100);
    view.learn([{ key: ['client', 'c'], ms: 60_000 }], 'c\nalice', false, 1000);
    expect(view.refusal(keys, 1000, limit, 1000)).toBe(60_000);
    expect(view.refusal(keys, 60_999, limit, 1000)).toBe(1);
    expect(view.refusal(keys, 61_000, limit, 1000)).toBe(0);
    expect(view.refusal([['client', 'd']], 1000, limit, 1000)).toBe(0);
  });

  it('refuses when its own attempts in progress reach a limit, and not after they are released', () => {
    const view = new SharedCounterView(100);
    for (let i = 0; i < 20; i++) view.hold(keys);
    expect(view.refusal([['client', 'c']], 0, limit, 1000)).toBe(1000);
    view.release(keys);
    expect(view.refusal([['client', 'c']], 0, limit, 1000)).toBe(0);
    for (let i = 0; i < 19; i++) view.release(keys);
    expect(view.holding).toBe(0);
  });

  it('admits a clean known pair locally, a few at a time, until a failure or a lockout', () => {
    const view = new SharedCounterView(100);
    expect(view.mayAdmitLocally('c\nalice')).toBe(false); // never seen
    view.learn([], 'c\nalice', true, 0);
    for (let i = 0; i < FAST_PER_PAIR; i++) {
      expect(view.mayAdmitLocally('c\nalice')).toBe(true);
      view.hold([pairKey], 'c\nalice');
    }
    expect(view.mayAdmitLocally('c\nalice')).toBe(false);
    view.release([pairKey], 'c\nalice');
    expect(view.mayAdmitLocally('c\nalice')).toBe(true);
    view.markUnclean('c\nalice');
    expect(view.mayAdmitLocally('c\nalice')).toBe(false);
    view.learn([], 'c\nalice', true, 0);
    view.learn([{ key: pairKey, ms: 1000 }], undefined, undefined, 0);
    expect(view.mayAdmitLocally('c\nalice')).toBe(false);
  });

  it('records a success at most every RECORD_EVERY_MS per user and address', () => {
    const view = new SharedCounterView(100);
    expect(view.dueForRecord('alice', 'c', 0)).toBe(true);
    view.markRecorded('alice', 'c', 0);
    expect(view.dueForRecord('alice', 'c', RECORD_EVERY_MS - 1)).toBe(false);
    expect(view.dueForRecord('alice', 'd', 1)).toBe(true);
    expect(view.dueForRecord('alice', 'c', RECORD_EVERY_MS)).toBe(true);
  });
});

/** A database that answers as scripted and records what it was asked. */
class ScriptedCounters implements SharedLoginCounters {
  reachable = true;
  readonly known = new RecentClients(100);
  readonly admits: Array<readonly CounterKey[]> = [];
  readonly settles: SettleRequest[] = [];
  admitAnswer: () => Promise<SharedAdmission> = async () => ({
    waitMs: 0,
    admittedAt: 1,
    pairClean: true,
    blocked: [],
  });
  settleAnswer: (request: SettleRequest) => Promise<SharedSettlement> = async (request) => ({
    locked: false,
    pairClean: request.outcome !== 'failure',
    blocked: [],
  });

  isKnown(userName: string, client: string): boolean {
    return this.known.isKnown(userName, client);
  }
  remember(userName: string, client: string): void {
    this.known.remember(userName, client);
  }
  admit(keys: readonly CounterKey[]): Promise<SharedAdmission> {
    this.admits.push(keys);
    return this.admitAnswer();
  }
  settle(request: SettleRequest): Promise<SharedSettlement> {
    this.settles.push(request);
    return this.settleAnswer(request);
  }
}

function shared() {
  const counters = new ScriptedCounters();
  const { logger, logs } = capturedLogger();
  let now = 1_000_000;
  const throttle = new SharedLoginThrottle(counters, { ...DEFAULT_GUARD_OPTIONS, now: () => now }, logger);
  const attempt = async (client: string, login: string, outcome: 'success' | 'failure' = 'failure') => {
    const admission = await throttle.admit(at(client, login));
    if (!admission.ok) return admission;
    await throttle.settle(admission.ticket, outcome);
    return admission;
  };
  const lines = (text: string) => logs.filter((l) => l.includes(text)).length;
  return { counters, throttle, attempt, lines, advance: (ms: number) => (now += ms) };
}

describe('SharedLoginThrottle over a scripted database', () => {
  it('asks once per attempt from a stranger, and settles with the admission it was given', async () => {
    const { counters, attempt } = shared();
    await attempt('198.51.100.1', 'alice');
    expect(counters.admits).toEqual([
      [
        ['pair', '198.51.100.1\nalice'],
        ['client', '198.51.100.1'],
        ['account', 'alice'],
      ],
    ]);
    expect(counters.settles).toMatchObject([{ admittedAt: 1, outcome: 'failure', client: '198.51.100.1' }]);
  });

  it('a user at a known address with a clean pair costs no call until a failure', async () => {
    const { counters, attempt } = shared();
    counters.known.remember('alice', 'home');
    await attempt('home', 'alice', 'success'); // learns the pair is clean; records the success
    for (let i = 0; i < 10; i++) await attempt('home', 'alice', 'success');
    expect([counters.admits.length, counters.settles.length]).toEqual([1, 1]);
    await attempt('home', 'alice', 'failure'); // admitted locally: the failure goes to the database
    expect(counters.settles.at(-1)).toMatchObject({ admittedAt: undefined, outcome: 'failure' });
    await attempt('home', 'alice', 'success');
    expect(counters.admits).toHaveLength(2);
  });

  it('refuses a reported lockout without asking', async () => {
    const { counters, throttle } = shared();
    counters.admitAnswer = async () => ({
      waitMs: 60_000,
      admittedAt: undefined,
      pairClean: undefined,
      blocked: [{ key: ['client', 'c'], ms: 60_000 }],
    });
    expect(await throttle.admit(at('c', 'x'))).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect(await throttle.admit(at('c', 'y'))).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect(counters.admits).toHaveLength(1);
  });

  it(`at most ${MAX_ASKING} calls wait at once; more answer busy at once`, async () => {
    const { counters, throttle } = shared();
    counters.admitAnswer = () => new Promise(() => undefined);
    for (let i = 0; i < MAX_ASKING; i++) void throttle.admit(at(`10.0.${i >> 8}.${i & 255}`, `n${i}`));
    expect(await throttle.admit(at('10.9.9.9', 'z'))).toEqual({ ok: false, retryAfterMs: 1000, busy: true });
    expect(counters.admits).toHaveLength(MAX_ASKING);
    // a user at a known address (never seen by this daemon) still asks
    counters.known.remember('alice', 'home');
    void throttle.admit(at('home', 'alice'));
    expect(counters.admits).toHaveLength(MAX_ASKING + 1);
  });

  it('PostgreSQL unreachable: counts in this daemon, says so once, and says when it is shared again', async () => {
    const { counters, throttle, attempt, lines } = shared();
    counters.admitAnswer = () => Promise.reject(new StoreUnavailableError('connection refused'));
    const answers = [];
    for (let i = 0; i < 21; i++) answers.push(await attempt('c', `n${i}`));
    expect(answers.slice(0, 20).every((a) => a.ok)).toBe(true);
    expect(answers[20]).toEqual({ ok: false, retryAfterMs: 60_000 }); // the local limit held
    expect(counters.settles).toHaveLength(0); // local tickets settle locally
    expect(throttle.isShared).toBe(false);
    expect(lines('counting failed logins in this daemon only')).toBe(1);

    counters.reachable = false; // the store knows: no call at all
    await attempt('d', 'x');
    expect(counters.admits).toHaveLength(21);

    counters.reachable = true;
    counters.admitAnswer = async () => ({ waitMs: 0, admittedAt: 5, pairClean: true, blocked: [] });
    expect((await attempt('e', 'x')).ok).toBe(true);
    expect(throttle.isShared).toBe(true);
    expect(lines('counting in PostgreSQL again')).toBe(1);
  });

  it('known addresses as last seen stay exempt while counting locally', async () => {
    const { counters, attempt } = shared();
    counters.known.remember('alice', 'nat');
    counters.reachable = false;
    for (let i = 0; i < 20; i++) await attempt('nat', `guess-${i}`);
    expect(await attempt('nat', 'bob')).toEqual({ ok: false, retryAfterMs: 60_000 });
    expect((await attempt('nat', 'alice', 'success')).ok).toBe(true);
  });

  it('a failure whose settling fails is counted in this daemon, not lost', async () => {
    const { counters, throttle, attempt, lines } = shared();
    counters.settleAnswer = () => Promise.reject(new StoreUnavailableError('connection reset'));
    for (let i = 0; i < 20; i++) await attempt('c', `n${i}`);
    expect(lines('could not record a login outcome')).toBe(1);
    counters.reachable = false;
    expect(await throttle.admit(at('c', 'x'))).toEqual({ ok: false, retryAfterMs: 60_000 });
  });

  it('an unexpected database error is logged as an error, and counting goes on locally', async () => {
    const { counters, attempt, lines } = shared();
    counters.admitAnswer = () => Promise.reject(new Error('function login_admit does not exist'));
    expect((await attempt('c', 'x')).ok).toBe(true);
    expect(lines('"level":50')).toBe(1);
    expect(lines('shared counting failed')).toBe(1);
  });

  it('a ticket is settled once', async () => {
    const { counters, throttle } = shared();
    const admission = await throttle.admit(at('c', 'x'));
    if (!admission.ok) throw new Error('refused');
    await throttle.settle(admission.ticket, 'failure');
    await throttle.settle(admission.ticket, 'failure');
    expect(counters.settles).toHaveLength(1);
  });
});

describe('known addresses', () => {
  it('keeps the most recent 8 per user', () => {
    const known = new RecentClients(10);
    for (let i = 1; i <= 9; i++) known.remember('alice', `10.0.0.${i}`);
    expect(known.isKnown('alice', '10.0.0.1')).toBe(false);
    expect(known.isKnown('alice', '10.0.0.2')).toBe(true);
    known.forget('alice', '10.0.0.2');
    expect(known.isKnown('alice', '10.0.0.2')).toBe(false);
    known.forgetUser('alice');
    expect(known.users).toBe(0);
  });

  it('reads only well-formed notifications', () => {
    expect(parseKnownChange('{"op":"add","user":"alice","client":"10.0.0.1"}')).toEqual({
      op: 'add',
      user: 'alice',
      client: '10.0.0.1',
    });
    for (const bad of ['', 'null', '[]', '{"op":"drop","user":"a","client":"b"}', '{"op":"add","user":1}'])
      expect(parseKnownChange(bad)).toBeUndefined();
  });
});

describe('an attempt the throttle had no capacity to count', () => {
  it('answers 503 with Retry-After, not 429, and checks nothing', async () => {
    const busy: LoginThrottle = {
      admit: async () => ({ ok: false, retryAfterMs: 1000, busy: true }),
      settle: async (_t: AttemptTicket) => false,
    };
    let checked = false;
    const result = await checkThrottled(busy, capturedLogger().logger, at('c', 'x'), async () => {
      checked = true;
      return { outcome: 'success', result: { ok: false, status: 401, message: 'x' } };
    });
    expect(result).toMatchObject({ ok: false, status: 503, retryAfterMs: 1000 });
    expect(checked).toBe(false);
  });
});
