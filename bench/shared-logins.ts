// The login throttle shared through PostgreSQL (`npm run bench -- shared-logins`): what it adds to a
// login, and what a flood costs the database. Two daemons' throttles (SharedLoginThrottle over two
// PostgresStores) on one database, in this process, without HTTP or scrypt: the throttle's own cost.
//   1. Admission latency (what a login waits for): the in-memory throttle, a stranger (one round
//      trip), a user at a known address (none).
//   2. 200 concurrent wrong passwords from one address, alternating between the two daemons: how many
//      were admitted to a password check, and how many database calls were made.
//   3. 10,000 attempts from a locked-out address: database calls (goal: one per daemon at most).
//   4. 2,000 concurrent attempts from 2,000 addresses over both daemons (a distributed flood): how
//      long they take, how many were answered busy, and a known user's admission meanwhile.
// PostgreSQL: BENCH_DATABASE_URL, else a throwaway cluster from Debian's binaries with fsync on.
import { performance } from 'node:perf_hooks';
import { newUser } from '../src/domain/users.js';
import {
  DEFAULT_GUARD_OPTIONS,
  MemoryLoginThrottle,
  type AttemptOutcome,
  type LoginAttempt,
  type LoginThrottle,
} from '../src/http/auth-guard.js';
import { SharedLoginThrottle, type SharedLoginCounters } from '../src/http/shared-login-throttle.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { startTestPostgres } from '../test/helpers/postgres.js';
import { fmt, percentile, report } from './lib.js';

const SAMPLES = 2000;
const guard = { ...DEFAULT_GUARD_OPTIONS, now: Date.now };

/** The store's counters, with the calls counted. */
function counted(store: PostgresStore): SharedLoginCounters & { calls: number } {
  const logins = store.logins;
  const counter = {
    calls: 0,
    get reachable() {
      return logins.reachable;
    },
    isKnown: (u: string, c: string) => logins.isKnown(u, c),
    remember: (u: string, c: string) => logins.remember(u, c),
    admit: (...args: Parameters<typeof logins.admit>) => {
      counter.calls++;
      return logins.admit(...args);
    },
    settle: (...args: Parameters<typeof logins.settle>) => {
      counter.calls++;
      return logins.settle(...args);
    },
  };
  return counter;
}

/** Milliseconds each admission took (the settling runs afterwards, as after a real answer). */
async function admissionTimes(
  throttle: LoginThrottle,
  attempt: (i: number) => LoginAttempt,
  outcome: AttemptOutcome,
): Promise<number[]> {
  const times: number[] = [];
  const settling: Array<Promise<unknown>> = [];
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now();
    const admission = await throttle.admit(attempt(i));
    times.push(performance.now() - start);
    if (admission.ok) settling.push(throttle.settle(admission.ticket, outcome));
  }
  await Promise.all(settling);
  return times.sort((a, b) => a - b);
}

const latency = (sorted: number[]) =>
  `${fmt(percentile(sorted, 50), 3)} / ${fmt(percentile(sorted, 99), 3)} ms`;

export async function benchSharedLogins(): Promise<string[]> {
  const lines: string[] = [];
  const server = await startTestPostgres({ url: process.env['BENCH_DATABASE_URL'], durable: true });
  try {
    const url = await server.freshDatabase();
    const seed = await PostgresStore.open({ url });
    await seed.createUser(
      await newUser(
        { userName: 'alice', password: 'bench-password' },
        { sipDomain: 'bench.example', scrypt: { N: 1024, r: 8, p: 1 } },
      ),
    );
    await seed.close();
    const [storeA, storeB] = [await PostgresStore.open({ url }), await PostgresStore.open({ url })];
    const [countA, countB] = [counted(storeA), counted(storeB)];
    const a = new SharedLoginThrottle(countA, guard);
    const b = new SharedLoginThrottle(countB, guard);

    // 1. what a login waits for
    const memory = await admissionTimes(
      new MemoryLoginThrottle(guard),
      (i) => ({ client: `10.0.${i >> 8}.${i & 255}`, login: 'bob', userName: undefined }),
      'unchecked',
    );
    const stranger = await admissionTimes(
      a,
      (i) => ({ client: `10.1.${i >> 8}.${i & 255}`, login: 'bob', userName: undefined }),
      'unchecked',
    );
    const first = await a.admit({ client: 'home', login: 'alice', userName: 'alice' });
    if (first.ok) await a.settle(first.ticket, 'success');
    const callsBefore = countA.calls;
    const known = await admissionTimes(
      a,
      () => ({ client: 'home', login: 'alice', userName: 'alice' }),
      'success',
    );
    const knownCalls = countA.calls - callsBefore;

    // 2. a concurrent flood from one address over both daemons
    const calls2 = countA.calls + countB.calls;
    const flood = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        (i % 2 === 0 ? a : b).admit({ client: '203.0.113.1', login: 'alice', userName: 'alice' }),
      ),
    );
    const admitted = flood.filter((x) => x.ok).length;
    const floodCalls = countA.calls + countB.calls - calls2;
    await Promise.all(
      flood.map((x, i) => (x.ok ? (i % 2 === 0 ? a : b).settle(x.ticket, 'failure') : undefined)),
    );

    // 3. a locked-out address keeps trying
    const calls3 = countA.calls + countB.calls;
    const lockedStart = performance.now();
    for (let i = 0; i < 10_000; i++)
      await (i % 2 === 0 ? a : b).admit({ client: '203.0.113.1', login: `n${i}`, userName: undefined });
    const lockedRate = 10_000 / ((performance.now() - lockedStart) / 1000);
    const lockedCalls = countA.calls + countB.calls - calls3;

    // 4. a distributed flood, and a known user meanwhile
    const distStart = performance.now();
    const distributed = Array.from({ length: 2000 }, (_, i) =>
      (i % 2 === 0 ? a : b).admit({
        client: `198.18.${i >> 8}.${i & 255}`,
        login: `x${i}`,
        userName: undefined,
      }),
    );
    const knownStart = performance.now();
    await b.admit({ client: 'home', login: 'alice', userName: 'alice' }); // B learns the pair first
    const knownDuring = performance.now() - knownStart;
    const answers = await Promise.all(distributed);
    const distMs = performance.now() - distStart;
    const busy = answers.filter((x) => !x.ok && x.busy === true).length;
    await Promise.all(
      answers.map((x, i) => (x.ok ? (i % 2 === 0 ? a : b).settle(x.ticket, 'failure') : undefined)),
    );

    await Promise.all([storeA.close(), storeB.close()]);
    lines.push(
      report('login admission, in-memory throttle, p50 / p99', latency(memory), 'informational', true),
      report(
        'login admission, shared, a stranger (one round trip), p50 / p99',
        latency(stranger),
        'p99 < 50 ms',
        percentile(stranger, 99) < 50,
      ),
      report(
        `login admission, shared, a known address: p50 / p99, database calls for ${SAMPLES} logins`,
        `${latency(known)}, ${knownCalls} calls`,
        'no call',
        knownCalls === 0,
      ),
      report(
        '200 concurrent wrong passwords from one address over two daemons: admitted to a check, database calls',
        `${admitted}, ${floodCalls} calls`,
        '20 admitted',
        admitted === 20,
      ),
      report(
        '10,000 attempts from a locked-out address over two daemons: database calls, attempts/s',
        `${lockedCalls} calls, ${fmt(lockedRate)}/s`,
        'at most one per daemon (the one that had not seen the lockout)',
        lockedCalls <= 2,
      ),
      report(
        '2,000 concurrent attempts from 2,000 addresses over two daemons: all answered in, busy (503)',
        `${fmt(distMs)} ms, ${busy} busy`,
        'informational',
        true,
      ),
      report(
        'a known user at the same time, on the daemon that had not seen them (asks once, past the cap)',
        `${fmt(knownDuring, 1)} ms`,
        'informational',
        true,
      ),
    );
  } finally {
    await server.close();
  }
  return lines;
}
